import t from 'tap'
import { loadSampleCatalog } from '../support/catalog.js'
import { startFakeOm } from '../support/fake-om.js'
import { athenaConnection, startHarness } from '../support/harness.js'
import { assertOm } from '../support/om-spec.js'
import { invalidRecords, parseNdjson, type StreamRecord } from '../support/records.js'

type H = Awaited<ReturnType<typeof startHarness>>

async function ingest(h: H, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/ingest',
    payload: { serviceName: 'svc', serviceConnection: { config: athenaConnection(h.aws) }, sourceConfig: { config: { type: 'DatabaseMetadata', ...config } }, ...extra },
  })
  t.equal(res.statusCode, 200)
  const records = parseNdjson(res.body)
  t.same(invalidRecords(records), [], 'every record validates against its OpenMetadata schema')
  return records
}
const schema = (r: StreamRecord[], name: string) => r.find((x) => x.kind === 'databaseSchema' && x.entity.name === name)!.entity
const table = (r: StreamRecord[], name: string) => r.find((x) => x.kind === 'table' && x.entity.name === name)!.entity
const label = (tagFQN: string) => ({ tagFQN, source: 'Classification', labelType: 'Automated', state: 'Suggested' })

t.test('LF-tags become classifications, tags and tag labels on tables and columns', async (t) => {
  const h = await startHarness(t)
  const records = await ingest(h)
  const classifications = records.filter((r) => r.kind === 'classification').map((r) => r.entity.name)
  t.same(classifications.sort(), ['classification', 'domain', 'tier'])
  const firstEntity = records.findIndex((r) => r.kind === 'database')
  t.ok(records.findLastIndex((r) => r.kind === 'tag') < firstEntity, 'tags exist before any entity that carries them')
  t.same(
    records
      .filter((r) => r.kind === 'tag' && r.entity.classification === 'domain')
      .map((r) => r.entity.name)
      .sort(),
    ['analytics.core', 'finance', 'sales'],
  )
  const orders = table(records, 'orders')
  t.same(
    orders.tags.map((l: { tagFQN: string }) => l.tagFQN),
    ['domain.sales', 'tier.gold'],
    'own tag plus the one inherited from the database',
  )
  t.same(orders.tags[1], label('tier.gold'))
  const email = table(records, 'customers').columns.find((c: { name: string }) => c.name === 'email')
  t.ok(
    email.tags.some((l: { tagFQN: string }) => l.tagFQN === 'classification.pii'),
    'column tag',
  )
  const tx = table(records, 'transactions')
  t.ok(
    tx.tags.some((l: { tagFQN: string }) => l.tagFQN === 'domain.finance'),
    'a table tag overriding its database tag',
  )
  const sessions = table(records, 'web.sessions')
  t.ok(
    sessions.tags.some((l: { tagFQN: string }) => l.tagFQN === 'domain."analytics.core"'),
    'a dotted value is quoted in the tag FQN',
  )
  t.ok(h.aws.count('lakeformation:ListLFTags') === 1, 'LF-tags are listed once')
  t.equal(h.aws.calls.filter((c) => c.action === 'lakeformation:GetResourceLFTags').length, 0, 'no per-table LF call')
})

t.test('includeTags: false reads no LF-tags; access denied on Lake Formation is a warning, not a failure', async (t) => {
  const h = await startHarness(t)
  const off = await ingest(h, { includeTags: false })
  t.equal(h.aws.calls.filter((c) => c.action.startsWith('lakeformation:')).length, 0)
  t.notOk(table(off, 'orders').tags, 'no tags')
  h.aws.reset()
  h.aws.addFault({ action: 'lakeformation:*', kind: 'accessDenied' })
  const denied = await ingest(h)
  const status = denied.at(-1)!.entity
  t.equal(status.errors, 0)
  t.ok(status.warnings >= 1)
  t.match(h.logs(), /lakeformation:ListLFTags|Lake Formation/)
  t.equal(denied.filter((r) => r.kind === 'table').length, 260, 'every table still ingested')
})

t.test("a Glue database's LF-tags become its databaseSchema's tags (CreateDatabaseSchemaRequest.tags)", async (t) => {
  const h = await startHarness(t)
  const records = await ingest(h)
  const sales = schema(records, 'sales')
  t.same(sales.tags, [label('domain.sales')])
  assertOm(t, 'api/data/createDatabaseSchema.json', sales)
  t.same(schema(records, 'lakehouse').tags, [label('domain."analytics.core"')], 'a dotted value is quoted')
  t.notOk('tags' in schema(records, 'empty_schema'), 'an untagged database: no (empty) tags')
  const firstSchema = records.findIndex((r) => r.kind === 'databaseSchema')
  t.ok(records.findLastIndex((r) => r.kind === 'tag') < firstSchema, 'every tag comes before the schemas that carry it')

  const off = await ingest(h, { includeTags: false })
  t.notOk('tags' in schema(off, 'sales'), 'includeTags: false: no schema tags either')
})

t.test('a blank LF-tag value is skipped (no tag, no label) and named in a warning', async (t) => {
  const catalog = loadSampleCatalog()
  const lf = catalog.lfTags!
  lf.tags = lf.tags.map((d) => (d.TagKey === 'tier' ? { ...d, TagValues: [...d.TagValues, '   '] } : d))
  lf.databases = lf.databases.map((d) => (d.name === 'sales' ? { ...d, tags: [...d.tags, { key: 'tier', value: '   ' }] } : d))
  const h = await startHarness(t, { catalog })
  const records = await ingest(h)
  t.same(schema(records, 'sales').tags, [label('domain.sales')], 'the blank tier value is not a label')
  t.notOk(
    records.some((r) => r.kind === 'tag' && r.entity.name.trim() === ''),
    'nor a tag',
  )
  t.notOk(
    table(records, 'customers').tags?.some((l: { tagFQN: string }) => l.tagFQN.startsWith('tier.')),
    'nor inherited by its tables',
  )
  t.match(h.logs(), /LF-tag \\"tier= {3}\\" is not ingested: its value is blank/)
})

t.test('the sink writes schemas with their tags, after the tags exist (the server refuses a label without its tag)', async (t) => {
  const h = await startHarness(t, { config: { openMetadataSink: { concurrency: 8, maxAttempts: 2, requestTimeoutMs: 5_000, retryBaseMs: 5, maxRetryDelayMs: 100 } } })
  const om = await startFakeOm(t)
  const records = await ingest(
    h,
    { schemaFilterPattern: { includes: ['^sales$', '^lakehouse$'] } },
    {
      sink: { type: 'metadata-rest', config: {} },
      workflowConfig: { openMetadataServerConfig: { hostPort: om.url, authProvider: 'openmetadata', securityConfig: { jwtToken: om.token } } },
    },
  )
  const schemas = records.filter((r) => r.kind === 'databaseSchema') as Array<StreamRecord & { sink: any }>
  t.same(
    schemas.map((r) => [r.entity.name, r.sink.status]),
    [
      ['sales', 'written'],
      ['lakehouse', 'written'],
    ],
  )
  t.same(om.byFqn('databaseSchema', 'svc.default.sales')!.request.tags, [label('domain.sales')], 'stored with its tags (validated by the fake server)')
  t.same(om.byFqn('databaseSchema', 'svc.default.lakehouse')!.request.tags, [label('domain."analytics.core"')])
  const at = (type: string, fqn: string) => om.writes.findIndex((w) => w.type === type && w.fqn === fqn)
  t.ok(at('tag', 'domain.sales') >= 0 && at('tag', 'domain.sales') < at('databaseSchema', 'svc.default.sales'), 'the tag is written before the schema that names it')
  t.equal(records.at(-1)!.entity.errors, 0)
})
