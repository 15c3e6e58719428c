/**
 * Hostile stand-ins for an OpenMetadata server (issue 10 §3/§4): servers that redirect, answer without
 * end, or answer huge bodies, each counting what it received so a test can prove what did NOT happen.
 * test/support/fake-om.ts is the well-behaved server; these are the ones a caller's hostPort may point at.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const HOSTILE_VERSION = '1.9.4'

export interface Recorded {
  method: string
  url: string
  body: string
}

export interface HostileServer {
  /** `http://127.0.0.1:<port>` (or `http://localhost:<port>` for {@link startOutsider}). */
  origin: string
  port: number
  /** Every request that reached it, body included. */
  requests: Recorded[]
  close(): Promise<void>
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

interface TapLike {
  teardown(fn: () => unknown): void
}

async function listen(t: TapLike, handler: Handler, host: string | undefined, originHost: string): Promise<HostileServer> {
  const requests: Recorded[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push({ method: req.method ?? '', url: req.url ?? '', body })
      handler(req, res, body)
    })
  })
  await new Promise<void>((resolve) => (host ? server.listen(0, host, resolve) : server.listen(0, resolve)))
  const port = (server.address() as AddressInfo).port
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  t.teardown(close)
  return { origin: `http://${originHost}:${port}`, port, requests, close }
}

/** A server on 127.0.0.1 that answers with `handler` (the hostPort under test). */
export function startHostileOm(t: TapLike, handler: Handler): Promise<HostileServer> {
  return listen(t, handler, '127.0.0.1', '127.0.0.1')
}

/**
 * Where a followed redirect would land: a host outside ENDPOINT_ALLOWLIST=127.0.0.1 (`localhost`, on every
 * loopback address), answering a body the service must never echo.
 */
export const OUTSIDER_BODY = 'OUTSIDE-HOST-BODY-must-never-be-echoed'
export function startOutsider(t: TapLike): Promise<HostileServer> {
  return listen(
    t,
    (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(OUTSIDER_BODY)
    },
    undefined,
    'localhost',
  )
}

/** Answers `GET …/v1/system/version` and `GET …/v1/users/loggedInUser` as OpenMetadata does; false for anything else. */
export function answerServerCheck(req: IncomingMessage, res: ServerResponse, headers: Record<string, string> = {}): boolean {
  const url = req.url ?? ''
  if (req.method === 'GET' && url.endsWith('/v1/system/version')) {
    json(res, 200, { version: HOSTILE_VERSION, revision: 'x', timestamp: 0 }, headers)
    return true
  }
  if (req.method === 'GET' && url.endsWith('/v1/users/loggedInUser')) {
    json(res, 200, { id: '6f1c3e0a-2f7b-4c55-9d43-1b0f8d1e2a33', name: 'ingestion-bot' }, headers)
    return true
  }
  return false
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers })
  res.end(text)
}

export interface FloodStats {
  /** Bytes the server managed to hand to its socket. */
  written: number
  /** True when the response ended normally (the client read it all). */
  finished: boolean
  /** Resolves when the response is over, either way. */
  done: Promise<void>
}

/**
 * Answers 200 with a body of `declared` bytes (content-length) or, with `declared` undefined, a chunked body
 * that never ends (the server stops writing at `safetyBytes`, then holds the connection open). Writes honour
 * backpressure, so `written` tells how much the client actually consumed.
 */
export function flood(res: ServerResponse, opts: { declared?: number; safetyBytes: number }): FloodStats {
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  let release!: () => void
  const stats: FloodStats = { written: 0, finished: false, done: new Promise<void>((resolve) => (release = resolve)) }
  res.writeHead(200, { 'content-type': 'application/json', ...(opts.declared !== undefined ? { 'content-length': String(opts.declared) } : {}) })
  res.on('finish', () => {
    stats.finished = true
    release()
  })
  res.on('close', () => release())
  const limit = Math.min(opts.declared ?? Infinity, opts.safetyBytes)
  const pump = () => {
    while (!res.destroyed && stats.written < limit) {
      const piece = chunk.subarray(0, Math.min(chunk.length, limit - stats.written))
      stats.written += piece.length
      if (!res.write(piece)) return void res.once('drain', pump)
    }
    if (!res.destroyed && opts.declared !== undefined && stats.written >= opts.declared) res.end()
  }
  pump()
  return stats
}
