// A message about an endPointURL names its host only: a path or query may carry a token.
import t from 'tap'
import { describeAwsFailure } from '../../src/athena/diagnose.js'
import { athenaConnection, startHarness } from '../support/harness.js'

const QUERY_SECRET = 'qs-secret-7d1e0c4b9a'
const SETTINGS = { aws: { maxAttempts: 1, requestTimeoutMs: 2_000, connectionTimeoutMs: 1_000, queryWaitMs: 1_000 } }

t.test('unreachable: test-connection and ingest name the host, never the path or query', async (t) => {
  const h = await startHarness(t, { config: SETTINGS })
  const endPointURL = `http://127.0.0.1:9/private/path?X-Amz-Security-Token=${QUERY_SECRET}`
  const conn = athenaConnection(h.aws, {}, { endPointURL })
  const tc = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: conn })
  t.equal(tc.statusCode, 200)
  t.match(tc.json().steps[0].message, /Could not reach the AWS endpoint 127\.0\.0\.1:9:/)
  const ing = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: { serviceName: 'svc', serviceConnection: { config: conn } } })
  t.equal(ing.statusCode, 502)
  t.match(ing.json().message, /Could not reach the AWS endpoint 127\.0\.0\.1:9:/)
  for (const [what, text] of [
    ['test-connection', tc.body],
    ['ingest', ing.body],
    ['logs', h.logs()],
  ] as const) {
    t.notOk(text.includes(QUERY_SECRET), `${what}: no query secret`)
    t.notOk(text.includes('/private/path'), `${what}: no path`)
  }
})

t.test('every endpoint message of the AWS failure mapping names the host only', async (t) => {
  const endpoint = `https://glue.example.test:8443/deep/path?token=${QUERY_SECRET}`
  for (const err of [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), Object.assign(new Error('Request timed out'), { name: 'TimeoutError' })]) {
    const { message } = describeAwsFailure(err, { operation: 'glue:GetDatabases', endpoint })
    t.match(message, 'glue.example.test:8443', message)
    t.notOk(message.includes(QUERY_SECRET) || message.includes('/deep/path'), message)
  }
})
