// extractLineage: tables, column lineage, joins, and answers (never exceptions) for bad input.
import t, { type Test } from 'tap'
import { extractLineage, isLineage, tableKey, type Lineage, type LineageOutcome } from '../../src/lineage/sql-lineage.js'

const D = { defaultCatalog: 'AwsDataCatalog', defaultSchema: 'sales' }

function lineage(t: Test, sql: string, defaults: Parameters<typeof extractLineage>[1] = D): Lineage {
  const l = extractLineage(sql, defaults)
  t.ok(isLineage(l), `parsed: ${'error' in l ? l.error : ''}`)
  return l as Lineage
}
const keys = (ts: Lineage['sources']) => ts.map(tableKey)
/** `to <- from, from` per column lineage entry (table names only). */
const columns = (l: Lineage) =>
  l.columns.map((c) => `${c.target?.table ?? '(select)'}.${c.toColumn} <- ${c.fromColumns.map((f) => `${f.table.table}.${f.column}`).join(', ')}${c.function ? ` [${c.function}]` : ''}`)

t.test('tables: defaults fill what the SQL leaves out; names normalised', async (t) => {
  const l = lineage(t, 'SELECT * FROM orders o JOIN lakehouse.transactions x ON 1 = 1 JOIN mysql_federated.shop.products p ON 1 = 1')
  t.same(keys(l.sources), ['awsdatacatalog.sales.orders', 'awsdatacatalog.lakehouse.transactions', 'mysql_federated.shop.products'])
  t.same(l.targets, [])
  t.equal(l.statementType, 'select')
  const bare = lineage(t, 'SELECT * FROM orders', {})
  t.same(bare.sources, [{ table: 'orders' }], 'no defaults: only what the SQL says')
  const quoted = lineage(t, 'SELECT 1 FROM "Legacy_Mixed_Case"."order-history" JOIN lakehouse."web.sessions" ON true')
  t.same(keys(quoted.sources), ['awsdatacatalog.legacy_mixed_case.order-history', 'awsdatacatalog.lakehouse."web.sessions"'])
})

t.test('column lineage of simple projections: target column <- source columns', async (t) => {
  const l = lineage(t, 'CREATE TABLE x AS SELECT a, b AS c, o.d, sum(e) AS total, concat(f, g) AS fg FROM t o GROUP BY a, b, o.d')
  t.same(columns(l), ['x.a <- t.a', 'x.c <- t.b', 'x.d <- t.d', 'x.total <- t.e [sum(e)]', 'x.fg <- t.f, t.g [concat(f, g)]'])
  const view = lineage(t, 'CREATE OR REPLACE VIEW v AS SELECT o.order_id, c.email AS mail FROM orders o JOIN customers c ON o.customer_id = c.customer_id')
  t.same(columns(view), ['v.order_id <- orders.order_id', 'v.mail <- customers.email'])
  t.same(
    view.joins.map(([a, b]) => `${a.table.table}.${a.column} = ${b.table.table}.${b.column}`),
    ['orders.customer_id = customers.customer_id'],
  )
})

t.test("a bare SELECT (a view's SQL): output columns without a target", async (t) => {
  const l = lineage(t, "SELECT o.order_id, concat(c.first_name, ' ', c.last_name) AS customer_name FROM sales.orders o JOIN sales.customers c ON o.customer_id = c.customer_id")
  t.same(l.targets, [])
  t.same(columns(l), ['(select).order_id <- orders.order_id', "(select).customer_name <- customers.first_name, customers.last_name [concat(c.first_name, ' ', c.last_name)]"])
  t.notOk('target' in l.columns[0]!)
})

t.test('column lineage through CTEs, subqueries, UNNEST, UNION and INSERT column lists', async (t) => {
  t.same(columns(lineage(t, 'CREATE TABLE x AS WITH a AS (SELECT id, amount * 2 AS dbl FROM s.t) SELECT q.id, q.dbl FROM a q')), ['x.id <- t.id', 'x.dbl <- t.amount'])
  t.same(columns(lineage(t, 'CREATE TABLE x AS SELECT * FROM (SELECT a, b AS bb FROM t) q')), ['x.a <- t.a', 'x.bb <- t.b'], '* over a derived table')
  t.same(columns(lineage(t, 'CREATE TABLE x AS SELECT u.e AS item FROM t CROSS JOIN UNNEST(t.arr) AS u(e)')), ['x.item <- t.arr'])
  t.same(columns(lineage(t, 'CREATE TABLE x AS SELECT a FROM t UNION ALL SELECT b FROM u')), ['x.a <- t.a, u.b'])
  t.same(columns(lineage(t, 'INSERT INTO x (p, q) SELECT a, b + 1 FROM t')), ['x.p <- t.a', 'x.q <- t.b [b + 1]'], 'positional onto the column list')
  t.same(columns(lineage(t, 'CREATE TABLE x (p, q) AS SELECT a, b FROM t')), ['x.p <- t.a', 'x.q <- t.b'])
})

t.test('no guesses: what SQL alone cannot tell gets no column lineage', async (t) => {
  t.same(lineage(t, 'CREATE TABLE x AS SELECT * FROM t').columns, [], '* over a base table')
  t.same(lineage(t, 'INSERT INTO x SELECT a, b FROM t').columns, [], 'INSERT without a column list')
  t.same(columns(lineage(t, 'CREATE TABLE x AS SELECT a, t.b FROM t JOIN u ON t.id = u.id')), ['x.b <- t.b'], 'an unqualified column of two tables')
  t.same(columns(lineage(t, 'CREATE TABLE x AS SELECT transform(arr, e -> e + k) AS y FROM t')), ['x.y <- t.arr, t.k [transform(arr, e -> e + k)]'], 'lambda parameters are not columns')
})

t.test('CTE names shadow tables; subqueries in expressions are read', async (t) => {
  const l = lineage(t, 'WITH orders AS (SELECT * FROM raw.orders) SELECT * FROM orders WHERE id IN (SELECT id FROM flagged) AND EXISTS (SELECT 1 FROM audit.log)')
  t.same(keys(l.sources), ['awsdatacatalog.raw.orders', 'awsdatacatalog.sales.flagged', 'awsdatacatalog.audit.log'])
  const scalar = lineage(t, 'CREATE TABLE x AS SELECT c.id, (SELECT max(o.ts) FROM orders o WHERE o.cid = c.id) AS last FROM customers c')
  t.same(columns(scalar), ['x.id <- customers.id', 'x.last <- orders.ts [(SELECT max(o.ts) FROM orders o WHERE o.cid = c.id)]'])
})

t.test('statements: MERGE, UPDATE, DELETE, UNLOAD, Hive DDL, EXPLAIN', async (t) => {
  const merge = lineage(t, 'MERGE INTO lakehouse.t tgt USING lakehouse.s src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET v = src.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (src.id, src.v)')
  t.same(keys(merge.targets), ['awsdatacatalog.lakehouse.t'])
  t.same(keys(merge.sources), ['awsdatacatalog.lakehouse.s'])
  t.same(columns(merge), ['t.v <- s.v', 't.id <- s.id'])
  const update = lineage(t, "UPDATE lakehouse.t SET v = (SELECT max(v) FROM lakehouse.s) WHERE k = 'x'")
  t.same(keys(update.targets), ['awsdatacatalog.lakehouse.t'])
  t.same(keys(update.sources), ['awsdatacatalog.lakehouse.s'])
  const unload = lineage(t, "UNLOAD (SELECT a FROM t WHERE s = ')') TO 's3://b/p/' WITH (format = 'PARQUET')")
  t.same(keys(unload.sources), ['awsdatacatalog.sales.t'])
  t.same(unload.targets, [], 'UNLOAD writes files, not a table')
  t.equal(unload.statementType, 'unload')
  const ddl = lineage(t, "CREATE EXTERNAL TABLE `clicks` (id bigint) STORED AS PARQUET LOCATION 's3://b/c/'")
  t.same(keys(ddl.targets), ['awsdatacatalog.sales.clicks'])
  t.equal(ddl.statementType, 'ddl')
  t.same(lineage(t, "ALTER TABLE sales.events ADD PARTITION (dt = '2024-01-01')").targets, [])
  const explain = lineage(t, 'EXPLAIN CREATE TABLE x AS SELECT * FROM t')
  t.same(explain.targets, [], 'EXPLAIN writes nothing')
  t.same(keys(explain.sources), ['awsdatacatalog.sales.t'])
  const analyze = lineage(t, 'EXPLAIN ANALYZE INSERT INTO x SELECT * FROM t')
  t.same(keys(analyze.targets), ['awsdatacatalog.sales.x'], 'EXPLAIN ANALYZE runs the statement')
})

t.test('bad input: an answer, never an exception', async (t) => {
  const inputs: unknown[] = [
    '',
    '   ',
    '-- only a comment',
    'SELEC * FROM t',
    'SELECT FROM',
    'CREATE TABLE AS',
    ')))',
    "SELECT 'unterminated",
    null,
    undefined,
    42,
    'x'.repeat(10_000),
    'SELECT ' + '('.repeat(300) + '1' + ')'.repeat(300),
  ]
  for (const input of inputs) {
    let out: LineageOutcome | undefined
    t.doesNotThrow(
      () => {
        out = extractLineage(input as string)
      },
      `${String(input).slice(0, 30)}`,
    )
    t.ok(out && (isLineage(out) || typeof out.error === 'string'))
  }
  const bad = extractLineage('SELEC * FROM t')
  t.match(bad, { error: /line 1:1/ })
})
