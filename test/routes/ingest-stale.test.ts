import t from 'tap'
import { generateCatalog } from '../support/catalog.js'
import { athenaConnection, startHarness } from '../support/harness.js'
import { invalidRecords, parseNdjson, type StreamRecord } from '../support/records.js'

type H = Awaited<ReturnType<typeof startHarness>>

async function ingest(h: H, config: Record<string, unknown> = {}, options: Record<string, unknown> = {}, conn: Record<string, unknown> = {}) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/ingest',
    payload: {
      serviceName: 'svc',
      serviceConnection: { config: athenaConnection(h.aws, conn) },
      sourceConfig: { config: { type: 'DatabaseMetadata', ...config } },
      options,
    },
  })
  t.equal(res.statusCode, 200, res.body.slice(0, 200))
  const records = parseNdjson(res.body)
  t.same(invalidRecords(records), [], 'every record validates against its OpenMetadata schema')
  return records
}
const scopes = (r: StreamRecord[]) => r.filter((x) => x.kind === 'staleScope').map((x) => x.entity)
const scopeOf = (r: StreamRecord[], schema: string) => scopes(r).find((s) => s.scopeFqn === `svc.default.${schema}`)

t.test('a cleanly listed schema yields its staleScope right after its last table; an empty one too', async (t) => {
  const h = await startHarness(t)
  const records = await ingest(h)
  t.same(
    scopes(records).map((s) => s.scopeFqn),
    ['sales', 'lakehouse', 'empty_schema', 'clickstream', 'Legacy_Mixed_Case'].map((s) => `svc.default.${s}`),
  )
  t.same(scopeOf(records, 'sales'), {
    scopeFqn: 'svc.default.sales',
    scopeEntityType: 'databaseSchema',
    seenFqns: ['customer_profiles', 'customers', 'events', 'orders', 'orders_enriched'].map((n) => `svc.default.sales.${n}`),
    dryRun: false,
    hardDelete: false,
    recursive: true,
  })
  t.same(scopeOf(records, 'lakehouse').seenFqns, ['svc.default.lakehouse.dim_date', 'svc.default.lakehouse.transactions', 'svc.default.lakehouse."web.sessions"'])
  t.same(scopeOf(records, 'empty_schema').seenFqns, [], 'an empty schema that listed cleanly: its tables really are gone')
  t.equal(scopeOf(records, 'clickstream').seenFqns.length, 250)
  // placement: after the schema's tables, before the next schema
  const i = records.findIndex((r) => r.kind === 'staleScope' && r.entity.scopeFqn === 'svc.default.sales')
  t.equal(records[i - 1]!.entity.databaseSchema, 'svc.default.sales')
  t.equal(records[i + 1]!.kind, 'databaseSchema')
})

t.test('a listing that fails part-way yields no staleScope for that schema, and a warning', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'glue:GetTables', kind: 'accessDenied', match: (b) => b.DatabaseName === 'clickstream' && Boolean(b.NextToken) })
  const records = await ingest(h)
  t.notOk(scopeOf(records, 'clickstream'), 'no scope: 100 tables were seen, 150 were not')
  t.equal(records.filter((r) => r.kind === 'table' && r.entity.databaseSchema === 'svc.default.clickstream').length, 100)
  const status = records.at(-1)!.entity
  t.equal(status.errors, 1)
  t.equal(status.warnings, 1)
  t.match(h.logs(), /svc\.default\.clickstream: no stale-table clean-up/)
  t.ok(scopeOf(records, 'sales') && scopeOf(records, 'lakehouse'), 'the other schemas keep theirs')
})

t.test('AccessDenied on the first page: no staleScope (upstream wiped catalogs through exactly this)', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'glue:GetTables', kind: 'accessDenied', match: (b) => b.DatabaseName === 'lakehouse' })
  const records = await ingest(h)
  t.notOk(scopeOf(records, 'lakehouse'))
  t.equal(scopes(records).length, 4)
})

t.test("a bad column type no longer costs the table nor its schema's clean-up", async (t) => {
  const h = await startHarness(t)
  const sales = h.aws.catalog.glue[h.aws.catalog.accountId]!.find((d) => d.Name === 'sales')!
  const name = sales.Tables[0]!.Name
  sales.Tables[0]!.StorageDescriptor!.Columns = [{ Name: 'x', Type: 'map<string' }]
  const records = await ingest(h)
  t.ok(scopeOf(records, 'sales')?.seenFqns.includes(`svc.default.sales.${name}`), 'the table is seen, so it is not deleted')
  t.equal(records.at(-1)!.entity.errors, 0)
  t.equal(records.at(-1)!.entity.warnings, 1)
})

t.test('a table that cannot be mapped keeps its schema from the clean-up', async (t) => {
  const h = await startHarness(t)
  const sales = h.aws.catalog.glue[h.aws.catalog.accountId]!.find((d) => d.Name === 'sales')!
  sales.Tables[0]!.Name = 't'.repeat(300) // longer than any OpenMetadata name
  const records = await ingest(h)
  t.notOk(scopeOf(records, 'sales'), 'the unmapped table would otherwise be deleted from OpenMetadata')
  t.equal(records.at(-1)!.entity.errors, 1)
})

t.test('filtered schemas yield none and a warning; markDeletedTables off yields none at all', async (t) => {
  const h = await startHarness(t)
  const filtered = await ingest(h, { schemaFilterPattern: { includes: ['^sales$'] } })
  t.same(
    scopes(filtered).map((s) => s.scopeFqn),
    ['svc.default.sales'],
  )
  t.equal(filtered.at(-1)!.entity.warnings, 1)
  t.match(h.logs(), /4 filtered schema\(s\) of svc\.default get no stale-table clean-up/)
  const off = await ingest(h, { markDeletedTables: false })
  t.same(scopes(off), [])
})

t.test('catalogId is honoured on every Glue call', async (t) => {
  const catalog = generateCatalog({ schemas: 3, tablesPerSchema: 120, columnsPerTable: 2 })
  catalog.glue['210987654321'] = catalog.glue[catalog.accountId]!
  delete catalog.glue[catalog.accountId]
  const h = await startHarness(t, { catalog })
  const records = await ingest(h, {}, {}, { catalogId: '210987654321' })
  t.equal(scopes(records).length, 3)
  const glueCalls = h.aws.calls.filter((c) => c.action.startsWith('glue:'))
  t.equal(glueCalls.length, 1 + 3 * 2)
  t.ok(
    glueCalls.every((c) => c.body.CatalogId === '210987654321'),
    'every Glue call names the catalog',
  )
})

t.test('storage lineage: container → table for every table with an S3 location, when a storage service is named', async (t) => {
  const h = await startHarness(t)
  const none = await ingest(h, { schemaFilterPattern: { includes: ['^sales$'] } }, { includeViewLineage: false })
  t.same(
    none.filter((r) => r.kind === 'lineage'),
    [],
    'no storage service named: no storage lineage',
  )
  const lakehouse = h.aws.catalog.glue[h.aws.catalog.accountId]!.find((d) => d.Name === 'lakehouse')!
  lakehouse.Tables[0]!.StorageDescriptor!.Location = 's3a://acme-lakehouse-123456789012/warehouse/lakehouse.db/dim_date'
  const records = await ingest(h, { schemaFilterPattern: { includes: ['^sales$', '^lakehouse$'] } }, { storageServiceName: 's3_prod', includeViewLineage: false })
  const edges = records.filter((r) => r.kind === 'lineage').map((r) => [r.entity.edge.fromEntity.fullyQualifiedName, r.entity.edge.toEntity.fullyQualifiedName])
  t.same(edges, [
    ['s3_prod.acme-datalake-123456789012.sales/customer_profiles', 'svc.default.sales.customer_profiles'],
    ['s3_prod.acme-datalake-123456789012.sales/customers', 'svc.default.sales.customers'],
    ['s3_prod.acme-datalake-123456789012.sales/events', 'svc.default.sales.events'],
    ['s3_prod.acme-datalake-123456789012.sales/orders', 'svc.default.sales.orders'],
    ['s3_prod.acme-lakehouse-123456789012."warehouse/lakehouse.db/dim_date"', 'svc.default.lakehouse.dim_date'],
    ['s3_prod.acme-lakehouse-123456789012."warehouse/lakehouse.db/transactions"', 'svc.default.lakehouse.transactions'],
    ['s3_prod.acme-lakehouse-123456789012."warehouse/lakehouse.db/web_sessions"', 'svc.default.lakehouse."web.sessions"'],
  ])
  const first = records.find((r) => r.kind === 'lineage')!
  t.same(first.entity.edge.fromEntity.type, 'container')
  t.same(first.entity.edge.lineageDetails, { source: 'ExternalTableLineage' })
  const i = records.indexOf(first)
  t.equal(records[i - 1]!.entity.name, 'customer_profiles', 'the edge follows its table')
})

const scopesOfType = (r: StreamRecord[], type: string) => scopes(r).filter((s) => s.scopeEntityType === type)

t.test('markDeletedSchemas: one database scope after its schemas, naming every schema read; off by default', async (t) => {
  const h = await startHarness(t)
  t.same(scopesOfType(await ingest(h), 'database'), [], 'default false, as upstream')
  const records = await ingest(h, { markDeletedSchemas: true })
  const [scope, ...more] = scopesOfType(records, 'database')
  t.same(more, [])
  t.same(scope, {
    scopeFqn: 'svc.default',
    scopeEntityType: 'database',
    seenFqns: ['sales', 'lakehouse', 'empty_schema', 'clickstream', 'Legacy_Mixed_Case'].map((s) => `svc.default.${s}`),
    dryRun: false,
    hardDelete: false,
    recursive: true,
  })
  const i = records.findIndex((r) => r.kind === 'staleScope' && r.entity.scopeEntityType === 'database')
  t.ok(records.slice(0, i).filter((r) => r.kind === 'table').length === records.filter((r) => r.kind === 'table').length, 'after every table of the database')
})

t.test('markDeletedSchemas: a schema that could not be read keeps the database from the clean-up', async (t) => {
  const h = await startHarness(t)
  // A Glue database whose name OpenMetadata cannot hold (over 256 characters) cannot become a schema record, so it
  // is missing from the seen list: a clean-up would delete it from OpenMetadata.
  const glue = h.aws.catalog.glue[h.aws.catalog.accountId]!
  glue.push({ ...structuredClone(glue.find((d) => d.Name === 'empty_schema')!), Name: 'x'.repeat(300) })
  const records = await ingest(h, { markDeletedSchemas: true })
  t.same(scopesOfType(records, 'database'), [], 'the unreadable schema would otherwise be deleted from OpenMetadata')
  t.match(h.logs(), /svc\.default: no stale-schema clean-up, 1 schema\(s\) could not be read/)
})

t.test('markDeletedDatabases: one service scope naming every database; none when a catalog could not be listed', async (t) => {
  const h = await startHarness(t)
  const records = await ingest(h, { markDeletedDatabases: true }, { includeFederatedCatalogs: true })
  t.same(scopesOfType(records, 'databaseService'), [
    { scopeFqn: 'svc', scopeEntityType: 'databaseService', seenFqns: ['svc.default', 'svc.mysql_federated'], dryRun: false, hardDelete: false, recursive: true },
  ])
  h.aws.addFault({ action: 'athena:ListDatabases', kind: 'accessDenied' })
  const failed = await ingest(h, { markDeletedDatabases: true }, { includeFederatedCatalogs: true })
  t.same(scopesOfType(failed, 'databaseService'), [], 'mysql_federated was not listed: it is not gone')
  t.match(h.logs(), /svc: no stale-database clean-up/)
  t.same(scopesOfType(await ingest(h), 'databaseService'), [], 'default false, as upstream')
})
