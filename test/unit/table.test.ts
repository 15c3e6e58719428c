import t from 'tap'
import type { Table } from '@aws-sdk/client-glue'
import { MappingError } from '../../src/openmetadata/errors.js'
import { buildCreateTable, tableTypeOf } from '../../src/openmetadata/table.js'
import { ViewDecodeError } from '../../src/openmetadata/view.js'
import { assertOm, validateOm } from '../support/om-spec.js'

const CREATE_TABLE = 'api/data/createTable.json'
const ctx = { schemaFqn: 'athena_prod.AwsDataCatalog.sales' }

const parquetTable: Table = {
  Name: 'orders',
  DatabaseName: 'sales',
  Description: 'All orders',
  TableType: 'EXTERNAL_TABLE',
  Parameters: {
    classification: 'parquet',
    has_encrypted_data: 'false',
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.interval.unit': 'DAYS',
    EXTERNAL: 'TRUE',
  },
  StorageDescriptor: {
    Columns: [
      { Name: 'id', Type: 'bigint', Comment: 'order id' },
      { Name: 'total', Type: 'decimal(12,2)' },
      { Name: 'items', Type: 'array<struct<sku:string,qty:int>>' },
    ],
    Location: 's3://bucket/sales/orders/',
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
  },
  PartitionKeys: [{ Name: 'dt', Type: 'string' }],
}

t.test('an external Parquet table with projection', async (t) => {
  const req = buildCreateTable(parquetTable, ctx)
  t.strictSame(req, {
    name: 'orders',
    tableType: 'External',
    columns: [
      { name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint', description: 'order id', ordinalPosition: 1 },
      { name: 'total', dataType: 'DECIMAL', dataTypeDisplay: 'decimal(12,2)', precision: 12, scale: 2, ordinalPosition: 2 },
      {
        name: 'items',
        dataType: 'ARRAY',
        arrayDataType: 'STRUCT',
        dataTypeDisplay: 'array<struct<sku:string,qty:int>>',
        ordinalPosition: 3,
        children: [
          { name: 'sku', dataType: 'STRING', dataTypeDisplay: 'string' },
          { name: 'qty', dataType: 'INT', dataTypeDisplay: 'int' },
        ],
      },
      { name: 'dt', dataType: 'STRING', dataTypeDisplay: 'string', ordinalPosition: 4 },
    ],
    databaseSchema: 'athena_prod.AwsDataCatalog.sales',
    description: 'All orders',
    tablePartition: { columns: [{ columnName: 'dt', intervalType: 'TIME-UNIT', interval: 'DAY' }] },
    locationPath: 's3://bucket/sales/orders/',
    fileFormat: 'parquet',
  })
  assertOm(t, CREATE_TABLE, req)
})

t.test('the validator does reject what OpenMetadata rejects (sanity)', async (t) => {
  const req = buildCreateTable(parquetTable, ctx)
  t.notOk(validateOm(CREATE_TABLE, { ...req, parameters: { classification: 'parquet' } }).valid, 'closed object')
  t.notOk(validateOm(CREATE_TABLE, { ...req, tableType: 'EXTERNAL_TABLE' }).valid, 'tableType enum')
})

t.test('tableType mapping', async (t) => {
  const cases: [Partial<Table>, string][] = [
    [{ TableType: 'VIRTUAL_VIEW' }, 'View'],
    [{ TableType: 'VIRTUAL_VIEW', IsMaterializedView: true }, 'MaterializedView'],
    [{ TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'ICEBERG' } }, 'Iceberg'],
    [{ TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'iceberg' } }, 'Iceberg'],
    [{ TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'DELTA' } }, 'External'],
    [{ TableType: 'EXTERNAL_TABLE' }, 'External'],
    [{ TableType: 'MANAGED_TABLE' }, 'Regular'],
    [{ TableType: 'GOVERNED' }, 'Regular'],
    [{}, 'Regular'],
  ]
  for (const [table, expected] of cases) {
    const full = { Name: 't', ...table } as Table
    t.equal(tableTypeOf(full), expected, JSON.stringify(table))
    assertOm(t, CREATE_TABLE, buildCreateTable(full, ctx))
  }
})

t.test('Iceberg: non-current columns dropped, no partition keys, Parameters.comment as description', async (t) => {
  const req = buildCreateTable(
    {
      Name: 'events',
      TableType: 'EXTERNAL_TABLE',
      Parameters: { table_type: 'ICEBERG', metadata_location: 's3://b/events/metadata/00001.metadata.json', comment: 'events table' },
      StorageDescriptor: {
        Location: 's3://b/events',
        Columns: [
          { Name: 'id', Type: 'bigint', Parameters: { 'iceberg.field.current': 'true' } },
          { Name: 'gone', Type: 'string', Parameters: { 'iceberg.field.current': 'false' } },
          { Name: 'ts', Type: 'timestamp', Parameters: { 'iceberg.field.current': 'true' } },
        ],
      },
    },
    ctx,
  )
  t.strictSame(req, {
    name: 'events',
    tableType: 'Iceberg',
    columns: [
      { name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint', ordinalPosition: 1 },
      { name: 'ts', dataType: 'TIMESTAMP', dataTypeDisplay: 'timestamp', ordinalPosition: 2 },
    ],
    databaseSchema: ctx.schemaFqn,
    description: 'events table',
    locationPath: 's3://b/events',
  })
  assertOm(t, CREATE_TABLE, req)
})

const prestoView = (sql: string) =>
  `/* Presto View: ${Buffer.from(JSON.stringify({ originalSql: sql, catalog: 'awsdatacatalog', schema: 'sales', columns: [] })).toString('base64')} */`

t.test('an Athena view: decoded SQL, no location or format, Presto marker comment not a description', async (t) => {
  const view: Table = {
    Name: 'big_orders',
    TableType: 'VIRTUAL_VIEW',
    Parameters: { presto_view: 'true', comment: 'Presto View' },
    ViewOriginalText: prestoView('SELECT * FROM orders WHERE total > 100'),
    ViewExpandedText: '/* Presto View */',
    StorageDescriptor: {
      Columns: [{ Name: 'id', Type: 'bigint' }],
      Location: '',
      SerdeInfo: {},
    },
  }
  const req = buildCreateTable(view, ctx)
  t.strictSame(req, {
    name: 'big_orders',
    tableType: 'View',
    columns: [{ name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint', ordinalPosition: 1 }],
    databaseSchema: ctx.schemaFqn,
    schemaDefinition: 'SELECT * FROM orders WHERE total > 100',
  })
  assertOm(t, CREATE_TABLE, req)

  const noDef = buildCreateTable(view, { ...ctx, includeViewDefinition: false })
  t.notOk('schemaDefinition' in noDef)
  assertOm(t, CREATE_TABLE, noDef)

  const hive = buildCreateTable(
    { ...view, ViewOriginalText: 'select id from orders', ViewExpandedText: 'select `orders`.`id` from `sales`.`orders`' },
    ctx,
  )
  t.equal(hive.schemaDefinition, 'select id from orders', 'a Hive view keeps its HiveQL')
})

t.test('a corrupted Presto view is a MappingError (VIEW_DECODE) unless the definition is not asked for', async (t) => {
  const view: Table = { Name: 'v', TableType: 'VIRTUAL_VIEW', ViewOriginalText: '/* Presto View: !!!! */' }
  const err = t.throws(() => buildCreateTable(view, ctx)) as MappingError
  t.ok(err instanceof MappingError)
  t.equal(err.code, 'VIEW_DECODE')
  t.match(err.message, /^Cannot map view "v": Presto view payload is not valid base64/)
  t.ok(err.cause instanceof ViewDecodeError)
  assertOm(t, CREATE_TABLE, buildCreateTable(view, { ...ctx, includeViewDefinition: false }))
})

t.test('unmappable tables throw MappingError naming table, column and reason', async (t) => {
  const badType = t.throws(() =>
    buildCreateTable(
      { Name: 'orders', StorageDescriptor: { Columns: [{ Name: 'id', Type: 'int' }, { Name: 'payload', Type: 'map<string' }] } },
      ctx,
    ),
  ) as MappingError
  t.ok(badType instanceof MappingError)
  t.equal(badType.code, 'TYPE_PARSE')
  t.equal(badType.column, 'payload')
  t.match(badType.message, /^Cannot map table "orders": column "payload": unparseable type: Expected ','/)

  const badPartition = t.throws(() =>
    buildCreateTable({ Name: 'orders', PartitionKeys: [{ Name: 'dt', Type: 'array<' }] }, ctx),
  ) as MappingError
  t.equal(badPartition.column, 'dt')

  const quoted = t.throws(() => buildCreateTable({ Name: 'we"ird' }, ctx)) as MappingError
  t.equal(quoted.code, 'INVALID_NAME')
  t.match(quoted.message, /^Cannot map table "we\\"ird": the name contains a double quote/)
  t.throws(() => buildCreateTable({ Name: '' }, ctx), { name: 'MappingError', message: /the name is empty/ })
  t.throws(() => buildCreateTable({ Name: 'a::b' }, ctx), { name: 'MappingError', message: /'::'/ })
})

t.test('a table whose name holds a dot maps (quoting is the FQN builder’s job)', async (t) => {
  const req = buildCreateTable({ Name: 'v1.2', StorageDescriptor: { Columns: [] } }, ctx)
  t.equal(req.name, 'v1.2')
  assertOm(t, CREATE_TABLE, req)
})
