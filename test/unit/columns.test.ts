import t from 'tap'
import { dropNonCurrentIcebergColumns, mapGlueColumn, mapGlueColumns, type GlueColumn } from '../../src/openmetadata/columns.js'
import { assertOm } from '../support/om-spec.js'

const COLUMN = 'entity/data/table.json#/definitions/column'

t.test('array<array<struct<…>>> keeps the struct fields as children (upstream loses them)', async (t) => {
  const col = mapGlueColumn({ Name: 'matrix', Type: 'array<array<struct<a:int,b:string>>>' }, 1)
  t.strictSame(col, {
    name: 'matrix',
    dataType: 'ARRAY',
    arrayDataType: 'ARRAY',
    dataTypeDisplay: 'array<array<struct<a:int,b:string>>>',
    ordinalPosition: 1,
    children: [
      { name: 'a', dataType: 'INT', dataTypeDisplay: 'int' },
      { name: 'b', dataType: 'STRING', dataTypeDisplay: 'string' },
    ],
  })
  assertOm(t, COLUMN, col)
})

t.test('array<struct<…>> and array of primitives', async (t) => {
  const col = mapGlueColumn({ Name: 'items', Type: 'array<struct<sku:string,qty:int>>', Comment: 'line items' })
  t.strictSame(col, {
    name: 'items',
    dataType: 'ARRAY',
    arrayDataType: 'STRUCT',
    dataTypeDisplay: 'array<struct<sku:string,qty:int>>',
    description: 'line items',
    children: [
      { name: 'sku', dataType: 'STRING', dataTypeDisplay: 'string' },
      { name: 'qty', dataType: 'INT', dataTypeDisplay: 'int' },
    ],
  })
  assertOm(t, COLUMN, col)
  const tags = mapGlueColumn({ Name: 'tags', Type: 'array<varchar(10)>' })
  t.strictSame(tags, { name: 'tags', dataType: 'ARRAY', arrayDataType: 'VARCHAR', dataTypeDisplay: 'array<varchar(10)>' })
  assertOm(t, COLUMN, tags)
})

t.test('a struct inside a struct, with nested lengths, decimals and arrays', async (t) => {
  const type = 'struct<id:bigint,address:struct<street:varchar(100),zip:char(5),geo:struct<lat:decimal(9,6),lon:double>>,tags:array<string>,m:map<string,int>>'
  const col = mapGlueColumn({ Name: 'customer', Type: type }, 3)
  t.strictSame(col, {
    name: 'customer',
    dataType: 'STRUCT',
    dataTypeDisplay: type,
    ordinalPosition: 3,
    children: [
      { name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint' },
      {
        name: 'address',
        dataType: 'STRUCT',
        dataTypeDisplay: 'struct<street:varchar(100),zip:char(5),geo:struct<lat:decimal(9,6),lon:double>>',
        children: [
          { name: 'street', dataType: 'VARCHAR', dataTypeDisplay: 'varchar(100)', dataLength: 100 },
          { name: 'zip', dataType: 'CHAR', dataTypeDisplay: 'char(5)', dataLength: 5 },
          {
            name: 'geo',
            dataType: 'STRUCT',
            dataTypeDisplay: 'struct<lat:decimal(9,6),lon:double>',
            children: [
              { name: 'lat', dataType: 'DECIMAL', dataTypeDisplay: 'decimal(9,6)', precision: 9, scale: 6 },
              { name: 'lon', dataType: 'DOUBLE', dataTypeDisplay: 'double' },
            ],
          },
        ],
      },
      { name: 'tags', dataType: 'ARRAY', arrayDataType: 'STRING', dataTypeDisplay: 'array<string>' },
      { name: 'm', dataType: 'MAP', dataTypeDisplay: 'map<string,int>' },
    ],
  })
  assertOm(t, COLUMN, col)
})

t.test('top-level types as upstream types them: through its Athena SQLAlchemy dialect, with dataLength and constraint', async (t) => {
  // athena/utils.py _get_column_type → ColumnTypeParser.get_column_type; sql_column_handler.py adds dataLength
  // (length or 1) and constraint NULL to every non-complex top-level column.
  const dialect = (dataType: string, extra: Record<string, unknown> = {}) => ({ dataType, dataLength: 1, constraint: 'NULL', ...extra })
  const cases: [string, Record<string, unknown>][] = [
    ['string', dialect('STRING')],
    ['int', dialect('INT')],
    ['integer', dialect('INT')],
    ['tinyint', dialect('INT')],
    ['smallint', dialect('INT')],
    ['bigint', dialect('BIGINT')],
    ['float', dialect('FLOAT')],
    ['real', dialect('FLOAT')],
    ['double', dialect('FLOAT')],
    ['boolean', dialect('BOOLEAN')],
    ['date', dialect('DATE')],
    ['timestamp', dialect('TIMESTAMP')],
    ['timestamp(3)', dialect('TIMESTAMP')],
    ['decimal(10,2)', dialect('DECIMAL', { precision: 10, scale: 2 })],
    ['decimal(12)', dialect('DECIMAL', { precision: 12, scale: 0 })],
    ['decimal', dialect('DECIMAL')],
    ['char(2)', dialect('CHAR', { dataLength: 2 })],
    ['varchar(64)', dialect('VARCHAR', { dataLength: 64 })],
    ['VARCHAR (64)', dialect('VARCHAR', { dataLength: 64 })],
    ['varchar', dialect('VARCHAR')],
    ['binary', dialect('BINARY')],
    ['varbinary', dialect('BINARY')],
    ['json', dialect('JSON')],
    ['uniontype<int,string>', dialect('NULL')],
    ['ipaddress', dialect('NULL')],
    ['interval day to second', dialect('NULL')],
    ['timestamp with time zone', dialect('NULL')],
    ['map<string,array<int>>', { dataType: 'MAP' }],
  ]
  for (const [type, expected] of cases) {
    const col = mapGlueColumn({ Name: 'c', Type: type })
    t.strictSame(col, { name: 'c', ...expected, dataTypeDisplay: type }, type)
    assertOm(t, COLUMN, col, `${type} is a valid column`)
  }
})

t.test('nested types keep the richer mapping (tinyint, double, varbinary, uniontype as written)', async (t) => {
  const col = mapGlueColumn({ Name: 's', Type: 'struct<t:tinyint,d:double,b:varbinary,u:uniontype<int,string>,x:ipaddress>' })!
  t.strictSame(col.children, [
    { name: 't', dataType: 'TINYINT', dataTypeDisplay: 'tinyint' },
    { name: 'd', dataType: 'DOUBLE', dataTypeDisplay: 'double' },
    { name: 'b', dataType: 'VARBINARY', dataTypeDisplay: 'varbinary', dataLength: 1 },
    { name: 'u', dataType: 'UNION', dataTypeDisplay: 'uniontype<int,string>' },
    { name: 'x', dataType: 'UNKNOWN', dataTypeDisplay: 'ipaddress' },
  ])
  assertOm(t, COLUMN, col)
})

t.test('Presto/Trino spellings map as complex columns', async (t) => {
  const row = mapGlueColumn({ Name: 'r', Type: 'row(id bigint, tags array(varchar), "Say ""hi""" varchar(3))' })!
  t.strictSame(row, {
    name: 'r',
    dataType: 'STRUCT',
    dataTypeDisplay: 'row(id bigint, tags array(varchar), "Say ""hi""" varchar(3))',
    children: [
      { name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint' },
      { name: 'tags', dataType: 'ARRAY', arrayDataType: 'VARCHAR', dataTypeDisplay: 'array(varchar)' },
      { name: 'Say __reserved__quote__hi__reserved__quote__', dataType: 'VARCHAR', dataTypeDisplay: 'varchar(3)', dataLength: 3 },
    ],
  })
  assertOm(t, COLUMN, row)
  t.strictSame(mapGlueColumn({ Name: 'a', Type: 'array(row(x integer))' }), {
    name: 'a',
    dataType: 'ARRAY',
    arrayDataType: 'STRUCT',
    dataTypeDisplay: 'array(row(x integer))',
    children: [{ name: 'x', dataType: 'INT', dataTypeDisplay: 'integer' }],
  })
  t.strictSame(mapGlueColumn({ Name: 'm', Type: 'map(varchar, integer)' }), { name: 'm', dataType: 'MAP', dataTypeDisplay: 'map(varchar, integer)' })
})

t.test('dataTypeDisplay is the Glue type exactly as written', async (t) => {
  const col = mapGlueColumn({ Name: 'c', Type: 'ARRAY< Struct<A:INT> >' })!
  t.equal(col.dataTypeDisplay, 'ARRAY< Struct<A:INT> >')
  t.equal(col.children?.[0]?.dataTypeDisplay, 'INT')
})

t.test('storage columns then partition keys, ordinalPosition from 1; empty comment dropped', async (t) => {
  const cols = mapGlueColumns(
    [
      { Name: 'id', Type: 'bigint', Comment: 'the id' },
      { Name: 'name', Type: 'string', Comment: '' },
    ],
    [{ Name: 'dt', Type: 'string' }],
  )
  const top = { dataLength: 1, constraint: 'NULL' }
  t.strictSame(cols, [
    { name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint', ...top, description: 'the id', ordinalPosition: 1 },
    { name: 'name', dataType: 'STRING', dataTypeDisplay: 'string', ...top, ordinalPosition: 2 },
    { name: 'dt', dataType: 'STRING', dataTypeDisplay: 'string', ...top, ordinalPosition: 3 },
  ])
  for (const c of cols) assertOm(t, COLUMN, c)
})

t.test('Iceberg: non-current columns are dropped', async (t) => {
  const columns: GlueColumn[] = [
    { Name: 'a', Type: 'int', Parameters: { 'iceberg.field.current': 'true', 'iceberg.field.id': '1' } },
    { Name: 'old', Type: 'string', Parameters: { 'iceberg.field.current': 'false', 'iceberg.field.id': '2' } },
    { Name: 'b', Type: 'int' },
    { Name: 'older', Type: 'int', Parameters: { 'iceberg.field.current': 'FALSE' } },
  ]
  t.same(
    dropNonCurrentIcebergColumns(columns).map((c) => c.Name),
    ['a', 'b'],
  )
  t.same(
    mapGlueColumns(columns).map((c) => [c.name, c.ordinalPosition]),
    [
      ['a', 1],
      ['b', 2],
    ],
  )
})

t.test('one bad column never fails: UNKNOWN with the raw type, encoded or replaced names, each with a warning', async (t) => {
  const warnings: string[] = []
  const warn = (m: string) => warnings.push(m)
  t.strictSame(mapGlueColumn({ Name: 'payload', Type: 'struct<a:int' }, 2, warn), {
    name: 'payload',
    dataType: 'UNKNOWN',
    dataTypeDisplay: 'struct<a:int',
    ordinalPosition: 2,
  })
  t.match(warnings.pop(), /^column "payload": unparseable type \(Expected ',' or '>' in struct<…> opened at position 0 .*\); mapped as UNKNOWN$/)

  t.strictSame(mapGlueColumn({ Name: 'x', Type: ' ' }, undefined, warn), { name: 'x', dataType: 'UNKNOWN', dataTypeDisplay: ' ' })
  t.match(warnings.pop(), /^column "x": the column has no type; mapped as UNKNOWN$/)
  t.strictSame(mapGlueColumn({ Name: 'y' }, undefined, warn), { name: 'y', dataType: 'UNKNOWN' })
  t.equal(warnings.length, 1)
  warnings.length = 0

  const quote = mapGlueColumn({ Name: 'bad"name', Type: 'int' }, undefined, warn)!
  t.equal(quote.name, 'bad__reserved__quote__name')
  t.match(warnings.pop(), /^column "bad\\"name": named "bad__reserved__quote__name"/)

  const nested = mapGlueColumn({ Name: 's', Type: 'struct<ok:int,`a::b>c`:int>' }, undefined, warn)!
  t.same(
    nested.children!.map((c) => c.name),
    ['ok', 'a__reserved__colon__b__reserved__arrow__c'],
  )
  t.match(warnings.pop(), /^column "s\.a::b>c": named/)
  assertOm(t, COLUMN, nested)

  const unnamed = mapGlueColumn({ Name: '', Type: 'int' }, undefined, warn)!
  t.equal(unnamed.name, ' ', 'upstream names an unnamed column " "')
  assertOm(t, COLUMN, unnamed)
  t.match(warnings.pop(), /the column has no name/)

  t.equal(mapGlueColumn({ Name: 'x'.repeat(257), Type: 'int' }, undefined, warn), undefined, 'a name OpenMetadata cannot hold loses the column')
  t.match(warnings.pop(), /left out, its name is longer than the 256 characters/)
  const longChild = mapGlueColumn({ Name: 's', Type: `struct<a:int,${'y'.repeat(300)}:int>` }, undefined, warn)!
  t.same(
    longChild.children!.map((c) => c.name),
    ['a'],
    'only the over-long field is left out',
  )
  t.equal(warnings.length, 1)
})

t.test('mapGlueColumns numbers the columns it keeps', async (t) => {
  const warnings: string[] = []
  const cols = mapGlueColumns(
    [
      { Name: 'a', Type: 'int' },
      { Name: 'z'.repeat(300), Type: 'int' },
      { Name: 'b', Type: 'map<' },
    ],
    [{ Name: 'dt', Type: 'string' }],
    (m) => warnings.push(m),
  )
  t.same(
    cols.map((c) => [c.name, c.dataType, c.ordinalPosition]),
    [
      ['a', 'INT', 1],
      ['b', 'UNKNOWN', 2],
      ['dt', 'STRING', 3],
    ],
  )
  t.equal(warnings.length, 2)
})
