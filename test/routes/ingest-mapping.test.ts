import t from 'tap'
import { athenaConnection, startHarness } from '../support/harness.js'
import { invalidRecords, parseNdjson, type StreamRecord } from '../support/records.js'
import { withSourceHash } from '../../src/openmetadata/source-hash.js'

type H = Awaited<ReturnType<typeof startHarness>>

async function ingestSample(h: H, extra: { serviceName?: string; databaseName?: string } = {}) {
  const config = { ...athenaConnection(h.aws), ...(extra.databaseName ? { databaseName: extra.databaseName } : {}) }
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/ingest',
    payload: {
      serviceName: extra.serviceName ?? 'athena_prod',
      serviceConnection: { config },
      // LF-tags are tested on their own (ingest-tags); here the mapping alone.
      sourceConfig: { config: { type: 'DatabaseMetadata', includeTags: false, schemaFilterPattern: { excludes: ['^clickstream$'] } } },
    },
  })
  t.equal(res.statusCode, 200)
  const records = parseNdjson(res.body)
  t.same(invalidRecords(records), [], 'every record validates against its OpenMetadata schema')
  return records
}
const table = (records: StreamRecord[], name: string) => records.find((r) => r.kind === 'table' && r.entity.name === name)!.entity

t.test('the nested column tree: structs in structs, arrays of structs, arrays of arrays of structs', async (t) => {
  const h = await startHarness(t)
  const profiles = table(await ingestSample(h), 'customer_profiles')
  const col = (name: string) => profiles.columns.find((c: { name: string }) => c.name === name)
  t.same(col('profile'), {
    name: 'profile',
    dataType: 'STRUCT',
    dataTypeDisplay: 'struct<name:string,address:struct<street:string,city:string,zip:varchar(10)>,tags:array<string>>',
    description: 'Name, postal address and free-form tags',
    ordinalPosition: 2,
    children: [
      { name: 'name', dataType: 'STRING', dataTypeDisplay: 'string' },
      {
        name: 'address',
        dataType: 'STRUCT',
        dataTypeDisplay: 'struct<street:string,city:string,zip:varchar(10)>',
        children: [
          { name: 'street', dataType: 'STRING', dataTypeDisplay: 'string' },
          { name: 'city', dataType: 'STRING', dataTypeDisplay: 'string' },
          { name: 'zip', dataType: 'VARCHAR', dataTypeDisplay: 'varchar(10)', dataLength: 10 },
        ],
      },
      { name: 'tags', dataType: 'ARRAY', dataTypeDisplay: 'array<string>', arrayDataType: 'STRING' },
    ],
  })
  t.same(col('line_items').children[2], { name: 'price', dataType: 'DECIMAL', dataTypeDisplay: 'decimal(10,2)', precision: 10, scale: 2 })
  t.same(
    col('matrix'),
    {
      name: 'matrix',
      dataType: 'ARRAY',
      dataTypeDisplay: 'array<array<struct<a:int,b:string>>>',
      arrayDataType: 'ARRAY',
      ordinalPosition: 5,
      children: [
        { name: 'a', dataType: 'INT', dataTypeDisplay: 'int' },
        { name: 'b', dataType: 'STRING', dataTypeDisplay: 'string' },
      ],
    },
    'an array of arrays of structs keeps its struct fields (upstream loses them)',
  )
  t.same(
    col('legacy_names').children.map((c: { name: string }) => c.name),
    ['first-name', 'last name', 'order'],
    'backticked field names unquoted',
  )
  t.match(col('attributes'), { dataType: 'MAP', dataTypeDisplay: 'map<string,array<int>>' })
  // A top-level uniontype is not complex for upstream: its Athena dialect types it NULL (dataLength 1, constraint NULL).
  t.match(col('contact_value'), { dataType: 'NULL', dataTypeDisplay: 'uniontype<int,string>', dataLength: 1, constraint: 'NULL' })
  t.match(col('customer_id'), { dataType: 'BIGINT', dataLength: 1, constraint: 'NULL' }, 'top-level primitives as upstream types them')
})

t.test('Iceberg: the non-current column is dropped, positions stay contiguous, the type is External as upstream', async (t) => {
  const h = await startHarness(t)
  const tx = table(await ingestSample(h), 'transactions')
  t.equal(tx.tableType, 'External', "upstream's Athena connector calls every table External (Partitioned with keys)")
  const names = tx.columns.map((c: { name: string }) => c.name)
  t.notOk(names.includes('legacy_amount'), 'iceberg.field.current=false is gone')
  t.same(names, ['txn_id', 'account_id', 'amount', 'currency', 'txn_ts', 'merchant', 'tags'])
  t.same(
    tx.columns.map((c: { ordinalPosition: number }) => c.ordinalPosition),
    [1, 2, 3, 4, 5, 6, 7],
  )
  t.equal(tx.locationPath, 's3://acme-lakehouse-123456789012/warehouse/lakehouse.db/transactions')
})

t.test("a view's schemaDefinition is the SQL decoded from its Presto view text, never a query per view", async (t) => {
  const h = await startHarness(t)
  const view = table(await ingestSample(h), 'orders_enriched')
  t.equal(view.tableType, 'View')
  t.equal(
    view.schemaDefinition,
    "SELECT o.order_id, o.order_ts, o.status, o.total_amount, o.currency, c.customer_id, concat(c.first_name, ' ', c.last_name) AS customer_name, c.email, c.loyalty_tier, o.dt, o.region\nFROM sales.orders o\nJOIN sales.customers c ON o.customer_id = c.customer_id\nWHERE o.status <> 'CANCELLED'",
  )
  t.equal(view.description, undefined, "Athena's 'Presto View' marker comment is not a description")
  t.equal(h.aws.count('athena:StartQueryExecution'), 0, 'no query ran')
})

t.test('partition interval types come from partition projection', async (t) => {
  const h = await startHarness(t)
  const records = await ingestSample(h)
  t.same(table(records, 'events').tablePartition, {
    columns: [
      { columnName: 'dt', intervalType: 'TIME-UNIT', interval: 'DAY' },
      { columnName: 'region', intervalType: 'ENUM' },
      { columnName: 'hour', intervalType: 'INTEGER-RANGE' },
      { columnName: 'shard', intervalType: 'INJECTED' },
    ],
  })
  const orders = table(records, 'orders')
  t.equal(orders.tableType, 'Partitioned')
  t.same(orders.tablePartition, {
    columns: [
      { columnName: 'dt', intervalType: 'COLUMN-VALUE' },
      { columnName: 'region', intervalType: 'COLUMN-VALUE' },
    ],
  })
  t.same(
    orders.columns.slice(-2).map((c: { name: string; ordinalPosition: number }) => [c.name, c.ordinalPosition]),
    [
      ['dt', 11],
      ['region', 12],
    ],
    'partition keys follow the 10 storage columns',
  )
  t.equal(orders.fileFormat, 'parquet')
  t.match(
    orders.columns.find((c: { name: string }) => c.name === 'total_amount'),
    { dataType: 'DECIMAL', precision: 12, scale: 2 },
  )
})

t.test('FQN parts containing a dot are quoted; names with ", :: or > are encoded as upstream encodes them', async (t) => {
  const h = await startHarness(t)
  const lakehouse = h.aws.catalog.glue[h.aws.catalog.accountId]!.find((d) => d.Name === 'lakehouse')!
  const odd = structuredClone(lakehouse.Tables[0]!)
  odd.Name = 'say "hi"::v>2'
  odd.StorageDescriptor!.Columns = [{ Name: 'a>b', Type: 'int' }]
  lakehouse.Tables.push(odd)
  const records = await ingestSample(h, { serviceName: 'prod.athena', databaseName: 'aws.catalog' })
  t.same(records.find((r) => r.kind === 'database')!.entity, withSourceHash({ name: 'aws.catalog', service: '"prod.athena"' }))
  t.equal(table(records, 'web.sessions').databaseSchema, '"prod.athena"."aws.catalog".lakehouse')
  const encoded = table(records, 'say __reserved__quote__hi__reserved__quote____reserved__colon__v__reserved__arrow__2')
  t.same(
    encoded.columns.map((c: { name: string }) => c.name),
    ['a__reserved__arrow__b'],
  )
  const stale = records.find((r) => r.kind === 'staleScope' && r.entity.scopeFqn === '"prod.athena"."aws.catalog".lakehouse')!
  t.ok(
    stale.entity.seenFqns.includes('"prod.athena"."aws.catalog".lakehouse.say __reserved__quote__hi__reserved__quote____reserved__colon__v__reserved__arrow__2'),
    'the stale scope names it by its encoded FQN',
  )
  const status = records.at(-1)!.entity
  t.equal(status.errors, 0, 'not refused')
  t.equal(status.warnings, 3, 'the table name and the column name were encoded (and clickstream, filtered out, gets no clean-up)')
  t.match(h.logs(), /lakehouse: table .*v>2.* is named .*say __reserved__quote__hi/, 'the warning names the table')
  t.match(h.logs(), /lakehouse: table .*v>2.*: column .*a>b.*: named .*a__reserved__arrow__b/, 'and the column')
})
