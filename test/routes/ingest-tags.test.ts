import t from 'tap'
import { athenaConnection, startHarness } from '../support/harness.js'
import { invalidRecords, parseNdjson, type StreamRecord } from '../support/records.js'

type H = Awaited<ReturnType<typeof startHarness>>

async function ingest(h: H, config: Record<string, unknown> = {}) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/ingest',
    payload: { serviceName: 'svc', serviceConnection: { config: athenaConnection(h.aws) }, sourceConfig: { config: { type: 'DatabaseMetadata', ...config } } },
  })
  t.equal(res.statusCode, 200)
  const records = parseNdjson(res.body)
  t.same(invalidRecords(records), [], 'every record validates against its OpenMetadata schema')
  return records
}
const table = (r: StreamRecord[], name: string) => r.find((x) => x.kind === 'table' && x.entity.name === name)!.entity
const label = (tagFQN: string) => ({ tagFQN, source: 'Classification', labelType: 'Automated', state: 'Suggested' })

t.test('LF-tags become classifications, tags and tag labels on tables and columns', async (t) => {
  const h = await startHarness(t)
  const records = await ingest(h)
  const classifications = records.filter((r) => r.kind === 'classification').map((r) => r.entity.name)
  t.same(classifications.sort(), ['classification', 'domain', 'tier'])
  const firstEntity = records.findIndex((r) => r.kind === 'database')
  t.ok(records.findLastIndex((r) => r.kind === 'tag') < firstEntity, 'tags exist before any entity that carries them')
  t.same(records.filter((r) => r.kind === 'tag' && r.entity.classification === 'domain').map((r) => r.entity.name).sort(), ['analytics.core', 'finance', 'sales'])
  const orders = table(records, 'orders')
  t.same(orders.tags.map((l: { tagFQN: string }) => l.tagFQN), ['domain.sales', 'tier.gold'], 'own tag plus the one inherited from the database')
  t.same(orders.tags[1], label('tier.gold'))
  const email = table(records, 'customers').columns.find((c: { name: string }) => c.name === 'email')
  t.ok(email.tags.some((l: { tagFQN: string }) => l.tagFQN === 'classification.pii'), 'column tag')
  const tx = table(records, 'transactions')
  t.ok(tx.tags.some((l: { tagFQN: string }) => l.tagFQN === 'domain.finance'), 'a table tag overriding its database tag')
  const sessions = table(records, 'web.sessions')
  t.ok(sessions.tags.some((l: { tagFQN: string }) => l.tagFQN === 'domain."analytics.core"'), 'a dotted value is quoted in the tag FQN')
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
