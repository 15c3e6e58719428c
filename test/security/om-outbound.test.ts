/**
 * Issue 10 §3, §4 (OpenMetadata half), §5: every connection to the OpenMetadata server a request names
 * (`/v1/ingest` with a workflowConfig sink, `run_automation`) goes only where the outbound guard allows,
 * never follows a redirect, reads a bounded answer, and names only the server's host in its messages.
 */
import t from 'tap'
import { automationWorkflow } from '../support/automation-workflow.js'
import { fakeDnsHost } from '../support/fake-dns.js'
import { buildApp } from '../../src/app.js'
import { parseAllowlist } from '../../src/security/endpoint-guard.js'
import { startFakeAws, type FakeAws } from '../support/aws-endpoint.js'
import { athenaConnection, startHarness } from '../support/harness.js'
import { answerServerCheck, flood, json, startHostileOm, startOutsider, type FloodStats } from '../support/hostile-om.js'
import { parseNdjson } from '../support/records.js'

const JWT = 'eyJhbGciOiJSUzI1NiJ9.hostile-test-bot-jwt.c2lnbmF0dXJl'
const SINK = { concurrency: 4, maxAttempts: 2, requestTimeoutMs: 3_000, retryBaseMs: 5, maxRetryDelayMs: 100, maxResponseBytes: 1024 * 1024 }
const AUTOMATION = { prefix: '/api/v1/openmetadata', username: 'admin', password: 'pipeline-password-3f9b', reportedVersion: '1.9.4' }
const BASIC = `Basic ${Buffer.from(`${AUTOMATION.username}:${AUTOMATION.password}`).toString('base64')}`

/** The app with ENDPOINT_ALLOWLIST=127.0.0.1 (the fake AWS endpoint and the hostile OM servers live there). */
function setup(t: Parameters<typeof startHarness>[0], config: Record<string, unknown> = {}) {
  return startHarness(t, {
    config: { endpointAllowlist: parseAllowlist('127.0.0.1'), openMetadataSink: SINK, automation: AUTOMATION, ...config },
  })
}

function ingestBody(aws: FakeAws, hostPort: string) {
  return {
    serviceName: 'athena_prod',
    serviceConnection: { config: athenaConnection(aws) },
    sourceConfig: { config: { type: 'DatabaseMetadata', schemaFilterPattern: { includes: ['^sales$'] } } },
    sink: { type: 'metadata-rest', config: {} },
    workflowConfig: { openMetadataServerConfig: { hostPort, authProvider: 'openmetadata', securityConfig: { jwtToken: JWT } } },
  }
}

function workflowBody(aws: FakeAws, hostPort: string) {
  return automationWorkflow({ connection: athenaConnection(aws), hostPort, jwt: JWT })
}

/** The longest run of `ch` in `text`: how much of a remote body made it into a message. */
const longestRun = (text: string, ch: string) => Math.max(0, ...(text.match(new RegExp(`${ch}+`, 'g')) ?? []).map((s) => s.length))

t.test('§3 a 302 from the OpenMetadata host is not followed: 502 naming only the redirect host; the other host gets nothing', async (t) => {
  const outsider = await startOutsider(t)
  const location = `http://localhost:${outsider.port}/steal/path?token=location-secret`
  const om = await startHostileOm(t, (_req, res) => {
    res.writeHead(302, { location, 'content-length': '0' })
    res.end()
  })
  const h = await setup(t)

  const ingest = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: ingestBody(h.aws, `${om.origin}/api`) })
  t.equal(ingest.statusCode, 502, ingest.body)
  const message: string = ingest.json().message
  t.match(message, new RegExp(`GET 127\\.0\\.0\\.1:${om.port}…/v1/system/version answered HTTP 302, a redirect to localhost:${outsider.port}`))
  t.match(message, /not followed/)
  t.notOk(/steal|location-secret|OUTSIDE/.test(message), `only the redirect's host is named: ${message}`)
  t.equal(h.aws.count(), 0, 'no AWS call either')

  const auto = await h.app.inject({ method: 'POST', url: `${AUTOMATION.prefix}/run_automation`, headers: { authorization: BASIC }, payload: workflowBody(h.aws, `${om.origin}/api`) })
  t.equal(auto.statusCode, 502, auto.body)
  t.match(auto.json().message, new RegExp(`answered HTTP 302, a redirect to localhost:${outsider.port}`))
  t.notOk(/steal|location-secret|OUTSIDE/.test(auto.json().message))

  t.ok(om.requests.length >= 2, 'the OpenMetadata host was asked')
  t.equal(outsider.requests.length, 0, 'the host outside the allowlist received nothing')
})

t.test('§3 a 307 on writes (PUT, PATCH) is not followed: no body reaches the other host, each failure names only the redirect host', async (t) => {
  const outsider = await startOutsider(t)
  const om = await startHostileOm(t, (req, res) => {
    if (answerServerCheck(req, res)) return
    // run_automation reads its workflow before it runs: the server knows it (the posted id is kept).
    if (req.method === 'GET' && (req.url ?? '').includes('/automations/workflows/name/')) return json(res, 200, { name: 'known' })
    if (req.method === 'GET') return json(res, 404, { code: 404, message: 'not found' })
    res.writeHead(307, { location: `http://localhost:${outsider.port}/collect`, 'content-length': '0' })
    res.end()
  })
  const h = await setup(t)

  const ingest = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: ingestBody(h.aws, `${om.origin}/api`) })
  t.equal(ingest.statusCode, 200, ingest.body.slice(0, 300))
  const records = parseNdjson(ingest.body)
  const service = records.find((r) => r.kind === 'databaseService') as unknown as { sink: { status: string; error: string } }
  t.equal(service.sink.status, 'failed')
  t.match(service.sink.error, new RegExp(`PUT 127\\.0\\.0\\.1:${om.port}…/v1/services/databaseServices answered HTTP 307, a redirect to localhost:${outsider.port}`))
  t.notOk(/collect|OUTSIDE/.test(service.sink.error))
  t.ok(
    om.requests.some((r) => r.method === 'PUT'),
    'the writes went to the OpenMetadata host',
  )

  const wf = workflowBody(h.aws, `${om.origin}/api`)
  const auto = await h.app.inject({ method: 'POST', url: `${AUTOMATION.prefix}/run_automation`, headers: { authorization: BASIC }, payload: wf })
  // A result that cannot be stored is an error the server shows (issue 11 §3), naming only the redirect's host.
  t.equal(auto.statusCode, 502, auto.body)
  t.ok(
    om.requests.some((r) => r.method === 'PATCH'),
    'the step results were PATCHed to the OpenMetadata host',
  )
  t.match(auto.json().message, new RegExp(`PATCH .*/v1/automations/workflows/${wf.id}.*answered HTTP 307, a redirect to localhost:${outsider.port}`))
  t.notOk(/collect|OUTSIDE/.test(auto.json().message))

  t.equal(outsider.requests.length, 0, 'no PUT or PATCH body reached the host outside the allowlist')
})

t.test('§3 DNS rebinding: a hostPort name re-resolved to a metadata address at connect time is refused by the outbound guard', async (t) => {
  // Every answer closes its connection, so each call connects (and resolves) anew.
  const om = await startHostileOm(t, (req, res) => {
    if (!answerServerCheck(req, res, { connection: 'close' })) json(res, 404, { code: 404, message: 'not found' }, { connection: 'close' })
  })
  const aws = await startFakeAws()
  t.teardown(() => aws.close())
  const answers: string[] = []
  fakeDnsHost(t, 'rebind.om.test', () => {
    // Until the OpenMetadata host has been reached: its address; from then on: the instance-metadata address.
    const address = om.requests.length === 0 ? '127.0.0.1' : '169.254.169.254'
    answers.push(address)
    return address
  })
  const app = await buildApp({
    logStream: false,
    // The request-time check is told the harmless address.
    resolve: async () => ['127.0.0.1'],
    config: { rateLimitMax: 0, maxEventLoopDelayMs: 0, endpointAllowlist: parseAllowlist('127.0.0.1,rebind.om.test'), openMetadataSink: { ...SINK, maxAttempts: 1, requestTimeoutMs: 1_500 } },
  })
  t.teardown(() => app.close())

  const res = await app.inject({ method: 'POST', url: '/v1/ingest', payload: ingestBody(aws, `http://rebind.om.test:${om.port}/api`) })
  t.equal(res.statusCode, 502, res.body)
  t.match(res.json().message, /refused by the service's outbound guard: rebind\.om\.test resolves to 169\.254\.169\.254/)
  t.equal(answers.at(-1), '169.254.169.254', 'the next connection resolved the name again, and was refused')
  t.same(
    om.requests.map((r) => r.url),
    ['/api/v1/system/version'],
    'only the call made before the rebinding arrived',
  )
  t.equal(aws.count(), 0)
})

t.test('§4 a huge answer and a never-ending answer: a clean 502 naming the operation; the service stops reading', async (t) => {
  const MiB = 1024 * 1024
  const floods: FloodStats[] = []
  const hugeVersion = await startHostileOm(t, (req, res) => {
    if (req.url?.endsWith('/v1/system/version')) floods.push(flood(res, { declared: 64 * MiB, safetyBytes: 64 * MiB }))
  })
  const endless = await startHostileOm(t, (req, res) => {
    if (req.url?.endsWith('/v1/system/version')) answerServerCheck(req, res)
    else floods.push(flood(res, { safetyBytes: 32 * MiB }))
  })
  const h = await setup(t)

  const huge = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: ingestBody(h.aws, `${hugeVersion.origin}/api`) })
  t.equal(huge.statusCode, 502, huge.body.slice(0, 300))
  t.match(huge.json().message, new RegExp(`GET 127\\.0\\.0\\.1:${hugeVersion.port}…/v1/system/version answered more than 1048576 bytes \\(OM_MAX_RESPONSE_BYTES\\)`))

  const never = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: ingestBody(h.aws, `${endless.origin}/api`) })
  t.equal(never.statusCode, 502, never.body.slice(0, 300))
  t.match(never.json().message, new RegExp(`GET 127\\.0\\.0\\.1:${endless.port}…/v1/users/loggedInUser answered more than 1048576 bytes \\(OM_MAX_RESPONSE_BYTES\\)`))

  await Promise.all(floods.map((f) => f.done))
  t.equal(floods.length, 2, 'one answer each, not retried')
  for (const f of floods) {
    t.notOk(f.finished, 'the service closed the connection before the answer was over')
    t.ok(f.written < 16 * MiB, `the server could hand over only ${f.written} bytes before the service stopped reading`)
  }
  t.equal(h.aws.count(), 0)
})

t.test('§3 a 500 (or 401) with a 10 kB body: at most 200 characters of it are echoed', async (t) => {
  const om = await startHostileOm(t, (req, res) => {
    const url = req.url ?? ''
    if (url.endsWith('/v1/system/version')) return answerServerCheck(req, res)
    if (url.includes('/text/')) {
      res.writeHead(req.method === 'GET' && url.includes('automations') ? 401 : 500, { 'content-type': 'text/plain' })
      return res.end('Z'.repeat(10_000))
    }
    json(res, url.includes('automations') ? 401 : 500, { code: 500, message: 'Y'.repeat(10_000) })
  })
  const h = await setup(t)
  for (const [base, ch] of [
    [`${om.origin}/text/api`, 'Z'],
    [`${om.origin}/json/api`, 'Y'],
  ] as const) {
    const ingest = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: ingestBody(h.aws, base) })
    t.equal(ingest.statusCode, 502)
    t.match(ingest.json().message, /answered HTTP 500 to an authenticated call/)
    const echoedIngest = longestRun(ingest.json().message, ch)
    t.ok(echoedIngest > 0 && echoedIngest <= 200, `ingest echoes ${echoedIngest} characters of the body`)

    const auto = await h.app.inject({ method: 'POST', url: `${AUTOMATION.prefix}/run_automation`, headers: { authorization: BASIC }, payload: workflowBody(h.aws, base) })
    t.equal(auto.statusCode, 502)
    // run_automation checks the server first, as the ingest does: the same authenticated call fails the same way.
    t.match(auto.json().message, /answered HTTP 500 to an authenticated call/)
    const echoedAuto = longestRun(auto.json().message, ch)
    t.ok(echoedAuto > 0 && echoedAuto <= 200, `run_automation echoes ${echoedAuto} characters of the body`)
  }
})

t.test('§5 a hostPort with a path or a query: every message names the host only', async (t) => {
  const PATH_SECRET = 'path-secret-7c1d'
  const om = await startHostileOm(t, (req, res) => json(res, 404, { code: 404, message: 'HTTP 404 Not Found' }))
  const h = await setup(t)
  // run_automation checks the server before it runs, as the ingest does: the same failures, the same host-only messages.
  const cases = [
    { hostPort: `http://127.0.0.1:9/${PATH_SECRET}/api`, ingest: 502, auto: 502, message: /not reachable/, host: '127.0.0.1:9' },
    { hostPort: `${om.origin}/${PATH_SECRET}/api`, ingest: 502, auto: 502, message: /answered HTTP 404/, host: `127.0.0.1:${om.port}` },
    { hostPort: `${om.origin}/api?token=query-secret-19af`, ingest: 400, auto: 400, message: /hostPort must not have a query or fragment/ },
  ]
  for (const c of cases) {
    const ingest = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: ingestBody(h.aws, c.hostPort) })
    const auto = await h.app.inject({ method: 'POST', url: `${AUTOMATION.prefix}/run_automation`, headers: { authorization: BASIC }, payload: workflowBody(h.aws, c.hostPort) })
    for (const [route, res, status] of [
      ['ingest', ingest, c.ingest],
      ['run_automation', auto, c.auto],
    ] as const) {
      const message: string = res.json().message
      t.equal(res.statusCode, status, `${route} ${c.hostPort}: ${message}`)
      if (status === 200) continue
      t.match(message, c.message, route)
      if (c.host) t.ok(message.includes(c.host), `${route} names the host ${c.host}: ${message}`)
      t.notOk(message.includes(PATH_SECRET) || message.includes('query-secret'), `${route}: no path or query in ${message}`)
    }
  }
  t.notOk(h.logs().includes(PATH_SECRET), 'nor in the log')
})
