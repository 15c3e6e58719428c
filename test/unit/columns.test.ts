import t from 'tap'
import {
  dropNonCurrentIcebergColumns,
  mapGlueColumn,
  mapGlueColumns,
  type GlueColumn,
} from '../../src/openmetadata/columns.js'
import { MappingError } from '../../src/openmetadata/errors.js'
import { TypeParseError } from '../../src/openmetadata/hive-type.js'
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

t.test('primitive mapping (faithful to upstream ColumnTypeParser)', async (t) => {
  const cases: [string, Record<string, unknown>][] = [
    ['string', { dataType: 'STRING' }],
    ['int', { dataType: 'INT' }],
    ['integer', { dataType: 'INT' }],
    ['tinyint', { dataType: 'TINYINT' }],
    ['smallint', { dataType: 'SMALLINT' }],
    ['bigint', { dataType: 'BIGINT' }],
    ['float', { dataType: 'FLOAT' }],
    ['real', { dataType: 'FLOAT' }],
    ['double', { dataType: 'DOUBLE' }],
    ['boolean', { dataType: 'BOOLEAN' }],
    ['date', { dataType: 'DATE' }],
    ['timestamp', { dataType: 'TIMESTAMP' }],
    ['timestamp(3)', { dataType: 'TIMESTAMP' }],
    ['decimal(10,2)', { dataType: 'DECIMAL', precision: 10, scale: 2 }],
    ['decimal(12)', { dataType: 'DECIMAL', precision: 12, scale: 0 }],
    ['decimal', { dataType: 'DECIMAL' }],
    ['char(2)', { dataType: 'CHAR', dataLength: 2 }],
    ['varchar(64)', { dataType: 'VARCHAR', dataLength: 64 }],
    ['varchar', { dataType: 'VARCHAR', dataLength: 1 }],
    ['binary', { dataType: 'BINARY', dataLength: 1 }],
    ['json', { dataType: 'JSON' }],
    ['map<string,array<int>>', { dataType: 'MAP' }],
    ['uniontype<int,string>', { dataType: 'UNION' }],
    ['ipaddress', { dataType: 'UNKNOWN' }],
  ]
  for (const [type, expected] of cases) {
    const col = mapGlueColumn({ Name: 'c', Type: type })
    t.strictSame(col, { name: 'c', ...expected, dataTypeDisplay: type }, type)
    assertOm(t, COLUMN, col, `${type} is a valid column`)
  }
})

t.test('dataTypeDisplay is the Glue type exactly as written', async (t) => {
  const col = mapGlueColumn({ Name: 'c', Type: 'ARRAY< Struct<A:INT> >' })
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
  t.strictSame(cols, [
    { name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint', description: 'the id', ordinalPosition: 1 },
    { name: 'name', dataType: 'STRING', dataTypeDisplay: 'string', ordinalPosition: 2 },
    { name: 'dt', dataType: 'STRING', dataTypeDisplay: 'string', ordinalPosition: 3 },
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
  t.same(dropNonCurrentIcebergColumns(columns).map((c) => c.Name), ['a', 'b'])
  t.same(mapGlueColumns(columns).map((c) => [c.name, c.ordinalPosition]), [
    ['a', 1],
    ['b', 2],
  ])
})

t.test('unmappable columns throw MappingError naming the column and the reason', async (t) => {
  const err = t.throws(() => mapGlueColumn({ Name: 'payload', Type: 'struct<a:int' })) as MappingError
  t.ok(err instanceof MappingError)
  t.equal(err.code, 'TYPE_PARSE')
  t.equal(err.column, 'payload')
  t.match(err.message, /column "payload": unparseable type: Expected ',' or '>' in struct<…> opened at position 0/)
  t.ok(err.cause instanceof TypeParseError)

  const missing = t.throws(() => mapGlueColumn({ Name: 'x', Type: ' ' })) as MappingError
  t.equal(missing.code, 'MISSING_TYPE')
  t.match(missing.message, /column "x": the column has no type/)

  const quote = t.throws(() => mapGlueColumn({ Name: 'bad"name', Type: 'int' })) as MappingError
  t.equal(quote.code, 'INVALID_NAME')
  t.match(quote.message, /column "bad\\"name": the name contains a double quote/)

  const nested = t.throws(() => mapGlueColumn({ Name: 's', Type: 'struct<ok:int,`a::b`:int>' })) as MappingError
  t.equal(nested.code, 'INVALID_NAME')
  t.equal(nested.column, 's.a::b')
  t.match(nested.message, /column "s\.a::b": the name contains '::'/)

  const long = t.throws(() => mapGlueColumn({ Name: 'x'.repeat(257), Type: 'int' })) as MappingError
  t.match(long.message, /longer than 256 characters/)
})
