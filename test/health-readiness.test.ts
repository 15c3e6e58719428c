// Issue 12 §2: /health is a readiness answer — 200 while the instance takes work, 503 once it drains.
import t from 'tap'
import { startHarness } from './support/harness.js'
import { rawRequest } from './support/raw-http.js'

t.test('/health: 200 healthy while serving; once a graceful shutdown began, 503 "shutting down" and no new work', async (t) => {
  const h = await startHarness(t, { config: { retryAfterSeconds: 4 } })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (h.app.server.address() as { port: number }).port
  const ok = await rawRequest(port, { method: 'GET', target: '/health' })
  t.equal(ok.status, 200)
  t.same(Object.keys(JSON.parse(ok.body)).sort(), ['status', 'version'], 'the healthy answer keeps its contract')
  t.equal(JSON.parse(ok.body).status, 'healthy')

  // What closeGracefully does first (src/shutdown.ts).
  h.app.shutdown.begin()
  const draining = await rawRequest(port, { method: 'GET', target: '/health' })
  t.equal(draining.status, 503)
  t.equal(JSON.parse(draining.body).status, 'shutting down')
  t.equal(draining.headers['retry-after'], '4')

  const work = await rawRequest(port, { method: 'POST', target: '/v1/databases', json: { serviceName: 'x' } })
  t.equal(work.status, 503, 'new work is refused while draining')
  t.match(JSON.parse(work.body), { statusCode: 503, error: 'Service Unavailable', message: /shutting down; retry the request/ })
  t.equal(work.headers['retry-after'], '4')
  t.equal(work.headers.connection, 'close', 'the client reconnects elsewhere')
  t.equal(h.aws.calls.length, 0, 'no AWS call was made for it')
})
