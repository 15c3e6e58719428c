import { BadInputError, UpstreamError } from '../errors.js'
import { checkEndpointUrl, EndpointBlockedError, type HostPattern } from '../security/endpoint-guard.js'
import { isWellFormed } from '../security/well-formed.js'
import { AnswerTooLargeError, outboundRequest, RedirectRefusedError, type OutboundAnswer } from '../security/outbound-http.js'

/**
 * A small REST client for an OpenMetadata server, as OpenMetadata's own ingestion uses it (ometa `REST`):
 * `{hostPort}/v1/...` with `Authorization: Bearer <jwt>`, JSON bodies, JSON Patch with
 * `application/json-patch+json`. Every attempt has a timeout; 429, 5xx and network failures are retried
 * with exponential back-off and full jitter, honouring `Retry-After`. Non-2xx answers are returned, not
 * thrown: the caller decides what a 400 or a 404 means. The JWT never leaves the Authorization header.
 *
 * hostPort is the caller's, so the client is held to the outbound guard like the AWS clients
 * (src/security/outbound-http.ts): the host is checked here (ENDPOINT_ALLOWLIST, metadata addresses), every
 * connection's resolved addresses at connect time, a 3xx is an error (ometa's `requests` would follow it,
 * carrying the JWT and PUT bodies to wherever the server points), and an answer is read up to
 * maxResponseBytes. Messages name the server by host[:port] only: hostPort's path is the caller's too.
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
  /** Largest answer body read (OM_MAX_RESPONSE_BYTES); default {@link DEFAULT_OM_MAX_RESPONSE_BYTES}. */
  maxResponseBytes?: number
  /** ENDPOINT_ALLOWLIST; buildApp copies ServiceConfig.endpointAllowlist here, as for the AWS clients. */
  endpointAllowlist?: readonly HostPattern[]
}

/** 16 MiB: far above any answer the sink reads (an entity, a page of 100 tables), far below harm. */
export const DEFAULT_OM_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

/** How much of a server's error text a message repeats: enough to diagnose, too little to smuggle a page. */
export const MAX_ECHOED_CHARS = 200

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

/**
 * The server gave no usable answer within the attempts allowed: network failure, timeout, or (the
 * subclasses, never retried) a redirect or an answer over the size cap.
 */
export class OmUnreachableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message)
    this.name = 'OmUnreachableError'
  }
}

/** The server answered a 3xx; it was not followed. */
export class OmRedirectError extends OmUnreachableError {
  override name = 'OmRedirectError'
}

/** The answer was longer than maxResponseBytes; the connection was closed. */
export class OmAnswerTooLargeError extends OmUnreachableError {
  override name = 'OmAnswerTooLargeError'
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
  /** host[:port] of hostPort: what messages name (its path may carry anything). */
  readonly host: string

  /** Throws a BadInputError when the outbound guard refuses hostPort (callers check it first, naming their field). */
  constructor(
    readonly target: OmTarget,
    private readonly settings: OmClientSettings,
    private readonly signal?: AbortSignal,
  ) {
    const verdict = checkEndpointUrl(target.baseUrl, { allowlist: settings.endpointAllowlist ?? [] })
    if (!verdict.ok) throw new BadInputError(`hostPort is refused: ${verdict.reason}`)
    this.host = new URL(target.baseUrl).host
  }

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
    const maxBytes = this.settings.maxResponseBytes ?? DEFAULT_OM_MAX_RESPONSE_BYTES
    for (let attempt = 1; ; attempt++) {
      this.signal?.throwIfAborted()
      let res: OutboundAnswer
      try {
        const timeout = AbortSignal.timeout(this.settings.requestTimeoutMs)
        const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout
        res = await outboundRequest(url, { method, headers, ...(body !== undefined ? { body } : {}), signal, maxBytes })
      } catch (err) {
        if (this.signal?.aborted) throw this.signal.reason ?? err
        const operation = `${method} ${this.display(path)}`
        if (err instanceof RedirectRefusedError) {
          throw new OmRedirectError(`${operation} ${err.message}; redirects are not followed: set hostPort to the server's own API URL`, attempt)
        }
        if (err instanceof AnswerTooLargeError) {
          throw new OmAnswerTooLargeError(`${operation} ${err.message} (OM_MAX_RESPONSE_BYTES); the rest was not read`, attempt)
        }
        // The outbound guard's refusal is final: asking again would be refused again.
        if (attempt >= maxAttempts || err instanceof EndpointBlockedError) {
          throw new OmUnreachableError(`${operation} failed after ${attempt} attempt(s): ${describeNetworkError(err, this.settings.requestTimeoutMs)}`, attempt)
        }
        await this.sleep(this.backoff(attempt))
        continue
      }
      if (isRetryable(res.status) && attempt < maxAttempts) {
        await this.sleep(retryAfterMs(headerValue(res.headers['retry-after']), this.settings.maxRetryDelayMs) ?? this.backoff(attempt))
        continue
      }
      return { status: res.status, json: parseJson(res.text), text: res.text, attempts: attempt }
    }
  }

  /** A call for messages: `openmetadata:8585…/v1/tables`, the host and the call, hostPort's own path left out. */
  display(path: string): string {
    return `${this.host}…${path}`
  }

  private url(path: string, query: OmRequest['query']): URL {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v))
    const qs = params.toString()
    return new URL(`${this.target.baseUrl}${path}${qs ? `?${qs}` : ''}`)
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
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the AbortSignal convention: reject with the reason the caller aborted with
        reject(signal!.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}

/** Retry-After as delay-seconds or an HTTP date, capped; undefined when absent or unreadable. */
/**
 * One path segment of an OpenMetadata URL (a name from AWS, an id from the server), percent-encoded. A string that
 * is not well-formed Unicode (a lone surrogate, which JSON can carry) cannot be encoded — encodeURIComponent would
 * throw a bare URIError — so it is an UpstreamError saying which name, escaped, instead.
 */
export function pathPart(value: string, what: string): string {
  if (!isWellFormed(value)) {
    throw new UpstreamError(
      `${what} ${JSON.stringify(value).replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)} is not well-formed Unicode (a lone surrogate) and cannot be named in an OpenMetadata URL`,
      'IllFormedName',
    )
  }
  return encodeURIComponent(value)
}

export function retryAfterMs(header: string | null, capMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const value = header.trim()
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - Date.now()
  if (!Number.isFinite(ms)) return undefined
  return Math.min(Math.max(0, ms), capMs)
}

/** OpenMetadata answers errors as `{code, message}`; otherwise the text itself; either cut to MAX_ECHOED_CHARS. */
export function serverMessage(res: Pick<OmResponse, 'status' | 'json' | 'text'>): string {
  const json = res.json as { message?: unknown; error?: unknown } | undefined
  if (json && typeof json === 'object') {
    if (typeof json.message === 'string' && json.message) return capped(json.message)
    if (typeof json.error === 'string' && json.error) return capped(json.error)
  }
  const text = res.text.trim()
  return text ? capped(text) : `HTTP ${res.status} with an empty body`
}

function capped(text: string): string {
  return text.length > MAX_ECHOED_CHARS ? `${text.slice(0, MAX_ECHOED_CHARS)}…` : text
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null
}

function parseJson(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { name?: string } }
  // http.request reports its signal's abort as an AbortError whose cause is the signal's reason.
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`
  if (e instanceof EndpointBlockedError) return e.message
  if (e?.code) return `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message})` : ''}`
  return e?.message ?? String(err)
}
