import t from 'tap'
import { buildTablePartition, isProjectionEnabled } from '../../src/openmetadata/partitions.js'
import { assertOm } from '../support/om-spec.js'

const PARTITION = 'entity/data/table.json#/definitions/tablePartition'

t.test('no partition keys → no tablePartition', async (t) => {
  t.equal(buildTablePartition(undefined, {}), undefined)
  t.equal(buildTablePartition([], { 'projection.enabled': 'true' }), undefined)
})

t.test('each projection type', async (t) => {
  const params = {
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.range': '2020/01/01,NOW',
    'projection.dt.format': 'yyyy/MM/dd',
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'projection.hour.type': 'date',
    'projection.hour.interval': '15',
    'projection.hour.interval.unit': 'MINUTES',
    'projection.bucket.type': 'integer',
    'projection.bucket.range': '0,99',
    'projection.bucket.interval': '10',
    'projection.shard.type': 'integer',
    'projection.region.type': 'enum',
    'projection.region.values': 'eu,us',
    'projection.tenant.type': 'injected',
    'projection.odd.type': 'something-new',
    'storage.location.template': 's3://b/${dt}/',
  }
  const keys = ['dt', 'hour', 'bucket', 'shard', 'region', 'tenant', 'odd'].map((Name) => ({ Name, Type: 'string' }))
  const partition = buildTablePartition(keys, params)
  t.strictSame(partition, {
    columns: [
      { columnName: 'dt', intervalType: 'TIME-UNIT', interval: 'DAY' },
      { columnName: 'hour', intervalType: 'TIME-UNIT', interval: '15 MINUTE' },
      { columnName: 'bucket', intervalType: 'INTEGER-RANGE', interval: '10' },
      { columnName: 'shard', intervalType: 'INTEGER-RANGE' },
      { columnName: 'region', intervalType: 'ENUM' },
      { columnName: 'tenant', intervalType: 'INJECTED' },
      { columnName: 'odd', intervalType: 'OTHER' },
    ],
  })
  assertOm(t, PARTITION, partition)
})

t.test('projection keys and values are matched case-insensitively', async (t) => {
  const partition = buildTablePartition([{ Name: 'Dt', Type: 'string' }], {
    'Projection.Enabled': 'TRUE',
    'projection.dt.TYPE': 'DATE',
    'projection.dt.interval.unit': 'hours',
  })
  t.strictSame(partition, { columns: [{ columnName: 'Dt', intervalType: 'TIME-UNIT', interval: 'HOUR' }] })
})

t.test('projection disabled or absent → classified by the key type, as upstream', async (t) => {
  const keys = [
    { Name: 'region', Type: 'string' },
    { Name: 'day', Type: 'date' },
    { Name: 'ts', Type: 'timestamp' },
    { Name: 'year', Type: 'int' },
    { Name: 'n', Type: 'bigint' },
    { Name: 'code', Type: 'varchar(3)' },
    { Name: 'broken', Type: 'array<' },
  ]
  const expected = {
    columns: [
      { columnName: 'region', intervalType: 'COLUMN-VALUE' },
      { columnName: 'day', intervalType: 'TIME-UNIT' },
      { columnName: 'ts', intervalType: 'TIME-UNIT' },
      { columnName: 'year', intervalType: 'INTEGER-RANGE' },
      { columnName: 'n', intervalType: 'INTEGER-RANGE' },
      { columnName: 'code', intervalType: 'COLUMN-VALUE' },
      { columnName: 'broken', intervalType: 'COLUMN-VALUE' },
    ],
  }
  t.strictSame(buildTablePartition(keys, undefined), expected)
  const disabled = { 'projection.enabled': 'false', 'projection.region.type': 'enum', 'projection.year.type': 'integer' }
  t.strictSame(buildTablePartition(keys, disabled), expected)
  t.notOk(isProjectionEnabled(disabled))
  t.ok(isProjectionEnabled({ 'projection.enabled': 'true' }))
  // enabled, but this key has no projection settings
  t.strictSame(buildTablePartition([{ Name: 'region', Type: 'string' }], { 'projection.enabled': 'true' }), {
    columns: [{ columnName: 'region', intervalType: 'COLUMN-VALUE' }],
  })
  assertOm(t, PARTITION, expected)
})
