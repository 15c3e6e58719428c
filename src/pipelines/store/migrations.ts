import type Database from 'better-sqlite3'

/**
 * Versioned schema of the pipeline store, one ordered list for both databases. Each store applies, at open and in
 * one transaction, every migration newer than the highest version recorded in athena_schema_migrations. A database
 * whose version is newer than this code knows (a newer release migrated it) is refused: this release would misread it.
 *
 * Never edit a released migration: add a new one with the next version.
 */
export interface Migration {
  version: number
  name: string
  sqlite: string
  postgres: string
}

/** Scheduled runs and their retries: one row per (dag_id, slot, attempt); manual runs may share a slot. */
const SCHEDULED_SLOT_INDEX = `CREATE UNIQUE INDEX athena_pipeline_runs_scheduled_slot ON athena_pipeline_runs (dag_id, slot, attempt) WHERE trigger_kind IN ('schedule', 'retry')`

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'pipelines, runs and run logs',
    sqlite: `
      CREATE TABLE athena_pipelines (
        dag_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        fqn TEXT NOT NULL,
        pipeline_type TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        entity_sealed TEXT NOT NULL,
        deployed_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE athena_pipeline_runs (
        run_id TEXT PRIMARY KEY,
        dag_id TEXT NOT NULL REFERENCES athena_pipelines (dag_id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        trigger_kind TEXT NOT NULL,
        slot INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        queued_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        owner TEXT,
        heartbeat_at INTEGER,
        kill_requested INTEGER NOT NULL DEFAULT 0,
        summary TEXT,
        error TEXT,
        log_next_seq INTEGER NOT NULL DEFAULT 1,
        log_bytes INTEGER NOT NULL DEFAULT 0,
        log_dropped INTEGER NOT NULL DEFAULT 0
      );
      ${SCHEDULED_SLOT_INDEX};
      CREATE INDEX athena_pipeline_runs_by_dag ON athena_pipeline_runs (dag_id, queued_at DESC, slot DESC);
      CREATE INDEX athena_pipeline_runs_by_state ON athena_pipeline_runs (state, heartbeat_at);
      CREATE TABLE athena_pipeline_logs (
        run_id TEXT NOT NULL REFERENCES athena_pipeline_runs (run_id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        line TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
    `,
    postgres: `
      CREATE TABLE athena_pipelines (
        dag_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        fqn TEXT NOT NULL,
        pipeline_type TEXT NOT NULL,
        enabled BOOLEAN NOT NULL,
        entity_sealed TEXT NOT NULL,
        deployed_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE athena_pipeline_runs (
        run_id TEXT PRIMARY KEY,
        dag_id TEXT NOT NULL REFERENCES athena_pipelines (dag_id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        trigger_kind TEXT NOT NULL,
        slot BIGINT NOT NULL,
        attempt INTEGER NOT NULL,
        queued_at BIGINT NOT NULL,
        started_at BIGINT,
        ended_at BIGINT,
        owner TEXT,
        heartbeat_at BIGINT,
        kill_requested BOOLEAN NOT NULL DEFAULT FALSE,
        summary TEXT,
        error TEXT,
        log_next_seq BIGINT NOT NULL DEFAULT 1,
        log_bytes BIGINT NOT NULL DEFAULT 0,
        log_dropped BIGINT NOT NULL DEFAULT 0
      );
      ${SCHEDULED_SLOT_INDEX};
      CREATE INDEX athena_pipeline_runs_by_dag ON athena_pipeline_runs (dag_id, queued_at DESC, slot DESC);
      CREATE INDEX athena_pipeline_runs_by_state ON athena_pipeline_runs (state, heartbeat_at);
      CREATE TABLE athena_pipeline_logs (
        run_id TEXT NOT NULL REFERENCES athena_pipeline_runs (run_id) ON DELETE CASCADE,
        seq BIGINT NOT NULL,
        bytes INTEGER NOT NULL,
        line TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
    `,
  },
  {
    // Two replicas may each take a queued run of one pipeline at the same moment: the database keeps one running.
    version: 2,
    name: 'one running run per pipeline',
    sqlite: `CREATE UNIQUE INDEX athena_pipeline_runs_one_running ON athena_pipeline_runs (dag_id) WHERE state = 'running'`,
    postgres: `CREATE UNIQUE INDEX athena_pipeline_runs_one_running ON athena_pipeline_runs (dag_id) WHERE state = 'running'`,
  },
]

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0)

export const MIGRATIONS_TABLE_SQL = {
  sqlite: 'CREATE TABLE IF NOT EXISTS athena_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  postgres: 'CREATE TABLE IF NOT EXISTS athena_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
}

/** The database was migrated by a newer release than this one. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
    where: string,
  ) {
    super(
      `The pipeline database (${where}) is at schema version ${databaseVersion}, but this release only knows versions up to ${knownVersion}: ` +
        'a newer release has upgraded it. Run that release (or a newer one) again, or point this one at another database ' +
        '(PIPELINE_DB_PATH / DATABASE_URL) or a backup taken before the upgrade.',
    )
    this.name = 'SchemaTooNewError'
  }
}

/** Migrations still to apply to a database at `current`, in order; throws SchemaTooNewError when it is ahead of the code. */
export function pendingMigrations(current: number, where: string, migrations: readonly Migration[] = MIGRATIONS): Migration[] {
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0)
  if (current > known) throw new SchemaTooNewError(current, known, where)
  return [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version)
}

/**
 * Brings a SQLite database to the latest version in one IMMEDIATE transaction (a second process opening the same
 * file waits on the write lock, then finds nothing left to do). Returns the versions applied.
 */
export function migrateSqlite(db: Database.Database, where: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const run = db.transaction(() => {
    db.exec(MIGRATIONS_TABLE_SQL.sqlite)
    const row = db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM athena_schema_migrations').get() as { v: number }
    const applied: number[] = []
    for (const m of pendingMigrations(row.v, where, migrations)) {
      db.exec(m.sqlite)
      db.prepare('INSERT INTO athena_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now())
      applied.push(m.version)
    }
    return applied
  })
  return run.immediate()
}
