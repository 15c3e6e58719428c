/**
 * setTimeout for delays of any length. Node's setTimeout holds at most 2^31-1 ms (about 24.8 days) — a longer delay
 * becomes 1 ms with a TimeoutOverflowWarning — and a monthly, quarterly or yearly slot is further away than that. So
 * the wait is chained in pieces of at most MAX_TIMEOUT_MS, each re-reading the clock against a fixed due time: a
 * timer that wakes early, or a wall clock set back, re-arms for what is left instead of firing early.
 *
 * Every piece is unref'd: a pending schedule never keeps the process alive (shutdown does not wait for next month).
 */

/** The longest delay setTimeout honours. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1

/** The clock and timers used; tests inject a fake, the default is Node's. */
export interface TimerApi {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const nodeTimers: TimerApi = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

export interface LongTimer {
  /** When fn is due (ms since epoch, by timers.now()). */
  readonly dueAt: number
  /** Cancels it; safe to call more than once, and after it fired. */
  clear(): void
}

export interface LongTimeoutOptions {
  timers?: TimerApi
  /** Longest single piece (default and upper limit MAX_TIMEOUT_MS). A shorter one re-reads the clock more often. */
  maxPieceMs?: number
}

/**
 * Calls fn once, delayMs from now (never synchronously, even for 0; a negative delay counts as 0). Throws RangeError
 * for a delay that is not a finite number: "no next slot" must not become a timer.
 */
export function setLongTimeout(fn: () => void, delayMs: number, opts: LongTimeoutOptions = {}): LongTimer {
  if (!Number.isFinite(delayMs)) throw new RangeError(`delayMs must be a finite number of ms, got ${delayMs}`)
  const timers = opts.timers ?? nodeTimers
  const maxPiece = Math.min(MAX_TIMEOUT_MS, Math.max(1, Math.floor(opts.maxPieceMs ?? MAX_TIMEOUT_MS)))
  const dueAt = timers.now() + Math.max(0, delayMs)
  let handle: unknown
  let done = false

  const arm = (ms: number): void => {
    handle = timers.setTimeout(wake, Math.min(Math.max(0, Math.ceil(ms)), maxPiece))
    ;(handle as { unref?: () => unknown } | undefined)?.unref?.()
  }
  function wake(): void {
    if (done) return
    const left = dueAt - timers.now()
    if (left > 0) return arm(left)
    done = true
    handle = undefined
    fn()
  }
  arm(dueAt - timers.now())

  return {
    dueAt,
    clear() {
      if (done) return
      done = true
      timers.clearTimeout(handle)
      handle = undefined
    },
  }
}
