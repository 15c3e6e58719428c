import { Channel } from './channel.js'

export interface OrderedMergeOptions {
  /** Producers running at once. */
  concurrency: number
  /** Items each producer may read ahead of the consumer. */
  buffer: number
  /** How far past the one being consumed a producer may start (bounds finished-but-unread buffers). */
  lookahead?: number
  signal?: AbortSignal
}

/**
 * Runs producers concurrently (up to `concurrency`, pages within one producer in order) and yields
 * their items grouped and in producer order: every item of producer 0, then of producer 1, …
 * Memory stays bounded by lookahead × buffer items whatever the producers' sizes. When the consumer
 * stops early (or the signal aborts), running producers are closed and stop at their next item.
 * A producer that throws ends the merge with its error when its turn comes: producers that must not
 * end the whole run catch their own errors and yield them as items.
 */
export async function* orderedMerge<T>(producers: ReadonlyArray<() => AsyncIterable<T>>, opts: OrderedMergeOptions): AsyncGenerator<T> {
  const lookahead = Math.max(opts.lookahead ?? opts.concurrency * 4, opts.concurrency)
  const channels: Array<Channel<T> | undefined> = []
  let running = 0
  let next = 0
  let current = 0
  let slotFreed: (() => void) | undefined
  /** Set when the consumer has gone: no producer may start after that. */
  let stopped = false

  function start(index: number) {
    const channel = new Channel<T>(opts.buffer)
    channels[index] = channel
    running++
    void (async () => {
      try {
        for await (const item of producers[index]!()) {
          if (opts.signal?.aborted || !(await channel.push(item))) break
        }
        channel.close()
      } catch (err) {
        channel.fail(err)
      } finally {
        running--
        fill()
        slotFreed?.()
      }
    })()
  }
  function fill() {
    if (stopped || opts.signal?.aborted) return
    while (next < producers.length && running < opts.concurrency && next < current + lookahead) start(next++)
  }

  try {
    for (current = 0; current < producers.length; current++) {
      fill()
      while (channels[current] === undefined) {
        if (opts.signal?.aborted) return
        await new Promise<void>((resolve) => {
          slotFreed = resolve
          opts.signal?.addEventListener('abort', () => resolve(), { once: true })
        })
        fill()
      }
      for await (const item of channels[current]!) yield item
      channels[current] = undefined
    }
  } finally {
    stopped = true
    for (const c of channels) c?.close()
  }
}
