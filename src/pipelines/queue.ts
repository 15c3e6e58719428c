/**
 * Where queued runs wait for a worker. Embedded (SQLite): in this process. PostgreSQL: pg-boss (queue-pgboss.ts),
 * so that a run queued by one replica is started by whichever replica has a free worker, exactly once.
 * The handler answers 'defer' when the run must wait (another run of the same pipeline is running: one active run
 * per pipeline, Airflow's max_active_runs 1); the run is offered again after DEFER_MS.
 */
export type RunHandler = (runId: string) => Promise<'done' | 'defer'>

export interface RunQueue {
  readonly kind: 'local' | 'pg-boss'
  start(handler: RunHandler): Promise<void>
  /** Offers the run to a worker after `delayMs` (default 0). `key` deduplicates (the same key twice: one job). */
  enqueue(runId: string, opts?: { delayMs?: number; key?: string }): Promise<void>
  /** Stops taking runs; resolves when the handlers running now have returned. */
  stop(): Promise<void>
}

export const DEFER_MS = 2_000

/** In-process queue: at most `concurrency` handlers at once, first come first served. */
export class LocalRunQueue implements RunQueue {
  readonly kind = 'local' as const
  private handler: RunHandler | undefined
  private readonly waiting: string[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  /** Keys of the runs waiting (not yet handed to a worker): a second enqueue with the same key is dropped. */
  private readonly keys = new Map<string, string>()
  private readonly active = new Set<Promise<void>>()
  private stopped = false

  constructor(private readonly concurrency: number) {}

  start(handler: RunHandler): Promise<void> {
    this.handler = handler
    this.pump()
    return Promise.resolve()
  }

  enqueue(runId: string, opts: { delayMs?: number; key?: string } = {}): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (opts.key) {
      if (this.keys.has(opts.key)) return Promise.resolve()
      this.keys.set(opts.key, runId)
    }
    const delay = opts.delayMs ?? 0
    if (delay <= 0) {
      this.waiting.push(runId)
      this.pump()
      return Promise.resolve()
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      this.waiting.push(runId)
      this.pump()
    }, delay)
    timer.unref()
    this.timers.add(timer)
    return Promise.resolve()
  }

  private pump(): void {
    while (!this.stopped && this.handler && this.active.size < this.concurrency && this.waiting.length > 0) {
      const runId = this.waiting.shift()!
      for (const [key, id] of this.keys) if (id === runId) this.keys.delete(key)
      const handler = this.handler
      const p: Promise<void> = handler(runId)
        .then((result) => {
          if (result === 'defer') void this.enqueue(runId, { delayMs: DEFER_MS })
        })
        .catch(() => undefined)
        .finally(() => {
          this.active.delete(p)
          this.pump()
        })
      this.active.add(p)
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    await Promise.all([...this.active])
  }
}
