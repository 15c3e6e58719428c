// Hostile answers a caller-chosen endPointURL could send: bodies too large to hold and paging that never ends.
import type { ServerResponse } from 'node:http'

/** One streamed oversized answer, as the endpoint saw it. */
export interface StreamedAnswer {
  action: string
  /** Body bytes the answer would have had. */
  planned: number
  /** Body bytes written before the client went away (or all of them). */
  sent: number
  /** Whether every byte was written; false: the client closed the connection early. */
  completed: boolean
  /** Settles once the endpoint stopped writing, either way. */
  finished: Promise<void>
}

const FILLER = Buffer.alloc(64 * 1024, 'x')

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

/**
 * Answers a 200 whose body is valid JSON (`{"Padding":"xxxx…"}`, a member the SDK ignores) of `bytes`
 * bytes, written chunk by chunk as the client reads, so the endpoint itself holds one 64 KiB chunk.
 */
export function streamHugeAnswer(res: ServerResponse, opts: { action: string; bytes: number; declareLength: boolean; contentType: string; requestId: string }): StreamedAnswer {
  const prefix = Buffer.from('{"Padding":"')
  const suffix = Buffer.from('"}')
  const filler = Math.max(0, opts.bytes - prefix.length - suffix.length)
  const answer: StreamedAnswer = { action: opts.action, planned: prefix.length + filler + suffix.length, sent: 0, completed: false, finished: Promise.resolve() }
  answer.finished = (async () => {
    res.writeHead(200, {
      'content-type': opts.contentType,
      'x-amzn-requestid': opts.requestId,
      ...(opts.declareLength ? { 'content-length': String(answer.planned) } : {}),
    })
    let ok = res.write(prefix)
    answer.sent += prefix.length
    let left = filler
    while (left > 0 && !res.destroyed) {
      if (!ok) {
        await drainOrClose(res)
        if (res.destroyed || res.socket?.destroyed !== false) break
      }
      const n = Math.min(left, FILLER.length)
      ok = res.write(n === FILLER.length ? FILLER : FILLER.subarray(0, n))
      answer.sent += n
      left -= n
    }
    if (left === 0 && !res.destroyed) {
      res.end(suffix)
      answer.sent += suffix.length
      answer.completed = true
    }
  })()
  return answer
}
