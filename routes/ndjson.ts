import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'

/** JSON only when the client prefers it over NDJSON; NDJSON is the default (also for * / *). */
export function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase())
  return types.includes('application/json') && !types.includes('application/x-ndjson')
}

const CHUNK_BYTES = 64 * 1024

/** Resolves true when `p` settles before the event loop turns (its value was ready), false otherwise. */
function readyNow(p: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setImmediate(() => resolve(false))
    void p.then(
      () => {
        clearImmediate(timer)
        resolve(true)
      },
      () => {
        clearImmediate(timer)
        resolve(true)
      },
    )
  })
}

/**
 * NDJSON lines, joined into chunks: records that are already at hand (a page just mapped) go out
 * together, up to 64 KiB; whenever the next record has to wait for AWS, what is held goes out first,
 * so the client sees each page as soon as it is read.
 */
async function* lines(records: AsyncIterable<unknown>): AsyncGenerator<string> {
  const it = records[Symbol.asyncIterator]()
  let chunk = ''
  try {
    let next = it.next()
    for (;;) {
      if (chunk && !(await readyNow(next))) {
        yield chunk
        chunk = ''
      }
      const r = await next
      if (r.done) break
      chunk += JSON.stringify(r.value) + '\n'
      if (chunk.length >= CHUNK_BYTES) {
        yield chunk
        chunk = ''
      }
      next = it.next()
    }
    if (chunk) yield chunk
  } finally {
    await it.return?.()
  }
}

/**
 * Streams records as NDJSON, one per line, with backpressure: the next record is pulled only when
 * the client has taken the last. A stream bypasses the response serializer (the route's 200 schema
 * describes the JSON form).
 */
export function sendNdjson(reply: FastifyReply, records: AsyncIterable<unknown>) {
  return reply.type('application/x-ndjson').send(Readable.from(lines(records)))
}
