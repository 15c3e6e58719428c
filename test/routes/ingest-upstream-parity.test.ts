import t from 'tap'
import { athenaConnection, ingestRecords, startHarness } from '../support/harness.js'
import type { StreamRecord } from '../support/records.js'

// What a user switching from OpenMetadata's own Athena connector sees unchanged (issue 11 §2): table types,
// descriptions, schemaDefinition under includeDDL; and what we do better: Presto spellings from federated catalogs.

type H = Awaited<ReturnType<typeof startHarness>>

async function ingest(h: H, config: Record<string, unknown> = {}) {
  return ingestRecords(t, h, {
    serviceName: 'athena_prod',
    serviceConnection: { config: athenaConnection(h.aws) },
    sourceConfig: { config: { type: 'DatabaseMetadata', includeTags: false, ...config } },
    options: { includeFederatedCatalogs: true, includeViewLineage: false },
  })
}
const tables = (records: StreamRecord[]) => records.filter((r) => r.kind === 'table').map((r) => r.entity)
const table = (records: StreamRecord[], name: string) => tables(records).find((e) => e.name === name)!

t.test('every table typed as upstream types it: View, Partitioned with partition keys, External otherwise', async (t) => {
  const h = await startHarness(t)
  const lakehouse = h.aws.catalog.glue[h.aws.catalog.accountId]!.find((d) => d.Name === 'lakehouse')!
  const governed = structuredClone(lakehouse.Tables[0]!)
  governed.Name = 'governed_daily'
  governed.TableType = 'GOVERNED'
  governed.PartitionKeys = [{ Name: 'day', Type: 'date' }]
  const untyped = structuredClone(lakehouse.Tables[0]!)
  untyped.Name = 'untyped'
  delete untyped.TableType
  lakehouse.Tables.push(governed, untyped)
  const records = await ingest(h)
  const typed = tables(records).map((e) => [`${e.databaseSchema.split('.').slice(1).join('.')}.${e.name}`, e.tableType])
  const clickstream = typed.filter(([fqn]) => fqn.startsWith('default.clickstream.'))
  t.equal(clickstream.length, 250)
  t.ok(
    clickstream.every(([, type]) => type === 'Partitioned'),
    'the 250 clickstream tables (partitioned by dt) are Partitioned',
  )
  t.equal(typed.filter(([, type]) => type === 'Partitioned').length, 254, "the demo's 253 partitioned tables, and governed_daily")
  t.same(Object.fromEntries(typed.filter(([fqn]) => !fqn.startsWith('default.clickstream.'))), {
    'default.sales.customer_profiles': 'External',
    'default.sales.customers': 'External',
    'default.sales.events': 'Partitioned',
    'default.sales.orders': 'Partitioned',
    'default.sales.orders_enriched': 'View',
    'default.lakehouse.dim_date': 'External', // MANAGED_TABLE
    'default.lakehouse.transactions': 'External', // Iceberg, hidden partitioning: no Glue partition keys
    'default.lakehouse.web.sessions': 'External',
    'default.lakehouse.governed_daily': 'Partitioned', // GOVERNED, with a key
    'default.lakehouse.untyped': 'External', // no TableType at all
    'default.Legacy_Mixed_Case.Customer_Accounts': 'External',
    'default.Legacy_Mixed_Case.order-history': 'Partitioned',
    'mysql_federated.shop.products': 'External',
    'mysql_federated.shop.inventory': 'External',
    'mysql_federated.shop.order_lines_v': 'External',
    'mysql_federated.crm.contacts': 'External',
  })
})

t.test("description: Parameters.comment (upstream's source), then Glue's Description", async (t) => {
  const h = await startHarness(t)
  const records = await ingest(h)
  t.equal(table(records, 'Customer_Accounts').description, 'Legacy accounts (Parameters.comment differs from Description)')
  t.equal(table(records, 'customers').description, 'Customer master data, exported nightly from the CRM')
  t.equal(table(records, 'orders').description, 'Customer orders, one row per order. Partitioned by ingestion date and sales region.', 'no comment: Description')
  t.equal(table(records, 'orders_enriched').description, undefined, "Athena's 'Presto View' marker is no description")
})

t.test('a federated table in Presto spellings: complex columns, top-level primitives as upstream types them', async (t) => {
  const h = await startHarness(t)
  const records = await ingest(h)
  const products = table(records, 'products')
  const col = (name: string) => products.columns.find((c: { name: string }) => c.name === name)
  t.same(col('attributes'), { name: 'attributes', dataType: 'MAP', dataTypeDisplay: 'map(varchar, varchar)', ordinalPosition: 7 })
  t.same(col('tags'), { name: 'tags', dataType: 'ARRAY', arrayDataType: 'VARCHAR', dataTypeDisplay: 'array(varchar)', ordinalPosition: 8 })
  t.same(col('dimensions'), {
    name: 'dimensions',
    dataType: 'STRUCT',
    dataTypeDisplay: 'row(width double, height double, unit varchar(2))',
    ordinalPosition: 9,
    children: [
      { name: 'width', dataType: 'DOUBLE', dataTypeDisplay: 'double' },
      { name: 'height', dataType: 'DOUBLE', dataTypeDisplay: 'double' },
      { name: 'unit', dataType: 'VARCHAR', dataTypeDisplay: 'varchar(2)', dataLength: 2 },
    ],
  })
  t.same(col('sku'), { name: 'sku', dataType: 'VARCHAR', dataTypeDisplay: 'varchar', dataLength: 1, constraint: 'NULL', ordinalPosition: 2 })
  t.same(col('price'), { name: 'price', dataType: 'DECIMAL', dataTypeDisplay: 'decimal(10,2)', precision: 10, scale: 2, dataLength: 1, constraint: 'NULL', ordinalPosition: 4 })
  t.equal(records.at(-1)!.entity.warnings, 0, 'nothing fell back to UNKNOWN')
})

t.test('includeDDL: tables carry their CREATE statement, views their SQL; off by default; no query either way', async (t) => {
  const h = await startHarness(t)
  const off = await ingest(h)
  t.same(
    tables(off)
      .filter((e) => e.tableType !== 'View' && 'schemaDefinition' in e)
      .map((e) => e.name),
    [],
    'off: no table DDL',
  )
  const on = await ingest(h, { includeDDL: true })
  const orders = table(on, 'orders')
  t.match(orders.schemaDefinition, /^CREATE EXTERNAL TABLE `sales`\.`orders`\(\n {2}`order_id` bigint/)
  t.match(orders.schemaDefinition, /\nPARTITIONED BY \(\n {2}`dt` string[^)]*,\n {2}`region` string[^)]*\)\n/)
  t.match(orders.schemaDefinition, /\nLOCATION\n {2}'s3:\/\/acme-datalake-123456789012\/sales\/orders\/'\n/)
  t.match(table(on, 'transactions').schemaDefinition, /^CREATE TABLE `lakehouse`\.`transactions`\(/, 'Iceberg: CREATE TABLE')
  t.match(table(on, 'orders_enriched').schemaDefinition, /^SELECT o\.order_id/, 'a view keeps its SQL')
  t.ok(
    tables(on)
      .filter((e) => e.tableType !== 'View')
      .every((e) => typeof e.schemaDefinition === 'string'),
    'every table has one',
  )
  t.equal(h.aws.count('athena:StartQueryExecution'), 0, 'built from what Glue returned: no query ran')
})

t.test('includeDDL must be a boolean', async (t) => {
  const h = await startHarness(t)
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/ingest',
    payload: { serviceName: 's', serviceConnection: { config: athenaConnection(h.aws) }, sourceConfig: { config: { type: 'DatabaseMetadata', includeDDL: 'yes' } } },
  })
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /includeDDL/)
})
