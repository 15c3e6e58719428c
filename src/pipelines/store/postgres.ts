import pg from 'pg'
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
import { MIGRATIONS, MIGRATIONS_TABLE_SQL, type Migration, pendingMigrations } from './migrations.js'
import { type SecretBox } from './secret-box.js'

/**
 * Serialises schema migrations across replicas starting at once: each opens a transaction, takes this
 * transaction-scoped advisory lock, then reads the applied version. ('athena' as a number: any constant works as long
 * as it never changes.)
 */
export const MIGRATION_LOCK_ID = 0x617468656e61

export interface PostgresStoreOptions extends StoreOptions {
  /** Pool size per replica (default 5). */
  maxConnections?: number | undefined
  /** Where pool errors of idle connections go (a dropped connection must not crash the process). */
  onPoolError?: ((err: Error) => void) | undefined
}

/** Where a connection string points, without its credentials (for logs and errors). */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl)
    return `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`
  } catch {
    return 'PostgreSQL (DATABASE_URL)'
  }
}

/** Applies the pending migrations under the advisory lock, in one transaction. Returns the versions applied. */
export async function migratePostgres(client: pg.ClientBase, where: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID])
    await client.query(MIGRATIONS_TABLE_SQL.postgres)
    const { rows } = await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0)::int AS v FROM athena_schema_migrations')
    const applied: number[] = []
    for (const m of pendingMigrations(rows[0]?.v ?? 0, where, migrations)) {
      await client.query(m.postgres)
      await client.query('INSERT INTO athena_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()])
      applied.push(m.version)
    }
    await client.query('COMMIT')
    return applied
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  }
}

const params = (from: number, n: number): string => Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ')

/** The store for several replicas: one PostgreSQL database (DATABASE_URL), tables prefixed athena_ in the default schema. */
export class PostgresPipelineStore implements PipelineStore {
  readonly kind = 'postgres' as const
  readonly #pool: pg.Pool
  readonly #box: SecretBox | undefined
  readonly #logMaxBytes: number
  /** Versions this store applied when it opened (empty when another replica had, or it was current). */
  appliedMigrations: number[] = []

  private constructor(pool: pg.Pool, options: StoreOptions) {
    this.#pool = pool
    this.#box = options.box
    this.#logMaxBytes = checkLogMaxBytes(options.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES)
  }

  static async open(databaseUrl: string, options: PostgresStoreOptions = {}): Promise<PostgresPipelineStore> {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: options.maxConnections ?? 5 })
    pool.on('error', (err) => options.onPoolError?.(err))
    try {
      const store = new PostgresPipelineStore(pool, options)
      const client = await pool.connect()
      try {
        store.appliedMigrations = await migratePostgres(client, describeDatabaseUrl(databaseUrl))
      } finally {
        client.release()
      }
      return store
    } catch (err) {
      await pool.end().catch(() => undefined)
      throw err
    }
  }

  async close(): Promise<void> {
    if (!this.#pool.ended && !this.#pool.ending) await this.#pool.end()
  }

  async #tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw err
    } finally {
      client.release()
    }
  }

  async putPipeline(p: StoredPipeline): Promise<void> {
    const sealed = sealEntity(this.#box, p.dagId, p.entity)
    await this.#pool.query(
      `INSERT INTO athena_pipelines (dag_id, name, fqn, pipeline_type, enabled, entity_sealed, deployed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (dag_id) DO UPDATE SET name = excluded.name, fqn = excluded.fqn, pipeline_type = excluded.pipeline_type, enabled = excluded.enabled,
         entity_sealed = excluded.entity_sealed, updated_at = excluded.updated_at`,
      [p.dagId, p.name, p.fqn, p.pipelineType, p.enabled, sealed, p.deployedAt, p.updatedAt],
    )
  }

  async getPipeline(dagId: string): Promise<StoredPipeline | undefined> {
    const { rows } = await this.#pool.query<PipelineRow>('SELECT * FROM athena_pipelines WHERE dag_id = $1', [dagId])
    return rows[0] ? rowToPipeline(this.#box, rows[0]) : undefined
  }

  async listPipelines(): Promise<StoredPipeline[]> {
    const { rows } = await this.#pool.query<PipelineRow>('SELECT * FROM athena_pipelines ORDER BY dag_id COLLATE "C"')
    return rows.map((row) => rowToPipeline(this.#box, row))
  }

  async countPipelines(): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM athena_pipelines')
    return rows[0]?.n ?? 0
  }

  async setEnabled(dagId: string, enabled: boolean): Promise<boolean> {
    return ((await this.#pool.query('UPDATE athena_pipelines SET enabled = $1 WHERE dag_id = $2', [enabled, dagId])).rowCount ?? 0) > 0
  }

  async deletePipeline(dagId: string): Promise<boolean> {
    // Runs and their logs go by ON DELETE CASCADE.
    return ((await this.#pool.query('DELETE FROM athena_pipelines WHERE dag_id = $1', [dagId])).rowCount ?? 0) > 0
  }

  async insertRun(run: StoredRun): Promise<boolean> {
    const sql = `INSERT INTO athena_pipeline_runs (${RUN_COLUMNS.join(', ')}) VALUES (${params(1, RUN_COLUMNS.length)}) ON CONFLICT DO NOTHING`
    return (await this.#pool.query(sql, runValues(run))).rowCount === 1
  }

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    const cols = patchColumns(patch)
    if (cols.length === 0) return
    const set = cols.map(([c], i) => `${c} = $${i + 1}`).join(', ')
    await this.#pool.query(`UPDATE athena_pipeline_runs SET ${set} WHERE run_id = $${cols.length + 1}`, [...cols.map(([, v]) => v), runId])
  }

  async transitionRun(runId: string, from: RunState[], patch: RunPatch & { state: RunState }): Promise<boolean> {
    if (from.length === 0) return false
    const cols = patchColumns(patch)
    const set = cols.map(([c], i) => `${c} = $${i + 1}`).join(', ')
    const n = cols.length
    try {
      const result = await this.#pool.query(`UPDATE athena_pipeline_runs SET ${set} WHERE run_id = $${n + 1} AND state = ANY($${n + 2}::text[])`, [...cols.map(([, v]) => v), runId, from])
      return result.rowCount === 1
    } catch (err) {
      // Another run of the pipeline is running (athena_pipeline_runs_one_running, unique_violation): not this time.
      if ((err as { code?: string }).code === '23505') return false
      throw err
    }
  }

  async getRun(runId: string): Promise<StoredRun | undefined> {
    const { rows } = await this.#pool.query<RunRow>('SELECT * FROM athena_pipeline_runs WHERE run_id = $1', [runId])
    return rows[0] ? rowToRun(rows[0]) : undefined
  }

  async listRuns(dagId: string, opts: { states?: RunState[]; limit?: number } = {}): Promise<StoredRun[]> {
    const limit = Math.max(1, Math.floor(opts.limit ?? 10))
    const states = opts.states
    if (states && states.length === 0) return []
    const filter = states ? ' AND state = ANY($3::text[])' : ''
    const sql = `SELECT * FROM athena_pipeline_runs WHERE dag_id = $1${filter} ORDER BY queued_at DESC, slot DESC, attempt DESC, run_id DESC LIMIT $2`
    const { rows } = await this.#pool.query<RunRow>(sql, states ? [dagId, limit, states] : [dagId, limit])
    return rows.map(rowToRun)
  }

  async staleRuns(before: number): Promise<StoredRun[]> {
    const { rows } = await this.#pool.query<RunRow>("SELECT * FROM athena_pipeline_runs WHERE state = 'running' AND COALESCE(heartbeat_at, started_at, queued_at) < $1 ORDER BY queued_at", [before])
    return rows.map(rowToRun)
  }

  async runsInStates(states: RunState[]): Promise<StoredRun[]> {
    if (states.length === 0) return []
    const { rows } = await this.#pool.query<RunRow>('SELECT * FROM athena_pipeline_runs WHERE state = ANY($1::text[]) ORDER BY queued_at', [states])
    return rows.map(rowToRun)
  }

  async requestKill(dagId: string): Promise<StoredRun[]> {
    const { rows } = await this.#pool.query<RunRow>("UPDATE athena_pipeline_runs SET kill_requested = TRUE WHERE dag_id = $1 AND state IN ('queued', 'running') RETURNING *", [dagId])
    return rows.map(rowToRun).sort((a, b) => b.queuedAt - a.queuedAt)
  }

  /** Lines for a run that no longer exists (its pipeline was deleted meanwhile) are discarded. */
  async appendLog(runId: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return
    const max = this.#logMaxBytes
    await this.#tx(async (client) => {
      // The row lock orders concurrent appends to one run (two writers would otherwise reuse sequence numbers).
      const { rows } = await client.query<{ seq: string; bytes: string; dropped: string }>(
        'SELECT log_next_seq AS seq, log_bytes AS bytes, log_dropped AS dropped FROM athena_pipeline_runs WHERE run_id = $1 FOR UPDATE',
        [runId],
      )
      const run = rows[0]
      if (!run) return
      let seq = Number(run.seq)
      let bytes = Number(run.bytes)
      let dropped = Number(run.dropped)
      const seqs: number[] = []
      const sizes: number[] = []
      const texts: string[] = []
      for (const raw of lines) {
        const { line, bytes: size } = prepareLine(raw, max)
        seqs.push(seq++)
        sizes.push(size)
        texts.push(line)
        bytes += size
      }
      await client.query('INSERT INTO athena_pipeline_logs (run_id, seq, bytes, line) SELECT $1, * FROM unnest($2::bigint[], $3::int[], $4::text[])', [runId, seqs, sizes, texts])
      if (bytes > max) {
        const drop = (
          await client.query<{ n: string; last_seq: string | null; freed: string }>(
            dropQuery((i) => `$${i}`),
            [runId, LOG_HEAD_LINES, bytes - max],
          )
        ).rows[0]
        if (drop && Number(drop.n) > 0 && drop.last_seq !== null) {
          await client.query('DELETE FROM athena_pipeline_logs WHERE run_id = $1 AND seq > $2 AND seq <= $3', [runId, LOG_HEAD_LINES, drop.last_seq])
          bytes -= Number(drop.freed)
          dropped += Number(drop.n)
        }
      }
      await client.query('UPDATE athena_pipeline_runs SET log_next_seq = $1, log_bytes = $2, log_dropped = $3 WHERE run_id = $4', [seq, bytes, dropped, runId])
    })
  }

  async readLog(runId: string): Promise<string[]> {
    // One statement: the lines and the dropped count are read from the same snapshot.
    const { rows } = await this.#pool.query<{ dropped: string; line: string | null }>(
      'SELECT r.log_dropped AS dropped, l.line FROM athena_pipeline_runs r LEFT JOIN athena_pipeline_logs l ON l.run_id = r.run_id WHERE r.run_id = $1 ORDER BY l.seq',
      [runId],
    )
    const first = rows[0]
    if (!first) return []
    const lines = rows.flatMap((r) => (r.line === null ? [] : [r.line]))
    return withMarker(lines, Number(first.dropped))
  }
}
