import t from 'tap'
import { athenaConnection, startHarness } from '../support/harness.js'

t.test('bad bodies answer 400 naming the offending field, never 500', async (t) => {
  const h = await startHarness(t)
  const good = athenaConnection(h.aws)
  const { awsRegion: _r, ...noRegion } = good.awsConfig
  const cases: Array<{ name: string; body: unknown; field: RegExp; contentType?: string }> = [
    { name: 'missing awsRegion', body: { ...good, awsConfig: noRegion }, field: /awsConfig.*awsRegion/ },
    {
      name: 'missing awsRegion inside serviceConnection',
      body: { serviceConnection: { config: { ...good, awsConfig: noRegion } } },
      field: /serviceConnection\/config\/awsConfig.*awsRegion/,
    },
    {
      name: 'missing awsRegion inside a TestServiceConnectionRequest',
      body: { connection: { config: { ...good, awsConfig: noRegion } }, serviceType: 'Database' },
      field: /connection\/config\/awsConfig.*awsRegion/,
    },
    { name: 'wrong type', body: { ...good, type: 'Glue' }, field: /type/ },
    { name: 'unknown property', body: { ...good, colour: 'blue' }, field: /colour|additional/ },
    { name: 'unknown awsConfig property', body: { ...good, awsConfig: { ...good.awsConfig, awsKey: 'x' } }, field: /awsConfig.*(awsKey|additional)/ },
    { name: 's3StagingDir not a URI', body: { ...good, s3StagingDir: 'not a uri' }, field: /s3StagingDir/ },
    { name: 'missing workgroup', body: { ...good, workgroup: undefined }, field: /workgroup/ },
    { name: 'awsRegion of the wrong type', body: { ...good, awsConfig: { ...good.awsConfig, awsRegion: 42 } }, field: /awsRegion/ },
    { name: 'no connection at all', body: {}, field: /awsConfig|connection/ },
  ]
  for (const c of cases) {
    const res = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: JSON.parse(JSON.stringify(c.body)) as object })
    t.equal(res.statusCode, 400, `${c.name}: ${res.body}`)
    const body = res.json<{ statusCode: number; error: string; message: string }>()
    t.equal(body.statusCode, 400, c.name)
    t.equal(body.error, 'Bad Request', c.name)
    t.match(body.message, c.field, `${c.name}: message names the field (${body.message})`)
  }
  t.equal(h.aws.count(), 0, 'no bad body reached AWS')
})

t.test('non-JSON bodies and wrong content types are 4xx with a message', async (t) => {
  const h = await startHarness(t)
  const notJson = await h.app.inject({
    method: 'POST',
    url: '/v1/test-connection',
    payload: '{"type": "Athena",',
    headers: { 'content-type': 'application/json' },
  })
  t.equal(notJson.statusCode, 400)
  t.match(notJson.json().message, /JSON/)
  const text = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: 'hello', headers: { 'content-type': 'text/plain' } })
  t.equal(text.statusCode, 415)
  t.match(text.json().message, /content-type|Content-Type|media type/i)
  const empty = await h.app.inject({ method: 'POST', url: '/v1/test-connection' })
  t.equal(empty.statusCode, 400)
  t.match(empty.json().message, /body/)
})

t.test('unknown routes answer a JSON 404', async (t) => {
  const h = await startHarness(t)
  const res = await h.app.inject({ method: 'GET', url: '/v1/nope' })
  t.equal(res.statusCode, 404)
  t.match(res.json(), { statusCode: 404, error: 'Not Found', message: /GET \/v1\/nope/ })
})
