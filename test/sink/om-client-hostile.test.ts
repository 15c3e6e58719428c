/**
 * OmClient against hostile servers (issue 10 §3, §4): redirects are errors, never followed; the outbound
 * guard and ENDPOINT_ALLOWLIST hold for the client itself; an answer over the byte cap is cut, not buffered;
 * a server's error text is echoed 200 characters at most.
 */
import t from 'tap'
import { OmAnswerTooLargeError, OmClient, OmRedirectError, OmUnreachableError, serverMessage } from '../../src/sink/om-client.js'
import { parseAllowlist } from '../../src/security/endpoint-guard.js'
import { answerServerCheck, flood, startHostileOm, startOutsider, type FloodStats } from '../support/hostile-om.js'

const KiB = 1024
const SETTINGS = { maxAttempts: 3, requestTimeoutMs: 3_000, retryBaseMs: 5, maxRetryDelayMs: 50, maxResponseBytes: 256 * KiB }
const target = (origin: string) => ({ baseUrl: `${origin}/api`, jwtToken: 'jwt-under-test-5b2e' })

t.test('3xx answers are errors naming only the redirect host, never retried, never followed', async (t) => {
  const outsider = await startOutsider(t)
  for (const status of [301, 302, 303, 307, 308]) {
    const om = await startHostileOm(t, (_req, res) => {
      res.writeHead(status, { location: `http://localhost:${outsider.port}/x/y?secret=loc-secret`, 'content-length': '0' })
      res.end()
    })
    const client = new OmClient(target(om.origin), SETTINGS)
    const err = await client.request('PUT', '/v1/tables', { body: { name: 't' } }).catch((e: unknown) => e)
    t.type(err, OmRedirectError, `${status}`)
    t.type(err, OmUnreachableError, 'callers that handle an unusable answer handle it')
    t.equal((err as OmRedirectError).attempts, 1)
    t.equal(
      (err as Error).message,
      `PUT 127.0.0.1:${om.port}…/v1/tables answered HTTP ${status}, a redirect to localhost:${outsider.port}; redirects are not followed: set hostPort to the server's own API URL`,
    )
    t.equal(om.requests.length, 1)
  }
  const noLocation = await startHostileOm(t, (_req, res) => {
    res.writeHead(300, { 'content-length': '0' })
    res.end()
  })
  const err = await new OmClient(target(noLocation.origin), SETTINGS).request('GET', '/v1/system/version').catch((e: unknown) => e)
  t.match((err as Error).message, /answered HTTP 300, a redirect without a Location/)
  t.equal(outsider.requests.length, 0)
})

t.test('the outbound guard and the allowlist apply to the client itself, whoever builds it', async (t) => {
  const om = await startHostileOm(t, (req, res) => void answerServerCheck(req, res))
  const allowlist = parseAllowlist('127.0.0.1')
  for (const baseUrl of [`http://localhost:${om.port}/api`, 'http://169.254.169.254/api', 'http://[::ffff:169.254.169.254]/api']) {
    t.throws(() => new OmClient({ baseUrl, jwtToken: 'x' }, { ...SETTINGS, endpointAllowlist: allowlist }), /hostPort is refused: .*(not on the service's ENDPOINT_ALLOWLIST|link-local)/, baseUrl)
  }
  t.throws(() => new OmClient({ baseUrl: 'http://169.254.169.254/api', jwtToken: 'x' }, SETTINGS), /link-local/, 'without an allowlist too')
  const ok = new OmClient(target(om.origin), { ...SETTINGS, endpointAllowlist: allowlist })
  t.equal((await ok.request('GET', '/v1/system/version')).status, 200)
  t.equal(om.requests.length, 1, 'only the allowed client reached the server')
})

t.test('an answer over maxResponseBytes is cut: declared too large, or growing past it without end', async (t) => {
  const floods: FloodStats[] = []
  const declared = await startHostileOm(t, (_req, res) => void floods.push(flood(res, { declared: 64 * 1024 * KiB, safetyBytes: 64 * 1024 * KiB })))
  const endless = await startHostileOm(t, (_req, res) => void floods.push(flood(res, { safetyBytes: 32 * 1024 * KiB })))
  for (const om of [declared, endless]) {
    const err = await new OmClient(target(om.origin), SETTINGS).request('GET', '/v1/tables', { query: { limit: 10 } }).catch((e: unknown) => e)
    t.type(err, OmAnswerTooLargeError)
    t.type(err, OmUnreachableError)
    t.equal((err as Error).message, `GET 127.0.0.1:${om.port}…/v1/tables answered more than ${256 * KiB} bytes (OM_MAX_RESPONSE_BYTES); the rest was not read`)
    t.equal(om.requests.length, 1, 'not retried: the same question gets the same answer')
  }
  await Promise.all(floods.map((f) => f.done))
  for (const f of floods) {
    t.notOk(f.finished, 'the client closed the connection')
    t.ok(f.written < 16 * 1024 * KiB, `the server handed over ${f.written} bytes only`)
  }
})

t.test('an answer at the cap is read whole', async (t) => {
  const body = JSON.stringify({ data: 'x'.repeat(SETTINGS.maxResponseBytes - 11) })
  t.equal(Buffer.byteLength(body), SETTINGS.maxResponseBytes)
  const om = await startHostileOm(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(body)
  })
  const res = await new OmClient(target(om.origin), SETTINGS).request('GET', '/v1/tables')
  t.equal(res.status, 200)
  t.equal(res.text, body)
  t.equal((res.json as { data: string }).data.length, SETTINGS.maxResponseBytes - 11)
})

t.test('serverMessage echoes 200 characters at most, from text or JSON', async (t) => {
  const long = 'Q'.repeat(10_000)
  for (const res of [
    { status: 500, json: undefined, text: long },
    { status: 500, json: { code: 500, message: long }, text: '' },
    { status: 500, json: { error: long }, text: '' },
  ]) {
    const m = serverMessage(res)
    t.ok(m.length <= 201, `${m.length} characters`)
    t.ok(m.startsWith('QQQ'))
    t.ok(m.endsWith('…'), 'says it was cut')
  }
  t.equal(serverMessage({ status: 500, json: undefined, text: 'short' }), 'short')
})

t.test('the caller going away stops a call in the middle of a trickling answer, and closes the connection', async (t) => {
  let closed!: () => void
  const serverSawClose = new Promise<void>((resolve) => (closed = resolve))
  const om = await startHostileOm(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('[')
    const timer = setInterval(() => res.write(' '), 20)
    res.on('close', () => {
      clearInterval(timer)
      closed()
    })
  })
  const controller = new AbortController()
  const client = new OmClient(target(om.origin), { ...SETTINGS, requestTimeoutMs: 60_000 }, controller.signal)
  const pending = client.request('GET', '/v1/tables').catch((e: unknown) => e)
  while (om.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  controller.abort(new Error('client closed the connection'))
  t.match(((await pending) as Error).message, /client closed the connection/)
  await serverSawClose
  t.equal(om.requests.length, 1, 'not retried')
})
