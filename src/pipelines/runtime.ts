/**
 * Opens the pipeline service once per app: the store (PostgreSQL with DATABASE_URL, else SQLite), the run queue
 * (pg-boss on PostgreSQL, in-process on SQLite) and the service with its schedules. Opened at start when there is
 * something to resume (DATABASE_URL set, or the SQLite file exists: a missing or wrong PIPELINE_SECRET_KEY then
 * stops the start), otherwise on the first pipeline call — a service that never deploys a pipeline never creates
 * a database.
 */
import { existsSync } from 'node:fs'
import { LocalRunQueue, type RunQueue } from './queue.js'
import { PgBossRunQueue } from './queue-pgboss.js'
import type { ProcessLog } from './run-log.js'
import type { RunDeps } from './run.js'
import { PipelineService } from './service.js'
import type { PipelineSettings } from './settings.js'
import { openPipelineStore } from './store/open.js'

export class PipelineRuntime {
  private opening: Promise<PipelineService> | undefined
  private closed = false

  constructor(
    private readonly settings: PipelineSettings,
    private readonly run: RunDeps,
    private readonly log: ProcessLog,
  ) {}

  /** True when a store already exists (its pipelines' schedules must resume at start). */
  get hasStore(): boolean {
    return this.settings.databaseUrl !== undefined || (this.settings.sqlitePath !== ':memory:' && existsSync(this.settings.sqlitePath))
  }

  service(): Promise<PipelineService> {
    if (this.closed) return Promise.reject(new Error('the pipeline service is closed'))
    this.opening ??= this.open().catch((err: unknown) => {
      this.opening = undefined
      throw err
    })
    return this.opening
  }

  private async open(): Promise<PipelineService> {
    const s = this.settings
    const store = await openPipelineStore({
      ...(s.databaseUrl ? { databaseUrl: s.databaseUrl } : {}),
      sqlitePath: s.sqlitePath,
      ...(s.secretKey ? { secretKey: s.secretKey } : {}),
      logMaxBytes: s.logMaxBytes,
    })
    const queue: RunQueue = s.databaseUrl
      ? new PgBossRunQueue({ connectionString: s.databaseUrl, concurrency: s.concurrency, onError: (err) => this.log.warn({ error: err.message }, 'pg-boss error') })
      : new LocalRunQueue(s.concurrency)
    const service = new PipelineService({
      store,
      queue,
      run: this.run,
      log: this.log,
      heartbeatMs: s.heartbeatMs,
      staleAfterMs: s.staleAfterMs,
      syncIntervalMs: s.syncIntervalMs,
      ...(s.hostIp ? { hostIp: s.hostIp } : {}),
    })
    try {
      await service.start()
    } catch (err) {
      await service.stop().catch(() => undefined)
      await store.close().catch(() => undefined)
      throw err
    }
    const pipelines = await store.countPipelines()
    this.log.info({ store: store.kind, queue: queue.kind, pipelines, instance: service.instanceId }, 'pipeline service started')
    return service
  }

  /** Stops the schedules and the running runs (they end failed and are reported), then closes the store. */
  async close(): Promise<void> {
    this.closed = true
    const opening = this.opening
    if (!opening) return
    const service = await opening.catch(() => undefined)
    if (!service) return
    await service.stop()
    await service.store.close()
  }
}
