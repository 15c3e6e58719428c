import { readFileSync } from 'node:fs'
import t from 'tap'
import { openApiYaml } from '../../src/openapi-document.js'
import { athenaConnection, startHarness, TEST_SECRETS } from '../support/harness.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

t.test('GET /health answers status and the package version, with no auth even when auth is on', async (t) => {
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer] } })
  const res = await h.app.inject({ method: 'GET', url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'healthy', version: pkg.version })
  t.ok(res.headers['x-request-id'], 'every answer carries its request id')
})

t.test('AUTH_TOKEN guards /v1/*: missing, malformed and wrong tokens get the same 401', async (t) => {
  const h = await startHarness(t, { config: { authTokens: ['old-token', TEST_SECRETS.bearer] } })
  const answers = []
  for (const authorization of [undefined, 'Basic abc', `Bearer ${TEST_SECRETS.bearer}-wrong`, 'Bearer ']) {
    const res = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: {}, headers: authorization ? { authorization } : {} })
    t.equal(res.statusCode, 401, String(authorization))
    answers.push(res.json().message)
  }
  t.equal(new Set(answers).size, 1, 'the 401 never says which part was wrong')
  for (const token of ['old-token', TEST_SECRETS.bearer]) {
    const res = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: {}, headers: { authorization: `Bearer ${token}` } })
    t.equal(res.statusCode, 400, 'an accepted token reaches validation (both rotated tokens work)')
  }
})

t.test('AUTH_TOKEN: every /v1 route answers 401 before parsing, the concurrency gate or any AWS call; /health and /docs stay open', async (t) => {
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer], bodyLimitBytes: 1024, maxConcurrentIngests: 1 } })
  const source = { serviceName: 's', serviceConnection: { config: athenaConnection(h.aws) } }
  const cases = [
    { method: 'POST' as const, url: '/v1/test-connection', payload: athenaConnection(h.aws) },
    { method: 'POST' as const, url: '/v1/databases', payload: source },
    { method: 'POST' as const, url: '/v1/ingest', payload: source },
    { method: 'POST' as const, url: '/v1/ingest', payload: { ...source, junk: 'x'.repeat(5000) } }, // over the body limit
    { method: 'POST' as const, url: '/v1/ingest', payload: '{"not json', headers: { 'content-type': 'application/json' } },
    { method: 'GET' as const, url: '/v1/nope' }, // unknown routes do not reveal themselves
    { method: 'GET' as const, url: '/v1/ingest' },
  ]
  for (const c of cases) {
    const res = await h.app.inject(c)
    t.equal(res.statusCode, 401, `${c.method} ${c.url}`)
    t.same(res.json(), { statusCode: 401, error: 'Unauthorized', message: 'Missing or invalid bearer token' })
    t.equal(res.headers['www-authenticate'], 'Bearer')
  }
  t.equal(h.aws.count(), 0, 'nothing reached AWS')
  t.equal(h.app.ingestGate.inUse, 0, 'no slot was taken')
  for (const url of ['/health', '/docs/json']) t.equal((await h.app.inject({ method: 'GET', url })).statusCode, 200, `${url} is open`)
  const ok = await h.app.inject({ method: 'POST', url: '/v1/databases', payload: source, headers: { authorization: `bearer   ${TEST_SECRETS.bearer}  ` } })
  t.equal(ok.statusCode, 200, 'the scheme is case-insensitive and spaces around the token do not matter')
})

t.test('GET /docs serves Swagger UI and openapi.yaml is the document it serves', async (t) => {
  const h = await startHarness(t)
  const ui = await h.app.inject({ method: 'GET', url: '/docs/' })
  t.equal(ui.statusCode, 200)
  t.match(ui.body, /swagger/i)
  const json = await h.app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(json.statusCode, 200)
  t.ok(json.json().paths['/v1/test-connection'], 'the document describes /v1/test-connection')
  const committed = readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')
  t.equal(committed, await openApiYaml(), 'openapi.yaml is current (run `npm run openapi` to rewrite it)')
})
