// POST /v1/query-log over the sample history (test/fixtures/sample-catalog.json queryHistory), DatabaseUsage.
import t from 'tap'
import { loadSampleCatalog } from '../support/catalog.js'
import { startHarness, TEST_SECRETS } from '../support/harness.js'
import { byKind, expectedQueries, invalidQueryLogRecords, parseNdjson, postQueryLog, queryLogBody } from './support.js'

t.test('DatabaseUsage: every enabled workgroup, the window, no OpenMetadata/dbt queries, all payloads valid', async (t) => {
  const h = await startHarness(t)
  const res = await postQueryLog(h, queryLogBody(h, { type: 'DatabaseUsage', queryLogDuration: 7 }))
  t.equal(res.statusCode, 200, res.body.slice(0, 500))
  t.match(res.headers['content-type'], /application\/x-ndjson/)
  const records = parseNdjson(res.body)
  t.same(invalidQueryLogRecords(records), [], 'every record valid against its OpenMetadata schema')

  const expected = expectedQueries(loadSampleCatalog().queryHistory!, 7)
  const queries = byKind(records, 'query')
  t.same(queries.map((r) => r.entity.query).sort(), expected.map((q) => q.Query).sort(), 'exactly the queries in the window, none by OpenMetadata or dbt')
  t.ok(
    queries.every((r) => r.workGroup === 'primary' || r.workGroup === 'analysts'),
    'the DISABLED workgroup is not read',
  )
  t.notOk(
    queries.some((r) => /"app": "(OpenMetadata|dbt)"/.test(r.entity.query)),
    'no query carries an OpenMetadata or dbt header',
  )

  // Kinds in order: queries (lineage none for usage), then usage summaries, then the status, last.
  const kinds = records.map((r) => r.kind)
  t.equal(kinds.at(-1), 'status')
  t.equal(kinds.filter((k) => k === 'lineage').length, 0, 'no lineage for a DatabaseUsage config')
  t.ok(kinds.indexOf('usageSummary') > kinds.lastIndexOf('query'), 'usage summaries after the queries')

  const status = records.at(-1)!
  t.equal(status.entity.errors, 0)
  t.same(status.entity.failures, [])
  t.equal(status.totals!.queries, expected.length)
  t.equal(status.totals!.workGroups, 2)
  t.equal(status.totals!.openMetadataQueries, 3, 'three OpenMetadata queries in the window dropped')
  t.equal(status.totals!.dbtQueries, 2, 'two dbt queries dropped')
  t.equal(status.entity.records, records.length - 1, 'records counts every line but the status')
  t.notOk(res.body.includes(TEST_SECRETS.secretAccessKey), 'no secret in the answer')
})

t.test('a query record: TableQuery as upstream builds it, plus id, workgroup and state', async (t) => {
  const h = await startHarness(t)
  const res = await postQueryLog(h, queryLogBody(h, { queryLogDuration: 7 }))
  const queries = byKind(parseNdjson(res.body), 'query')
  const fixture = loadSampleCatalog().queryHistory!.find((q) => q.Query.startsWith('INSERT INTO sales.customer_revenue (customer_id'))!
  const r = queries.find((q) => q.queryExecutionId === fixture.QueryExecutionId)!
  t.ok(r, 'the INSERT is there')
  t.equal(r.workGroup, 'primary')
  t.equal(r.state, 'SUCCEEDED')
  t.equal(r.statementType, 'DML')
  const e = r.entity
  t.equal(e.query, fixture.Query)
  t.equal(e.query_type, 'INSERT')
  t.equal(e.serviceName, 'athena_prod')
  t.equal(e.databaseName, 'default', 'the Glue catalog is the OM database connection.databaseName || default')
  t.equal(e.databaseSchema, 'sales', 'QueryExecutionContext.Database')
  t.equal(e.dialect, 'athena')
  t.equal(e.duration, 6120, 'TotalExecutionTimeInMillis, in milliseconds')
  t.equal(e.aborted, false)
  t.notOk('userName' in e, 'Athena records no user (upstream leaves userName out too)')
  t.notOk('exclude_usage' in e)
  t.match(e.startTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00$/, "upstream's isoformat(' ', 'seconds')")
  t.match(e.endTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00$/)
  t.ok(Date.parse(e.analysisDate) > 0)
  t.equal(Date.parse(e.endTime.replace(' ', 'T')) - Date.parse(e.startTime.replace(' ', 'T')) >= 6000, true, 'endTime is the completion')
})

t.test('failed and cancelled queries are query records with their state, excluded from usage', async (t) => {
  const h = await startHarness(t)
  const res = await postQueryLog(h, queryLogBody(h, { queryLogDuration: 7 }))
  const records = parseNdjson(res.body)
  const queries = byKind(records, 'query')
  const failed = queries.filter((r) => r.state === 'FAILED')
  const cancelled = queries.filter((r) => r.state === 'CANCELLED')
  t.equal(failed.length, 3, 'the typo, the failed CTAS and the syntax error')
  t.equal(cancelled.length, 2)
  for (const r of [...failed, ...cancelled]) {
    t.equal(r.entity.exclude_usage, true, `${r.queryExecutionId}: exclude_usage`)
    t.equal(r.entity.aborted, r.state === 'CANCELLED', `${r.queryExecutionId}: aborted only when CANCELLED`)
  }
  const usage = byKind(records, 'usageSummary')
  t.notOk(
    usage.some((u) => u.entity.sqlQueries.some((q: { query: string }) => q.query.includes('sales.order WHERE'))),
    'the failed query counts for no table',
  )
  t.notOk(
    usage.some((u) => u.entity.table === 'orders_backup'),
    'the failed CTAS created nothing',
  )
  const status = records.at(-1)!
  t.equal(status.totals!.failed, 3)
  t.equal(status.totals!.cancelled, 2)
})

t.test('usage summary: TableUsageCount per table and day over the SUCCEEDED queries', async (t) => {
  const h = await startHarness(t)
  const res = await postQueryLog(h, queryLogBody(h, { queryLogDuration: 7 }))
  const records = parseNdjson(res.body)
  const usage = byKind(records, 'usageSummary').map((r) => r.entity)
  const orders = usage.filter((u) => u.table === 'orders' && u.databaseSchema === 'sales')
  t.ok(orders.length >= 2, 'sales.orders on several days')
  for (const u of usage) {
    t.equal(u.serviceName, 'athena_prod')
    t.equal(u.count, u.sqlQueries.length, `${u.databaseSchema}.${u.table} ${u.date}: one query per use`)
    t.match(u.date, /^\d{4}-\d\d-\d\d$/)
  }
  const federated = usage.find((u) => u.table === 'products')
  t.equal(federated?.databaseName, 'mysql_federated', 'a federated catalog is its own OM database')
  t.equal(federated?.databaseSchema, 'shop')
  const sessions = usage.find((u) => u.table === 'web.sessions')
  t.equal(sessions?.databaseSchema, 'lakehouse', 'a quoted dotted table name stays one name')
  // `FROM orders o JOIN customers c ON o.customer_id = c.customer_id` (unqualified names, context database sales).
  t.ok(
    usage.some(
      (u) =>
        u.table === 'customers' &&
        u.joins.some(
          (j: any) => j.tableColumn.table === 'sales.customers' && j.tableColumn.column === 'customer_id' && j.joinedWith.some((w: any) => w.table === 'sales.orders' && w.column === 'customer_id'),
        ),
    ),
    'joins: sales.customers.customer_id joined with sales.orders.customer_id',
  )
  const total = usage.reduce((n, u) => n + u.count, 0)
  t.ok(total > 0)
})

t.test('Accept: application/json: the same records, grouped by kind', async (t) => {
  const h = await startHarness(t)
  const body = queryLogBody(h, { queryLogDuration: 7 })
  const ndjson = parseNdjson((await postQueryLog(h, body)).body)
  const res = await postQueryLog(h, body, { accept: 'application/json' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /application\/json/)
  const doc = res.json()
  t.same(
    doc.queries.map((q: any) => q.queryExecutionId),
    byKind(ndjson, 'query').map((q) => q.queryExecutionId),
  )
  t.same(doc.usage.length, byKind(ndjson, 'usageSummary').length)
  t.same(doc.lineage, [])
  t.equal(doc.status.name, 'Athena')
  t.equal(doc.totals.queries, doc.queries.length)
})

t.test('an empty history: only the status line', async (t) => {
  const catalog = loadSampleCatalog()
  catalog.queryHistory = []
  const h = await startHarness(t, { catalog })
  const res = await postQueryLog(h, queryLogBody(h))
  t.equal(res.statusCode, 200)
  const records = parseNdjson(res.body)
  t.same(
    records.map((r) => r.kind),
    ['status'],
  )
  t.same(invalidQueryLogRecords(records), [])
  t.equal(records[0]!.entity.records, 0)
  t.equal(records[0]!.entity.errors, 0)
  t.equal(h.aws.count('athena:BatchGetQueryExecution'), 0, 'nothing to fetch')
  t.equal(h.aws.count('athena:ListQueryExecutions'), 2, 'one listing per enabled workgroup')
})
