import { PassThrough } from 'node:stream'
import pino from 'pino'
import t from 'tap'
import { loggerOptions } from '../../src/logging.js'
import { athenaConnection, startHarness, TEST_SECRETS } from '../support/harness.js'

const SECRETS = Object.entries(TEST_SECRETS)

t.test('secrets appear in no answer (body or header) and no log line, across a representative mix of requests', async (t) => {
  const h = await startHarness(t, { config: { authTokens: ['another-token-0123456789', TEST_SECRETS.bearer] } })
  const conn = athenaConnection(h.aws, {}, { awsSessionToken: TEST_SECRETS.sessionToken })
  const assumeRole = athenaConnection(h.aws, {}, { awsSessionToken: TEST_SECRETS.sessionToken, assumeRoleArn: 'arn:aws:iam::123456789012:role/OpenMetadataRole' })
  const source = (c: object, extra: object = {}) => ({ serviceName: 'athena_prod', serviceConnection: { config: c }, ...extra })
  const seen: string[] = []
  const statuses: number[] = []
  const send = async (url: string, body: unknown, opts: { auth?: string | null; accept?: string; contentType?: string } = {}) => {
    const headers: Record<string, string> = {}
    if (opts.auth !== null) headers.authorization = opts.auth ?? `Bearer ${TEST_SECRETS.bearer}`
    if (opts.accept) headers.accept = opts.accept
    if (opts.contentType) headers['content-type'] = opts.contentType
    const res = await h.app.inject({ method: 'POST', url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } })
    seen.push(res.body, JSON.stringify(res.headers), JSON.stringify(res.trailers ?? {}))
    statuses.push(res.statusCode)
    return res
  }

  // Successes, in every form.
  t.equal((await send('/v1/test-connection', conn)).statusCode, 200)
  t.equal((await send('/v1/test-connection', { connection: { config: conn }, serviceType: 'Database' })).statusCode, 200)
  t.equal((await send('/v1/test-connection', { serviceConnection: { config: assumeRole } })).statusCode, 200)
  const dbs = await send('/v1/databases', source(conn))
  t.equal(dbs.statusCode, 200)
  t.notOk('awsSecretAccessKey' in dbs.json().databaseService.connection.config.awsConfig, 'the echoed connection has no secret key field')
  t.notOk('awsSessionToken' in dbs.json().databaseService.connection.config.awsConfig, 'nor a session token field')
  t.equal((await send('/v1/ingest', source(conn))).statusCode, 200)
  t.equal((await send('/v1/ingest', source(assumeRole), { accept: 'application/json' })).statusCode, 200)

  // AWS failures: before the stream, in the stream, in test-connection steps.
  for (const kind of ['accessDenied', 'invalidToken', 'expiredToken', 'http500', 'throttle'] as const) {
    h.aws.clearFaults()
    h.aws.addFault({ action: 'glue:GetDatabases', kind })
    t.ok((await send('/v1/ingest', source(conn))).statusCode >= 400, `ingest, ${kind} on GetDatabases`)
    t.ok((await send('/v1/databases', source(conn))).statusCode >= 400, `databases, ${kind} on GetDatabases`)
    t.equal((await send('/v1/test-connection', conn)).statusCode, 200, `test-connection, ${kind}: failed steps`)
  }
  h.aws.clearFaults()
  h.aws.addFault({ action: 'glue:GetTables', kind: 'accessDenied' })
  t.equal((await send('/v1/ingest', source(conn))).statusCode, 200, 'failures inside the stream')
  h.aws.clearFaults()
  h.aws.addFault({ action: 'sts:AssumeRole', kind: 'accessDenied' })
  t.equal((await send('/v1/test-connection', assumeRole)).statusCode, 200)
  t.ok((await send('/v1/ingest', source(assumeRole))).statusCode >= 400)
  h.aws.clearFaults()
  h.aws.addFault({ action: '*', kind: 'reset' })
  t.ok((await send('/v1/ingest', source(conn))).statusCode >= 400, 'connection resets')
  h.aws.clearFaults()

  // Validation failures with secrets in the body, in and out of place.
  t.equal((await send('/v1/test-connection', { ...conn, bogus: TEST_SECRETS.secretAccessKey })).statusCode, 400)
  t.equal((await send('/v1/test-connection', { ...conn, awsConfig: { ...conn.awsConfig, awsRegion: TEST_SECRETS.sessionToken } })).statusCode, 400)
  t.equal((await send('/v1/databases', source(conn, { serviceName: TEST_SECRETS.secretAccessKey.replace('/', '"') }))).statusCode, 400)
  t.equal((await send('/v1/ingest', source({ ...conn, schemaFilterPattern: { includes: ['(?<=x)a'] } }))).statusCode, 400)
  t.equal((await send('/v1/ingest', source({ ...conn, awsConfig: { ...conn.awsConfig, endPointURL: 'http://169.254.169.254/' } }))).statusCode, 400)
  t.equal((await send('/v1/ingest', JSON.stringify(source(conn)).slice(0, -5))).statusCode, 400, 'truncated JSON with secrets in it')
  t.equal((await send('/v1/ingest', JSON.stringify(source(conn)).replace('"awsConfig":{', '"awsConfig":{"__proto__":{"x":1},'))).statusCode, 400)
  t.equal((await send('/v1/ingest', JSON.stringify(source(conn)), { contentType: 'text/plain' })).statusCode, 415)

  // 401s: missing, malformed, wrong (including near-misses of the real token).
  for (const auth of [null, 'Basic ' + TEST_SECRETS.bearer, `Bearer ${TEST_SECRETS.bearer}-x`, `Bearer ${TEST_SECRETS.bearer.slice(0, -1)}`, `bearer  ${TEST_SECRETS.secretAccessKey}`]) {
    t.equal((await send('/v1/ingest', source(conn), { auth })).statusCode, 401, `auth ${auth === null ? '(none)' : auth.slice(0, 8)}…`)
  }
  const notFound = await h.app.inject({ method: 'GET', url: '/v1/nope', headers: { authorization: `Bearer ${TEST_SECRETS.bearer}` } })
  seen.push(notFound.body, JSON.stringify(notFound.headers))

  const logs = h.logs()
  t.ok(logs.split('\n').length > 100, 'debug logs were captured')
  t.ok(statuses.includes(200) && statuses.includes(400) && statuses.includes(401) && statuses.some((s) => s >= 500), `a real mix: ${[...new Set(statuses)].sort().join(',')}`)
  const everything = seen.join('\n')
  for (const [name, secret] of SECRETS) {
    t.notOk(everything.includes(secret), `${name} is in no answer`)
    t.notOk(logs.includes(secret), `${name} is in no log line`)
  }
})

t.test('the logger censors secrets wherever a connection sits in a logged object', async (t) => {
  const stream = new PassThrough()
  let out = ''
  stream.on('data', (d: Buffer) => (out += d.toString()))
  const log = pino(loggerOptions('debug'), stream)
  const awsConfig = { awsRegion: 'us-east-1', awsSecretAccessKey: TEST_SECRETS.secretAccessKey, awsSessionToken: TEST_SECRETS.sessionToken }
  const conn = { type: 'Athena', awsConfig }
  log.info({ awsConfig }, 'depth 1')
  log.info({ connection: conn }, 'depth 2')
  log.info({ body: { serviceConnection: { config: conn } } }, 'depth 4')
  log.info({ body: { connection: { config: conn } } }, 'depth 4, other form')
  log.info({ req: { headers: { authorization: `Bearer ${TEST_SECRETS.bearer}` } } }, 'headers')
  log.info({ headers: { authorization: `Bearer ${TEST_SECRETS.bearer}` } }, 'headers')
  await new Promise((r) => setImmediate(r))
  t.equal(out.split('\n').filter(Boolean).length, 6)
  t.match(out, /\[redacted\]/)
  for (const [name, secret] of SECRETS) t.notOk(out.includes(secret), `${name} censored`)
})
