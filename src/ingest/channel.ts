/**
 * A bounded single-consumer queue: `push` waits while the buffer is full, so a fast producer is
 * held back by a slow consumer (backpressure) instead of piling items up in memory.
 */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = []
  private closed = false
  private failure: { error: unknown } | undefined
  private wakeConsumer: (() => void) | undefined
  private wakeProducer: (() => void) | undefined

  constructor(private readonly capacity: number) {}

  /** Adds an item, waiting for room; false when the channel was closed (the producer should stop). */
  async push(item: T): Promise<boolean> {
    while (this.items.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => (this.wakeProducer = resolve))
    }
    if (this.closed) return false
    this.items.push(item)
    this.wakeConsumer?.()
    return true
  }

  close(): void {
    this.closed = true
    this.wakeConsumer?.()
    this.wakeProducer?.()
  }

  fail(error: unknown): void {
    this.failure = { error }
    this.close()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length > 0) {
        const item = this.items.shift()!
        this.wakeProducer?.()
        yield item
        continue
      }
      if (this.failure) throw this.failure.error
      if (this.closed) return
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve))
    }
  }
}
