import t from 'tap'
import { OmClient } from '../../src/sink/om-client.js'
import { withSourceHash } from '../../src/openmetadata/source-hash.js'
import { HASH_PAGE_SIZE, STALE_PAGE_SIZE, writeToOpenMetadata, type WriterOptions } from '../../src/sink/writer.js'
import { startFakeOm, type FakeOm } from '../support/fake-om.js'

const SETTINGS = { maxAttempts: 3, requestTimeoutMs: 5_000, retryBaseMs: 2, maxRetryDelayMs: 100 }

type Rec = { kind: string; entity: any; [k: string]: unknown }

async function* from(records: Rec[]): AsyncGenerator<Rec> {
  for (const r of records) yield r
}

async function write(om: FakeOm, records: Rec[], concurrency = 4, opts: Partial<WriterOptions> = {}) {
  const client = new OmClient({ baseUrl: om.url, jwtToken: om.token }, SETTINGS)
  const out: Array<Rec & { sink?: any; sinkStatus?: any }> = []
  for await (const r of writeToOpenMetadata(from(records), client, { concurrency, serverVersion: om.version, ...opts })) out.push(r)
  return out
}

const hierarchy = (): Rec[] => [
  {
    kind: 'databaseService',
    entity: { name: 'svc', serviceType: 'Athena', connection: { config: { type: 'Athena', awsConfig: { awsRegion: 'us-east-1' }, s3StagingDir: 's3://b/p/', workgroup: 'primary' } } },
  },
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
  t.same(
    out.map((r) => r.entity.name),
    [...hierarchy(), ...tables, status()].map((r) => r.entity.name),
    'same order as the input',
  )
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
  t.ok(
    om.lineage.some((l) => l.fromEntity.id === existing.id),
    'with its id',
  )
  t.same(missing!.sink, { status: 'failed', httpStatus: 404, error: 'table svc.db.s.missing does not exist in OpenMetadata' })
  t.equal(container!.sink.status, 'failed', 'a container that is not in OpenMetadata is a failure too')
  t.match(container!.sink.error, /container store\.bucket\.path does not exist/)
  t.equal(om.lineage.length, 2)
  const s = out.at(-1)!
  t.same(
    s.entity.failures.map((f: any) => f.name),
    ['lineage svc.db.s.missing -> svc.db.s.b', 'lineage store.bucket.path -> svc.db.s.b'],
  )
})

t.test('a malformed lineage edge or stale scope is named by its values as JSON, not "[object Object]"', async (t) => {
  const om = await startFakeOm(t)
  const edge = { fromEntity: { type: 'table', fullyQualifiedName: { nested: 'x' } }, toEntity: { type: 'table', fullyQualifiedName: 'svc.db.s.b' } }
  const out = await write(om, [{ kind: 'lineage', entity: { edge } }, staleScope('svc.db.s', [], { scopeEntityType: { kind: 'odd' } }), status()])
  t.same(out[0]!.sink, { status: 'failed', httpStatus: null, error: 'a lineage edge needs fromEntity and toEntity, each with type and fullyQualifiedName (or id)' })
  t.equal(out[1]!.sink.status, 'failed')
  t.match(out[1]!.sink.error, /scopeEntityType .* is not supported/)
  const names = out.at(-1)!.entity.failures.map((f: any) => f.name)
  t.same(names, ['lineage {"nested":"x"} -> svc.db.s.b', 'stale entities of {"kind":"odd"} svc.db.s'])
})

t.test('staleScope on a 2.0 server: DELETE /v1/tables/deleteStale (what it serves) after every earlier write settled', async (t) => {
  const om = await startFakeOm(t)
  t.equal(om.version, '2.0.0')
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
  t.ok(order.lastIndexOf('PUT /api/v1/tables') < order.indexOf('DELETE /api/v1/tables/deleteStale'), 'the tables were written first')
  t.notOk(order.includes('PUT /api/v1/tables/deleteStale'), 'no PUT: the server answers it 405')
  t.equal(om.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/tables' && !r.query.fields).length, 0, 'no listing')
})

t.test('staleScope on an older server: PUT deleteStale, and list-and-soft-delete only where that is missing', async (t) => {
  const om = await startFakeOm(t)
  om.version = '1.12.1'
  await write(om, [...hierarchy()])
  om.seed('table', { name: 'old1', databaseSchema: 'svc.db.s', columns: [] })
  const out = await write(om, [table('a'), staleScope('svc.db.s', ['svc.db.s.a']), status()])
  t.same(out[1]!.sink, { status: 'written', httpStatus: 200, deleted: ['svc.db.s.old1'] })
  t.ok(om.requests.some((r) => r.method === 'PUT' && r.path === '/api/v1/tables/deleteStale' && r.status === 200))
  t.notOk(
    om.requests.some((r) => r.method === 'DELETE' && r.path.endsWith('/deleteStale')),
    'no DELETE on a server before 2.0',
  )
})

t.test('markDeletedSchemas / markDeletedDatabases scopes clean schemas and databases (recursively), on 2.0 and on older servers', async (t) => {
  for (const version of ['2.0.0', '1.9.4']) {
    const om = await startFakeOm(t)
    om.version = version
    om.deleteStaleMissing = version === '1.9.4'
    await write(om, [...hierarchy(), table('a')])
    const gone = om.seed('databaseSchema', { name: 'gone', database: 'svc.db' })
    om.seed('table', { name: 'inside', databaseSchema: 'svc.db.gone', columns: [] })
    om.seed('database', { name: 'olddb', service: 'svc' })
    const out = await write(om, [
      { kind: 'staleScope', entity: { scopeFqn: 'svc.db', scopeEntityType: 'database', seenFqns: ['svc.db.s'], dryRun: false, hardDelete: false, recursive: true } },
      { kind: 'staleScope', entity: { scopeFqn: 'svc', scopeEntityType: 'databaseService', seenFqns: ['svc.db'], dryRun: false, hardDelete: false, recursive: true } },
      status(),
    ])
    t.same(
      out.slice(0, 2).map((r) => r.sink),
      [
        { status: 'written', httpStatus: 200, deleted: ['svc.db.gone'] },
        { status: 'written', httpStatus: 200, deleted: ['svc.olddb'] },
      ],
      version,
    )
    t.ok(gone && om.byFqn('databaseSchema', 'svc.db.gone')!.deleted && om.byFqn('table', 'svc.db.gone.inside')!.deleted, `${version}: the schema and its tables`)
    t.ok(om.byFqn('database', 'svc.olddb')!.deleted)
    t.notOk(om.byFqn('databaseSchema', 'svc.db.s')!.deleted || om.byFqn('table', 'svc.db.s.a')!.deleted, 'what was seen stays')
    const paths = om.requests.map((r) => `${r.method} ${r.path}`)
    if (version === '2.0.0') t.ok(paths.includes('DELETE /api/v1/databaseSchemas/deleteStale') && paths.includes('DELETE /api/v1/databases/deleteStale'))
    else t.ok(paths.includes('GET /api/v1/databaseSchemas') && paths.includes('GET /api/v1/databases'), 'listed on a server without deleteStale')
  }
})

t.test('a server that pages forever: every listing stops (repeated cursor, page limit, time limit), nothing is deleted', async (t) => {
  for (const mode of ['repeatCursor', 'endless'] as const) {
    const om = await startFakeOm(t)
    om.version = '1.9.4'
    om.deleteStaleMissing = true
    await write(om, [...hierarchy()])
    om.hostilePaging = mode
    const seen = Array.from({ length: 50 }, (_, i) => `svc.db.s.t${i}`)
    const out = await write(om, [staleScope('svc.db.s', seen), status()])
    const lists = om.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/tables')
    const maxPages = Math.ceil((4 * seen.length + 1000) / STALE_PAGE_SIZE) + 1
    t.ok(lists.length <= maxPages, `${mode}: ${lists.length} pages read, at most ${maxPages} (from the 50 tables the run wrote)`)
    t.equal(lists.length, mode === 'repeatCursor' ? 2 : maxPages, mode === 'repeatCursor' ? 'stopped at the first repeated cursor' : 'stopped at the page limit')
    t.equal(out[0]!.sink.status, 'failed')
    t.match(out[0]!.sink.error, mode === 'repeatCursor' ? /already given \(paging loop\); nothing was deleted/ : /did not end within \d+ pages of 100; nothing was deleted/)
    t.equal(om.requests.filter((r) => r.method === 'DELETE').length, 0, 'nothing deleted')
    // The stored-hash listing is bounded too, and a table is then simply written.
    const tables = await write(om, [withSourceHash(table('h')), status()])
    t.equal(tables[0]!.sink.status, 'written')
    t.ok(om.requests.filter((r) => r.query.fields === 'sourceHash').length <= Math.ceil(100_000 / HASH_PAGE_SIZE))
  }
  // The time limit: a listing slower than it stops too.
  const om = await startFakeOm(t)
  om.version = '1.9.4'
  om.deleteStaleMissing = true
  await write(om, [...hierarchy()])
  om.hostilePaging = 'endless'
  om.delayMs = 30
  const out = await write(om, [staleScope('svc.db.s', ['svc.db.s.x'])], 4, { listTimeLimitMs: 100 })
  t.match(out[0]!.sink.error, /did not end within 100 ms; nothing was deleted/)
})

t.test("a server that answers more than a page, or entities outside the scope: nothing beyond the run's bound is kept or deleted", async (t) => {
  const om = await startFakeOm(t)
  om.version = '1.9.4'
  om.deleteStaleMissing = true
  await write(om, [...hierarchy()])
  om.hostilePaging = 'oversized'
  const out = await write(om, [staleScope('svc.db.s', ['svc.db.s.a']), status()])
  t.equal(out[0]!.sink.status, 'failed')
  t.match(out[0]!.sink.error, /answered 5000 entries for a page of 100; nothing was deleted/)
  t.equal(om.requests.filter((r) => r.method === 'DELETE').length, 0, 'nothing deleted')
  // The stored-hash listing refuses the page too: the table is simply written.
  const tables = await write(om, [withSourceHash(table('h')), status()])
  t.equal(tables[0]!.sink.status, 'written')

  // A server that ignores the scope filter lists another schema's tables: they are not this scope's to delete.
  const other = await startFakeOm(t)
  other.version = '1.9.4'
  other.deleteStaleMissing = true
  await write(other, [...hierarchy(), { kind: 'databaseSchema', entity: { name: 'other', database: 'svc.db' } }, table('x', 'svc.db.other')])
  other.hostilePaging = 'ignoreScope'
  const cleaned = await write(other, [staleScope('svc.db.s', ['svc.db.s.a']), status()])
  t.equal(cleaned[0]!.sink.status, 'written', JSON.stringify(cleaned[0]!.sink))
  t.notOk(other.byFqn('table', 'svc.db.other.x')!.deleted, 'a table of another schema is never deleted by this scope')
})

t.test('a lineage end whose name is not well-formed Unicode fails its record with a message naming it', async (t) => {
  const om = await startFakeOm(t)
  await write(om, [...hierarchy(), table('a')])
  const out = await write(om, [lineage('svc.db.s.bad\ud800name', 'svc.db.s.a'), status()])
  t.equal(out[0]!.sink.status, 'failed')
  t.match(out[0]!.sink.error, /the table "svc\.db\.s\.bad\\ud800name" is not well-formed Unicode/)
  t.equal(out.at(-1)!.entity.errors, 1, 'counted in the status line')
})

t.test('an OpenMetadata error that echoes the service connection never shows its AWS secrets', async (t) => {
  const om = await startFakeOm(t)
  const full = {
    type: 'Athena',
    awsConfig: { awsRegion: 'us-east-1', awsAccessKeyId: 'AKIAEXAMPLE', awsSecretAccessKey: 'echoed-secret-value-1234', awsSessionToken: 'echoed-session-token-5678' },
    s3StagingDir: 's3://b/p/',
    workgroup: 'primary',
  }
  om.reject('svc', `invalid service: ${JSON.stringify(full)}`)
  const logged: string[] = []
  const out = await write(om, [...hierarchy(), status()], 4, { serviceConnection: full, onFailure: (_n: string, e: string) => logged.push(e) })
  t.equal(out[0]!.sink.status, 'failed')
  const everything = JSON.stringify(out) + logged.join('\n')
  t.match(everything, /invalid service/, "the server's message is kept")
  t.notMatch(everything, /echoed-secret-value-1234|echoed-session-token-5678/, 'its secrets are not')
})

t.test('the database service: created with the connection as given when missing, never sent anything when it exists', async (t) => {
  const om = await startFakeOm(t)
  const full = { type: 'Athena', awsConfig: { awsRegion: 'us-east-1', awsAccessKeyId: 'AKIAEXAMPLE', awsSecretAccessKey: 'wJalrXUtnFEMI/K7MDENG' }, s3StagingDir: 's3://b/p/', workgroup: 'primary' }
  const first = await write(om, [...hierarchy(), status()], 4, { serviceConnection: full })
  t.same(first[0]!.sink, { status: 'written', httpStatus: 201 })
  t.same(om.byFqn('databaseService', 'svc')!.request.connection, { config: full }, 'created with the secret (the server encrypts it); the stream record keeps none')
  t.equal(first[0]!.entity.connection.config.awsSecretAccessKey, undefined)

  // Run 2, whose stripped connection differs from the stored one: no PUT at all, the service stays as it is.
  const before = om.requests.length
  const second = await write(om, [...hierarchy(), table('a'), status()])
  t.same(second[0]!.sink, { status: 'unchanged', httpStatus: 200 })
  const calls = om.requests.slice(before).filter((r) => r.path.startsWith('/api/v1/services/databaseServices'))
  t.same(
    calls.map((r) => `${r.method} ${r.path}`),
    ['GET /api/v1/services/databaseServices/name/svc'],
    'one lookup, no write',
  )
  t.same(om.byFqn('databaseService', 'svc')!.request.connection, { config: full }, 'the stored connection is untouched')
  t.ok(
    second.slice(1, -1).every((r) => r.sink.status === 'written'),
    'its children are written',
  )
  t.equal(second.at(-1)!.sinkStatus.errors, 0)
})

t.test('unchanged tables are not rewritten: the stored hashes are read per schema in pages, a changed table is written', async (t) => {
  const om = await startFakeOm(t)
  const n = HASH_PAGE_SIZE + 500
  const tables = Array.from({ length: n }, (_, i) => ({ kind: 'table', entity: withSourceHash(table(`t${i}`).entity) }))
  await write(om, [...hierarchy(), ...tables, status()], 8)
  t.equal(om.writes.filter((w) => w.type === 'table').length, n)
  t.equal(om.byFqn('table', 'svc.db.s.t1')!.request.sourceHash, tables[1]!.entity.sourceHash, 'the server stores the hash')

  const before = om.requests.length
  const changed = tables.map((r, i) => (i === 7 ? { kind: 'table', entity: withSourceHash({ ...r.entity, description: 'now documented' }) } : r))
  const out = await write(om, [...hierarchy(), ...changed, lineage('svc.db.s.t1', 'svc.db.s.t2'), status()], 8)
  const run2 = om.requests.slice(before)
  t.same(
    run2.filter((r) => r.method === 'PUT' && r.path === '/api/v1/tables').map((r) => (r.body as any).name),
    ['t7'],
    'one table write: the changed one',
  )
  const reads = run2.filter((r) => r.method === 'GET' && r.path === '/api/v1/tables')
  t.equal(reads.length, Math.ceil(n / HASH_PAGE_SIZE), `⌈${n} / ${HASH_PAGE_SIZE}⌉ list pages`)
  t.ok(reads.every((r) => r.query.databaseSchema === 'svc.db.s' && r.query.fields === 'sourceHash'))
  t.equal(run2.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/tables/name/')).length, 0, 'no GET per table, not even for lineage ends')
  const outTables = out.filter((r) => r.kind === 'table')
  t.equal(outTables.filter((r) => r.sink.status === 'unchanged').length, n - 1)
  t.same(out.find((r) => r.kind === 'lineage')!.sink, { status: 'written', httpStatus: 200 }, 'lineage to unchanged tables resolves their ids from the listing')
  t.equal(out.at(-1)!.sinkStatus.errors, 0)
})

t.test('staleScope on a server without deleteStale: list the scope page by page and soft-delete the unseen', async (t) => {
  const om = await startFakeOm(t)
  om.version = '1.9.4'
  om.deleteStaleMissing = true
  await write(om, [...hierarchy()])
  const names = Array.from({ length: STALE_PAGE_SIZE * 2 + 30 }, (_, i) => `t${String(i).padStart(3, '0')}`)
  for (const name of names) om.seed('table', { name, databaseSchema: 'svc.db.s', columns: [] })
  om.seed('table', { name: 'elsewhere', databaseSchema: 'svc.db.other', columns: [] })
  const seen = names.slice(0, 200).map((n) => `svc.db.s.${n}`)
  const out = await write(om, [staleScope('svc.db.s', seen), status()])
  const scope = out[0]!
  t.equal(scope.sink.status, 'written', JSON.stringify(scope.sink))
  t.same(
    scope.sink.deleted,
    names.slice(200).map((n) => `svc.db.s.${n}`),
  )
  const lists = om.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/tables')
  t.equal(lists.length, 3, '230 tables in pages of 100')
  t.ok(lists.every((r) => r.query.databaseSchema === 'svc.db.s' && r.query.limit === String(STALE_PAGE_SIZE)))
  t.same(
    lists.map((r) => Boolean(r.query.after)),
    [false, true, true],
    'paged with after',
  )
  const deletes = om.requests.filter((r) => r.method === 'DELETE')
  t.equal(deletes.length, 30)
  t.ok(
    deletes.every((r) => r.query.hardDelete === 'false' && r.query.recursive === 'true'),
    'soft delete, recursive, as upstream',
  )
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
  t.match(out[0].sink, { status: 'failed', httpStatus: null, error: /did not answer: GET .*\/v1\/services\/databaseServices\/name\/svc failed after 3 attempt\(s\): ECONNREFUSED/ })
  t.ok(out.slice(1, -1).every((r) => r.sink.status === 'failed' && /not sent: its parent/.test(r.sink.error)))
  t.equal(out.at(-1).entity.errors, 4)
  t.notOk(JSON.stringify(out).includes(om.token))
})
