import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GetDatabasesCommand } from '@aws-sdk/client-glue'
import t from 'tap'
import { fakeDnsHost } from '../support/fake-dns.js'
import { buildApp } from '../../src/app.js'
import { createAwsClients } from '../../src/aws/clients.js'
import { parseAllowlist, type Resolver } from '../../src/security/endpoint-guard.js'
import { startFakeAws } from '../support/aws-endpoint.js'
import { athenaConnection, startHarness } from '../support/harness.js'

type H = Awaited<ReturnType<typeof startHarness>>

/** The same connection in each body form of each POST route. */
function bodies(conn: object): Array<{ url: string; form: string; body: object }> {
  return [
    { url: '/v1/test-connection', form: 'AthenaConnection', body: conn },
    { url: '/v1/test-connection', form: 'TestServiceConnectionRequest', body: { connection: { config: conn }, serviceType: 'Database' } },
    { url: '/v1/test-connection', form: 'serviceConnection', body: { serviceConnection: { config: conn } } },
    { url: '/v1/databases', form: 'source', body: { serviceName: 'svc', serviceConnection: { config: conn } } },
    { url: '/v1/ingest', form: 'source', body: { serviceName: 'svc', serviceConnection: { config: conn } } },
  ]
}

const METADATA_SPELLINGS = [
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://169.254.170.2/v2/credentials/',
  'http://2852039166/',
  'http://0xA9FEA9FE/',
  'http://0251.0376.0251.0376/',
  'http://[::ffff:169.254.169.254]/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://[fe80::1]:8080/',
  'http://metadata.google.internal/computeMetadata/v1/',
]

t.test('metadata / link-local endPointURLs are a 400 naming awsConfig.endPointURL on every route and form', async (t) => {
  const h = await startHarness(t)
  for (const endPointURL of METADATA_SPELLINGS) {
    for (const { url, form, body } of bodies(athenaConnection(h.aws, {}, { endPointURL }))) {
      const res = await h.app.inject({ method: 'POST', url, payload: body })
      t.equal(res.statusCode, 400, `${url} (${form}) ${endPointURL}`)
      t.match(res.json().message, /awsConfig\.endPointURL \(body\/[\w/]*awsConfig\/endPointURL\) is refused: .*(link-local|metadata)/, `${url} (${form}) ${endPointURL}`)
    }
  }
  t.equal(h.aws.count(), 0)
})

t.test('with ENDPOINT_ALLOWLIST, a host not on it is refused before any request leaves', async (t) => {
  const h = await startHarness(t, { config: { endpointAllowlist: parseAllowlist('*.amazonaws.com') } })
  for (const { url, form, body } of bodies(athenaConnection(h.aws))) {
    const res = await h.app.inject({ method: 'POST', url, payload: body })
    t.equal(res.statusCode, 400, `${url} (${form})`)
    t.match(res.json().message, /awsConfig\.endPointURL .* is refused: 127\.0\.0\.1 is not on the service's ENDPOINT_ALLOWLIST/)
  }
  t.equal(h.aws.count(), 0, 'the fake AWS endpoint (on 127.0.0.1) never saw a request')
})

t.test('with ENDPOINT_ALLOWLIST, a host on it is served; without one, loopback is allowed', async (t) => {
  for (const allowlist of ['*.amazonaws.com,127.0.0.1', '']) {
    const h = await startHarness(t, { config: { endpointAllowlist: parseAllowlist(allowlist) } })
    for (const { url, form, body } of bodies(athenaConnection(h.aws))) {
      const res = await h.app.inject({ method: 'POST', url, payload: body })
      t.equal(res.statusCode, 200, `${allowlist || '(unset)'}: ${url} (${form})`)
    }
    t.ok(h.aws.count() > 0)
  }
})

t.test('a host name that resolves to a metadata address is refused (checked when the request comes in)', async (t) => {
  const aws = await startFakeAws()
  t.teardown(() => aws.close())
  const resolve: Resolver = async (host) => (host === 'imds.attacker.test' ? ['169.254.169.254'] : ['127.0.0.1'])
  const app = await buildApp({ logStream: false, resolve, config: { rateLimitMax: 0 } })
  t.teardown(() => app.close())
  const conn = athenaConnection(aws, {}, { endPointURL: 'http://imds.attacker.test/' })
  for (const { url, form, body } of bodies(conn)) {
    const res = await app.inject({ method: 'POST', url, payload: body })
    t.equal(res.statusCode, 400, `${url} (${form})`)
    t.match(res.json().message, /imds\.attacker\.test resolves to 169\.254\.169\.254 is a link-local/)
  }
})

t.test('DNS rebinding: a name that passes the request-time check but resolves to a metadata address at connect time is refused', async (t) => {
  const h = await startHarness(t)
  // The system resolver (used by the AWS clients' connections) answers the metadata address for this name...
  let connectLookups = 0
  fakeDnsHost(t, 'rebind.attacker.test', () => {
    connectLookups++
    return '169.254.169.254'
  })
  // ...while the request-time check is told a harmless address (the answer changed in between).
  const app = await buildApp({
    logStream: false,
    resolve: async () => ['192.0.2.10'],
    config: { rateLimitMax: 0, aws: { maxAttempts: 1, requestTimeoutMs: 2_000, connectionTimeoutMs: 1_000, queryWaitMs: 1_000 } },
  })
  t.teardown(() => app.close())
  const conn = athenaConnection(h.aws, {}, { endPointURL: 'http://rebind.attacker.test:80/' })
  const res = await app.inject({ method: 'POST', url: '/v1/ingest', payload: { serviceName: 'svc', serviceConnection: { config: conn } } })
  t.equal(res.statusCode, 502)
  t.match(res.json().message, /refused by the service's outbound guard: rebind\.attacker\.test resolves to 169\.254\.169\.254/)
  const tc = await app.inject({ method: 'POST', url: '/v1/test-connection', payload: conn })
  t.equal(tc.statusCode, 200)
  t.match(tc.json().steps[0], { name: 'CheckAccess', passed: false })
  t.match(JSON.stringify(tc.json().steps[0]), /outbound guard/)
  t.ok(connectLookups > 0, 'the connection did resolve the name (and was refused)')
})

/** A server answering every request with a redirect to `location`; counts what it got. */
async function redirector(location: string): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0
  const server = createServer((req, res) => {
    hits++
    req.resume()
    res.writeHead(302, { location, 'content-length': '0' })
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, server }
}

t.test('redirects are not followed: a 302 to a link-local address (or anywhere) fails the call', async (t) => {
  const h = await startHarness(t)
  // Where a followed redirect would land: a loopback server that counts requests (a redirect to
  // 169.254.169.254 cannot be observed here, one to this server can).
  const target = await redirector('http://127.0.0.1:9/')
  const toTarget = await redirector(`${target.url}/latest/meta-data/`)
  const toImds = await redirector('http://169.254.169.254/latest/meta-data/iam/security-credentials/')
  t.teardown(() => {
    for (const s of [target, toTarget, toImds]) s.server.close()
  })

  for (const r of [toTarget, toImds]) {
    const conn = athenaConnection(h.aws, {}, { endPointURL: r.url })
    const started = Date.now()
    const tc = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: conn })
    t.equal(tc.statusCode, 200)
    t.equal(tc.json().status, 'Failed')
    t.match(tc.json().steps[0], { name: 'CheckAccess', passed: false })
    const ing = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: { serviceName: 'svc', serviceConnection: { config: conn } } })
    t.equal(ing.statusCode, 502, 'the ingest fails with a clean upstream error')
    t.ok(r.hits() > 0, 'the redirecting endpoint was called')
    t.ok(Date.now() - started < 4_000, 'no waiting on an unreachable redirect target')
  }
  t.equal(target.hits(), 0, 'the redirect target was never requested')

  // The same at the SDK level, with the clients the service builds.
  const clients = createAwsClients(
    { awsRegion: 'us-east-1', awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE', awsSecretAccessKey: 'x', endPointURL: toTarget.url },
    { maxAttempts: 1, requestTimeoutMs: 2_000, connectionTimeoutMs: 1_000, queryWaitMs: 1_000 },
  )
  t.teardown(() => clients.destroy())
  const err = await clients.glue.send(new GetDatabasesCommand({})).then(
    () => undefined,
    (e: { $metadata?: { httpStatusCode?: number } }) => e,
  )
  t.ok(err, 'the SDK call fails')
  t.equal(err?.$metadata?.httpStatusCode, 302, 'with the 302 itself, not the target’s answer')
  t.equal(target.hits(), 0, 'the redirect target was never requested')
})

t.test('the AWS clients refuse a refused endPointURL even when called without the HTTP layer', async (t) => {
  const settings = { maxAttempts: 1, requestTimeoutMs: 1_000, connectionTimeoutMs: 1_000, queryWaitMs: 1_000 }
  t.throws(() => createAwsClients({ awsRegion: 'us-east-1', endPointURL: 'http://0xA9FEA9FE/' }, settings), { statusCode: 400, message: /link-local/ })
  t.throws(() => createAwsClients({ awsRegion: 'us-east-1', endPointURL: 'http://127.0.0.1:1/' }, { ...settings, endpointAllowlist: parseAllowlist('*.amazonaws.com') }), {
    statusCode: 400,
    message: /ENDPOINT_ALLOWLIST/,
  })
})

t.test('awsRegion that is not a region name is a 400, not an SDK error', async (t) => {
  const h: H = await startHarness(t)
  for (const awsRegion of ['evil.example/x', '169.254.169.254#', '', 'us-east-1.attacker.test']) {
    for (const { url, form, body } of bodies(athenaConnection(h.aws, {}, { awsRegion }))) {
      const res = await h.app.inject({ method: 'POST', url, payload: body })
      t.equal(res.statusCode, 400, `${url} (${form}) ${JSON.stringify(awsRegion)}`)
      t.match(res.json().message, /awsConfig\.awsRegion .* must be an AWS region name/)
    }
  }
  t.equal(h.aws.count(), 0)
})
