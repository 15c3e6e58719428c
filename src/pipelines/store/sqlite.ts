/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the methods stay async so that
   every failure (SQLITE_BUSY, a constraint, a missing key) reaches the caller as a rejection, as with PostgreSQL. */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import type { PipelineStore, RunPatch, RunState, StoredPipeline, StoredRun } from '../types.js'
import {
  checkLogMaxBytes,
  DEFAULT_LOG_MAX_BYTES,
  dropQuery,
  LOG_HEAD_LINES,
  patchColumns,
  type PipelineRow,
  prepareLine,
  RUN_COLUMNS,
  rowToPipeline,
  rowToRun,
  runValues,
  sealEntity,
  type RunRow,
  type StoreOptions,
  withMarker,
} from './common.js'
import { migrateSqlite } from './migrations.js'
import { sqliteDatabase } from './sqlite-driver.js'
import { type SecretBox } from './secret-box.js'

/** SQLite binds no booleans: 1/0. */
const bind = (v: unknown): unknown => (typeof v === 'boolean' ? (v ? 1 : 0) : v)
const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ')

/**
 * The embedded store (better-sqlite3, one file, WAL). Its calls are synchronous and short; the async interface is
 * the contract shared with the PostgreSQL store.
 */
export class SqlitePipelineStore implements PipelineStore {
  readonly kind = 'sqlite' as const
  readonly #db: BetterSqlite3.Database
  readonly #box: SecretBox | undefined
  readonly #logMaxBytes: number
  /** Versions applied when this store opened the file (empty when it was already current). */
  readonly appliedMigrations: number[]

  constructor(path: string, options: StoreOptions = {}) {
    this.#box = options.box
    this.#logMaxBytes = checkLogMaxBytes(options.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES)
    const memory = path === ':memory:' || path === ''
    if (!memory) mkdirSync(dirname(path), { recursive: true })
    this.#db = new (sqliteDatabase())(path)
    try {
      this.#db.pragma('journal_mode = WAL')
      this.#db.pragma('busy_timeout = 5000')
      this.#db.pragma('foreign_keys = ON')
      this.#db.pragma('synchronous = NORMAL')
      this.appliedMigrations = migrateSqlite(this.#db, memory ? 'in-memory SQLite' : `SQLite file ${path}`)
    } catch (err) {
      this.#db.close()
      throw err
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close()
  }

  async putPipeline(p: StoredPipeline): Promise<void> {
    const sealed = sealEntity(this.#box, p.dagId, p.entity)
    this.#db
      .prepare(
        `INSERT INTO athena_pipelines (dag_id, name, fqn, pipeline_type, enabled, entity_sealed, deployed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (dag_id) DO UPDATE SET name = excluded.name, fqn = excluded.fqn, pipeline_type = excluded.pipeline_type, enabled = excluded.enabled,
           entity_sealed = excluded.entity_sealed, updated_at = excluded.updated_at`,
      )
      .run(p.dagId, p.name, p.fqn, p.pipelineType, p.enabled ? 1 : 0, sealed, p.deployedAt, p.updatedAt)
  }

  async getPipeline(dagId: string): Promise<StoredPipeline | undefined> {
    const row = this.#db.prepare('SELECT * FROM athena_pipelines WHERE dag_id = ?').get(dagId) as PipelineRow | undefined
    return row ? rowToPipeline(this.#box, row) : undefined
  }

  async listPipelines(): Promise<StoredPipeline[]> {
    const rows = this.#db.prepare('SELECT * FROM athena_pipelines ORDER BY dag_id').all() as PipelineRow[]
    return rows.map((row) => rowToPipeline(this.#box, row))
  }

  async countPipelines(): Promise<number> {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM athena_pipelines').get() as { n: number }).n
  }

  async setEnabled(dagId: string, enabled: boolean): Promise<boolean> {
    return this.#db.prepare('UPDATE athena_pipelines SET enabled = ? WHERE dag_id = ?').run(enabled ? 1 : 0, dagId).changes > 0
  }

  async deletePipeline(dagId: string): Promise<boolean> {
    // Runs and their logs go by ON DELETE CASCADE (foreign_keys is on for this connection).
    return this.#db.prepare('DELETE FROM athena_pipelines WHERE dag_id = ?').run(dagId).changes > 0
  }

  async insertRun(run: StoredRun): Promise<boolean> {
    const sql = `INSERT INTO athena_pipeline_runs (${RUN_COLUMNS.join(', ')}) VALUES (${marks(RUN_COLUMNS.length)}) ON CONFLICT DO NOTHING`
    return this.#db.prepare(sql).run(...runValues(run).map(bind)).changes === 1
  }

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    const cols = patchColumns(patch)
    if (cols.length === 0) return
    this.#db.prepare(`UPDATE athena_pipeline_runs SET ${cols.map(([c]) => `${c} = ?`).join(', ')} WHERE run_id = ?`).run(...cols.map(([, v]) => bind(v)), runId)
  }

  async transitionRun(runId: string, from: RunState[], patch: RunPatch & { state: RunState }): Promise<boolean> {
    if (from.length === 0) return false
    const cols = patchColumns(patch)
    const sql = `UPDATE athena_pipeline_runs SET ${cols.map(([c]) => `${c} = ?`).join(', ')} WHERE run_id = ? AND state IN (${marks(from.length)})`
    try {
      return this.#db.prepare(sql).run(...cols.map(([, v]) => bind(v)), runId, ...from).changes === 1
    } catch (err) {
      // Another run of the pipeline is running (athena_pipeline_runs_one_running): not this time.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false
      throw err
    }
  }

  async getRun(runId: string): Promise<StoredRun | undefined> {
    const row = this.#db.prepare('SELECT * FROM athena_pipeline_runs WHERE run_id = ?').get(runId) as RunRow | undefined
    return row ? rowToRun(row) : undefined
  }

  async listRuns(dagId: string, opts: { states?: RunState[]; limit?: number } = {}): Promise<StoredRun[]> {
    const limit = Math.max(1, Math.floor(opts.limit ?? 10))
    const states = opts.states
    if (states && states.length === 0) return []
    const filter = states ? ` AND state IN (${marks(states.length)})` : ''
    const sql = `SELECT * FROM athena_pipeline_runs WHERE dag_id = ?${filter} ORDER BY queued_at DESC, slot DESC, attempt DESC, run_id DESC LIMIT ?`
    return (this.#db.prepare(sql).all(dagId, ...(states ?? []), limit) as RunRow[]).map(rowToRun)
  }

  async staleRuns(before: number): Promise<StoredRun[]> {
    const rows = this.#db.prepare("SELECT * FROM athena_pipeline_runs WHERE state = 'running' AND COALESCE(heartbeat_at, started_at, queued_at) < ? ORDER BY queued_at").all(before) as RunRow[]
    return rows.map(rowToRun)
  }

  async runsInStates(states: RunState[]): Promise<StoredRun[]> {
    if (states.length === 0) return []
    const rows = this.#db.prepare(`SELECT * FROM athena_pipeline_runs WHERE state IN (${marks(states.length)}) ORDER BY queued_at`).all(...states) as RunRow[]
    return rows.map(rowToRun)
  }

  async requestKill(dagId: string): Promise<StoredRun[]> {
    const rows = this.#db.prepare("UPDATE athena_pipeline_runs SET kill_requested = 1 WHERE dag_id = ? AND state IN ('queued', 'running') RETURNING *").all(dagId) as RunRow[]
    return rows.map(rowToRun).sort((a, b) => b.queuedAt - a.queuedAt)
  }

  /** Lines for a run that no longer exists (its pipeline was deleted meanwhile) are discarded. */
  async appendLog(runId: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return
    const db = this.#db
    const max = this.#logMaxBytes
    db.transaction(() => {
      const run = db.prepare('SELECT log_next_seq AS seq, log_bytes AS bytes, log_dropped AS dropped FROM athena_pipeline_runs WHERE run_id = ?').get(runId) as
        { seq: number; bytes: number; dropped: number } | undefined
      if (!run) return
      let { seq, bytes, dropped } = run
      const insert = db.prepare('INSERT INTO athena_pipeline_logs (run_id, seq, bytes, line) VALUES (?, ?, ?, ?)')
      for (const raw of lines) {
        const { line, bytes: size } = prepareLine(raw, max)
        insert.run(runId, seq++, size, line)
        bytes += size
      }
      if (bytes > max) {
        const drop = db.prepare(dropQuery(() => '?')).get(runId, LOG_HEAD_LINES, bytes - max) as { n: number; last_seq: number | null; freed: number }
        if (drop.n > 0 && drop.last_seq !== null) {
          db.prepare('DELETE FROM athena_pipeline_logs WHERE run_id = ? AND seq > ? AND seq <= ?').run(runId, LOG_HEAD_LINES, drop.last_seq)
          bytes -= drop.freed
          dropped += drop.n
        }
      }
      db.prepare('UPDATE athena_pipeline_runs SET log_next_seq = ?, log_bytes = ?, log_dropped = ? WHERE run_id = ?').run(seq, bytes, dropped, runId)
    }).immediate()
  }

  async readLog(runId: string): Promise<string[]> {
    const db = this.#db
    return db.transaction(() => {
      const run = db.prepare('SELECT log_dropped AS dropped FROM athena_pipeline_runs WHERE run_id = ?').get(runId) as { dropped: number } | undefined
      if (!run) return []
      const lines = (db.prepare('SELECT line FROM athena_pipeline_logs WHERE run_id = ? ORDER BY seq').all(runId) as { line: string }[]).map((r) => r.line)
      return withMarker(lines, run.dropped)
    })()
  }
}
