import t from 'tap'
import type { StorageDescriptor, Table } from '@aws-sdk/client-glue'
import { buildCreateTable, fileFormatOf } from '../../src/openmetadata/table.js'
import { assertOm } from '../support/om-spec.js'

function table(sd: StorageDescriptor, parameters?: Record<string, string>): Table {
  return { Name: 't', TableType: 'EXTERNAL_TABLE', StorageDescriptor: sd, Parameters: parameters }
}
const serde = (lib: string, params?: Record<string, string>): StorageDescriptor => ({
  SerdeInfo: { SerializationLibrary: lib, Parameters: params },
})
const LAZY = 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'

t.test('SerDe / InputFormat decide the format', async (t) => {
  const cases: [string, Table, string | undefined][] = [
    ['parquet serde', table(serde('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe')), 'parquet'],
    ['parquet input format only', table({ InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat' }), 'parquet'],
    ['avro', table(serde('org.apache.hadoop.hive.serde2.avro.AvroSerDe')), 'avro'],
    ['avro input format', table({ InputFormat: 'org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat' }), 'avro'],
    ['orc has no OM value', table(serde('org.apache.hadoop.hive.ql.io.orc.OrcSerde'), { classification: 'orc' }), undefined],
    ['openx json', table(serde('org.openx.data.jsonserde.JsonSerDe')), 'json'],
    ['hcatalog json', table(serde('org.apache.hive.hcatalog.data.JsonSerDe')), 'json'],
    ['hive json', table(serde('org.apache.hadoop.hive.serde2.JsonSerDe')), 'json'],
    ['OpenCSVSerde default', table(serde('org.apache.hadoop.hive.serde2.OpenCSVSerde')), 'csv'],
    ['OpenCSVSerde ;', table(serde('org.apache.hadoop.hive.serde2.OpenCSVSerde', { separatorChar: ';' })), 'csv'],
    ['OpenCSVSerde tab', table(serde('org.apache.hadoop.hive.serde2.OpenCSVSerde', { separatorChar: '\t' })), 'tsv'],
    ['LazySimple ,', table(serde(LAZY, { 'field.delim': ',' })), 'csv'],
    ['LazySimple \\t', table(serde(LAZY, { 'field.delim': '\\t' })), 'tsv'],
    ['LazySimple tab char', table(serde(LAZY, { 'field.delim': '\t', 'serialization.format': '\t' })), 'tsv'],
    ['LazySimple serialization.format only', table(serde(LAZY, { 'serialization.format': ',' })), 'csv'],
    ['LazySimple default \\u0001', table(serde(LAZY, { 'serialization.format': '1' })), undefined],
    ['LazySimple | with crawler classification', table(serde(LAZY, { 'field.delim': '|' }), { classification: 'csv' }), 'csv'],
    ['Ion has no OM value', table(serde('com.amazon.ionhiveserde.IonHiveSerDe'), { classification: 'json' }), undefined],
    ['regex serde', table(serde('org.apache.hadoop.hive.serde2.RegexSerDe')), undefined],
    ['no serde, classification', table({}, { classification: 'Parquet' }), 'parquet'],
    ['no serde, SD classification', table({ Parameters: { classification: 'avro' } }), 'avro'],
    ['no serde, unknown classification', table({}, { classification: 'xml' }), undefined],
    ['iceberg without serde', table({ Location: 's3://b/x' }, { table_type: 'ICEBERG' }), undefined],
    ['view', { Name: 'v', TableType: 'VIRTUAL_VIEW', StorageDescriptor: serde('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe') }, undefined],
  ]
  for (const [what, glue, expected] of cases) {
    t.equal(fileFormatOf(glue), expected, what)
    const req = buildCreateTable(glue, { schemaFqn: 's.d.x' })
    t.equal(req.fileFormat, expected, `${what}: in the request`)
    assertOm(t, 'api/data/createTable.json', req, `${what}: valid request`)
  }
})
