import type { AddressInfo } from 'node:net'
import t from 'tap'
import { pathOfTarget } from '../../src/request-target.js'
import { startHarness, TEST_SECRETS } from '../support/harness.js'
import { rawRequest } from '../support/raw-http.js'

// Issue 10 §5: the 404 message echoed the request's query string, which can hold a secret.

t.test('a 404 names the method and path, never the query, and stays short', async (t) => {
  const h = await startHarness(t)
  const cases = [
    { url: `/nope?token=${TEST_SECRETS.bearer}`, path: '/nope' },
    { url: `/v2/ingest?awsSecretAccessKey=${encodeURIComponent(TEST_SECRETS.secretAccessKey)}&x=1`, path: '/v2/ingest' },
    { url: '/a/b;c=d?', path: '/a/b;c=d' },
  ]
  for (const c of cases) {
    const res = await h.app.inject({ method: 'GET', url: c.url })
    t.equal(res.statusCode, 404, c.url)
    t.same(res.json(), { statusCode: 404, error: 'Not Found', message: `Route GET ${c.path} not found` }, c.url)
    t.notMatch(res.body, /token|awsSecretAccessKey|tEsTsEcReT/, 'nothing of the query')
  }
  const long = await h.app.inject({ method: 'GET', url: `/${'x'.repeat(8_000)}?q=${TEST_SECRETS.bearer}` })
  t.equal(long.statusCode, 404)
  t.ok(long.json().message.length < 300, `a long path is cut (${long.json().message.length} characters)`)
  t.match(long.json().message, /^Route GET \/x+…\[\d+ characters left out\]…x+ not found$/)
  t.match(h.logs(), /"req":\{"method":"GET","url":"\/nope"/, 'the request is logged by its path')
  t.notMatch(h.logs(), new RegExp(`${TEST_SECRETS.bearer}|tEsTsEcReT`), 'and the query is not logged')
})

t.test('a path the router cannot decode: 400 naming the path only, reaching no handler', async (t) => {
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer] } })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (h.app.server.address() as AddressInfo).port
  for (const [target, path] of [
    [`/v1/%zz?token=${TEST_SECRETS.bearer}`, '/v1/%zz'],
    ['/%76%31/ingest%E0%A4%A?awsSecretAccessKey=x', '/%76%31/ingest%E0%A4%A'],
    [`http://user:${TEST_SECRETS.bearer}@evil.example/v1/ingest%`, '/v1/ingest%'],
  ] as const) {
    for (const headers of [{}, { authorization: `Bearer ${TEST_SECRETS.bearer}` }] as Array<Record<string, string>>) {
      const res = await rawRequest(port, { method: 'POST', target, json: {}, headers })
      t.equal(res.status, 400, target)
      t.same(JSON.parse(res.body), { statusCode: 400, error: 'Bad Request', message: `Request path ${path} is not valid: check its percent-encoding` }, target)
      t.notMatch(res.body, new RegExp(`${TEST_SECRETS.bearer}|awsSecretAccessKey`), 'nothing of the query or credentials')
    }
  }
  t.equal(h.aws.count(), 0)
})

t.test('pathOfTarget: origin form and absolute form, without query, fragment, scheme or credentials', async (t) => {
  t.equal(pathOfTarget('/v1/x?token=abc'), '/v1/x')
  t.equal(pathOfTarget('/v1/x#frag?y'), '/v1/x')
  t.equal(pathOfTarget('http://user:secret@evil.example/v1/x?q'), '/v1/x')
  t.equal(pathOfTarget('HTTPS://[::1]:8443/a%2Fb'), '/a%2Fb')
  t.equal(pathOfTarget('http://host'), '')
  t.equal(pathOfTarget('*'), '*')
})
