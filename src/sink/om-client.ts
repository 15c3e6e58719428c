/**
 * A small REST client for an OpenMetadata server, as OpenMetadata's own ingestion uses it (ometa `REST`):
 * `{hostPort}/v1/...` with `Authorization: Bearer <jwt>`, JSON bodies, JSON Patch with
 * `application/json-patch+json`. Every attempt has a timeout; 429, 5xx and network failures are retried
 * with exponential back-off and full jitter, honouring `Retry-After`. Non-2xx answers are returned, not
 * thrown: the caller decides what a 400 or a 404 means. The JWT never leaves the Authorization header.
 */
export interface OmClientSettings {
  /** Attempts per call for retryable failures (429, 5xx, network), first try included. */
  maxAttempts: number
  /** Timeout of one attempt. */
  requestTimeoutMs: number
  /** First back-off delay; doubles per retry (full jitter). */
  retryBaseMs: number
  /** Cap on any one delay, Retry-After included. */
  maxRetryDelayMs: number
}

export interface OmTarget {
  /** hostPort without its trailing slash, e.g. `http://openmetadata:8585/api`. */
  baseUrl: string
  jwtToken: string
}

export interface OmResponse {
  status: number
  /** Parsed JSON when the body is JSON, else undefined. */
  json: unknown
  text: string
  /** How many attempts this answer took. */
  attempts: number
}

/** The server did not answer (network failure or timeout) within the attempts allowed. */
export class OmUnreachableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message)
    this.name = 'OmUnreachableError'
  }
}

export interface OmRequest {
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  contentType?: string
  /** false: one attempt only (default true). */
  retry?: boolean
  /** false: no Authorization header (e.g. /v1/system/version, which the server leaves open). */
  auth?: boolean
}

const isRetryable = (status: number) => status === 429 || status >= 500

export class OmClient {
  constructor(
    readonly target: OmTarget,
    private readonly settings: OmClientSettings,
    private readonly signal?: AbortSignal,
  ) {}

  /** `path` starts with `/v1/`; parts that are names must already be encoded by the caller. */
  async request(method: string, path: string, req: OmRequest = {}): Promise<OmResponse> {
    const url = this.url(path, req.query)
    const headers: Record<string, string> = { accept: 'application/json' }
    if (req.auth !== false) headers.authorization = `Bearer ${this.target.jwtToken}`
    let body: string | undefined
    if (req.body !== undefined) {
      headers['content-type'] = req.contentType ?? 'application/json'
      body = JSON.stringify(req.body)
    }
    const maxAttempts = req.retry === false ? 1 : Math.max(1, this.settings.maxAttempts)
    for (let attempt = 1; ; attempt++) {
      this.signal?.throwIfAborted()
      let res: Response
      try {
        const timeout = AbortSignal.timeout(this.settings.requestTimeoutMs)
        const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout
        res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), signal })
      } catch (err) {
        if (this.signal?.aborted) throw this.signal.reason ?? err
        if (attempt >= maxAttempts) {
          throw new OmUnreachableError(`${method} ${this.display(path)} failed after ${attempt} attempt(s): ${describeFetchError(err, this.settings.requestTimeoutMs)}`, attempt)
        }
        await this.sleep(this.backoff(attempt))
        continue
      }
      const text = await res.text()
      if (isRetryable(res.status) && attempt < maxAttempts) {
        await this.sleep(retryAfterMs(res.headers.get('retry-after'), this.settings.maxRetryDelayMs) ?? this.backoff(attempt))
        continue
      }
      return { status: res.status, json: parseJson(text), text, attempts: attempt }
    }
  }

  /** The URL of a path, for messages (no secret in it: the JWT travels in a header). */
  display(path: string): string {
    return `${this.target.baseUrl}${path}`
  }

  private url(path: string, query: OmRequest['query']): string {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v))
    const qs = params.toString()
    return `${this.target.baseUrl}${path}${qs ? `?${qs}` : ''}`
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.settings.maxRetryDelayMs, this.settings.retryBaseMs * 2 ** (attempt - 1))
    return Math.round(Math.random() * ceiling)
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(done, ms)
      const signal = this.signal
      function done() {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      function onAbort() {
        clearTimeout(timer)
        reject(signal!.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}

/** Retry-After as delay-seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, capMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const value = header.trim()
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - Date.now()
  if (!Number.isFinite(ms)) return undefined
  return Math.min(Math.max(0, ms), capMs)
}

/** OpenMetadata answers errors as `{code, message}`; otherwise the text itself (shortened). */
export function serverMessage(res: Pick<OmResponse, 'status' | 'json' | 'text'>): string {
  const json = res.json as { message?: unknown; error?: unknown } | undefined
  if (json && typeof json === 'object') {
    if (typeof json.message === 'string' && json.message) return json.message
    if (typeof json.error === 'string' && json.error) return json.error
  }
  const text = res.text.trim()
  return text ? text.slice(0, 500) : `HTTP ${res.status} with an empty body`
}

function parseJson(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`
  const cause = e?.cause
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`
  return e?.message ?? String(err)
}
