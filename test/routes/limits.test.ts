import { request as httpRequest } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { athenaConnection, startHarness, TEST_SECRETS } from '../support/harness.js'
import { sleep, until } from '../support/wait.js'

type H = Awaited<ReturnType<typeof startHarness>>

const source = (h: H) => ({ serviceName: 'svc', serviceConnection: { config: athenaConnection(h.aws) } })

t.test('configuration: defaults, env names and validation', async (t) => {
  const c = loadConfig({})
  t.match(c, {
    bodyLimitBytes: 1_048_576,
    rateLimitMax: 120,
    rateLimitWindowMs: 60_000,
    maxConcurrentIngests: 4,
    requestTimeoutMs: 30_000,
    connectionTimeoutMs: 300_000,
    maxEventLoopDelayMs: 1_000,
    maxEventLoopUtilization: 0,
    maxHeapUsedBytes: 0,
    maxRssBytes: 0,
    retryAfterSeconds: 10,
    shutdownGraceMs: 10_000,
    trustProxy: false,
    endpointAllowlist: [],
  })
  const e = loadConfig({
    BODY_LIMIT_BYTES: '2048',
    RATE_LIMIT_MAX: '0',
    RATE_LIMIT_WINDOW_MS: '1000',
    MAX_CONCURRENT_INGESTS: '2',
    REQUEST_TIMEOUT_MS: '5000',
    CONNECTION_TIMEOUT_MS: '6000',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_EVENT_LOOP_UTILIZATION: '0.95',
    MAX_HEAP_USED_BYTES: '1000000',
    MAX_RSS_BYTES: '2000000',
    RETRY_AFTER_SECONDS: '3',
    SHUTDOWN_GRACE_MS: '2500',
    TRUST_PROXY: '1',
    ENDPOINT_ALLOWLIST: '*.amazonaws.com,localhost',
    AUTH_TOKEN: ' a-token , b-token ,',
  })
  t.match(e, {
    bodyLimitBytes: 2048,
    rateLimitMax: 0,
    rateLimitWindowMs: 1000,
    maxConcurrentIngests: 2,
    requestTimeoutMs: 5000,
    connectionTimeoutMs: 6000,
    maxEventLoopDelayMs: 0,
    maxEventLoopUtilization: 0.95,
    maxHeapUsedBytes: 1_000_000,
    maxRssBytes: 2_000_000,
    retryAfterSeconds: 3,
    shutdownGraceMs: 2500,
    trustProxy: 1,
    authTokens: ['a-token', 'b-token'],
  })
  t.same(e.endpointAllowlist, [
    { kind: 'suffix', suffix: 'amazonaws.com' },
    { kind: 'exact', host: 'localhost' },
  ])
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, '10.0.0.0/8, 127.0.0.1')
  for (const [name, value] of [
    ['BODY_LIMIT_BYTES', '0'],
    ['BODY_LIMIT_BYTES', '1mb'],
    ['RATE_LIMIT_MAX', '-1'],
    ['RATE_LIMIT_WINDOW_MS', '0'],
    ['MAX_CONCURRENT_INGESTS', '1.5'],
    ['MAX_EVENT_LOOP_UTILIZATION', '1.5'],
    ['RETRY_AFTER_SECONDS', '0'],
    ['SHUTDOWN_GRACE_MS', 'soon'],
    ['TRUST_PROXY', 'yes please'],
    ['ENDPOINT_ALLOWLIST', 'http://x.com/'],
  ] as const) {
    t.throws(() => loadConfig({ [name]: value }), { message: new RegExp(name) }, `${name}=${value} is refused with a message naming it`)
  }
})

t.test('body size limit: over it a 413 naming the limit, before validation; the default is 1 MiB', async (t) => {
  const small = await startHarness(t, { config: { bodyLimitBytes: 2048 } })
  const big = { ...athenaConnection(small.aws), workgroup: 'w'.repeat(3000) }
  const res = await small.app.inject({ method: 'POST', url: '/v1/test-connection', payload: big })
  t.equal(res.statusCode, 413)
  t.match(res.json(), { statusCode: 413, error: 'Payload Too Large', message: /Request body is too large: the limit is 2048 bytes \(BODY_LIMIT_BYTES\)/ })
  t.equal(small.aws.count(), 0)

  const h = await startHarness(t)
  const over = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: { ...source(h), serviceName: 'x'.repeat(1_100_000) } })
  t.equal(over.statusCode, 413, 'just over 1 MiB')
  const under = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: { ...source(h), serviceName: 'x'.repeat(1_000_000) } })
  t.equal(under.statusCode, 400, 'just under 1 MiB: parsed, then refused by validation (serviceName maxLength)')
  t.match(under.json().message, /serviceName/)
})

t.test('rate limit on /v1/*: 429 + Retry-After past the limit, per client; /health is not limited; 0 disables it', async (t) => {
  const h = await startHarness(t, { config: { rateLimitMax: 3, rateLimitWindowMs: 60_000, authTokens: [TEST_SECRETS.bearer] } })
  const post = (authorization: string) => h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: {}, headers: { authorization } })
  t.equal((await post('Bearer wrong')).statusCode, 401)
  t.equal((await post('Bearer wrong')).statusCode, 401)
  const third = await post(`Bearer ${TEST_SECRETS.bearer}`)
  t.equal(third.statusCode, 400)
  t.equal(third.headers['x-ratelimit-remaining'], '0')
  const limited = await post(`Bearer ${TEST_SECRETS.bearer}`)
  t.equal(limited.statusCode, 429, 'failed authentications count too (token guessing is limited)')
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After is set')
  t.match(limited.json(), { statusCode: 429, error: 'Too Many Requests', message: /Rate limit exceeded: at most 3 requests per 60000 ms per client on \/v1\/\*; retry in/ })
  const other = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: {}, remoteAddress: '10.9.8.7', headers: { authorization: `Bearer ${TEST_SECRETS.bearer}` } })
  t.equal(other.statusCode, 400, 'another client has its own budget')
  for (let i = 0; i < 10; i++) t.equal((await h.app.inject({ method: 'GET', url: '/health' })).statusCode, 200)

  const off = await startHarness(t, { config: { rateLimitMax: 0 } })
  for (let i = 0; i < 150; i++) {
    const res = await off.app.inject({ method: 'POST', url: '/v1/test-connection', payload: {} })
    if (res.statusCode !== 400) t.fail(`request ${i}: ${res.statusCode}`)
  }
  t.pass('RATE_LIMIT_MAX=0: 150 requests, none limited')
})

t.test('load shedding: over a threshold /v1/* gets 503 + Retry-After with a message; /health still answers', async (t) => {
  // A heap "limit" of 1 byte: under pressure from the first sample on (the event-loop check is off so
  // that a busy test machine cannot decide the outcome).
  const h = await startHarness(t, { config: { maxHeapUsedBytes: 1, maxEventLoopDelayMs: 0, loadSampleIntervalMs: 50, retryAfterSeconds: 7 } })
  await sleep(200) // a few samples
  const res = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: athenaConnection(h.aws) })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '7')
  t.match(res.json(), { statusCode: 503, error: 'Service Unavailable', message: /overloaded \(heapUsedBytes over its limit\); retry after 7 s/ })
  t.equal(h.aws.count(), 0)
  t.equal((await h.app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'liveness is not shed')
})

t.test('MAX_CONCURRENT_INGESTS: ingests and listings over it get 503 + Retry-After; slots come back', async (t) => {
  const h = await startHarness(t, { latencyMs: 150, config: { maxConcurrentIngests: 1, retryAfterSeconds: 5 } })
  const first = h.app.inject({ method: 'POST', url: '/v1/ingest', payload: source(h) })
  await until(() => h.app.ingestGate.inUse === 1, 'the first ingest to hold its slot')
  for (const url of ['/v1/ingest', '/v1/databases']) {
    const res = await h.app.inject({ method: 'POST', url, payload: source(h) })
    t.equal(res.statusCode, 503, url)
    t.equal(res.headers['retry-after'], '5', url)
    t.match(res.json().message, /Too many ingests running: at most 1 ingests and database listings run at once \(MAX_CONCURRENT_INGESTS\); retry after 5 s/)
  }
  const tc = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: athenaConnection(h.aws) })
  t.equal(tc.statusCode, 200, 'test-connection is not gated')
  t.equal((await first).statusCode, 200, 'the running ingest completes')
  t.equal(h.app.ingestGate.inUse, 0, 'its slot is released when the response finished')

  for (let i = 0; i < 3; i++) {
    const bad = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: { serviceConnection: {} } })
    t.equal(bad.statusCode, 400)
  }
  t.equal(h.app.ingestGate.inUse, 0, 'refused requests release their slot')
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/databases', payload: source(h) })).statusCode, 200)
})

t.test('a client that disconnects mid-ingest releases its slot', async (t) => {
  const h = await startHarness(t, { latencyMs: 200, config: { maxConcurrentIngests: 1 } })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (h.app.server.address() as AddressInfo).port
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/ingest', headers: { 'content-type': 'application/json' } })
  req.on('error', () => {})
  req.end(JSON.stringify(source(h)))
  await until(() => h.app.ingestGate.inUse === 1, 'the ingest to hold its slot')
  req.destroy()
  await until(() => h.app.ingestGate.inUse === 0, 'the slot to be released')
  t.pass('released')
})

t.test('request timeout: a request that trickles in is cut with 408; the server gets the configured timeouts', async (t) => {
  const h = await startHarness(t, { config: { requestTimeoutMs: 400, connectionTimeoutMs: 5_000 } })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  t.equal(h.app.server.requestTimeout, 400)
  t.equal(h.app.server.timeout, 5_000)
  const port = (h.app.server.address() as AddressInfo).port
  const started = Date.now()
  const answer = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('POST /v1/test-connection HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":')
    })
    let data = ''
    socket.on('data', (d) => (data += d.toString()))
    socket.on('close', () => resolve(data))
    socket.on('error', () => resolve(data))
  })
  t.match(answer, /^HTTP\/1\.1 408/)
  t.ok(Date.now() - started < 3_000, `cut after ${Date.now() - started} ms`)
})
