// Issue 12 §2, with the real entry point: src/server.ts started with the default MAX_EVENT_LOOP_DELAY_MS,
// /v1 requests sent the moment it logs "Server listening": none is shed for the service's own start-up.
// The requests fail validation (400) so that they load no AWS SDK module: under the test's TypeScript
// loader a module loaded on first use is compiled then, blocking the loop for reasons of the loader's own.
import t from 'tap'
import { rawRequest } from './support/raw-http.js'
import { startServerProcess } from './support/server-process.js'

t.test('right after start, /v1 requests are answered, not shed; /health says healthy', async (t) => {
  const server = await startServerProcess(t, { LOG_LEVEL: 'info', AUTH_TOKEN: '' })
  const { port } = server
  const answers = []
  for (let i = 0; i < 10; i++) {
    answers.push(await rawRequest(port, { method: 'POST', target: '/v1/databases', json: {} }))
  }
  t.same(
    answers.map((a) => a.status),
    Array(10).fill(400),
    `every request reaches validation, none is a 503: ${answers.find((a) => a.status !== 400)?.body ?? ''}`,
  )
  t.match(JSON.parse(answers[0]!.body).message, /serviceName|serviceConnection/, 'the 400 names the missing field')
  t.notMatch(server.output(), /"msg":"load shedding"/, 'nothing was shed')
  const health = await rawRequest(port, { method: 'GET', target: '/health' })
  t.equal(health.status, 200)
  t.equal(JSON.parse(health.body).status, 'healthy')
})
