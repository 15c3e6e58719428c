/**
 * The run queue on PostgreSQL, through pg-boss (10.x: the last line that runs on Node 20): a queued run is a job
 * in the `athena-pipeline-runs` queue; every replica works the queue, and pg-boss hands each job to exactly one
 * of them (SELECT … FOR UPDATE SKIP LOCKED). A job's singletonKey (pipeline, slot, attempt) keeps a second send
 * of the same scheduled run from becoming a second job. Jobs carry only the run id; the run itself (and its
 * secrets, encrypted) is in the pipeline store.
 *
 * pg-boss does not retry jobs here (retryLimit 0): a run's retries are the pipeline's own (airflowConfig.retries,
 * a new run after retryDelay), and a run whose replica died is failed (and retried) by the service's sweeper,
 * which sees its heartbeat stop.
 */
import PgBoss from 'pg-boss'
import { DEFER_MS, type RunHandler, type RunQueue } from './queue.js'

export const QUEUE_NAME = 'athena-pipeline-runs'

export interface PgBossQueueOptions {
  connectionString: string
  concurrency: number
  /** How often an idle worker polls (pg-boss's minimum is 0.5 s). */
  pollingIntervalSeconds?: number
  onError?: (err: Error) => void
}

export class PgBossRunQueue implements RunQueue {
  readonly kind = 'pg-boss' as const
  private readonly boss: PgBoss
  private started = false

  constructor(private readonly opts: PgBossQueueOptions) {
    this.boss = new PgBoss({ connectionString: opts.connectionString, schema: 'athena_pgboss', max: Math.max(2, opts.concurrency + 1), application_name: 'athena-connector' })
    this.boss.on('error', (err) => opts.onError?.(err))
  }

  async start(handler: RunHandler): Promise<void> {
    await this.boss.start()
    this.started = true
    await this.boss.createQueue(QUEUE_NAME, { name: QUEUE_NAME, policy: 'standard', retryLimit: 0, expireInHours: 23 })
    const pollingIntervalSeconds = this.opts.pollingIntervalSeconds ?? 1
    for (let i = 0; i < this.opts.concurrency; i++) {
      await this.boss.work<{ runId: string }>(QUEUE_NAME, { batchSize: 1, pollingIntervalSeconds }, async (jobs) => {
        for (const job of jobs) {
          const result = await handler(job.data.runId)
          if (result === 'defer') await this.enqueue(job.data.runId, { delayMs: DEFER_MS })
        }
      })
    }
  }

  async enqueue(runId: string, opts: { delayMs?: number; key?: string } = {}): Promise<void> {
    const startAfter = opts.delayMs && opts.delayMs > 0 ? new Date(Date.now() + opts.delayMs) : undefined
    await this.boss.send(QUEUE_NAME, { runId }, { retryLimit: 0, ...(startAfter ? { startAfter } : {}), ...(opts.key ? { singletonKey: opts.key } : {}) })
  }

  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 })
  }
}
