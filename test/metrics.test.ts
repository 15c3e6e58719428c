// Issue 12 §5: GET /metrics (Prometheus text) and the log lines an operator relies on.
import t from 'tap'
import { startFakeOm } from './support/fake-om.js'
import { athenaConnection, startHarness, TEST_SECRETS } from './support/harness.js'
import { assertOm } from './support/om-spec.js'
import { parseExposition, valueOf, type Sample } from './support/prometheus.js'
import { parseNdjson } from './support/records.js'
import { byKind, parseNdjson as parseQueryLog, postQueryLog, queryLogBody } from './querylog/support.js'

type H = Awaited<ReturnType<typeof startHarness>>
const P = 'athena_connector_'
const SINK = { concurrency: 8, maxAttempts: 4, requestTimeoutMs: 5_000, retryBaseMs: 5, maxRetryDelayMs: 2_000 }

async function scrape(h: H, headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await h.app.inject({ method: 'GET', url: '/metrics', headers })
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}: ${res.body}`)
  if (!String(res.headers['content-type']).startsWith('text/plain; version=0.0.4')) throw new Error(`content-type ${String(res.headers['content-type'])}`)
  return parseExposition(res.body)
}

const logLines = (h: H) =>
  h
    .logs()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>)

t.test('an ingest with a sink, a throttled and a denied listing: HTTP, records, AWS calls, sink writes, runs in progress, log lines', async (t) => {
  const h = await startHarness(t, { config: { openMetadataSink: SINK } })
  const om = await startFakeOm(t)
  h.aws.addFault({ action: 'glue:GetTables', kind: 'throttle', times: 1 })
  h.aws.addFault({ action: 'glue:GetTables', kind: 'accessDenied', match: (b) => b.DatabaseName === 'lakehouse' })
  const before = await scrape(h)
  t.equal(valueOf(before, `${P}runs_in_progress`, { kind: 'ingest' }), 0, 'no ingest running before')

  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { 'x-request-id': 'metrics-run-1' },
    payload: {
      type: 'athena',
      serviceName: 'athena_prod',
      serviceConnection: { config: athenaConnection(h.aws) },
      sink: { type: 'metadata-rest', config: {} },
      workflowConfig: { loggerLevel: 'INFO', openMetadataServerConfig: { hostPort: om.url, authProvider: 'openmetadata', securityConfig: { jwtToken: om.token } } },
    },
  })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const records = parseNdjson(res.body)
  const tables = records.filter((r) => r.kind === 'table')
  t.ok(tables.length > 0, 'the stream has tables')
  for (const r of tables.slice(0, 3)) assertOm(t, 'api/data/createTable.json', r.entity)
  const status = records.at(-1)!
  t.ok(
    status.entity.failures.some((f: any) => /lakehouse/.test(f.name)),
    'the denied schema is a failure of the status line',
  )

  const m = await scrape(h)
  t.equal(valueOf(m, `${P}http_requests_total`, { method: 'POST', route: '/v1/ingest', status_code: '200' }), 1, 'the ingest, by its route pattern and status')
  t.equal(valueOf(m, `${P}http_request_duration_seconds_count`, { method: 'POST', route: '/v1/ingest', status_code: '200' }), 1, 'and its duration')
  t.equal(valueOf(m, `${P}records_emitted_total`, { run: 'ingest', kind: 'table' }), tables.length, 'table records = table lines of the stream')
  t.equal(valueOf(m, `${P}records_emitted_total`, { run: 'ingest', kind: 'status' }), 1)
  t.ok(valueOf(m, `${P}aws_calls_total`, { operation: 'glue:GetTables', outcome: 'throttled' }) >= 1, 'the throttled attempt is counted')
  t.ok(valueOf(m, `${P}aws_calls_total`, { operation: 'glue:GetTables', outcome: 'accessDenied' }) >= 1, 'the denied listing is counted')
  t.ok(valueOf(m, `${P}aws_calls_total`, { operation: 'glue:GetTables', outcome: 'success' }) >= 1)
  t.equal(valueOf(m, `${P}aws_calls_total`, { operation: 'glue:GetDatabases', outcome: 'success' }), 1)
  const writtenTables = tables.filter((r: any) => r.sink?.status === 'written').length
  t.ok(writtenTables > 0, 'the sink wrote tables')
  t.equal(valueOf(m, `${P}sink_writes_total`, { run: 'ingest', kind: 'table', outcome: 'written' }), writtenTables, "sink writes by outcome = the stream's sink outcomes")
  t.equal(valueOf(m, `${P}runs_in_progress`, { kind: 'ingest' }), 0, 'back at 0 once the stream ended')
  t.ok(
    m.some((s) => s.name === 'process_cpu_user_seconds_total'),
    'the default process metrics are there',
  )
  t.notMatch(JSON.stringify(m), TEST_SECRETS.secretAccessKey)

  const lines = logLines(h)
  const summary = lines.filter((l) => l.msg === 'ingest finished')
  t.equal(summary.length, 1, 'one summary line')
  t.match(summary[0], {
    level: 30,
    reqId: 'metrics-run-1',
    run: 'ingest',
    records: { table: tables.length, status: 1 },
    errors: status.entity.errors,
    warnings: status.entity.warnings,
    elapsedMs: Number,
    totals: { tables: Number },
    sink: { outcomes: { written: Number } },
  })
  t.ok(summary[0]!.failures.length >= 1 && summary[0]!.failures.length <= 3, 'a few failure texts, not all')
  const schemaFailure = lines.filter((l) => l.msg === 'ingest failure' && /lakehouse/.test(l.entity))
  t.equal(schemaFailure.length, 1, 'the failed schema listing: one line')
  t.match(schemaFailure[0], { level: 40, reqId: 'metrics-run-1', error: /glue:GetTables|AccessDenied|not authorized/i })
})

t.test('shed and rate-limited requests are counted; /metrics itself is never rate limited', async (t) => {
  const h = await startHarness(t, { config: { rateLimitMax: 1, rateLimitWindowMs: 60_000 } })
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/databases', payload: {} })).statusCode, 400)
  const limited = await h.app.inject({ method: 'POST', url: '/v1/databases', payload: {} })
  t.equal(limited.statusCode, 429)
  for (let i = 0; i < 3; i++) t.equal((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200, 'scrape not limited')
  const m = await scrape(h)
  t.equal(valueOf(m, `${P}requests_rejected_total`, { reason: 'rate_limited', route: '/v1/databases' }), 1)
  t.equal(valueOf(m, `${P}http_requests_total`, { route: '/v1/databases', status_code: '429' }), 1)
  t.equal(valueOf(m, `${P}http_requests_total`, { route: '/metrics', status_code: '200' }), 3, 'earlier scrapes are counted, by route')

  const unknown = await h.app.inject({ method: 'GET', url: '/no/such/path/12345' })
  t.equal(unknown.statusCode, 429, 'an unknown path counts toward the same limit')
  const after = await scrape(h)
  t.equal(valueOf(after, `${P}http_requests_total`, { route: 'unmatched', status_code: '429' }), 1, 'an unmatched request is labelled unmatched')
  t.equal(valueOf(after, `${P}requests_rejected_total`, { reason: 'rate_limited', route: 'unmatched' }), 1)
  t.notOk(
    after.some((s) => Object.values(s.labels).some((v) => v.includes('12345'))),
    'no raw URL in any label',
  )
})

t.test('failed-login lockouts are counted as rejected requests, by route', async (t) => {
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer], authFailureLimit: 2 } })
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) {
    statuses.push((await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-guess' } })).statusCode)
  }
  t.same(statuses, [401, 401, 429, 429], 'a token guesser on /metrics is limited like on /v1')
  // The locked-out client stays locked out, right token or not: Prometheus scrapes from elsewhere.
  const res = await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.0.0.9', headers: { authorization: `Bearer ${TEST_SECRETS.bearer}` } })
  t.equal(res.statusCode, 200)
  t.equal(valueOf(parseExposition(res.body), `${P}requests_rejected_total`, { reason: 'auth_failures', route: '/metrics' }), 2)
})

t.test('a request refused by the ingest concurrency gate is counted', async (t) => {
  const h = await startHarness(t, { latencyMs: 400, config: { maxConcurrentIngests: 1 } })
  const payload = { serviceName: 'athena_prod', serviceConnection: { config: athenaConnection(h.aws) } }
  const first = h.app.inject({ method: 'POST', url: '/v1/databases', payload })
  while (h.aws.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  const second = await h.app.inject({ method: 'POST', url: '/v1/databases', payload })
  t.equal(second.statusCode, 503)
  t.match(second.json().message, /MAX_CONCURRENT_INGESTS/)
  t.equal((await first).statusCode, 200)
  const m = await scrape(h)
  t.equal(valueOf(m, `${P}requests_rejected_total`, { reason: 'concurrency', route: '/v1/databases' }), 1)
  t.equal(valueOf(m, `${P}http_requests_total`, { route: '/v1/databases', status_code: '503' }), 1)
})

t.test('/metrics protection: METRICS_TOKEN, else AUTH_TOKEN, else open', async (t) => {
  const open = await startHarness(t)
  t.equal((await open.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200, 'open without any token configured')

  const byAuth = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer] } })
  const refused = await byAuth.app.inject({ method: 'GET', url: '/metrics' })
  t.equal(refused.statusCode, 401)
  t.match(refused.json().message, /AUTH_TOKEN/, 'says which token it wants')
  t.equal((await byAuth.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TEST_SECRETS.bearer}` } })).statusCode, 200)

  const own = 'metrics-scraper-token-5d1e07'
  const byOwn = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer], metricsTokens: [own] } })
  const wrong = await byOwn.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TEST_SECRETS.bearer}` } })
  t.equal(wrong.statusCode, 401, 'AUTH_TOKEN does not open /metrics once METRICS_TOKEN is set')
  t.match(wrong.json().message, /METRICS_TOKEN/)
  t.notMatch(wrong.body, TEST_SECRETS.bearer)
  t.equal((await byOwn.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${own}` } })).statusCode, 200)
  const v1 = await byOwn.app.inject({ method: 'POST', url: '/v1/databases', headers: { authorization: `Bearer ${own}` }, payload: {} })
  t.equal(v1.statusCode, 401, 'METRICS_TOKEN does not open /v1')
})

t.test('a query-log run: its records counted by kind, one summary line and a warn line for the workgroup it may not read', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'athena:ListQueryExecutions', kind: 'accessDenied', match: (b) => b.WorkGroup === 'analysts' })
  const res = await postQueryLog(h, queryLogBody(h, { type: 'DatabaseUsage', queryLogDuration: 7 }), { 'x-request-id': 'usage-run-7' })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const records = parseQueryLog(res.body)
  const queries = byKind(records, 'query')
  t.ok(queries.length > 0)
  const m = await scrape(h)
  t.equal(valueOf(m, `${P}records_emitted_total`, { run: 'queryLog', kind: 'query' }), queries.length)
  t.equal(valueOf(m, `${P}runs_in_progress`, { kind: 'queryLog' }), 0)
  t.ok(valueOf(m, `${P}aws_calls_total`, { operation: 'athena:ListQueryExecutions', outcome: 'accessDenied' }) >= 1)
  const lines = logLines(h)
  const summary = lines.filter((l) => l.msg === 'queryLog finished')
  t.equal(summary.length, 1)
  t.match(summary[0], { level: 30, reqId: 'usage-run-7', run: 'queryLog', records: { query: queries.length, status: 1 }, errors: 1, elapsedMs: Number })
  t.notOk('sink' in summary[0]!, 'no sink outcomes without a sink')
  const failure = lines.filter((l) => l.msg === 'query log failure')
  t.equal(failure.length, 1)
  t.match(failure[0], { level: 40, reqId: 'usage-run-7', entity: 'workgroup analysts' })
})
