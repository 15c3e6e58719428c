/**
 * A counter of slots for expensive work (an ingest holds AWS connections, a catalog's worth of pages and
 * a response stream for as long as it runs). No queue: when every slot is taken the caller is told so
 * at once and answers 503 + Retry-After — a client retries later instead of piling up requests here.
 */
export class ConcurrencyGate {
  private used = 0

  /** `max` 0 means no limit. */
  constructor(readonly max: number) {}

  get inUse(): number {
    return this.used
  }

  /** A release function when a slot was free (call it once the work ended; later calls do nothing), else undefined. */
  tryAcquire(): (() => void) | undefined {
    if (this.max > 0 && this.used >= this.max) return undefined
    this.used++
    let released = false
    return () => {
      if (released) return
      released = true
      this.used--
    }
  }
}
