import t from 'tap'
import { OmClient } from '../../src/sink/om-client.js'
import { STALE_PAGE_SIZE, writeToOpenMetadata } from '../../src/sink/writer.js'
import { startFakeOm, type FakeOm } from '../support/fake-om.js'

const SETTINGS = { maxAttempts: 3, requestTimeoutMs: 5_000, retryBaseMs: 2, maxRetryDelayMs: 100 }

type Rec = { kind: string; entity: any; [k: string]: unknown }

async function* from(records: Rec[]): AsyncGenerator<Rec> {
  for (const r of records) yield r
}

async function write(om: FakeOm, records: Rec[], concurrency = 4) {
  const client = new OmClient({ baseUrl: om.url, jwtToken: om.token }, SETTINGS)
  const out: Array<Rec & { sink?: any; sinkStatus?: any }> = []
  for await (const r of writeToOpenMetadata(from(records), client, { concurrency })) out.push(r)
  return out
}

const hierarchy = (): Rec[] => [
  { kind: 'databaseService', entity: { name: 'svc', serviceType: 'Athena', connection: { config: { type: 'Athena', awsConfig: { awsRegion: 'us-east-1' }, s3StagingDir: 's3://b/p/', workgroup: 'primary' } } } },
  { kind: 'database', entity: { name: 'db', service: 'svc' } },
  { kind: 'databaseSchema', entity: { name: 's', database: 'svc.db' } },
]
const table = (name: string, schema = 'svc.db.s'): Rec => ({ kind: 'table', entity: { name, databaseSchema: schema, columns: [{ name: 'id', dataType: 'BIGINT' }] } })
const status = (): Rec => ({ kind: 'status', entity: { name: 'Athena', records: 0, updated_records: 0, warnings: 0, errors: 0, filtered: 0, failures: [] }, elapsedMs: 1, totals: {} })
const lineage = (from: string, to: string, fromType = 'table'): Rec => ({
  kind: 'lineage',
  entity: { edge: { fromEntity: { type: fromType, fullyQualifiedName: from }, toEntity: { type: 'table', fullyQualifiedName: to }, lineageDetails: { source: 'ViewLineage', sqlQuery: 'SELECT 1' } } },
})
const staleScope = (scopeFqn: string, seenFqns: string[], extra: Record<string, unknown> = {}): Rec => ({
  kind: 'staleScope',
  entity: { scopeFqn, scopeEntityType: 'databaseSchema', seenFqns, dryRun: false, hardDelete: false, recursive: true, ...extra },
})

t.test('records come out in input order with outcomes; writes stay within the concurrency bound', async (t) => {
  const om = await startFakeOm(t)
  om.delayMs = 15
  const tables = Array.from({ length: 24 }, (_, i) => table(`t${String(i).padStart(2, '0')}`))
  const out = await write(om, [...hierarchy(), ...tables, status()], 3)
  t.same(out.map((r) => r.entity.name), [...hierarchy(), ...tables, status()].map((r) => r.entity.name), 'same order as the input')
  t.ok(out.slice(0, -1).every((r) => r.sink.status === 'written'))
  t.ok(om.maxInFlight <= 3, `at most 3 requests at once (saw ${om.maxInFlight})`)
  t.ok(om.maxInFlight >= 2, 'but more than one')
  t.equal(out.at(-1)!.sinkStatus.records, 3 + 24)
})

t.test('lineage: ends named by FQN are resolved to ids (from this run, else by name) and PUT to /v1/lineage', async (t) => {
  const om = await startFakeOm(t)
  const existing = om.seed('table', { name: 'legacy', databaseSchema: 'svc.db.s', columns: [] })
  const out = await write(om, [
    ...hierarchy(),
    table('a'),
    table('b'),
    lineage('svc.db.s.a', 'svc.db.s.b'),
    lineage('svc.db.s.legacy', 'svc.db.s.b'),
    lineage('svc.db.s.missing', 'svc.db.s.b'),
    lineage('store.bucket.path', 'svc.db.s.b', 'container'),
    status(),
  ])
  const [ab, legacy, missing, container] = out.filter((r) => r.kind === 'lineage')
  t.same(ab!.sink, { status: 'written', httpStatus: 200 })
  const sentAb = om.lineage.find((l) => l.fromEntity.id === om.byFqn('table', 'svc.db.s.a')!.id)
  t.same(sentAb?.fromEntity, { id: om.byFqn('table', 'svc.db.s.a')!.id, type: 'table' })
  t.same(sentAb?.toEntity, { id: om.byFqn('table', 'svc.db.s.b')!.id, type: 'table' })
  t.same(sentAb?.body.edge.lineageDetails, { source: 'ViewLineage', sqlQuery: 'SELECT 1' })
  t.equal(om.requests.filter((r) => r.path.startsWith('/api/v1/tables/name/svc.db.s.a')).length, 0, 'ids of this run are not looked up')
  t.same(legacy!.sink, { status: 'written', httpStatus: 200 }, 'an entity already in OpenMetadata is found by name')
  t.ok(om.lineage.some((l) => l.fromEntity.id === existing.id), 'with its id')
  t.same(missing!.sink, { status: 'failed', httpStatus: 404, error: 'table svc.db.s.missing does not exist in OpenMetadata' })
  t.equal(container!.sink.status, 'failed', 'a container that is not in OpenMetadata is a failure too')
  t.match(container!.sink.error, /container store\.bucket\.path does not exist/)
  t.equal(om.lineage.length, 2)
  const s = out.at(-1)!
  t.same(s.entity.failures.map((f: any) => f.name), ['lineage svc.db.s.missing -> svc.db.s.b', 'lineage store.bucket.path -> svc.db.s.b'])
})

t.test('staleScope: PUT /v1/tables/deleteStale after every earlier write settled', async (t) => {
  const om = await startFakeOm(t)
  await write(om, [...hierarchy()])
  om.seed('table', { name: 'old1', databaseSchema: 'svc.db.s', columns: [] })
  om.seed('table', { name: 'old2', databaseSchema: 'svc.db.s', columns: [] })
  om.delayMs = 10
  const out = await write(om, [table('a'), table('b'), staleScope('svc.db.s', ['svc.db.s.a', 'svc.db.s.b']), status()])
  const scope = out.find((r) => r.kind === 'staleScope')!
  t.same(scope.sink, { status: 'written', httpStatus: 200, deleted: ['svc.db.s.old1', 'svc.db.s.old2'] })
  t.ok(om.byFqn('table', 'svc.db.s.old1')!.deleted && om.byFqn('table', 'svc.db.s.old2')!.deleted, 'soft-deleted')
  t.notOk(om.byFqn('table', 'svc.db.s.a')!.deleted)
  const order = om.requests.map((r) => `${r.method} ${r.path}`)
  t.ok(order.lastIndexOf('PUT /api/v1/tables') < order.indexOf('PUT /api/v1/tables/deleteStale'), 'the tables were written first')
})

t.test('staleScope on a server without deleteStale: list the scope page by page and soft-delete the unseen', async (t) => {
  const om = await startFakeOm(t)
  om.deleteStaleMissing = true
  await write(om, [...hierarchy()])
  const names = Array.from({ length: STALE_PAGE_SIZE * 2 + 30 }, (_, i) => `t${String(i).padStart(3, '0')}`)
  for (const name of names) om.seed('table', { name, databaseSchema: 'svc.db.s', columns: [] })
  om.seed('table', { name: 'elsewhere', databaseSchema: 'svc.db.other', columns: [] })
  const seen = names.slice(0, 200).map((n) => `svc.db.s.${n}`)
  const out = await write(om, [staleScope('svc.db.s', seen), status()])
  const scope = out[0]!
  t.equal(scope.sink.status, 'written', JSON.stringify(scope.sink))
  t.same(scope.sink.deleted, names.slice(200).map((n) => `svc.db.s.${n}`))
  const lists = om.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/tables')
  t.equal(lists.length, 3, '230 tables in pages of 100')
  t.ok(lists.every((r) => r.query.databaseSchema === 'svc.db.s' && r.query.limit === String(STALE_PAGE_SIZE)))
  t.same(lists.map((r) => Boolean(r.query.after)), [false, true, true], 'paged with after')
  const deletes = om.requests.filter((r) => r.method === 'DELETE')
  t.equal(deletes.length, 30)
  t.ok(deletes.every((r) => r.query.hardDelete === 'false' && r.query.recursive === 'true'), 'soft delete, recursive, as upstream')
  t.equal([...om.entities.values()].filter((e) => e.deleted).length, 30)
  t.notOk(om.byFqn('table', 'svc.db.other.elsewhere')!.deleted, 'out of scope stays')

  // dryRun lists without deleting; an empty seenFqns never empties a scope.
  const before = om.requests.filter((r) => r.method === 'DELETE').length
  const dry = await write(om, [staleScope('svc.db.s', seen.slice(0, 100), { dryRun: true })])
  t.equal(dry[0]!.sink.deleted.length, 100)
  const empty = await write(om, [staleScope('svc.db.s', []), status()])
  t.same(empty[0]!.sink, { status: 'skipped', httpStatus: null, error: 'seenFqns is empty: a scope is never emptied', deleted: [] })
  t.equal(empty.at(-1)!.sinkStatus.warnings, 1)
  t.equal(om.requests.filter((r) => r.method === 'DELETE').length, before, 'nothing more deleted')
})

t.test('kinds the sink does not write are skipped, and say so', async (t) => {
  const om = await startFakeOm(t)
  const out = await write(om, [{ kind: 'query', entity: { query: 'SELECT 1' } }, status()])
  t.same(out[0]!.sink, { status: 'skipped', httpStatus: null, error: 'records of kind query are not written to OpenMetadata' })
  t.equal(out[1]!.sinkStatus.errors, 0)
})

t.test('a server that stops answering: every later write is a failure with its reason', async (t) => {
  const om = await startFakeOm(t)
  const url = om.url
  await om.close()
  const client = new OmClient({ baseUrl: url, jwtToken: om.token }, SETTINGS)
  const out: any[] = []
  for await (const r of writeToOpenMetadata(from([...hierarchy(), table('a'), status()]), client, { concurrency: 2 })) out.push(r)
  t.match(out[0].sink, { status: 'failed', httpStatus: null, error: /did not answer: PUT .*\/v1\/services\/databaseServices failed after 3 attempt\(s\): ECONNREFUSED/ })
  t.ok(out.slice(1, -1).every((r) => r.sink.status === 'failed' && /not sent: its parent/.test(r.sink.error)))
  t.equal(out.at(-1).entity.errors, 4)
  t.notOk(JSON.stringify(out).includes(om.token))
})
