import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { startFakeOm, type FakeOm } from '../support/fake-om.js'
import { athenaConnection, startHarness, type Harness } from '../support/harness.js'
import { until } from '../support/wait.js'

// Issue 10 §5: /v1/test-connection and run_automation start paid Athena queries; at most
// MAX_CONCURRENT_TEST_CONNECTIONS of them run at once (one gate for both), past it 503 + Retry-After.

const PREFIX = '/api/v1/openmetadata'
const AUTOMATION = { prefix: PREFIX, username: 'admin', password: 'pipeline-client-password-7d1e', reportedVersion: '1.9.4' }
const BASIC = `Basic ${Buffer.from(`${AUTOMATION.username}:${AUTOMATION.password}`).toString('base64')}`
const SINK = { concurrency: 4, maxAttempts: 3, requestTimeoutMs: 5_000, retryBaseMs: 5, maxRetryDelayMs: 1_000 }
const FULL = /^Too many test connections running: at most 1 test connections \(POST \/v1\/test-connection and run_automation\) run at once \(MAX_CONCURRENT_TEST_CONNECTIONS\); retry after 5 s$/

/** A TEST_CONNECTION workflow as OpenMetadata's server posts it, registered with the fake server. */
function workflow(h: Harness, om: FakeOm) {
  const wf = {
    id: randomUUID(),
    name: `test-connection-Athena-${randomUUID().slice(0, 8)}`,
    workflowType: 'TEST_CONNECTION',
    request: { connection: { config: athenaConnection(h.aws) }, serviceType: 'Database', connectionType: 'Athena' },
    openMetadataServerConnection: { type: 'OpenMetadata', hostPort: om.url, authProvider: 'openmetadata', securityConfig: { jwtToken: om.token } },
  }
  om.addWorkflow(wf)
  return wf
}

async function setup(t: Test) {
  const h = await startHarness(t, { latencyMs: 150, config: { maxConcurrentTestConnections: 1, retryAfterSeconds: 5, automation: AUTOMATION, openMetadataSink: SINK } })
  const om = await startFakeOm(t)
  const runAutomation = () => h.app.inject({ method: 'POST', url: `${PREFIX}/run_automation`, payload: workflow(h, om), headers: { authorization: BASIC } })
  const testConnection = () => h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: athenaConnection(h.aws) })
  return { h, om, runAutomation, testConnection }
}

t.test('a running /v1/test-connection holds the one slot: test connections and run_automation get 503 + Retry-After', async (t) => {
  const { h, runAutomation, testConnection } = await setup(t)
  const first = testConnection()
  await until(() => h.app.testConnectionGate.inUse === 1, 'the first test connection to hold its slot')
  for (const [name, res] of [
    ['test-connection', await testConnection()],
    ['run_automation', await runAutomation()],
  ] as const) {
    t.equal(res.statusCode, 503, name)
    t.equal(res.headers['retry-after'], '5', name)
    t.match(res.json(), { statusCode: 503, error: 'Service Unavailable', message: FULL }, name)
  }
  const listing = await h.app.inject({ method: 'POST', url: '/v1/databases', payload: { serviceName: 's', serviceConnection: { config: athenaConnection(h.aws) } } })
  t.equal(listing.statusCode, 200, 'ingests and listings have their own gate')
  const done = await first
  t.equal(done.statusCode, 200, 'the running test connection completes')
  t.equal(done.json().status, 'Successful')
  t.equal(h.app.testConnectionGate.inUse, 0, 'its slot is released')
  t.equal((await testConnection()).statusCode, 200, 'the next one runs')
})

t.test('a running run_automation holds the slot too; refused and invalid requests give theirs back', async (t) => {
  const { h, om, runAutomation, testConnection } = await setup(t)
  const first = runAutomation()
  await until(() => h.app.testConnectionGate.inUse === 1, 'run_automation to hold its slot')
  const refused = await testConnection()
  t.equal(refused.statusCode, 503)
  t.match(refused.json().message, FULL)
  const done = await first
  t.equal(done.statusCode, 200, done.body)
  t.equal(om.patches.at(-1)?.body[0].value.status, 'Successful', 'the automation ran to its end')
  t.equal(h.app.testConnectionGate.inUse, 0)

  for (let i = 0; i < 3; i++) {
    const bad = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: {} })
    t.equal(bad.statusCode, 400)
    t.match(bad.json().message, /awsConfig/)
  }
  const denied = await h.app.inject({ method: 'POST', url: `${PREFIX}/run_automation`, payload: {}, headers: { authorization: 'Basic d3Jvbmc6d3Jvbmc=' } })
  t.equal(denied.statusCode, 401, 'credentials are checked before a slot is taken')
  t.equal(h.app.testConnectionGate.inUse, 0, 'no slot kept')
  t.equal((await testConnection()).statusCode, 200)
})

t.test('MAX_CONCURRENT_TEST_CONNECTIONS=0: no limit', async (t) => {
  const h = await startHarness(t, { latencyMs: 50, config: { maxConcurrentTestConnections: 0 } })
  const answers = await Promise.all(Array.from({ length: 6 }, () => h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: athenaConnection(h.aws) })))
  t.same(
    answers.map((r) => r.statusCode),
    [200, 200, 200, 200, 200, 200],
  )
})
