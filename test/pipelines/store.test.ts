import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t, { type Test } from 'tap'
import { MIN_LOG_MAX_BYTES } from '../../src/pipelines/store/common.js'
import { LATEST_SCHEMA_VERSION } from '../../src/pipelines/store/migrations.js'
import { loadPipelineStoreSettings, MissingSecretKeyError, openPipelineStore } from '../../src/pipelines/store/open.js'
import { PostgresPipelineStore } from '../../src/pipelines/store/postgres.js'
import type { PipelineStore, RunPatch, StoredPipeline, StoredRun } from '../../src/pipelines/types.js'
import { startPostgres } from '../support/postgres.js'
import { sqliteDatabase } from '../../src/pipelines/store/sqlite-driver.js'

/**
 * One behavioural suite, run against each store (SQLite in a temp file, PostgreSQL in a fresh database): what the
 * scheduler and the routes rely on, through the public PipelineStore interface only.
 */

const KEY = randomBytes(32).toString('base64')
const JWT = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(24).toString('base64url')}`

/** A fresh, empty database for one test. */
interface Location {
  open(opts?: { secretKey?: string | undefined; logMaxBytes?: number }): Promise<PipelineStore>
  /** Everything stored, as text an attacker reading the database file or table would see. */
  raw(): Promise<string>
  /** Runs SQL directly against the database (outside the store). */
  exec(sql: string): Promise<void>
}

interface Backend {
  name: 'sqlite' | 'postgres'
  /** undefined when this backend cannot run here (the test is then skipped or failed by the backend itself). */
  fresh(t: Test): Promise<Location | undefined>
}

const sqliteBackend: Backend = {
  name: 'sqlite',
  async fresh(t) {
    const dir = mkdtempSync(join(tmpdir(), 'athena-store-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const path = join(dir, 'nested', 'pipelines.sqlite') // the parent directory does not exist yet
    return {
      open: (opts = {}) => openPipelineStore({ sqlitePath: path, secretKey: 'secretKey' in opts ? opts.secretKey : KEY, logMaxBytes: opts.logMaxBytes }),
      async raw() {
        return [path, `${path}-wal`]
          .filter((p) => existsSync(p))
          .map((p) => readFileSync(p).toString('latin1'))
          .join('\n')
      },
      async exec(sql) {
        const db = new (sqliteDatabase())(path)
        try {
          db.exec(sql)
        } finally {
          db.close()
        }
      },
    }
  },
}

const postgresBackend: Backend = {
  name: 'postgres',
  async fresh(t) {
    const url = await startPostgres(t)
    if (!url) return undefined
    const query = async (sql: string): Promise<unknown[]> => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        return (await client.query(sql)).rows
      } finally {
        await client.end()
      }
    }
    return {
      open: (opts = {}) => openPipelineStore({ databaseUrl: url, sqlitePath: '/nonexistent/unused.sqlite', secretKey: 'secretKey' in opts ? opts.secretKey : KEY, logMaxBytes: opts.logMaxBytes }),
      async raw() {
        // Every column of every row, as text.
        return JSON.stringify(await query('SELECT p::text AS row FROM athena_pipelines p'))
      },
      async exec(sql) {
        await query(sql)
      },
    }
  },
}

function pipeline(dagId: string, over: Partial<StoredPipeline> = {}): StoredPipeline {
  return {
    dagId,
    name: dagId,
    fqn: `athena_svc.${dagId}`,
    pipelineType: 'metadata',
    enabled: true,
    entity: { name: dagId, openMetadataServerConnection: { hostPort: 'http://om:8585/api', securityConfig: { jwtToken: JWT } } },
    deployedAt: 1_000,
    updatedAt: 1_000,
    ...over,
  }
}

function run(dagId: string, over: Partial<StoredRun> = {}): StoredRun {
  return {
    runId: randomUUID(),
    dagId,
    state: 'queued',
    trigger: 'schedule',
    slot: 60_000,
    attempt: 1,
    queuedAt: 60_000,
    startedAt: null,
    endedAt: null,
    owner: null,
    heartbeatAt: null,
    killRequested: false,
    summary: null,
    error: null,
    ...over,
  }
}

export function storeSuite(backend: Backend): void {
  const withStore = (name: string, fn: (t: Test, store: PipelineStore, loc: Location) => Promise<void>): void => {
    t.test(`${backend.name}: ${name}`, async (t) => {
      const loc = await backend.fresh(t)
      if (!loc) return
      const store = await loc.open()
      t.teardown(() => store.close())
      t.equal(store.kind, backend.name)
      await fn(t, store, loc)
    })
  }

  withStore('pipelines: put, get, list, count, enable, replace, delete cascades to runs and logs', async (t, store) => {
    t.equal(await store.countPipelines(), 0)
    t.equal(await store.getPipeline('a'), undefined)
    await store.putPipeline(pipeline('b'))
    await store.putPipeline(pipeline('a', { pipelineType: 'usage', enabled: false }))
    t.equal(await store.countPipelines(), 2)
    t.same(await store.getPipeline('b'), pipeline('b'), 'read back as written, entity decrypted')
    t.same(
      (await store.listPipelines()).map((p) => [p.dagId, p.pipelineType, p.enabled]),
      [
        ['a', 'usage', false],
        ['b', 'metadata', true],
      ],
    )

    t.equal(await store.setEnabled('a', true), true)
    t.equal((await store.getPipeline('a'))?.enabled, true)
    t.equal(await store.setEnabled('missing', true), false, 'no such pipeline')

    await store.putPipeline(pipeline('b', { name: 'b2', deployedAt: 5_000, updatedAt: 5_000, entity: { v: 2 } }))
    const b = await store.getPipeline('b')
    t.equal(b?.name, 'b2')
    t.equal(b?.deployedAt, 1_000, 'a redeploy keeps deployedAt')
    t.equal(b?.updatedAt, 5_000, 'and sets updatedAt')
    t.same(b?.entity, { v: 2 })
    t.equal(await store.countPipelines(), 2, 'replaced, not added')

    const r = run('b')
    t.equal(await store.insertRun(r), true)
    await store.appendLog(r.runId, ['one', 'two'])
    const other = run('a')
    await store.insertRun(other)
    t.equal(await store.deletePipeline('b'), true)
    t.equal(await store.deletePipeline('b'), false, 'already gone')
    t.equal(await store.getPipeline('b'), undefined)
    t.equal(await store.getRun(r.runId), undefined, 'its runs are deleted')
    t.same(await store.readLog(r.runId), [], 'and their logs')
    t.same(await store.listRuns('b'), [])
    t.ok(await store.getRun(other.runId), "another pipeline's runs stay")
    await store.appendLog(r.runId, ['late line'])
    t.same(await store.readLog(r.runId), [], 'lines for a deleted run are discarded, not an error')
  })

  withStore('runs: a second schedule/retry insert of the same (dag, slot, attempt) answers false and writes nothing', async (t, store) => {
    await store.putPipeline(pipeline('d'))
    const first = run('d', { slot: 120_000 })
    t.equal(await store.insertRun(first), true)
    t.equal(await store.insertRun(run('d', { slot: 120_000, queuedAt: 999_999 })), false, 'same slot and attempt')
    t.equal(await store.insertRun(run('d', { slot: 120_000, trigger: 'retry' })), false, 'a retry row with attempt 1 of the slot is the same slot')
    t.equal(await store.insertRun(run('d', { slot: 120_000, attempt: 2, trigger: 'retry' })), true, 'the retry (attempt 2) is another row')
    t.equal(await store.insertRun(run('d', { slot: 120_000, attempt: 2, trigger: 'retry' })), false, 'but only once')
    t.equal(await store.insertRun(run('d', { slot: 120_000, trigger: 'manual' })), true, 'manual runs may share a slot')
    t.equal(await store.insertRun(run('d', { slot: 120_000, trigger: 'manual' })), true)
    const runs = await store.listRuns('d', { limit: 100 })
    t.equal(runs.filter((r) => r.trigger !== 'manual' && r.attempt === 1).length, 1, 'one scheduled row for attempt 1')
    t.equal(runs.length, 4)
    t.same(await store.getRun(first.runId), first, 'the first insert is intact')
  })

  withStore('runs: updateRun and getRun round-trip every field', async (t, store) => {
    await store.putPipeline(pipeline('u'))
    const r = run('u')
    await store.insertRun(r)
    const patch = {
      state: 'partialSuccess',
      startedAt: 61_000,
      endedAt: 62_000,
      owner: 'replica-1',
      heartbeatAt: 61_500,
      killRequested: true,
      summary: [{ name: 'Source', records: 3 }],
      error: 'one table failed',
    } satisfies RunPatch
    await store.updateRun(r.runId, patch)
    t.same(await store.getRun(r.runId), { ...r, ...patch })
    await store.updateRun(r.runId, { summary: null, error: null, owner: null })
    const after = await store.getRun(r.runId)
    t.equal(after?.summary, null)
    t.equal(after?.error, null)
    t.equal(after?.state, 'partialSuccess', 'fields not in the patch are left alone')
    await store.updateRun(r.runId, {})
    t.same(await store.getRun(r.runId), after, 'an empty patch changes nothing')
  })

  withStore('runs: transitionRun is conditional; of two concurrent queued → running, exactly one wins', async (t, store, loc) => {
    await store.putPipeline(pipeline('x'))
    const r = run('x')
    await store.insertRun(r)
    const second = await loc.open()
    t.teardown(() => second.close())
    const results = await Promise.all([
      store.transitionRun(r.runId, ['queued'], { state: 'running', owner: 'replica-A', startedAt: 70_000, heartbeatAt: 70_000 }),
      second.transitionRun(r.runId, ['queued'], { state: 'running', owner: 'replica-B', startedAt: 70_001, heartbeatAt: 70_001 }),
    ])
    t.equal(results.filter(Boolean).length, 1, `exactly one wins (${JSON.stringify(results)})`)
    const winner = results[0] ? 'replica-A' : 'replica-B'
    const now = await store.getRun(r.runId)
    t.equal(now?.state, 'running')
    t.equal(now?.owner, winner, "the winner's patch is the one applied")

    t.equal(await store.transitionRun(r.runId, ['queued'], { state: 'running', owner: 'late' }), false, 'no longer queued')
    t.equal((await store.getRun(r.runId))?.owner, winner, 'unchanged')
    t.equal(await store.transitionRun(r.runId, [], { state: 'failed' }), false, 'no from-state: nothing to do')
    t.equal(await store.transitionRun('no-such-run', ['queued'], { state: 'running' }), false)
    t.equal(await store.transitionRun(r.runId, ['queued', 'running'], { state: 'success', endedAt: 80_000 }), true, 'any of several from-states')
    t.equal((await store.getRun(r.runId))?.endedAt, 80_000)
  })

  withStore('runs: one running run per pipeline — a second queued → running is refused (false) until the first ends', async (t, store) => {
    await store.putPipeline(pipeline('one'))
    await store.putPipeline(pipeline('two'))
    const [a, b, c] = [run('one', { slot: 1 }), run('one', { slot: 2 }), run('two', { slot: 1 })]
    for (const r of [a, b, c]) await store.insertRun(r)
    t.equal(await store.transitionRun(a.runId, ['queued'], { state: 'running', owner: 'A' }), true)
    t.equal(await store.transitionRun(b.runId, ['queued'], { state: 'running', owner: 'B' }), false, 'a second running run of the pipeline is refused')
    t.equal((await store.getRun(b.runId))?.state, 'queued', 'and stays queued')
    t.equal(await store.transitionRun(c.runId, ['queued'], { state: 'running', owner: 'B' }), true, 'another pipeline runs meanwhile')
    t.equal(await store.transitionRun(a.runId, ['running'], { state: 'success' }), true)
    t.equal(await store.transitionRun(b.runId, ['queued'], { state: 'running', owner: 'B' }), true, 'once the first ended, the second starts')
  })

  withStore('runs: listRuns newest first (queuedAt, then slot), filtered by state, limited (default 10)', async (t, store) => {
    await store.putPipeline(pipeline('l'))
    await store.putPipeline(pipeline('other'))
    for (let i = 0; i < 12; i++) {
      await store.insertRun(run('l', { slot: i * 60_000, queuedAt: 1_000 + i, state: i % 3 === 0 ? 'failed' : 'success' }))
    }
    // Same queuedAt: the later slot first.
    await store.insertRun(run('l', { slot: 5_000_000, queuedAt: 2_000, state: 'queued' }))
    await store.insertRun(run('l', { slot: 6_000_000, queuedAt: 2_000, state: 'queued' }))
    await store.insertRun(run('other', { queuedAt: 9_999 }))

    const all = await store.listRuns('l')
    t.equal(all.length, 10, 'default limit 10')
    t.same(
      all.slice(0, 3).map((r) => r.slot),
      [6_000_000, 5_000_000, 11 * 60_000],
    )
    t.same(
      all.map((r) => r.queuedAt),
      [...all.map((r) => r.queuedAt)].sort((a, b) => b - a),
      'sorted by queuedAt, newest first',
    )
    t.equal((await store.listRuns('l', { limit: 3 })).length, 3)
    t.equal((await store.listRuns('l', { limit: 100 })).length, 14)
    const failed = await store.listRuns('l', { states: ['failed'], limit: 100 })
    t.same(
      failed.map((r) => r.slot),
      [9, 6, 3, 0].map((i) => i * 60_000),
    )
    t.equal((await store.listRuns('l', { states: ['queued', 'failed'], limit: 100 })).length, 6)
    t.same(await store.listRuns('l', { states: [] }), [])
    t.same(await store.listRuns('nope'), [])
  })

  withStore('runs: staleRuns, runsInStates and requestKill', async (t, store) => {
    await store.putPipeline(pipeline('s'))
    await store.putPipeline(pipeline('s2'))
    await store.putPipeline(pipeline('s3'))
    const stale = run('s', { slot: 1, state: 'running', owner: 'dead', startedAt: 100, heartbeatAt: 1_000 })
    const fresh = run('s3', { slot: 2, state: 'running', owner: 'alive', startedAt: 100, heartbeatAt: 9_000 })
    const staleOther = run('s2', { slot: 1, state: 'running', owner: 'dead', startedAt: 100, heartbeatAt: 2_000 })
    const queued = run('s', { slot: 3, queuedAt: 3 })
    const done = run('s', { slot: 4, state: 'success', heartbeatAt: 10 })
    for (const r of [stale, fresh, staleOther, queued, done]) t.equal(await store.insertRun(r), true)

    t.same((await store.staleRuns(5_000)).map((r) => r.runId).sort(), [stale.runId, staleOther.runId].sort(), 'running with an old heartbeat, any pipeline')
    t.same(await store.staleRuns(500), [])
    t.same((await store.runsInStates(['queued', 'running'])).map((r) => r.runId).sort(), [stale.runId, fresh.runId, staleOther.runId, queued.runId].sort())
    t.same(await store.runsInStates([]), [])

    const killed = await store.requestKill('s')
    t.same(killed.map((r) => r.runId).sort(), [stale.runId, queued.runId].sort(), "the dag's queued and running runs")
    t.ok(
      killed.every((r) => r.killRequested),
      'returned after the change',
    )
    t.equal((await store.getRun(done.runId))?.killRequested, false, 'a finished run is not marked')
    t.equal((await store.getRun(staleOther.runId))?.killRequested, false, "another dag's run is not marked")
    t.same(await store.requestKill('nothing-here'), [])
  })

  withStore('logs: appended in order; past the bound the oldest lines after the first 100 go, one marker says how many', async (t, store) => {
    await store.putPipeline(pipeline('g'))
    const r = run('g')
    await store.insertRun(r)
    t.same(await store.readLog(r.runId), [])
    await store.appendLog(r.runId, ['héllo', 'wörld'])
    await store.appendLog(r.runId, [])
    t.same(await store.readLog(r.runId), ['héllo', 'wörld'])
    t.same(await store.readLog('no-such-run'), [])

    const other = run('g', { slot: 2 })
    await store.insertRun(other)
    await store.appendLog(other.runId, ['not mine'])
    t.same(await store.readLog(other.runId), ['not mine'], 'logs are per run')
  })

  t.test(`${backend.name}: logs: bounded by logMaxBytes`, async (t) => {
    const loc = await backend.fresh(t)
    if (!loc) return
    const max = MIN_LOG_MAX_BYTES
    const store = await loc.open({ logMaxBytes: max })
    t.teardown(() => store.close())
    await store.putPipeline(pipeline('big'))
    const r = run('big')
    await store.insertRun(r)
    const line = (i: number): string => `line ${String(i).padStart(6, '0')} ${'x'.repeat(80)}`
    const total = 2_000 // ~190 KB written, three times the bound
    for (let i = 0; i < total; i += 250) {
      await store.appendLog(
        r.runId,
        Array.from({ length: 250 }, (_, k) => line(i + k)),
      )
    }
    const log = await store.readLog(r.runId)
    t.same(
      log.slice(0, 100),
      Array.from({ length: 100 }, (_, i) => line(i)),
      'the first 100 lines are kept',
    )
    const marker = log[100] ?? ''
    t.match(marker, /^… \d+ earlier log lines dropped \(PIPELINE_LOG_MAX_BYTES\) …$/, 'then one marker line')
    t.equal(log.filter((l) => l.includes('dropped (PIPELINE_LOG_MAX_BYTES)')).length, 1, 'only one marker')
    const dropped = Number(/\d+/.exec(marker)?.[0])
    t.equal(log.length - 1 + dropped, total, 'kept + dropped = written')
    t.equal(log.at(-1), line(total - 1), 'the newest line is kept')
    const tail = log.slice(101)
    t.same(
      tail,
      Array.from({ length: tail.length }, (_, i) => line(total - tail.length + i)),
      'the tail is the newest lines, contiguous',
    )
    const bytes = log.filter((l) => l !== marker).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)
    t.ok(bytes <= max, `kept ${bytes} bytes ≤ ${max}`)
    t.ok(bytes > max - 200, 'and not much less: only what was needed was dropped')

    await store.appendLog(r.runId, [line(total)]) // as long as the oldest kept line: one more goes
    const again = await store.readLog(r.runId)
    t.equal(Number(/\d+/.exec(again[100] ?? '')?.[0]), dropped + 1, 'the marker is refreshed, not repeated')
    t.equal(again.filter((l) => l.includes('dropped (PIPELINE_LOG_MAX_BYTES)')).length, 1)
    t.equal(again.at(-1), line(total))
    t.equal(again[101], line(total - tail.length + 1), 'the oldest line after the head went')

    await store.appendLog(r.runId, ['é'.repeat(max)])
    const long = (await store.readLog(r.runId)).at(-1) ?? ''
    t.match(long, /^é+ … \(line truncated\)$/, 'an over-long line is cut on a character boundary')
    t.ok(Buffer.byteLength(long) < max / 100, 'to a small share of the bound')
  })

  t.test(`${backend.name}: restart: close and reopen the same database, everything is still there`, async (t) => {
    const loc = await backend.fresh(t)
    if (!loc) return
    const first = await loc.open()
    await first.putPipeline(pipeline('keep', { enabled: false }))
    const r = run('keep', { state: 'running', owner: 'me', startedAt: 5, heartbeatAt: 6 })
    await first.insertRun(r)
    await first.appendLog(r.runId, ['a', 'b'])
    await first.close()

    const second = await loc.open()
    t.teardown(() => second.close())
    t.same(await second.getPipeline('keep'), pipeline('keep', { enabled: false }))
    t.same(await second.getRun(r.runId), r)
    t.same(await second.readLog(r.runId), ['a', 'b'])
    t.equal(await second.insertRun(run('keep', { runId: randomUUID(), slot: r.slot })), false, 'the slot constraint survives too')
  })

  t.test(`${backend.name}: secrets at rest and the key rules`, async (t) => {
    const loc = await backend.fresh(t)
    if (!loc) return
    const keyless = await loc.open({ secretKey: undefined })
    t.equal(await keyless.countPipelines(), 0, 'no key and no pipelines: opens')
    await t.rejects(keyless.putPipeline(pipeline('p')), MissingSecretKeyError, 'but cannot store a pipeline')
    await t.rejects(keyless.putPipeline(pipeline('p')), /set PIPELINE_SECRET_KEY/i)
    await keyless.close()

    const store = await loc.open()
    await store.putPipeline(pipeline('p'))
    await store.putPipeline(pipeline('q'))
    t.same((await store.getPipeline('p'))?.entity, pipeline('p').entity)
    await store.close()

    const raw = await loc.raw()
    t.ok(raw.includes('athena_svc.p') && raw.includes('v1:'), 'the raw database was read: the fqn in clear, the entity sealed')
    t.notOk(raw.includes(JWT), 'the JWT is not in the raw database')
    t.notOk(raw.includes(JWT.split('.')[1] ?? JWT), 'nor any part of it')
    t.notOk(raw.includes('jwtToken'), 'nor the entity as plain JSON')

    let message = ''
    try {
      await loc.open({ secretKey: undefined })
    } catch (err) {
      message = (err as Error).message
    }
    t.match(message, /PIPELINE_SECRET_KEY/, 'no key, stored pipelines: refuses, naming PIPELINE_SECRET_KEY')
    t.match(message, /cannot be read without it/)

    const wrongKey = randomBytes(32).toString('base64')
    message = ''
    try {
      await loc.open({ secretKey: wrongKey })
    } catch (err) {
      message = (err as Error).message
    }
    t.match(message, /PIPELINE_SECRET_KEY does not decrypt the stored pipelines: it changed\?/, 'a wrong key: refuses')
    t.notOk(message.includes(wrongKey), 'the wrong key is not in the message')
    t.notOk(message.includes(KEY), 'nor the right one')

    const again = await loc.open({ secretKey: Buffer.from(KEY, 'base64').toString('hex') })
    t.equal((await again.listPipelines()).length, 2, 'the same key given as hex opens them')
    await again.close()
  })

  t.test(`${backend.name}: a database migrated by a newer release is refused with a clear message`, async (t) => {
    const loc = await backend.fresh(t)
    if (!loc) return
    await (await loc.open()).close()
    await loc.exec(`INSERT INTO athena_schema_migrations (version, name, applied_at) VALUES (${LATEST_SCHEMA_VERSION + 1}, 'from the future', 0)`)
    await t.rejects(loc.open(), new RegExp(`schema version ${LATEST_SCHEMA_VERSION + 1}.*only knows versions up to ${LATEST_SCHEMA_VERSION}.*newer release`))
  })
}

storeSuite(sqliteBackend)
storeSuite(postgresBackend)

t.test('postgres: two replicas (separate pools) insert the same scheduled slot at once: exactly one row', async (t) => {
  const loc = await postgresBackend.fresh(t)
  if (!loc) return
  const a = await loc.open()
  t.teardown(() => a.close())
  const b = await loc.open()
  t.teardown(() => b.close())
  await a.putPipeline(pipeline('c'))
  for (let slot = 0; slot < 20; slot++) {
    const results = await Promise.all([a.insertRun(run('c', { slot })), b.insertRun(run('c', { slot })), a.insertRun(run('c', { slot })), b.insertRun(run('c', { slot }))])
    t.equal(results.filter(Boolean).length, 1, `slot ${slot}: one of four concurrent inserts wins`)
  }
  t.equal((await a.listRuns('c', { limit: 1000 })).length, 20, 'one row per slot')
})

t.test('postgres: replicas starting at once apply the migrations exactly once', async (t) => {
  const url = await startPostgres(t)
  if (!url) return
  const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresPipelineStore.open(url, { box: undefined })))
  t.teardown(() => Promise.all(stores.map((s) => s.close())))
  t.same(stores.map((s) => s.appliedMigrations.length > 0).filter(Boolean).length, 1, 'one store applied them, the others found them applied')
  t.same(
    stores.find((s) => s.appliedMigrations.length > 0)?.appliedMigrations,
    Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
  )
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query('SELECT version FROM athena_schema_migrations ORDER BY version')
    t.same(
      rows.map((r) => r.version),
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
      'each version recorded once',
    )
    const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'athena\\_%' ORDER BY table_name")
    t.same(
      tables.rows.map((r) => r.table_name),
      ['athena_pipeline_logs', 'athena_pipeline_runs', 'athena_pipelines', 'athena_schema_migrations'],
      'tables prefixed athena_ in the default schema',
    )
  } finally {
    await client.end()
  }
})

t.test('postgres: a wrong DATABASE_URL fails without printing its password', async (t) => {
  const url = await startPostgres(t)
  if (!url) return
  const bad = new URL(url)
  bad.password = 'hunter2-secret'
  bad.pathname = '/no_such_database_here'
  let message = ''
  try {
    await openPipelineStore({ databaseUrl: bad.toString(), sqlitePath: '/unused', secretKey: KEY })
  } catch (err) {
    message = (err as Error).message
  }
  t.match(message, /no_such_database_here/, 'the connection error is reported')
  t.notOk(message.includes('hunter2-secret'))
})

t.test('sqlite: :memory: works (nothing on disk)', async (t) => {
  const store = await openPipelineStore({ sqlitePath: ':memory:', secretKey: KEY })
  t.teardown(() => store.close())
  await store.putPipeline(pipeline('m'))
  t.equal((await store.getPipeline('m'))?.dagId, 'm')
})

t.test('loadPipelineStoreSettings: defaults and errors naming the variable', async (t) => {
  const defaults = loadPipelineStoreSettings({})
  t.equal(defaults.databaseUrl, undefined)
  t.equal(defaults.sqlitePath, join(process.cwd(), 'data', 'pipelines.sqlite'), 'data/pipelines.sqlite under the working directory')
  t.equal(defaults.secretKey, undefined)
  t.equal(defaults.logMaxBytes, 1024 * 1024)

  const set = loadPipelineStoreSettings({ DATABASE_URL: 'postgres://u:p@db:5432/athena', PIPELINE_DB_PATH: '/var/lib/x.sqlite', PIPELINE_SECRET_KEY: KEY, PIPELINE_LOG_MAX_BYTES: '200000' })
  t.same(set, { databaseUrl: 'postgres://u:p@db:5432/athena', sqlitePath: '/var/lib/x.sqlite', secretKey: KEY, logMaxBytes: 200_000 })
  t.equal(loadPipelineStoreSettings({ DATABASE_URL: '', PIPELINE_SECRET_KEY: ' ' }).databaseUrl, undefined, 'empty values count as unset')

  const secretUrl = 'mysql://user:hunter2@db/x'
  const err = t.throws(() => loadPipelineStoreSettings({ DATABASE_URL: secretUrl })) as Error
  t.match(err.message, /^DATABASE_URL must be a PostgreSQL connection URL/)
  t.notOk(err.message.includes('hunter2'), 'the password is not repeated')
  t.throws(() => loadPipelineStoreSettings({ DATABASE_URL: 'not a url' }), /DATABASE_URL/)

  const badKey = 'short-key'
  const keyErr = t.throws(() => loadPipelineStoreSettings({ PIPELINE_SECRET_KEY: badKey })) as Error
  t.match(keyErr.message, /PIPELINE_SECRET_KEY.*openssl rand -base64 32/)
  t.notOk(keyErr.message.includes(badKey))

  t.throws(() => loadPipelineStoreSettings({ PIPELINE_LOG_MAX_BYTES: '1MB' }), /^PIPELINE_LOG_MAX_BYTES must be a whole number of bytes/)
  t.throws(() => loadPipelineStoreSettings({ PIPELINE_LOG_MAX_BYTES: '1000' }), /^PIPELINE_LOG_MAX_BYTES must be .* at least 65536/)
})
