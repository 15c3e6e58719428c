import { connect } from 'node:net'

/**
 * HTTP/1.1 written byte for byte on a socket: the request target reaches the server exactly as given
 * (absolute form, percent-encoding, dot segments), which neither `inject` nor node:http's client
 * guarantees. One request per connection (Connection: close); the answer is read until the server closes.
 */
export interface RawResponse {
  status: number
  /** Header names in lower case. */
  headers: Record<string, string>
  /** The body, de-chunked when the server sent it chunked. */
  body: string
}

export interface RawRequest {
  method: string
  target: string
  headers?: Record<string, string>
  /** Sent as JSON with content-type application/json. */
  json?: unknown
}

export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  const body = req.json === undefined ? '' : JSON.stringify(req.json)
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    connection: 'close',
    ...(req.json === undefined ? {} : { 'content-type': 'application/json' }),
    'content-length': String(Buffer.byteLength(body)),
    ...req.headers,
  }
  const head = `${req.method} ${req.target} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let failure: Error | undefined
    // write, not end: a half-closed socket reads to the server as a client that went away (the work is aborted).
    const socket = connect(port, '127.0.0.1', () => socket.write(head + body))
    socket.on('data', (c: Buffer) => chunks.push(c))
    // A server that answers before reading the body may reset the connection after its answer.
    socket.on('error', (err) => (failure = err))
    socket.on('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)))
      } catch (err) {
        reject(new Error(`${req.method} ${req.target}: ${(err as Error).message}${failure ? ` (${failure.message})` : ''}`))
      }
    })
  })
}

function parseResponse(raw: Buffer): RawResponse {
  const end = raw.indexOf('\r\n\r\n')
  if (end < 0) throw new Error(`no complete HTTP response: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`)
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n')
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')
  if (!m) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`)
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  let body = raw.subarray(end + 4)
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body)
  return { status: Number(m[1]), headers, body: body.toString('utf8') }
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at)
    if (lineEnd < 0) throw new Error('truncated chunked body')
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16)
    if (!Number.isFinite(size)) throw new Error('bad chunk size')
    if (size === 0) return Buffer.concat(parts)
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
}
