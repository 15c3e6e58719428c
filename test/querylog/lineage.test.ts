// POST /v1/query-log with a DatabaseLineage config: lineage edges from the SUCCEEDED CTAS, INSERT … SELECT
// and CREATE VIEW statements of the sample history, exactly.
import t from 'tap'
import { loadSampleCatalog } from '../support/catalog.js'
import { startHarness } from '../support/harness.js'
import { byKind, edgeNames, invalidQueryLogRecords, parseNdjson, postQueryLog, queryLogBody } from './support.js'

const svc = 'athena_prod.default'

/** Every edge the sample's history makes in its last 7 days (each once). */
const EXPECTED_EDGES = [
  // CTAS sales.orders_daily (primary, 130 min ago)
  `${svc}.sales.orders -> ${svc}.sales.orders_daily`,
  // INSERT INTO sales.customer_revenue (…) SELECT … JOIN (primary, 75 min ago)
  `${svc}.sales.customers -> ${svc}.sales.customer_revenue`,
  `${svc}.sales.orders -> ${svc}.sales.customer_revenue`,
  // CREATE OR REPLACE VIEW sales.big_orders (primary)
  `${svc}.sales.orders -> ${svc}.sales.big_orders`,
  // CTAS lakehouse.product_snapshot from the federated MySQL catalog (primary, 2 days ago)
  `athena_prod.mysql_federated.shop.products -> ${svc}.lakehouse.product_snapshot`,
  // CTAS lakehouse.daily_spend (analysts, yesterday) and INSERT INTO lakehouse.daily_spend WITH … (analysts, today): same edges, once
  `${svc}.lakehouse.dim_date -> ${svc}.lakehouse.daily_spend`,
  `${svc}.lakehouse.transactions -> ${svc}.lakehouse.daily_spend`,
].sort()

function lineageBody(h: Parameters<typeof queryLogBody>[0], extra: Record<string, unknown> = {}) {
  return queryLogBody(h, { type: 'DatabaseLineage', queryLogDuration: 7, ...extra })
}

t.test('edges exactly from the successful CTAS / INSERT / CREATE VIEW of the window', async (t) => {
  const h = await startHarness(t)
  const res = await postQueryLog(h, lineageBody(h))
  t.equal(res.statusCode, 200, res.body.slice(0, 400))
  const records = parseNdjson(res.body)
  t.same(invalidQueryLogRecords(records), [], 'every record valid (lineage with the ids a writer resolves)')
  t.same(edgeNames(records), EXPECTED_EDGES)
  const names = edgeNames(records).join('\n')
  t.notMatch(names, /orders_backup/, 'the FAILED CTAS makes no edge')
  t.notMatch(names, /stg_orders/, "dbt's CTAS is dropped with its query")
  t.notMatch(names, /orders_2023|old_spend/, 'CTAS older than the window: absent')
  t.equal(records.at(-1)!.totals!.lineage, EXPECTED_EDGES.length)
})

t.test('an edge: FQNs without ids, the SQL, source QueryLineage, column lineage of that source', async (t) => {
  const h = await startHarness(t)
  const records = parseNdjson((await postQueryLog(h, lineageBody(h))).body)
  const lineage = byKind(records, 'lineage')
  const history = loadSampleCatalog().queryHistory!

  const view = lineage.find((r) => r.entity.edge.toEntity.fullyQualifiedName === `${svc}.sales.big_orders`)!
  const viewQuery = history.find((q) => q.Query.startsWith('CREATE OR REPLACE VIEW sales.big_orders'))!
  t.same(view.entity.edge.fromEntity, { type: 'table', fullyQualifiedName: `${svc}.sales.orders` }, 'no id: the writer resolves it by FQN')
  t.same(view.entity.edge.toEntity, { type: 'table', fullyQualifiedName: `${svc}.sales.big_orders` })
  t.equal(view.queryExecutionId, viewQuery.QueryExecutionId)
  t.equal(view.entity.edge.lineageDetails.sqlQuery, viewQuery.Query)
  t.equal(view.entity.edge.lineageDetails.source, 'QueryLineage')
  t.same(view.entity.edge.lineageDetails.columnsLineage, [
    { fromColumns: [`${svc}.sales.orders.order_id`], toColumn: `${svc}.sales.big_orders.order_id` },
    { fromColumns: [`${svc}.sales.orders.customer_id`], toColumn: `${svc}.sales.big_orders.customer_id` },
    { fromColumns: [`${svc}.sales.orders.total_amount`], toColumn: `${svc}.sales.big_orders.amount` },
  ])

  // INSERT with a column list: positional; each edge carries the columns of its own source table.
  const fromCustomers = lineage.find((r) => r.entity.edge.fromEntity.fullyQualifiedName === `${svc}.sales.customers`)!
  t.same(fromCustomers.entity.edge.lineageDetails.columnsLineage, [
    { fromColumns: [`${svc}.sales.customers.customer_id`], toColumn: `${svc}.sales.customer_revenue.customer_id` },
    { fromColumns: [`${svc}.sales.customers.email`], toColumn: `${svc}.sales.customer_revenue.email` },
  ])
  const fromOrders = lineage.find((r) => r.entity.edge.fromEntity.fullyQualifiedName === `${svc}.sales.orders` && r.entity.edge.toEntity.fullyQualifiedName === `${svc}.sales.customer_revenue`)!
  t.same(fromOrders.entity.edge.lineageDetails.columnsLineage, [
    { fromColumns: [`${svc}.sales.orders.total_amount`], toColumn: `${svc}.sales.customer_revenue.revenue`, function: 'sum(o.total_amount)' },
  ])

  // The same edge from two queries: kept once, with the newer query (the INSERT, today) and its SQL.
  const spend = lineage.filter((r) => r.entity.edge.toEntity.fullyQualifiedName === `${svc}.lakehouse.daily_spend`)
  const insert = history.find((q) => q.Query.startsWith('INSERT INTO lakehouse.daily_spend'))!
  t.equal(spend.length, 2)
  t.ok(
    spend.every((r) => r.queryExecutionId === insert.QueryExecutionId),
    'the newest query that makes the edge',
  )

  // Each edge comes right after its query record.
  const order = records.map((r) => (r.kind === 'query' ? `q:${r.queryExecutionId}` : r.kind === 'lineage' ? `l:${r.queryExecutionId}` : r.kind))
  for (const r of lineage) {
    const at = order.indexOf(`l:${r.queryExecutionId}`)
    t.ok(order.lastIndexOf(`q:${r.queryExecutionId}`, at) >= 0 && order.lastIndexOf(`q:${r.queryExecutionId}`, at) < at, 'after its query')
  }
})

t.test('databaseName names the Glue catalog in every FQN', async (t) => {
  const h = await startHarness(t)
  const body = lineageBody(h)
  ;(body.serviceConnection.config as Record<string, unknown>).databaseName = 'lake'
  const records = parseNdjson((await postQueryLog(h, body)).body)
  t.ok(edgeNames(records).includes('athena_prod.lake.sales.orders -> athena_prod.lake.sales.orders_daily'))
  t.ok(byKind(records, 'query').every((r) => r.entity.databaseName === 'lake' || r.entity.databaseName === 'mysql_federated'))
})

t.test('lineage filter patterns drop edges whose end is filtered out; processQueryLineage false: none', async (t) => {
  const h = await startHarness(t)
  const filtered = parseNdjson((await postQueryLog(h, lineageBody(h, { schemaFilterPattern: { excludes: ['^lakehouse$'] } }))).body)
  t.same(
    edgeNames(filtered),
    EXPECTED_EDGES.filter((e) => !e.includes('.lakehouse.')),
  )
  t.equal(filtered.at(-1)!.entity.filtered >= 3, true, 'dropped edges count as filtered')

  const tables = parseNdjson((await postQueryLog(h, lineageBody(h, { tableFilterPattern: { includes: ['^orders', '^customer', '^big_'] } }))).body)
  t.same(
    edgeNames(tables),
    EXPECTED_EDGES.filter((e) => /sales\.(orders|customers) -> .*sales\.(orders_daily|customer_revenue|big_orders)$/.test(e)),
  )

  const none = parseNdjson((await postQueryLog(h, lineageBody(h, { processQueryLineage: false }))).body)
  t.same(byKind(none, 'lineage'), [])
  t.ok(byKind(none, 'query').length > 0, 'queries are still listed')
})
