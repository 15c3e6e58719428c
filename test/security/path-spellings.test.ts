import { connect, type AddressInfo, type Socket } from 'node:net'
import t, { type Test } from 'tap'
import { athenaConnection, startHarness, TEST_SECRETS, type Harness } from '../support/harness.js'
import { validateOm } from '../support/om-spec.js'
import { pathSpellings, type Spelling } from '../support/path-spellings.js'
import { validateTestConnectionResult } from '../support/test-connection-spec.js'
import { rawRequest, type RawResponse } from '../support/raw-http.js'
import { invalidRecords, parseNdjson } from '../support/records.js'
import { sleep, until } from '../support/wait.js'
import { invalidQueryLogRecords, parseNdjson as parseQueryLog } from '../querylog/support.js'

// Issue 10 §1: a policy decided on the raw request target let `/%761/test-connection`,
// `POST http://anything/v1/ingest` … reach the handlers with no token. Over a real listening server (the
// HTTP parser, not inject, turns an absolute-form target into request.url), every spelling of every /v1
// route must pass authentication, the rate limit and `cache-control: no-store`.

const BEARER = `Bearer ${TEST_SECRETS.bearer}`

interface RouteCase {
  /** A body the handler answers 200 to (against the test AWS endpoint). */
  valid: (h: Harness) => unknown
  /** The property validation names for an empty body. */
  requiredField: string
  /** Checks a 200 answer is the handler's real answer, valid against OpenMetadata's schemas. */
  check: (t: Tap, res: RawResponse) => void
}
type Tap = Test

const source = (h: Harness) => ({ serviceName: 'svc', serviceConnection: { config: athenaConnection(h.aws) } })

const V1_ROUTES: Record<string, RouteCase> = {
  '/v1/test-connection': {
    valid: (h) => athenaConnection(h.aws),
    requiredField: 'awsConfig',
    check: (t, res) => {
      // /v1/test-connection answers in the current upstream shape (test/support/test-connection-spec.ts).
      const v = validateTestConnectionResult('current', JSON.parse(res.body))
      t.ok(v.valid, `a TestConnectionResult ${v.errors}`)
      t.equal(JSON.parse(res.body).status, 'Successful')
    },
  },
  '/v1/databases': {
    valid: source,
    requiredField: 'serviceConnection',
    check: (t, res) => {
      const answer = JSON.parse(res.body)
      const v = validateOm('api/services/createDatabaseService.json', answer.databaseService)
      t.ok(v.valid, `a CreateDatabaseServiceRequest ${v.errors}`)
      t.ok(answer.databaseSchemas.length > 0, 'the schemas of the sample catalog')
    },
  },
  '/v1/ingest': {
    valid: source,
    requiredField: 'serviceConnection',
    check: (t, res) => {
      const records = parseNdjson(res.body)
      t.same(invalidRecords(records), [], 'every record valid against its OpenMetadata schema')
      t.ok(
        records.some((r) => r.kind === 'table'),
        'tables were ingested',
      )
      t.equal(records.at(-1)?.kind, 'status')
    },
  },
  '/v1/query-log': {
    valid: (h) => ({ serviceName: 'athena_prod', serviceConnection: { config: athenaConnection(h.aws) } }),
    requiredField: 'serviceName',
    check: (t, res) => {
      const records = parseQueryLog(res.body)
      t.same(invalidQueryLogRecords(records), [], 'every record valid against its OpenMetadata schema')
      t.equal(records.at(-1)?.kind, 'status')
    },
  },
}

/** The spellings the issue names, answered by the handler for real (200) when the token is given. */
const FULL_RUN = new Set(['first character percent-encoded', 'absolute form, foreign host', 'absolute form, upper-case scheme, encoded path'])

async function listening(h: Harness): Promise<number> {
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  return (h.app.server.address() as AddressInfo).port
}

const pathOf = (target: string) => target.split('?')[0]!.replace(/^[a-z]+:\/\/[^/]*/i, '')

t.test('the test covers every /v1 route the service documents', async (t) => {
  const h = await startHarness(t)
  await h.app.ready()
  const documented = Object.keys((h.app.swagger() as { paths: Record<string, unknown> }).paths).filter((p) => p.startsWith('/v1/'))
  t.same(documented.sort(), Object.keys(V1_ROUTES).sort(), 'add a case to V1_ROUTES for a new /v1 route')
})

t.test('every spelling of every /v1 route: 401 without the token, the handler (or 404) with it; no-store on all', async (t) => {
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer] } })
  const port = await listening(h)
  for (const [route, c] of Object.entries(V1_ROUTES)) {
    const spellings = pathSpellings(route, port)
    t.ok(spellings.filter((s) => s.reaches).length >= 15 && spellings.length >= 25, `${route}: ${spellings.length} spellings`)
    for (const s of spellings) {
      const what = `${route} as ${s.label}: POST ${s.target}`
      // A body the handler would answer 200 to: a bypass shows as a 200 and as AWS calls.
      const callsBefore = h.aws.count()
      for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${Buffer.from('a:b').toString('base64')}`]) {
        const denied = await rawRequest(port, { method: 'POST', target: s.target, json: c.valid(h), ...(authorization ? { headers: { authorization } } : {}) })
        t.equal(denied.status, 401, `${what}, authorization ${authorization ?? 'none'}: 401`)
        t.match(JSON.parse(denied.body), { statusCode: 401, message: 'Missing or invalid bearer token' }, what)
        t.equal(denied.headers['www-authenticate'], 'Bearer', what)
        t.equal(denied.headers['cache-control'], 'no-store', `${what}: no-store on the 401`)
      }
      t.equal(h.aws.count(), callsBefore, `${what}: no AWS call without the token`)

      const full = s.reaches && FULL_RUN.has(s.label)
      const res = await rawRequest(port, { method: 'POST', target: s.target, json: full ? c.valid(h) : {}, headers: { authorization: BEARER } })
      t.equal(res.headers['cache-control'], 'no-store', `${what}: no-store`)
      if (!s.reaches) {
        t.equal(res.status, 404, `${what}: an unknown path, 404 with the token`)
        const message = JSON.parse(res.body).message as string
        t.equal(message, `Route POST ${pathOf(s.target)} not found`, `${what}: the 404 names the path, without the query`)
      } else if (full) {
        t.equal(res.status, 200, `${what}: the handler's answer`)
        c.check(t, res)
      } else {
        t.equal(res.status, 400, `${what}: reached validation`)
        t.match(JSON.parse(res.body).message, new RegExp(`^body must have required property '${c.requiredField}'`), what)
      }
    }
  }
})

t.test('the rate limit counts every spelling of a /v1 route, known or not', async (t) => {
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer], rateLimitMax: 1, trustProxy: true } })
  const port = await listening(h)
  let client = 0
  for (const route of Object.keys(V1_ROUTES)) {
    for (const s of pathSpellings(route, port)) {
      // Each spelling from its own client address: its first request passes, its second is limited.
      const headers = { authorization: BEARER, 'x-forwarded-for': `10.1.${client >> 8}.${client++ & 255}` }
      const first = await rawRequest(port, { method: 'POST', target: s.target, json: {}, headers })
      t.equal(first.status, s.reaches ? 400 : 404, `${route} as ${s.label}: first request`)
      const second = await rawRequest(port, { method: 'POST', target: s.target, json: {}, headers })
      t.equal(second.status, 429, `${route} as ${s.label}: second request rate limited`)
      t.ok(Number(second.headers['retry-after']) > 0, 'Retry-After')
      t.equal(second.headers['cache-control'], 'no-store')
    }
  }
  t.equal(h.aws.count(), 0)
})

const PREFIX = '/api/v1/openmetadata'
const USER = 'admin'
const PASSWORD = 'pipeline-client-password-7d1e'
const basic = (password = PASSWORD) => `Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}`
const AUTOMATION = { prefix: PREFIX, username: USER, password: PASSWORD, reportedVersion: '1.9.4' }

t.test('every spelling of the Basic-auth automation routes: 401 without the password, the handler (or 404) with it', async (t) => {
  const h = await startHarness(t, { config: { automation: AUTOMATION, authFailureLimit: 0 } })
  const port = await listening(h)
  const missing =
    (field: string, where = 'body') =>
    (t: Tap, res: RawResponse, what: string) =>
      t.match(JSON.parse(res.body).message, new RegExp(`^${where} must have required property '${field}'`), what)
  const cases: Array<{ method: string; route: string; json?: unknown; status?: number; expect: (t: Tap, res: RawResponse, what: string) => void }> = [
    { method: 'GET', route: `${PREFIX}/health-auth`, expect: (t, res, what) => t.same(JSON.parse(res.body), { status: 'healthy', version: '1.9.4' }, what) },
    // The deployed-pipeline routes: reached with the password, each answers its own validation (nothing is deployed).
    { method: 'POST', route: `${PREFIX}/deploy`, json: {}, expect: missing('name') },
    ...['trigger', 'enable', 'disable', 'kill'].map((r) => ({ method: 'POST', route: `${PREFIX}/${r}`, json: {}, expect: missing('dag_id') })),
    ...['status', 'last_dag_logs'].map((r) => ({ method: 'GET', route: `${PREFIX}/${r}`, status: 400, expect: missing('dag_id', 'querystring') })),
    { method: 'DELETE', route: `${PREFIX}/delete`, status: 400, expect: missing('dag_id', 'querystring') },
    { method: 'GET', route: `${PREFIX}/ip`, expect: (t, res, what) => t.same(JSON.parse(res.body), { ip: 'unknown' }, what) },
    { method: 'HEAD', route: `${PREFIX}/health-auth`, expect: (t, res, what) => t.equal(res.body, '', what) },
    {
      method: 'POST',
      route: `${PREFIX}/run_automation`,
      json: {},
      expect: (t, res, what) => t.match(JSON.parse(res.body).message, /^body must have required property '\w+'/, what),
    },
  ]
  for (const c of cases) {
    const spellings: Spelling[] = pathSpellings(c.route, port)
    for (const s of spellings) {
      const what = `${c.method} ${s.target} (${s.label})`
      for (const authorization of [undefined, basic('wrong'), BEARER]) {
        const denied = await rawRequest(port, { method: c.method, target: s.target, ...(c.json ? { json: c.json } : {}), ...(authorization ? { headers: { authorization } } : {}) })
        t.equal(denied.status, s.reaches ? 401 : 404, `${what}, authorization ${authorization?.split(' ')[0] ?? 'none'}`)
        if (s.reaches) t.match(denied.headers['www-authenticate'], /^Basic /, what)
        t.equal(denied.headers['cache-control'], 'no-store', `${what}: no-store`)
      }
      const res = await rawRequest(port, { method: c.method, target: s.target, ...(c.json ? { json: c.json } : {}), headers: { authorization: basic() } })
      t.equal(res.headers['cache-control'], 'no-store', `${what}: no-store`)
      if (!s.reaches) {
        t.equal(res.status, 404, `${what}: unknown path`)
        continue
      }
      t.equal(res.status, c.status ?? (c.method === 'POST' ? 400 : 200), what)
      c.expect(t, res, what)
    }
  }
  t.equal(h.aws.count(), 0)
})

t.test('load shedding applies to every spelling of a /v1 route; /health is exempt by its route, whatever the spelling', async (t) => {
  // A heap "limit" of 1 byte: under pressure from the first sample on.
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer], maxHeapUsedBytes: 1, loadSampleIntervalMs: 50, retryAfterSeconds: 7 } })
  const port = await listening(h)
  await sleep(200) // a few samples
  for (const route of Object.keys(V1_ROUTES)) {
    for (const s of pathSpellings(route, port)) {
      const res = await rawRequest(port, { method: 'POST', target: s.target, json: {}, headers: { authorization: BEARER } })
      t.equal(res.status, 503, `${route} as ${s.label}: shed`)
      t.equal(res.headers['retry-after'], '7')
    }
  }
  for (const s of pathSpellings('/health', port)) {
    const res = await rawRequest(port, { method: 'GET', target: s.target })
    // An unknown spelling matches no route: it gets the strictest policy, shedding included.
    t.equal(res.status, s.reaches ? 200 : 503, `GET ${s.target} (${s.label})`)
    if (s.reaches) t.match(JSON.parse(res.body), { status: 'healthy' })
  }
  t.equal(h.aws.count(), 0)
})

t.test('the concurrency gates hold for every spelling that reaches a gated route', async (t) => {
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer], maxConcurrentIngests: 1, maxConcurrentTestConnections: 1 } })
  const port = await listening(h)
  // A request whose body never arrives holds its slot (taken before the body is read) until its socket closes.
  const holders = [await holdSlot(port, '/v1/ingest'), await holdSlot(port, '/v1/test-connection')]
  await until(() => h.app.ingestGate.inUse === 1 && h.app.testConnectionGate.inUse === 1, 'both slots to be held')
  for (const route of Object.keys(V1_ROUTES)) {
    const variable = route === '/v1/test-connection' ? 'MAX_CONCURRENT_TEST_CONNECTIONS' : 'MAX_CONCURRENT_INGESTS'
    for (const s of pathSpellings(route, port).filter((x) => x.reaches)) {
      const res = await rawRequest(port, { method: 'POST', target: s.target, json: V1_ROUTES[route]!.valid(h), headers: { authorization: BEARER } })
      t.equal(res.status, 503, `${route} as ${s.label}: gated`)
      t.match(JSON.parse(res.body).message, new RegExp(`\\(${variable}\\); retry after`), `${route} as ${s.label}`)
    }
  }
  for (const socket of holders) socket.destroy()
  await until(() => h.app.ingestGate.inUse === 0 && h.app.testConnectionGate.inUse === 0, 'the slots to come back')
  t.equal(h.aws.count(), 0)
})

async function holdSlot(port: number, target: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.on('error', () => {})
  socket.write(`POST ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: ${BEARER}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"serviceName":`)
  return socket
}
