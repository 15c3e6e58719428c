import t from 'tap'
import { athenaConnection, startHarness, TEST_SECRETS } from '../support/harness.js'
import { invalidRecords, parseNdjson, type StreamRecord } from '../support/records.js'
import { withSourceHash } from '../../src/openmetadata/source-hash.js'

type H = Awaited<ReturnType<typeof startHarness>>

function source(h: H, extra: Record<string, unknown> = {}) {
  return { type: 'athena', serviceName: 'athena_prod', serviceConnection: { config: athenaConnection(h.aws) }, ...extra }
}

async function ingest(h: H, body: object, accept?: string) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: body, headers: accept ? { accept } : {} })
  return res
}

const tables = (records: StreamRecord[]) => records.filter((r) => r.kind === 'table').map((r) => r.entity)
const byName = (records: StreamRecord[], name: string) => tables(records).find((t) => t.name === name)

t.test('the sample catalog streams as NDJSON: parents first, status last, every record valid', async (t) => {
  const h = await startHarness(t)
  const res = await ingest(h, source(h))
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /application\/x-ndjson/)
  const records = parseNdjson(res.body)
  t.same(invalidRecords(records), [], 'every record validates against its OpenMetadata schema')
  t.equal(records[0]!.kind, 'databaseService')
  t.equal(records.at(-1)!.kind, 'status')
  t.equal(records.filter((r) => r.kind === 'status').length, 1)
  // parents before children, and a schema's tables right after it (grouped)
  const seen = new Set<string>()
  let currentSchema = ''
  for (const r of records) {
    if (r.kind === 'database') t.ok(seen.has(r.entity.service), `database ${r.entity.name} after its service`)
    if (r.kind === 'databaseSchema') {
      t.ok(seen.has(r.entity.database), `schema ${r.entity.name} after its database`)
      currentSchema = `${r.entity.database}.${r.entity.name}`
    }
    if (r.kind === 'table') t.equal(r.entity.databaseSchema, currentSchema, `${r.entity.name} grouped under its schema`)
    if (r.kind === 'databaseService') seen.add(r.entity.name)
    if (r.kind === 'database') seen.add(`${r.entity.service}.${r.entity.name}`)
    if (r.kind === 'databaseSchema') seen.add(currentSchema)
  }
  const status = records.at(-1)!
  t.equal(status.entity.errors, 0, JSON.stringify(status.entity.failures))
  t.equal(status.entity.records, records.length - 1, 'records counts every entity emitted')
  t.equal(status.totals!.databaseSchemas, 5)
  t.equal(tables(records).length, 5 + 3 + 250 + 2)
  t.type(status.elapsedMs, 'number')
  t.same(
    records.filter((r) => r.kind === 'database').map((r) => r.entity),
    [withSourceHash({ name: 'default', service: 'athena_prod' })],
  )
  const svc = records[0]!.entity
  t.equal(svc.serviceType, 'Athena')
  t.notOk(JSON.stringify(svc).includes(TEST_SECRETS.secretAccessKey), 'the service connection carries no secret')
  t.equal(svc.connection.config.awsConfig.awsSecretAccessKey, undefined)
})

t.test('no per-table call: a schema of 250 tables costs exactly 3 GetTables calls', async (t) => {
  const h = await startHarness(t)
  const res = await ingest(h, source(h, { sourceConfig: { config: { type: 'DatabaseMetadata', schemaFilterPattern: { includes: ['^clickstream$'] } } } }))
  const records = parseNdjson(res.body)
  t.equal(tables(records).length, 250)
  const { 'glue:GetDatabases': dbs, 'glue:GetTables': tablesCalls, ...others } = h.aws.counts()
  t.same({ dbs, tablesCalls }, { dbs: 1, tablesCalls: 3 })
  t.ok(
    Object.keys(others).every((a) => a.startsWith('lakeformation:')),
    `nothing but the batched LF-tag searches besides (${JSON.stringify(others)})`,
  )
  t.ok(
    h.aws.calls.filter((c) => c.action === 'glue:GetTables').every((c) => c.body.MaxResults === 100),
    'pages of 100',
  )
})

t.test('Accept: application/json answers one document with the same records', async (t) => {
  const h = await startHarness(t)
  const stream = parseNdjson((await ingest(h, source(h))).body)
  const res = await ingest(h, source(h), 'application/json')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /application\/json/)
  const doc = res.json()
  t.same(doc.databaseService, stream[0]!.entity)
  t.same(doc.tables, tables(stream))
  t.same(
    doc.databaseSchemas,
    stream.filter((r) => r.kind === 'databaseSchema').map((r) => r.entity),
  )
  t.same(doc.status, stream.at(-1)!.entity)
  const lists: Record<string, string> = { classification: 'classifications', tag: 'tags', database: 'databases', lineage: 'lineage', staleScope: 'staleScopes' }
  for (const [kind, list] of Object.entries(lists)) {
    const expected = stream.filter((r) => r.kind === kind).map((r) => r.entity)
    t.ok(expected.length > 0, `the sample has ${kind} records`)
    t.same(doc[list], expected, `${list}: every ${kind} record, in stream order`)
  }
  t.same(doc.totals, stream.at(-1)!.totals)
  t.same(invalidRecords([{ kind: 'status', entity: doc.status }, ...doc.tables.map((e: unknown) => ({ kind: 'table', entity: e }))]), [])
})

t.test('bad credentials or a wrong catalog are a clean JSON error before any byte of stream', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'accessDenied' })
  const denied = await ingest(h, source(h))
  t.equal(denied.statusCode, 502)
  t.match(denied.headers['content-type'], /application\/json/)
  t.match(denied.json(), { statusCode: 502, error: 'Bad Gateway', message: /glue:GetDatabases/ })
  h.aws.reset()
  const body = source(h)
  ;(body.serviceConnection.config as Record<string, unknown>).catalogId = '999999999999'
  const wrongCatalog = await ingest(h, body)
  t.equal(wrongCatalog.statusCode, 400)
  t.match(wrongCatalog.json().message, /catalog 999999999999/)
  t.equal(h.aws.calls[0]!.body.CatalogId, '999999999999', 'the catalogId was sent')
})

t.test('serviceName is required for /v1/ingest', async (t) => {
  const h = await startHarness(t)
  const { serviceName: _s, ...rest } = source(h)
  const res = await ingest(h, rest)
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /serviceName/)
})

t.test('a schema whose listing fails is a failure for that schema only; the ingest goes on', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'glue:GetTables', kind: 'accessDenied', match: (b) => b.DatabaseName === 'lakehouse' })
  const records = parseNdjson((await ingest(h, source(h))).body)
  const status = records.at(-1)!.entity
  t.equal(status.errors, 1)
  t.equal(status.failures[0].name, 'athena_prod.default.lakehouse')
  t.match(status.failures[0].error, /glue:GetTables/)
  t.equal(tables(records).length, 5 + 250 + 2, 'every other schema was read')
  t.ok(
    records.some((r) => r.kind === 'databaseSchema' && r.entity.name === 'lakehouse'),
    'the schema itself is still emitted',
  )
  t.same(invalidRecords(records), [])
})

t.test('an unparseable column type is an UNKNOWN column and a logged warning, never a lost table', async (t) => {
  const h = await startHarness(t)
  const sales = h.aws.catalog.glue[h.aws.catalog.accountId]!.find((d) => d.Name === 'sales')!
  const broken = structuredClone(sales.Tables[0]!)
  broken.Name = 'broken_types'
  broken.StorageDescriptor!.Columns = [
    { Name: 'bad', Type: 'struct<a:int' },
    { Name: 'good', Type: 'int' },
  ]
  sales.Tables.push(broken)
  const records = parseNdjson((await ingest(h, source(h))).body)
  t.same(invalidRecords(records), [])
  const status = records.at(-1)!.entity
  t.equal(status.errors, 0)
  t.equal(status.warnings, 1)
  t.same(
    byName(records, 'broken_types')
      .columns.slice(0, 2)
      .map((c: { name: string; dataType: string; dataTypeDisplay: string }) => [c.name, c.dataType, c.dataTypeDisplay]),
    [
      ['bad', 'UNKNOWN', 'struct<a:int'],
      ['good', 'INT', 'int'],
    ],
  )
  t.match(h.logs(), /athena_prod\.default\.sales: table .*broken_types.*: column .*bad.*: unparseable type/, 'the warning names schema, table and column')
})

t.test('a table OpenMetadata cannot name is a failure with its FQN; the rest goes on', async (t) => {
  const h = await startHarness(t)
  const sales = h.aws.catalog.glue[h.aws.catalog.accountId]!.find((d) => d.Name === 'sales')!
  const broken = structuredClone(sales.Tables[0]!)
  broken.Name = 'n'.repeat(257)
  sales.Tables.push(broken)
  const records = parseNdjson((await ingest(h, source(h))).body)
  const status = records.at(-1)!.entity
  t.equal(status.errors, 1)
  t.equal(status.failures[0].name, `athena_prod.default.sales.${'n'.repeat(257)}`)
  t.match(status.failures[0].error, /longer than 256 characters/)
  t.ok(byName(records, 'orders'))
})

t.test('federated catalogs become further databases when the source asks for them', async (t) => {
  const h = await startHarness(t)
  const off = parseNdjson((await ingest(h, source(h))).body)
  t.same(
    off.filter((r) => r.kind === 'database').map((r) => r.entity.name),
    ['default'],
  )
  t.equal(h.aws.count('athena:ListDataCatalogs'), 0, 'off by default: Athena is not asked')
  h.aws.reset()
  const on = parseNdjson((await ingest(h, source(h, { options: { includeFederatedCatalogs: true } }))).body)
  t.same(
    on.filter((r) => r.kind === 'database').map((r) => r.entity.name),
    ['default', 'mysql_federated'],
  )
  const products = byName(on, 'products')
  t.equal(products.databaseSchema, 'athena_prod.mysql_federated.shop')
  t.ok(
    h.aws.calls.filter((c) => c.action.startsWith('athena:List')).every((c) => !c.body.MaxResults || c.body.MaxResults <= 50),
    'pages of 50',
  )
  t.same(invalidRecords(on), [])
})

t.test('databaseName names the Glue catalog database', async (t) => {
  const h = await startHarness(t)
  const body = source(h)
  ;(body.serviceConnection.config as Record<string, unknown>).databaseName = 'awsdatacatalog'
  const records = parseNdjson((await ingest(h, body)).body)
  t.same(
    records.filter((r) => r.kind === 'database').map((r) => r.entity.name),
    ['awsdatacatalog'],
  )
  t.equal(byName(records, 'orders').databaseSchema, 'athena_prod.awsdatacatalog.sales')
})

t.test('Accept: application/json is refused with 406, before any byte, past MAX_JSON_DOCUMENT_RECORDS', async (t) => {
  const h = await startHarness(t, { config: { maxJsonDocumentRecords: 50 } })
  const res = await ingest(h, source(h), 'application/json')
  t.equal(res.statusCode, 406)
  t.match(res.json(), { statusCode: 406, message: /more than 50 records.*Accept: application\/x-ndjson/ })
  const streamed = await ingest(h, source(h))
  t.equal(streamed.statusCode, 200, 'the NDJSON stream has no such limit')
  t.ok(parseNdjson(streamed.body).length > 50)
})
