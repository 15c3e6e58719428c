/** How the pipeline service stores, schedules and runs, from the environment (README: "Deployed pipelines"). */
import { positiveInt } from '../sink/settings.js'
import { loadPipelineStoreSettings } from './store/open.js'

export interface PipelineSettings {
  /** DATABASE_URL: PostgreSQL (several replicas; runs are dispatched through pg-boss). Unset: SQLite at sqlitePath. */
  databaseUrl?: string
  /** PIPELINE_DB_PATH (default data/pipelines.sqlite, relative to the working directory). */
  sqlitePath: string
  /** PIPELINE_SECRET_KEY: 32 bytes (base64 or hex) that encrypt the deployed pipelines (their bot JWT) at rest. */
  secretKey?: string
  /** PIPELINE_LOG_MAX_BYTES: each run's log is kept up to this size (default 1 MiB). */
  logMaxBytes: number
  /** PIPELINE_CONCURRENCY: runs at once in this process (default 2). */
  concurrency: number
  /** PIPELINE_HEARTBEAT_MS: how often a running run says it is alive and reads its kill flag (default 1000). */
  heartbeatMs: number
  /** PIPELINE_STALE_AFTER_MS: a running run silent this long is taken for dead, failed and retried (default 30000). */
  staleAfterMs: number
  /** PIPELINE_SYNC_INTERVAL_MS: how often other replicas' deploys are picked up (default 10000). */
  syncIntervalMs: number
  /** PIPELINE_HOST_IP: what `ip` answers. */
  hostIp?: string
}

export function loadPipelineSettings(env: NodeJS.ProcessEnv = process.env): PipelineSettings {
  const heartbeatMs = positiveInt(env, 'PIPELINE_HEARTBEAT_MS', 1_000, 100, 60_000)
  const staleAfterMs = positiveInt(env, 'PIPELINE_STALE_AFTER_MS', 30_000, 1_000)
  if (staleAfterMs < 3 * heartbeatMs) throw new Error(`PIPELINE_STALE_AFTER_MS (${staleAfterMs}) must be at least 3 × PIPELINE_HEARTBEAT_MS (${heartbeatMs}): a live run would be taken for dead`)
  const store = loadPipelineStoreSettings(env)
  return {
    ...(store.databaseUrl ? { databaseUrl: store.databaseUrl } : {}),
    sqlitePath: store.sqlitePath,
    ...(store.secretKey ? { secretKey: store.secretKey } : {}),
    logMaxBytes: store.logMaxBytes,
    concurrency: positiveInt(env, 'PIPELINE_CONCURRENCY', 2, 1, 32),
    heartbeatMs,
    staleAfterMs,
    syncIntervalMs: positiveInt(env, 'PIPELINE_SYNC_INTERVAL_MS', 10_000, 100),
    ...(env.PIPELINE_HOST_IP ? { hostIp: env.PIPELINE_HOST_IP } : {}),
  }
}
