import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { athenaConnection, startHarness, TEST_SECRETS } from '../support/harness.js'
import { sleep } from '../support/wait.js'

// Issue 10 §5: the automation API's Basic password could be guessed without limit (30 wrong tries, no
// 429). Failed authentications are limited per client on every route that takes credentials.

const PREFIX = '/api/v1/openmetadata'
const USER = 'admin'
const PASSWORD = 'pipeline-client-password-7d1e'
const AUTOMATION = { prefix: PREFIX, username: USER, password: PASSWORD, reportedVersion: '1.9.4' }
const basic = (password: string) => `Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}`
const DEFAULT_LIMIT = loadConfig({}).authFailureLimit

t.test('configuration: AUTH_FAILURE_LIMIT (default 10) and MAX_CONCURRENT_TEST_CONNECTIONS (default 4)', async (t) => {
  t.match(loadConfig({}), { authFailureLimit: 10, maxConcurrentTestConnections: 4 })
  t.match(loadConfig({ AUTH_FAILURE_LIMIT: '0', MAX_CONCURRENT_TEST_CONNECTIONS: '0' }), { authFailureLimit: 0, maxConcurrentTestConnections: 0 })
  t.match(loadConfig({ AUTH_FAILURE_LIMIT: '3', MAX_CONCURRENT_TEST_CONNECTIONS: '2' }), { authFailureLimit: 3, maxConcurrentTestConnections: 2 })
  for (const [name, value] of [
    ['AUTH_FAILURE_LIMIT', '-1'],
    ['AUTH_FAILURE_LIMIT', 'ten'],
    ['MAX_CONCURRENT_TEST_CONNECTIONS', '1.5'],
  ] as const) {
    t.throws(() => loadConfig({ [name]: value }), { message: new RegExp(`^${name} must be an integer >= 0, got "${value}"`) }, `${name}=${value}`)
  }
})

t.test('Basic: 30 wrong passwords — 401 up to the limit, then 429 for that client, even with the right password', async (t) => {
  const h = await startHarness(t, { config: { automation: AUTOMATION, authFailureLimit: DEFAULT_LIMIT, rateLimitWindowMs: 60_000 } })
  const statuses: number[] = []
  for (let i = 0; i < 30; i++) {
    // Alternating routes: the budget is the client's, not a route's.
    const res =
      i % 2
        ? await h.app.inject({ method: 'GET', url: `${PREFIX}/health-auth`, headers: { authorization: basic(`guess-${i}`) } })
        : await h.app.inject({ method: 'POST', url: `${PREFIX}/run_automation`, payload: {}, headers: { authorization: basic(`guess-${i}`) } })
    statuses.push(res.statusCode)
    if (res.statusCode === 429) {
      t.ok(Number(res.headers['retry-after']) > 0, `try ${i + 1}: Retry-After`)
      t.match(res.json(), {
        statusCode: 429,
        error: 'Too Many Requests',
        message: new RegExp(`^Too many failed authentications: at most ${DEFAULT_LIMIT} per 60000 ms per client \\(AUTH_FAILURE_LIMIT\\); retry after \\d+ s$`),
      })
      t.notMatch(res.body, /guess-/)
    }
  }
  t.same(statuses, [...Array(DEFAULT_LIMIT).fill(401), ...Array(30 - DEFAULT_LIMIT).fill(429)])
  const right = await h.app.inject({ method: 'GET', url: `${PREFIX}/health-auth`, headers: { authorization: basic(PASSWORD) } })
  t.equal(right.statusCode, 429, 'the right password is refused too while the client is over its limit (no oracle)')
  const other = await h.app.inject({ method: 'GET', url: `${PREFIX}/health-auth`, remoteAddress: '10.9.8.7', headers: { authorization: basic(PASSWORD) } })
  t.equal(other.statusCode, 200, 'another client is not affected')
  t.equal((await h.app.inject({ method: 'GET', url: `${PREFIX}/health` })).statusCode, 200, 'the unauthenticated health probe stays open')
  t.equal(h.aws.count(), 0)
})

t.test('successful logins do not count; the budget comes back with the window', async (t) => {
  const h = await startHarness(t, { config: { automation: AUTOMATION, authFailureLimit: 2, rateLimitWindowMs: 400 } })
  const get = (password: string) => h.app.inject({ method: 'GET', url: `${PREFIX}/health-auth`, headers: { authorization: basic(password) } })
  for (let i = 0; i < 20; i++) if ((await get(PASSWORD)).statusCode !== 200) t.fail(`login ${i} refused`)
  t.same([(await get('a')).statusCode, (await get('b')).statusCode, (await get(PASSWORD)).statusCode], [401, 401, 429])
  await sleep(600)
  t.equal((await get(PASSWORD)).statusCode, 200, 'after the window the client may log in again')
})

t.test('bearer routes and unknown paths count failed tokens too; AUTH_FAILURE_LIMIT=0 switches it off', async (t) => {
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer], authFailureLimit: 4 } })
  const post = (url: string, token: string) => h.app.inject({ method: 'POST', url, payload: athenaConnection(h.aws), headers: { authorization: `Bearer ${token}` } })
  const statuses = [
    (await post('/v1/test-connection', 'wrong-1')).statusCode,
    (await post('/%76%31/test-connection', 'wrong-2')).statusCode,
    (await post('/no-such-route', 'wrong-3')).statusCode,
    (await post('/v1/ingest', 'wrong-4')).statusCode,
    (await post('/v1/test-connection', TEST_SECRETS.bearer)).statusCode,
  ]
  t.same(statuses, [401, 401, 401, 401, 429])
  t.equal(h.aws.count(), 0)

  const off = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer], authFailureLimit: 0 } })
  for (let i = 0; i < 30; i++) {
    const res = await off.app.inject({ method: 'POST', url: '/v1/test-connection', payload: {}, headers: { authorization: `Bearer wrong-${i}` } })
    if (res.statusCode !== 401) t.fail(`try ${i}: ${res.statusCode}`)
  }
  t.equal(
    (await off.app.inject({ method: 'POST', url: '/v1/test-connection', payload: {}, headers: { authorization: `Bearer ${TEST_SECRETS.bearer}` } })).statusCode,
    400,
    'AUTH_FAILURE_LIMIT=0: 30 failures, then the right token still works',
  )
})
