// POST /v1/query-log with a workflowConfig sink: the queries, the usage per table and day, the percentiles and the
// lineage reach the (fake) OpenMetadata server, after an ingest of the same catalog put the tables there.
import { createHash } from 'node:crypto'
import t, { type Test } from 'tap'
import { maskQuery } from '../../src/lineage/mask-query.js'
import { buildFqn } from '../../src/openmetadata/fqn.js'
import { loadSampleCatalog, type QueryExecutionFixture } from '../support/catalog.js'
import { startFakeOm, type FakeOm } from '../support/fake-om.js'
import { athenaConnection, ingestRecords, startHarness, TEST_SECRETS, type Harness } from '../support/harness.js'
import { validateOm } from '../support/om-spec.js'
import { byKind, expectedQueries, invalidQueryLogRecords, parseNdjson, postQueryLog, queryLogBody, type QueryLogLine } from './support.js'

const SINK = { concurrency: 8, maxAttempts: 2, requestTimeoutMs: 5_000, retryBaseMs: 5, maxRetryDelayMs: 100 }
const JWT_PATH = 'workflowConfig/openMetadataServerConfig/securityConfig/jwtToken'
const SCHEMAS = ['^sales$', '^lakehouse$', '^legacy_mixed_case$']

function workflow(om: FakeOm, jwt: string | null = om.token) {
  return {
    sink: { type: 'metadata-rest', config: {} },
    workflowConfig: {
      openMetadataServerConfig: { hostPort: om.url, authProvider: 'openmetadata', ...(jwt !== null ? { securityConfig: { jwtToken: jwt } } : {}) },
    },
  }
}

/** The sample catalog (one copy, so the history's times are the ones the fake AWS serves), ingested into a fake OpenMetadata. */
async function setup(t: Test) {
  const catalog = loadSampleCatalog()
  const h = await startHarness(t, { catalog, config: { openMetadataSink: SINK } })
  const om = await startFakeOm(t)
  // The catalog the query log names must be in OpenMetadata first.
  await ingestRecords(t, h, {
    serviceName: 'athena_prod',
    serviceConnection: { config: athenaConnection(h.aws) },
    sourceConfig: { config: { type: 'DatabaseMetadata', schemaFilterPattern: { includes: SCHEMAS } } },
    ...workflow(om),
  })
  return { h, om, history: catalog.queryHistory! }
}

async function queryLog(h: Harness, om: FakeOm, config: Record<string, unknown>) {
  const res = await postQueryLog(h, queryLogBody(h, config, workflow(om)))
  return { res, records: parseNdjson(res.body) as Array<QueryLogLine & { sink?: any; sinkStatus?: any }> }
}

const tableFqn = (u: any) => buildFqn(u.serviceName, u.databaseName, u.databaseSchema, u.table)
const dayOf = (q: QueryExecutionFixture) => new Date(q.Status.SubmissionDateTime).toISOString().slice(0, 10)
const today = () => new Date().toISOString().slice(0, 10)

t.test('DatabaseUsage: queries, usage per table and day and the percentiles reach OpenMetadata, all valid', async (t) => {
  const { h, om, history } = await setup(t)
  const { res, records } = await queryLog(h, om, { type: 'DatabaseUsage', queryLogDuration: 7 })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  t.same(invalidQueryLogRecords(records), [], 'entity stays the pure OpenMetadata payload, the sink outcome beside it')

  // Usage: one POST per table and day, its body a UsageRequest (what ometa posts) and a DailyCount (what the server takes).
  const usageCalls = om.requests.filter((r) => r.method === 'POST' && /^\/api\/v1\/usage\/table\//.test(r.path))
  t.ok(usageCalls.length > 0)
  for (const call of usageCalls) {
    if (!validateOm('type/usageRequest.json', call.body).valid) t.fail(`not a UsageRequest: ${JSON.stringify(call.body)}`)
    if (!validateOm('type/dailyCount.json', call.body).valid) t.fail(`not a DailyCount: ${JSON.stringify(call.body)}`)
  }
  const usage = byKind(records, 'usageSummary') as Array<QueryLogLine & { sink: any }>
  let known = 0
  for (const u of usage) {
    const table = om.byFqn('table', tableFqn(u.entity))
    if (table) {
      known++
      t.equal(u.sink?.status, 'written', `${tableFqn(u.entity)} ${u.entity.date}: written`)
      t.equal(om.usageApi.usage.get(table.id)?.get(u.entity.date), u.entity.count, `${tableFqn(u.entity)} ${u.entity.date}: the count on the server`)
    } else {
      t.equal(u.sink?.status, 'failed', `${tableFqn(u.entity)}: not in OpenMetadata, a failure`)
      t.match(u.sink?.error, /does not exist in OpenMetadata/)
    }
  }
  t.ok(known >= 5, 'several tables of the catalog were used')
  t.equal(usageCalls.filter((c) => c.status === 201).length, known, 'one usage call per known table and day')

  // The counts are the SUCCEEDED queries only: sales.orders per day, from the fixture itself.
  const ordersRef = /(^|[\s(,])("?sales"?\.)?"?orders"?(\s|$|\)|,)/i
  const inWindow = expectedQueries(history, 7)
  const perDay = (qs: QueryExecutionFixture[]) => {
    const m = new Map<string, number>()
    for (const q of qs) if (ordersRef.test(q.Query) && (q.QueryExecutionContext?.Database === 'sales' || /sales\.orders/i.test(q.Query))) m.set(dayOf(q), (m.get(dayOf(q)) ?? 0) + 1)
    return m
  }
  const succeeded = perDay(inWindow.filter((q) => q.Status.State === 'SUCCEEDED'))
  const all = perDay(inWindow)
  const orders = om.byFqn('table', 'athena_prod.default.sales.orders')!
  t.same(om.usageApi.usage.get(orders.id), succeeded, 'sales.orders: the SUCCEEDED queries of each day')
  t.not(
    [...all.values()].reduce((a, b) => a + b),
    [...succeeded.values()].reduce((a, b) => a + b),
    'failed and cancelled queries on sales.orders exist, and are not counted',
  )

  // Queries: one entity per distinct SQL text (its literals masked, as upstream stores them), named by the MD5 of
  // that text under the service, used in the known tables it touched.
  const queryPuts = om.requests.filter((r) => r.method === 'PUT' && r.path === '/api/v1/queries')
  for (const call of queryPuts) {
    const v = validateOm('api/data/createQuery.json', call.body)
    t.ok(v.valid, `CreateQueryRequest valid: ${v.errors}`)
  }
  const expectedUse = new Map<string, Set<string>>()
  for (const u of usage) {
    const table = om.byFqn('table', tableFqn(u.entity))
    if (!table) continue
    for (const q of u.entity.sqlQueries) {
      const set = expectedUse.get(maskQuery(q.query)) ?? new Set<string>()
      set.add(table.id)
      expectedUse.set(maskQuery(q.query), set)
    }
  }
  t.ok(expectedUse.size >= 8)
  t.equal(om.usageApi.queries.size, expectedUse.size, 'one query entity per distinct SQL text used in a known table')
  t.equal(queryPuts.length, expectedUse.size, 'each created once')
  for (const [sql, tables] of expectedUse) {
    const stored = om.usageApi.queries.get(`athena_prod.${createHash('md5').update(sql).digest('hex')}`)
    t.ok(stored, `query stored under its MD5: ${sql.slice(0, 60)}`)
    t.same(new Set(stored?.usedIn), tables, `queryUsedIn: every known table it used (${sql.slice(0, 40)})`)
    t.equal(stored?.request.service, 'athena_prod')
  }
  const storedSql = [...om.usageApi.queries.values()].map((q) => q.request.query as string)
  for (const q of inWindow.filter((x) => x.Status.State !== 'SUCCEEDED')) {
    t.notOk(storedSql.includes(maskQuery(q.Query)), `${q.Status.State} query not written: ${q.Query.slice(0, 50)}`)
  }
  t.notOk(
    storedSql.some((s) => /'2024-06-0\d'|'PARQUET'|'RETURNED'/.test(s)),
    'no literal reaches the server',
  )
  t.ok(
    storedSql.some((s) => s.includes('FROM sales.events\nWHERE dt BETWEEN ? AND ?')),
    'the literals are ? in the stored text',
  )
  t.notOk(
    storedSql.some((s) => s.includes('"app": "OpenMetadata"') || s.includes('"app": "dbt"')),
    'no OpenMetadata or dbt query',
  )

  // Joins (publish_frequently_joined_with): `FROM orders o JOIN customers c ON o.customer_id = c.customer_id`, both ways;
  // the cancelled `sales.events e JOIN sales.orders o ON o.customer_id = e.user_id` gives none.
  const joinCalls = om.requests.filter((r) => r.method === 'PUT' && /\/joins$/.test(r.path))
  t.ok(joinCalls.length >= 2)
  for (const call of joinCalls) {
    const v = validateOm('entity/data/table.json#/definitions/tableJoins', call.body)
    t.ok(v.valid && call.status === 200, `TableJoins valid and taken: ${v.errors}`)
  }
  const joinDay = dayOf(history.find((q) => q.Query.includes('JOIN customers c ON o.customer_id = c.customer_id'))!)
  const joinsOf = (fqn: string) => om.usageApi.joins.get(om.byFqn('table', fqn)!.id) ?? []
  const joinedWith = (fqn: string, column: string) =>
    joinsOf(fqn)
      .filter((j) => j.startDate === joinDay)
      .flatMap((j) => j.columnJoins.filter((c: any) => c.columnName === column).flatMap((c: any) => c.joinedWith))
  t.same(joinedWith('athena_prod.default.sales.customers', 'customer_id'), [{ fullyQualifiedName: 'athena_prod.default.sales.orders.customer_id', joinCount: 1 }])
  t.same(joinedWith('athena_prod.default.sales.orders', 'customer_id'), [{ fullyQualifiedName: 'athena_prod.default.sales.customers.customer_id', joinCount: 1 }])
  t.same(joinsOf('athena_prod.default.sales.events'), [], 'the cancelled join is not published')

  // Then the percentiles, as upstream's bulk sink closes: tables, then databases, for today.
  t.same(om.usageApi.percentiles, [
    { entity: 'table', date: today() },
    { entity: 'database', date: today() },
  ])
  const lastUsage = Math.max(...om.requests.map((r, i) => (/^\/api\/v1\/(usage\/table|queries)|\/joins$/.test(r.path) ? i : -1)))
  const firstPercentile = om.requests.findIndex((r) => r.path.includes('compute.percentile'))
  t.ok(firstPercentile > lastUsage, 'the percentiles are computed after every usage and query call')

  // Query records are not written themselves (their SQL reaches the server through the tables' usage).
  t.ok(byKind(records, 'query').every((r: any) => r.sink?.status === 'skipped'))
  t.ok(
    byKind(records, 'query')
      .filter((r) => r.state !== 'SUCCEEDED')
      .every((r: any) => /only SUCCEEDED queries count/.test(r.sink.error)),
    'failed and cancelled ones say why',
  )

  // Tables unknown to the server: failures in the status line, not a crash.
  const status = records.at(-1)!
  t.equal(status.kind, 'status')
  t.equal(status.sinkStatus?.name, 'OpenMetadata')
  const unknown = usage.filter((u) => !om.byFqn('table', tableFqn(u.entity)))
  t.ok(unknown.length > 0, 'the history uses tables the catalog does not have')
  t.equal(status.sinkStatus.errors, unknown.length)
  t.ok(
    unknown.every((u) => status.sinkStatus.failures.some((f: any) => f.name.includes(tableFqn(u.entity)))),
    'each one named',
  )
  t.equal(status.sinkStatus.records, known)
  t.ok(validateOm('entity/services/ingestionPipelines/status.json#/definitions/stepSummary', status.sinkStatus).valid)

  t.notOk(res.body.includes(om.token), 'the JWT is not in the answer')
  t.notOk(h.logs().includes(om.token), 'nor in the log')
  t.notOk(res.body.includes(TEST_SECRETS.secretAccessKey))
})

t.test('a second run finds its queries by name: nothing created twice, no usage link lost', async (t) => {
  const { h, om } = await setup(t)
  await queryLog(h, om, { queryLogDuration: 7 })
  const before = new Map([...om.usageApi.queries].map(([k, q]) => [k, [...q.usedIn]]))
  const orders = om.byFqn('table', 'athena_prod.default.sales.orders')!
  const firstCounts = new Map(om.usageApi.usage.get(orders.id))
  const puts = om.requests.length
  const { res } = await queryLog(h, om, { queryLogDuration: 7 })
  t.equal(res.statusCode, 200)
  const second = om.requests.slice(puts)
  t.equal(second.filter((r) => r.method === 'PUT' && r.path === '/api/v1/queries').length, 0, 'no query created again')
  t.equal(second.filter((r) => r.method === 'PUT' && /\/usage$/.test(r.path)).length, 0, 'no link sent again')
  t.same(new Map([...om.usageApi.queries].map(([k, q]) => [k, q.usedIn])), before)
  // Usage is POSTed, as upstream posts it, and the server adds a POST to the day's count: a rerun of a window counts it again.
  t.same(om.usageApi.usage.get(orders.id), new Map([...firstCounts].map(([d, n]) => [d, 2 * n])))
})

t.test('DatabaseLineage: the edges reach OpenMetadata; usage is the usage workflow’s', async (t) => {
  const { h, om } = await setup(t)
  // The INSERT INTO sales.customer_revenue … FROM customers JOIN orders: its target exists on the server too.
  om.seed('table', { name: 'customer_revenue', databaseSchema: 'athena_prod.default.sales', columns: [] })
  const fromIngest = om.lineage.length
  const { res, records } = await queryLog(h, om, { type: 'DatabaseLineage', queryLogDuration: 7 })
  t.equal(res.statusCode, 200)
  t.same(invalidQueryLogRecords(records), [])
  const lineage = byKind(records, 'lineage') as Array<QueryLogLine & { sink: any }>
  const ends = (r: any) => [r.entity.edge.fromEntity.fullyQualifiedName, r.entity.edge.toEntity.fullyQualifiedName]
  const both = lineage.filter((r) => ends(r).every((fqn: string) => om.byFqn('table', fqn)))
  t.ok(both.length >= 2, 'customers and orders → customer_revenue')
  for (const r of lineage) t.equal(r.sink.status, both.includes(r) ? 'written' : 'failed', ends(r).join(' -> '))
  const fqnOfId = (id: string) => [...om.entities.values()].find((e) => e.id === id)?.fqn
  const sent = om.lineage.slice(fromIngest)
  t.same(sent.map((l) => `${fqnOfId(l.fromEntity.id)} -> ${fqnOfId(l.toEntity.id)}`).sort(), both.map((r) => ends(r).join(' -> ')).sort(), 'exactly the edges between known tables')
  for (const l of sent) t.ok(validateOm('api/lineage/addLineage.json', l.body).valid)
  t.equal(om.usageApi.usage.size, 0, 'a lineage run posts no usage (upstream: the usage workflow does)')
  t.same(om.usageApi.percentiles, [])
  t.ok(byKind(records, 'usageSummary').every((r: any) => r.sink?.status === 'skipped'))
})

t.test('the sink blocks are checked before any AWS call, as /v1/ingest checks them', async (t) => {
  const catalog = loadSampleCatalog()
  const h = await startHarness(t, { catalog, config: { openMetadataSink: SINK } })
  const om = await startFakeOm(t)
  const noJwt = await postQueryLog(h, queryLogBody(h, {}, workflow(om, null)))
  t.equal(noJwt.statusCode, 400)
  t.match(noJwt.json().message, new RegExp(`body/${JWT_PATH} is required`))
  const wrong = await postQueryLog(h, queryLogBody(h, {}, workflow(om, 'eyJ.wrong-token-value.sig')))
  t.equal(wrong.statusCode, 502)
  t.match(wrong.json().message, /rejected workflowConfig\.openMetadataServerConfig\.securityConfig\.jwtToken/)
  const badSink = await postQueryLog(h, queryLogBody(h, {}, { ...workflow(om), sink: { type: 'file' } }))
  t.equal(badSink.statusCode, 400)
  t.match(badSink.json().message, /body\/sink\/type must be 'metadata-rest'/)
  t.equal(h.aws.count('athena:ListWorkGroups'), 0, 'no AWS call')
  t.notOk(h.logs().includes('wrong-token-value'))
  t.notOk(wrong.body.includes('wrong-token-value'))
})

t.test('Accept: application/json: each item keeps its sink outcome, the document the sink status', async (t) => {
  const { h, om } = await setup(t)
  const res = await postQueryLog(h, queryLogBody(h, { queryLogDuration: 7 }, workflow(om)), { accept: 'application/json' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.equal(doc.sinkStatus?.name, 'OpenMetadata')
  t.ok(doc.usage.length > 0 && doc.usage.every((u: any) => ['written', 'failed'].includes(u.sink?.status)))
  t.ok(doc.sinkStatus.records > 0)
})

t.test('the server failing usage or query calls: those records fail, named in the status; the run goes on', async (t) => {
  const { h, om } = await setup(t)
  const orders = om.byFqn('table', 'athena_prod.default.sales.orders')!
  om.failNext({ status: 500, times: 1000, match: (m, p) => m === 'POST' && p === `/api/v1/usage/table/${orders.id}` })
  om.failNext({ status: 503, times: 1000, match: (m, p) => m === 'PUT' && p === '/api/v1/queries' })
  const { res, records } = await queryLog(h, om, { queryLogDuration: 7 })
  t.equal(res.statusCode, 200)
  const usage = byKind(records, 'usageSummary') as Array<QueryLogLine & { sink: any }>
  const ofOrders = usage.filter((u) => tableFqn(u.entity) === 'athena_prod.default.sales.orders')
  t.ok(ofOrders.length >= 2)
  for (const u of ofOrders) {
    t.equal(u.sink.status, 'failed')
    t.equal(u.sink.httpStatus, 500, 'the server’s answer after the retries')
  }
  t.notOk(om.usageApi.usage.has(orders.id))
  const customers = usage.find((u) => tableFqn(u.entity) === 'athena_prod.default.sales.customers')!
  t.equal(customers.sink.status, 'failed', 'usage written, its queries not: the record says so')
  t.match(customers.sink.error, /^usage written, but \d+ of its joins and queries not; the first: /)
  t.ok(om.usageApi.usage.has(om.byFqn('table', 'athena_prod.default.sales.customers')!.id), 'its usage is on the server')
  t.equal(om.usageApi.queries.size, 0)
  const status = records.at(-1)!
  t.ok(status.sinkStatus.failures.some((f: any) => f.name === `usage of athena_prod.default.sales.orders on ${ofOrders[0]!.entity.date}`))
  t.ok(
    status.sinkStatus.failures.some((f: any) => /^query athena_prod\.[0-9a-f]{32}$/.test(f.name)),
    'a failed query is named by its FQN',
  )
  t.same(
    om.usageApi.percentiles.map((p) => p.entity),
    ['table', 'database'],
    'the percentiles still follow the usage that was written',
  )
  t.notOk(res.body.includes(om.token))
})
