/**
 * One HTTP exchange with a caller-named server (the OpenMetadata hostPort), under the same outbound guard
 * as the AWS clients: every connection's resolved addresses pass {@link guardedLookup} (DNS rebinding), a
 * redirect is never followed (nothing here knows how to), and the answer is read up to a byte cap, past
 * which the socket is closed instead of buffering what a hostile server keeps sending.
 *
 * The static part of the guard (scheme, literal addresses, ENDPOINT_ALLOWLIST) is the caller's: it knows
 * the field to name. No redirect means every connection goes to the host it checked.
 */
import dns from 'node:dns'
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import { guardedLookup } from './endpoint-guard.js'

export interface OutboundRequest {
  method: string
  headers: Record<string, string>
  body?: string
  /** Cuts the exchange (caller gone, attempt timed out) at any point, body reading included. */
  signal: AbortSignal
  /** Largest answer body read; more is an {@link AnswerTooLargeError}. */
  maxBytes: number
}

export interface OutboundAnswer {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

/** A 3xx answer: refused, with only the host it pointed to (the rest of a Location may carry anything). */
export class RedirectRefusedError extends Error {
  constructor(
    readonly status: number,
    /** The redirect's host[:port], or undefined when the answer had no readable Location. */
    readonly locationHost: string | undefined,
  ) {
    super(`answered HTTP ${status}, ${locationHost ? `a redirect to ${locationHost}` : 'a redirect without a Location'}`)
    this.name = 'RedirectRefusedError'
  }
}

export class AnswerTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`answered more than ${maxBytes} bytes`)
    this.name = 'AnswerTooLargeError'
  }
}

// Kept-alive connections, shared like fetch's global pool; the lookup reads dns.lookup at each connection
// (not once, here) so that the guard sees what the connection will see.
const agentOptions = {
  keepAlive: true,
  // Idle pooled sockets are closed after this long (an active exchange is bounded by the caller's signal).
  timeout: 5_000,
  lookup: guardedLookup((host, options, callback) => dns.lookup(host, options, callback as never)),
}
const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) }

export async function outboundRequest(url: URL, req: OutboundRequest): Promise<OutboundAnswer> {
  const protocol = url.protocol === 'https:' ? 'https:' : 'http:'
  const client = protocol === 'https:' ? https : http
  const headers = { ...req.headers, ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) }
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = client.request(url, { method: req.method, headers, agent: agents[protocol], signal: req.signal }, resolve)
    request.on('error', reject)
    request.end(req.body)
  })
  const status = res.statusCode ?? 0
  try {
    if (status >= 300 && status < 400) throw new RedirectRefusedError(status, locationHost(res.headers.location, url))
    const declared = Number(res.headers['content-length'])
    if (Number.isFinite(declared) && declared > req.maxBytes) throw new AnswerTooLargeError(req.maxBytes)
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > req.maxBytes) throw new AnswerTooLargeError(req.maxBytes)
      chunks.push(chunk)
    }
    return { status, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }
  } catch (err) {
    // The rest of the answer is not wanted: close the connection rather than drain it.
    res.destroy()
    throw err
  }
}

function locationHost(location: string | undefined, base: URL): string | undefined {
  if (!location) return undefined
  try {
    return new URL(location, base).host.slice(0, 255) || undefined
  } catch {
    return undefined
  }
}
