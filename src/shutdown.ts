/**
 * Graceful shutdown: stop accepting, let running requests finish for a grace period, then cut what
 * still runs — an ingest stream is cut through its AbortSignal, so it still ends with its status line,
 * whose failures say it was cut by the shutdown — and exit.
 */
import { setMaxListeners } from 'node:events'

/** The abort reason of requests cut by a shutdown (routes/abort.ts hands it to the work's signal). */
export class ShutdownError extends Error {
  constructor(detail: string) {
    super(`the service is shutting down: ${detail}`)
    this.name = 'ShutdownError'
  }
}

/** The message of a 503 answered because the service is shutting down. */
export const SHUTTING_DOWN_MESSAGE = 'The service is shutting down; retry the request (another instance will answer it)'

/** Text of the failure entry an ingest cut by a shutdown reports. */
export const CUT_BY_SHUTDOWN = 'Ingest cut short: the service is shutting down'

/**
 * The failures[] message of an ingest whose signal fired: says it was cut and why. (Used by
 * src/ingest/ingest.ts for the closing status line.)
 */
export function cutFailureMessage(signal: AbortSignal): string {
  const reason: unknown = signal.reason
  if (reason instanceof ShutdownError) return `${CUT_BY_SHUTDOWN} (${reason.message}); the records above are incomplete`
  const why = reason instanceof Error ? reason.message : 'the request was aborted'
  return `Ingest cut short: ${why}; the records above are incomplete`
}

export interface ShutdownControl {
  /** Fires when the grace period is over (reason: a ShutdownError): running work stops. */
  signal: AbortSignal
  /** True from the first shutdown signal on. */
  readonly started: boolean
  /** Marks the shutdown as started (new requests are refused from then on by Fastify itself). */
  begin(): void
  /** Cuts running work now. */
  cut(reason: Error): void
}

export function createShutdownControl(): ShutdownControl {
  const controller = new AbortController()
  // Every running request listens to it (routes/abort.ts): many listeners are expected, not a leak.
  setMaxListeners(0, controller.signal)
  let started = false
  return {
    signal: controller.signal,
    get started() {
      return started
    },
    begin() {
      started = true
    },
    cut(reason) {
      started = true
      if (!controller.signal.aborted) controller.abort(reason)
    },
  }
}

export interface GracefulShutdownOptions {
  graceMs: number
  /** After the cut, how long cut streams get to write their last line before sockets are destroyed. */
  forceAfterMs?: number
}

/**
 * Closes the app: the listener stops at once (new connections are refused, requests arriving on open
 * keep-alive connections get 503), idle keep-alive connections are closed as they become idle,
 * running requests have `graceMs`; then they are cut (ingest streams end with their status line) and,
 * `forceAfterMs` later, any socket still open is destroyed. Resolves when the server is closed.
 */
/** What closeGracefully needs of the Fastify instance. */
export interface ClosableApp {
  shutdown: ShutdownControl
  server: { closeIdleConnections(): void; closeAllConnections(): void }
  log: { warn(obj: object, msg: string): void }
  close(): PromiseLike<unknown>
}

export async function closeGracefully(app: ClosableApp, opts: GracefulShutdownOptions): Promise<void> {
  const shutdown = app.shutdown
  shutdown.begin()
  const forceAfterMs = opts.forceAfterMs ?? 3_000
  // Node closes the connections that are idle when close() is called; these become idle later.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100)
  let force: NodeJS.Timeout | undefined
  const grace = setTimeout(() => {
    app.log.warn({ graceMs: opts.graceMs }, 'shutdown grace period over: cutting the requests still running')
    shutdown.cut(new ShutdownError(`its ${opts.graceMs} ms grace period for running requests is over`))
    force = setTimeout(() => app.server.closeAllConnections(), forceAfterMs)
  }, opts.graceMs)
  try {
    await app.close()
  } finally {
    clearInterval(sweep)
    clearTimeout(grace)
    clearTimeout(force)
  }
}
