// The fake OpenMetadata server's usage and queries API answers as the real one does (test/support/fake-om-usage.ts):
// the query-log sink tests are only as good as this double.
import { createHash } from 'node:crypto'
import t from 'tap'
import { startFakeOm, type FakeOm } from '../support/fake-om.js'

async function call(om: FakeOm, method: string, path: string, body?: unknown) {
  const res = await fetch(`${om.url}/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${om.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

async function seeded(t: { teardown(fn: () => unknown): void }) {
  const om = await startFakeOm(t)
  om.seed('databaseService', { name: 'athena_prod', serviceType: 'Athena' })
  om.seed('database', { name: 'default', service: 'athena_prod' })
  om.seed('databaseSchema', { name: 'sales', database: 'athena_prod.default' })
  const table = om.seed('table', { name: 'orders', databaseSchema: 'athena_prod.default.sales', columns: [] })
  return { om, table }
}

t.test('usage: DailyCount per table and day, added up; bad bodies and unknown tables refused', async (t) => {
  const { om, table } = await seeded(t)
  t.equal((await call(om, 'POST', `usage/table/${table.id}`, { date: '2026-12-01', count: 3 })).status, 201)
  const again = await call(om, 'POST', `usage/table/${table.id}`, { date: '2026-12-01', count: 2 })
  t.equal(again.status, 201)
  t.equal(again.json.entity.id, table.id)
  t.same(om.usageApi.usage.get(table.id), new Map([['2026-12-01', 5]]))

  const negative = await call(om, 'POST', `usage/table/${table.id}`, { date: '2026-12-01', count: -1 })
  t.equal(negative.status, 400)
  t.match(negative.json.message, /count/)
  const noDate = await call(om, 'POST', `usage/table/${table.id}`, { count: 1 })
  t.equal(noDate.status, 400)
  t.match(noDate.json.message, /date/)
  const unknown = await call(om, 'POST', 'usage/table/00000000-0000-4000-8000-00000000abcd', { date: '2026-12-01', count: 1 })
  t.equal(unknown.status, 404)
  t.match(unknown.json.message, /table instance for 00000000-0000-4000-8000-00000000abcd not found/)

  t.equal((await call(om, 'POST', 'usage/compute.percentile/table/2026-12-01')).status, 201)
  const badDate = await call(om, 'POST', 'usage/compute.percentile/table/yesterday')
  t.equal(badDate.status, 400)
  t.match(badDate.json.message, /date yesterday/)
  t.same(om.usageApi.percentiles, [{ entity: 'table', date: '2026-12-01' }])
})

t.test('queries: created under <service>.<md5>, queryUsedIn only on request, links added by PUT …/usage', async (t) => {
  const { om, table } = await seeded(t)
  const sql = 'SELECT count(*) FROM sales.orders'
  const md5 = createHash('md5').update(sql).digest('hex')
  const created = await call(om, 'PUT', 'queries', { query: sql, service: 'athena_prod', queryUsedIn: [{ id: table.id, type: 'table' }] })
  t.equal(created.status, 201)
  t.equal(created.json.fullyQualifiedName, `athena_prod.${md5}`)

  const plain = await call(om, 'GET', `queries/name/${encodeURIComponent(`athena_prod.${md5}`)}`)
  t.equal(plain.status, 200)
  t.notOk('queryUsedIn' in plain.json, 'relation fields only when asked for')
  const withUse = await call(om, 'GET', `queries/name/${encodeURIComponent(`athena_prod.${md5}`)}?fields=queryUsedIn`)
  t.same(
    withUse.json.queryUsedIn.map((r: any) => r.fullyQualifiedName),
    ['athena_prod.default.sales.orders'],
  )

  const other = om.seed('table', { name: 'customers', databaseSchema: 'athena_prod.default.sales', columns: [] })
  t.equal((await call(om, 'PUT', `queries/${created.json.id}/usage`, [{ id: other.id, type: 'table' }])).status, 201)
  t.same(om.usageApi.queries.get(`athena_prod.${md5}`)!.usedIn, [table.id, other.id])

  const noService = await call(om, 'PUT', 'queries', { query: sql })
  t.equal(noService.status, 400)
  t.match(noService.json.message, /service/)
  const unknownService = await call(om, 'PUT', 'queries', { query: sql, service: 'nope' })
  t.equal(unknownService.status, 404)
  t.match(unknownService.json.message, /databaseService instance for nope not found/)
  const unknownTable = await call(om, 'PUT', 'queries', { query: 'SELECT 2', service: 'athena_prod', queryUsedIn: [{ id: '00000000-0000-4000-8000-00000000abcd', type: 'table' }] })
  t.equal(unknownTable.status, 404)
  t.match(unknownTable.json.message, /table instance for 00000000-0000-4000-8000-00000000abcd not found/)
  const extra = await call(om, 'PUT', 'queries', { query: sql, service: 'athena_prod', domains: ['x'] })
  t.equal(extra.status, 400, 'a closed CreateQueryRequest')
  t.equal((await call(om, 'GET', 'queries/name/athena_prod.0123')).status, 404)
})

t.test('joins: TableJoins checked as TableRepository.addJoins checks them', async (t) => {
  const { om, table } = await seeded(t)
  om.seed('table', { name: 'customers', databaseSchema: 'athena_prod.default.sales', columns: [{ name: 'customer_id', dataType: 'INT' }] })
  ;(table.request as any).columns = [{ name: 'customer_id', dataType: 'INT' }]
  const day = new Date().toISOString().slice(0, 10)
  const join = (columnName: string, fullyQualifiedName: string, startDate = day) => ({
    startDate,
    columnJoins: [{ columnName, joinedWith: [{ fullyQualifiedName, joinCount: 1 }] }],
    directTableJoins: [],
  })
  const ok = await call(om, 'PUT', `tables/${table.id}/joins`, join('customer_id', 'athena_prod.default.sales.customers.customer_id'))
  t.equal(ok.status, 200)
  t.equal(om.usageApi.joins.get(table.id)?.length, 1)
  const old = await call(om, 'PUT', `tables/${table.id}/joins`, join('customer_id', 'athena_prod.default.sales.customers.customer_id', '2020-01-01'))
  t.equal(old.status, 400)
  t.match(old.json.message, /past 30 days/)
  const badColumn = await call(om, 'PUT', `tables/${table.id}/joins`, join('nope', 'athena_prod.default.sales.customers.customer_id'))
  t.equal(badColumn.status, 400)
  t.match(badColumn.json.message, /Invalid column name nope/)
  const badOther = await call(om, 'PUT', `tables/${table.id}/joins`, join('customer_id', 'athena_prod.default.sales.missing.customer_id'))
  t.equal(badOther.status, 404)
  t.match(badOther.json.message, /table instance for athena_prod\.default\.sales\.missing not found/)
  const extra = await call(om, 'PUT', `tables/${table.id}/joins`, { ...join('customer_id', 'athena_prod.default.sales.customers.customer_id'), extra: 1 })
  t.equal(extra.status, 400, 'a closed TableJoins')
  t.equal(om.usageApi.joins.get(table.id)?.length, 1, 'nothing refused was kept')
})
