// Issue 12 §2: right after start /v1/* answered 503 "eventLoopDelay over its limit": the load sampler's
// first sample held the service's own start-up work (building the SQL grammar, compiling the schemas).
//
// In-process, with a deliberate blocking warm-up, rather than spawning src/server.ts: under the test's
// TypeScript loader the child compiles modules lazily after "Server listening", which blocks its loop at
// random moments of its own and would make the outcome depend on the loader, not on the service.
import t from 'tap'
import { buildApp } from '../src/app.js'

process.env.AWS_EC2_METADATA_DISABLED = 'true'

/** Blocks the event loop for `ms`, as the SQL grammar build does on first use. */
function blockFor(ms: number): void {
  const end = Date.now() + ms
  while (Date.now() < end) {
    /* start-up work */
  }
}

const nextTimers = () => new Promise((resolve) => setTimeout(resolve, 5))

// The TypeScript loader compiles a module when it is first imported, blocking the loop: the request path's
// modules are loaded once here, so the apps below measure only the blocks the tests make.
t.before(async () => {
  const app = await buildApp({ logStream: false, config: { maxEventLoopDelayMs: 0, rateLimitMax: 0, authFailureLimit: 0, authTokens: [] } })
  await app.inject({ method: 'POST', url: '/v1/databases', payload: {} })
  await app.inject({ method: 'GET', url: '/metrics' })
  await app.close()
})

t.test('no /v1 request is shed for the event-loop delay of the start-up work', async (t) => {
  const app = await buildApp({
    logStream: false,
    config: { maxEventLoopDelayMs: 100, loadSampleIntervalMs: 100, rateLimitMax: 0, authFailureLimit: 0, authTokens: [] },
  })
  t.teardown(() => app.close())
  blockFor(600)
  await app.ready()
  // The sampler's first sample (taken as soon as the loop is free) holds the 600 ms block.
  await nextTimers()
  const answers = []
  for (let i = 0; i < 5; i++) answers.push(await app.inject({ method: 'POST', url: '/v1/databases', payload: {} }))
  t.same(
    answers.map((a) => a.statusCode),
    [400, 400, 400, 400, 400],
    `every request reaches validation, none is a 503: ${answers.find((a) => a.statusCode === 503)?.body ?? ''}`,
  )
  t.match(answers[0]!.json().message, /serviceName|serviceConnection/, 'the 400 names the missing field')
})

t.test('a real overload after start-up is still shed', async (t) => {
  const app = await buildApp({
    logStream: false,
    config: { maxEventLoopDelayMs: 30, loadSampleIntervalMs: 100, rateLimitMax: 0, authFailureLimit: 0, authTokens: [] },
  })
  t.teardown(() => app.close())
  await app.ready()
  // Past the start-up: two sample intervals after ready.
  await new Promise((resolve) => setTimeout(resolve, 250))
  // The figure is the mean delay of the loop's samples over the interval: one 600 ms block among the
  // free interval's ~10 samples of its own start is a mean above 30 ms wherever the interval began.
  blockFor(600)
  await nextTimers()
  const res = await app.inject({ method: 'POST', url: '/v1/databases', payload: {} })
  t.equal(res.statusCode, 503, 'shed')
  t.match(res.json().message, /eventLoopDelay over its limit/)
  const scrape = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(scrape.statusCode, 200, 'the scrape is not shed: Prometheus sees the overload')
  t.match(scrape.body, /athena_connector_requests_rejected_total\{reason="shed",route="\/v1\/databases"\} 1\n/, 'and counts the shed request')
})
