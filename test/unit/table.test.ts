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

const top = { dataLength: 1, constraint: 'NULL' }

t.test('a partitioned external Parquet table with projection', async (t) => {
  const req = buildCreateTable(parquetTable, ctx)
  t.strictSame(req, {
    name: 'orders',
    tableType: 'Partitioned',
    columns: [
      { name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint', ...top, description: 'order id', ordinalPosition: 1 },
      { name: 'total', dataType: 'DECIMAL', dataTypeDisplay: 'decimal(12,2)', precision: 12, scale: 2, ...top, ordinalPosition: 2 },
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
      { name: 'dt', dataType: 'STRING', dataTypeDisplay: 'string', ...top, ordinalPosition: 4 },
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

t.test("tableType as upstream's Athena connector types it: views View, tables External, Partitioned with keys", async (t) => {
  const keys = { PartitionKeys: [{ Name: 'dt', Type: 'string' }] }
  const cases: [Partial<Table>, string][] = [
    [{ TableType: 'VIRTUAL_VIEW' }, 'View'],
    [{ TableType: 'VIRTUAL_VIEW', IsMaterializedView: true }, 'MaterializedView'],
    [{ TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'ICEBERG' } }, 'External'],
    [{ TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'ICEBERG' }, ...keys }, 'Partitioned'],
    [{ TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'DELTA' } }, 'External'],
    [{ TableType: 'EXTERNAL_TABLE' }, 'External'],
    [{ TableType: 'EXTERNAL_TABLE', ...keys }, 'Partitioned'],
    [{ TableType: 'EXTERNAL_TABLE', PartitionKeys: [] }, 'External'],
    // Upstream (pyathena) never lists these; here they are tables like any other.
    [{ TableType: 'MANAGED_TABLE' }, 'External'],
    [{ TableType: 'MANAGED_TABLE', ...keys }, 'Partitioned'],
    [{ TableType: 'GOVERNED' }, 'External'],
    [{ TableType: 'SOMETHING_NEW' }, 'External'],
    [{}, 'External'],
  ]
  for (const [table, expected] of cases) {
    const full = { Name: 't', ...table } as Table
    t.equal(tableTypeOf(full), expected, JSON.stringify(table))
    assertOm(t, CREATE_TABLE, buildCreateTable(full, ctx))
  }
})

t.test('Iceberg: non-current columns dropped, External, Parameters.comment as description', async (t) => {
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
    tableType: 'External',
    columns: [
      { name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint', ...top, ordinalPosition: 1 },
      { name: 'ts', dataType: 'TIMESTAMP', dataTypeDisplay: 'timestamp', ...top, ordinalPosition: 2 },
    ],
    databaseSchema: ctx.schemaFqn,
    description: 'events table',
    locationPath: 's3://b/events',
  })
  assertOm(t, CREATE_TABLE, req)
})

const prestoView = (sql: string) => `/* Presto View: ${Buffer.from(JSON.stringify({ originalSql: sql, catalog: 'awsdatacatalog', schema: 'sales', columns: [] })).toString('base64')} */`

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
    columns: [{ name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint', ...top, ordinalPosition: 1 }],
    databaseSchema: ctx.schemaFqn,
    schemaDefinition: 'SELECT * FROM orders WHERE total > 100',
  })
  assertOm(t, CREATE_TABLE, req)

  const noDef = buildCreateTable(view, { ...ctx, includeViewDefinition: false })
  t.notOk('schemaDefinition' in noDef)
  assertOm(t, CREATE_TABLE, noDef)

  const hive = buildCreateTable({ ...view, ViewOriginalText: 'select id from orders', ViewExpandedText: 'select `orders`.`id` from `sales`.`orders`' }, ctx)
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

t.test('a bad column never fails its table: UNKNOWN column and a warning naming table and column', async (t) => {
  const warnings: string[] = []
  const req = buildCreateTable(
    {
      Name: 'orders',
      StorageDescriptor: {
        Columns: [
          { Name: 'id', Type: 'int' },
          { Name: 'payload', Type: 'map<string' },
        ],
      },
      PartitionKeys: [{ Name: 'dt', Type: 'array<' }],
    },
    { ...ctx, onWarning: (m) => warnings.push(m) },
  )
  t.same(
    req.columns.map((c) => [c.name, c.dataType, c.dataTypeDisplay]),
    [
      ['id', 'INT', 'int'],
      ['payload', 'UNKNOWN', 'map<string'],
      ['dt', 'UNKNOWN', 'array<'],
    ],
  )
  t.equal(req.tableType, 'Partitioned')
  t.same(req.tablePartition, { columns: [{ columnName: 'dt', intervalType: 'COLUMN-VALUE' }] })
  t.equal(warnings.length, 2)
  t.match(warnings[0], /^table "orders": column "payload": unparseable type \(Expected ','.*\); mapped as UNKNOWN$/)
  t.match(warnings[1], /^table "orders": column "dt": unparseable type/)
  assertOm(t, CREATE_TABLE, req)
  t.doesNotThrow(() => buildCreateTable({ Name: 'no_listener', StorageDescriptor: { Columns: [{ Name: 'x', Type: '???' }] } }, ctx))
})

t.test('names with ", :: or > are encoded as upstream encodes them, never refused', async (t) => {
  const warnings: string[] = []
  const req = buildCreateTable(
    { Name: 'say "hi"::x>y', StorageDescriptor: { Columns: [{ Name: 'a>b', Type: 'int' }] }, PartitionKeys: [{ Name: 'p::q', Type: 'string' }] },
    { ...ctx, onWarning: (m) => warnings.push(m) },
  )
  t.equal(req.name, 'say __reserved__quote__hi__reserved__quote____reserved__colon__x__reserved__arrow__y')
  t.same(
    req.columns.map((c) => c.name),
    ['a__reserved__arrow__b', 'p__reserved__colon__q'],
  )
  t.same(req.tablePartition, { columns: [{ columnName: 'p__reserved__colon__q', intervalType: 'COLUMN-VALUE' }] }, 'the partition names the encoded column')
  assertOm(t, CREATE_TABLE, req)
  t.equal(warnings.length, 3)
  t.match(warnings[0], /^table "say \\"hi\\"::x>y" is named "say __reserved__quote__hi/)
  t.match(warnings[1], /^table "say \\"hi\\"::x>y": column "a>b": named "a__reserved__arrow__b"/)
  t.throws(() => buildCreateTable({ Name: '' }, ctx), { name: 'MappingError', message: /Cannot map table "": the name is empty/ })
  t.throws(() => buildCreateTable({ Name: '"'.repeat(20) }, ctx), { name: 'MappingError', message: /longer than 256 characters/ }, 'too long once encoded')
})

t.test("description: Parameters.comment (upstream's source) first, then Glue Description", async (t) => {
  const base: Table = { Name: 't', TableType: 'EXTERNAL_TABLE' }
  t.equal(buildCreateTable({ ...base, Parameters: { comment: 'from comment' }, Description: 'from Description' }, ctx).description, 'from comment')
  t.equal(buildCreateTable({ ...base, Parameters: { comment: '  ' }, Description: 'from Description' }, ctx).description, 'from Description')
  t.equal(buildCreateTable({ ...base, Description: 'from Description' }, ctx).description, 'from Description')
  t.notOk('description' in buildCreateTable(base, ctx))
  const view = { ...base, TableType: 'VIRTUAL_VIEW', Parameters: { comment: 'Presto View' }, Description: 'the view' }
  t.equal(buildCreateTable(view, { ...ctx, includeViewDefinition: false }).description, 'the view', "Athena's marker is no description")
})

t.test('includeDDL: tables get their CREATE statement; off (the default), none', async (t) => {
  t.notOk('schemaDefinition' in buildCreateTable(parquetTable, ctx))
  const req = buildCreateTable(
    { ...parquetTable, StorageDescriptor: { ...parquetTable.StorageDescriptor!, SerdeInfo: { ...parquetTable.StorageDescriptor!.SerdeInfo, Parameters: { 'serialization.format': '1' } } } },
    { ...ctx, includeDDL: true },
  )
  t.equal(
    req.schemaDefinition,
    [
      'CREATE EXTERNAL TABLE `sales`.`orders`(',
      "  `id` bigint COMMENT 'order id',",
      '  `total` decimal(12,2),',
      '  `items` array<struct<sku:string,qty:int>>)',
      "COMMENT 'All orders'",
      'PARTITIONED BY (',
      '  `dt` string)',
      'ROW FORMAT SERDE ',
      "  'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'",
      'WITH SERDEPROPERTIES (',
      "  'serialization.format'='1')",
      'STORED AS INPUTFORMAT ',
      "  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat' ",
      'OUTPUTFORMAT ',
      "  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'",
      'LOCATION',
      "  's3://bucket/sales/orders/'",
      'TBLPROPERTIES (',
      "  'classification'='parquet',",
      "  'has_encrypted_data'='false',",
      "  'projection.enabled'='true',",
      "  'projection.dt.type'='date',",
      "  'projection.dt.interval.unit'='DAYS',",
      "  'EXTERNAL'='TRUE')",
    ].join('\n'),
  )
  assertOm(t, CREATE_TABLE, req)
  const iceberg = buildCreateTable(
    {
      Name: "it's",
      DatabaseName: 'lake',
      Parameters: { table_type: 'ICEBERG', comment: "a 'quoted' note" },
      StorageDescriptor: {
        Columns: [
          { Name: 'a', Type: 'int' },
          { Name: 'old', Type: 'int', Parameters: { 'iceberg.field.current': 'false' } },
        ],
      },
    },
    { ...ctx, includeDDL: true },
  )
  t.equal(iceberg.schemaDefinition, "CREATE TABLE `lake`.`it's`(\n  `a` int)\nCOMMENT 'a \\'quoted\\' note'\nTBLPROPERTIES (\n  'table_type'='ICEBERG')")
  const view = buildCreateTable({ Name: 'v', TableType: 'VIRTUAL_VIEW', ViewOriginalText: 'select 1' }, { ...ctx, includeDDL: true })
  t.equal(view.schemaDefinition, 'select 1', 'a view keeps its definition, DDL or not')
})

t.test('a table whose name holds a dot maps (quoting is the FQN builder’s job)', async (t) => {
  const req = buildCreateTable({ Name: 'v1.2', StorageDescriptor: { Columns: [] } }, ctx)
  t.equal(req.name, 'v1.2')
  assertOm(t, CREATE_TABLE, req)
})
