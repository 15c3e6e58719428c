import { readFileSync } from 'node:fs'
import t from 'tap'
import { openApiYaml } from '../../src/openapi-document.js'
import { startHarness, TEST_SECRETS } from '../support/harness.js'

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
