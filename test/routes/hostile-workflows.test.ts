// The hostile corpus against the automation route (run_automation, Basic auth) and /v1/ingest's sink +
// workflowConfig: only 4xx answers that say what is wrong — no 5xx, no secret, no call to AWS or OpenMetadata
// writes. A lone surrogate in a string that goes into a URL (the workflow name) used to be a 500.
import t, { type Test } from 'tap'
import { FAKE_OM_TOKEN, startFakeOm } from '../support/fake-om.js'
import { startHarness, TEST_SECRETS } from '../support/harness.js'
import { automationCorpus, automationWorkflow, sinkCorpus, type WorkflowCase } from '../support/hostile-workflows.js'

const PREFIX = '/api/v1/openmetadata'
const AUTOMATION = { prefix: PREFIX, username: 'admin', password: 'pipeline-client-password-7d1e', reportedVersion: '1.9.4' }
const SINK = { concurrency: 4, maxAttempts: 1, requestTimeoutMs: 2_000, retryBaseMs: 5, maxRetryDelayMs: 100 }
const BASIC = `Basic ${Buffer.from(`${AUTOMATION.username}:${AUTOMATION.password}`).toString('base64')}`
const SECRETS = [...Object.values(TEST_SECRETS), AUTOMATION.password, FAKE_OM_TOKEN]

async function setup(t: Parameters<typeof startHarness>[0]) {
  const h = await startHarness(t, { config: { automation: AUTOMATION, openMetadataSink: SINK } })
  const om = await startFakeOm(t)
  return { h, om }
}

async function runCorpus(t: Test, h: Awaited<ReturnType<typeof startHarness>>, url: string, corpus: WorkflowCase[], headers: Record<string, string>) {
  const problems: string[] = []
  const statuses: Record<number, number> = {}
  for (const c of corpus) {
    const res = await h.app.inject({ method: 'POST', url, payload: c.payload, headers: { 'content-type': 'application/json', ...headers } })
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
    let message = ''
    try {
      const m = res.json<{ message?: unknown }>().message
      message = typeof m === 'string' ? m : (JSON.stringify(m) ?? '')
    } catch {
      problems.push(`${c.name}: the answer is not JSON: ${res.body.slice(0, 200)}`)
    }
    if (res.statusCode < 400 || res.statusCode >= 500) problems.push(`${c.name}: status ${res.statusCode}: ${res.body.slice(0, 300)}`)
    if (c.status !== undefined && res.statusCode !== c.status) problems.push(`${c.name}: status ${res.statusCode}, expected ${c.status}`)
    if (!c.mentions.test(message)) problems.push(`${c.name}: the message does not name the field (${c.mentions}): ${message.slice(0, 300)}`)
    const leaked = SECRETS.filter((s) => (res.body + JSON.stringify(res.headers)).includes(s))
    if (leaked.length > 0) problems.push(`${c.name}: the answer echoes a secret`)
  }
  t.same(problems, [], `every hostile body got a 4xx naming the problem (${JSON.stringify(statuses)})`)
  t.same(
    SECRETS.filter((s) => h.logs().includes(s)),
    [],
    'no secret in the log',
  )
  t.equal(h.aws.count(), 0, 'no hostile body reached AWS')
}

t.test('a lone surrogate in the workflow name is a 400 naming body/name, not a 500', async (t) => {
  const { h, om } = await setup(t)
  for (const name of ['\ud800', 'test-connection-\udfff', 'x\ud83d']) {
    const res = await h.app.inject({ method: 'POST', url: `${PREFIX}/run_automation`, payload: { ...automationWorkflow(h.aws.url, om.url, om.token), name }, headers: { authorization: BASIC } })
    t.equal(res.statusCode, 400, res.body)
    t.match(res.json().message, /^body\/name is not well-formed Unicode/)
  }
  t.equal(om.requests.length, 0, 'nothing was sent to OpenMetadata')
})

t.test('the hostile corpus against run_automation: only 4xx, no secret, nothing reaches AWS', async (t) => {
  const { h, om } = await setup(t)
  const corpus = automationCorpus(h.aws.url, om.url, om.token)
  t.ok(corpus.length >= 100, `${corpus.length} bodies`)
  t.equal(new Set(corpus.map((c) => c.name)).size, corpus.length, 'every case has its own name')
  await runCorpus(t, h, `${PREFIX}/run_automation`, corpus, { authorization: BASIC })
  t.equal(om.patches.length, 0, 'no workflow was PATCHed: nothing ran')
  const noAuth = await h.app.inject({ method: 'POST', url: `${PREFIX}/run_automation`, payload: corpus[0]!.payload, headers: { 'content-type': 'application/json' } })
  t.equal(noAuth.statusCode, 401, 'without Basic credentials the corpus is not even read')
})

t.test("the hostile corpus against /v1/ingest's sink and workflowConfig: only 4xx, no secret, nothing reaches AWS or OpenMetadata", async (t) => {
  const { h, om } = await setup(t)
  const corpus = sinkCorpus(h.aws.url, om.url, om.token)
  t.ok(corpus.length >= 50, `${corpus.length} bodies`)
  t.equal(new Set(corpus.map((c) => c.name)).size, corpus.length, 'every case has its own name')
  await runCorpus(t, h, '/v1/ingest', corpus, {})
  t.equal(om.requests.filter((r) => r.method !== 'GET').length, 0, 'nothing was written to OpenMetadata')
})
