// Wire-level helpers shared by the Glue, Athena and STS handlers: the error type, SigV4 credential
// parsing, JSON timestamp encoding, opaque pagination tokens and name matching.

/** An AWS error answer; the server renders it in the protocol of the service that raised it. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string | undefined,
    readonly status = 400,
    /** Extra members of the JSON error body (e.g. Athena's AthenaErrorCode). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message ?? '')
    this.name = code
  }
  /** Whether the body carries a message at all (UnknownOperationException carries none). */
  hasMessage = true
}

export interface Credential {
  accessKeyId: string
  date: string
  region: string
  service: string
}

/** `Credential=AKID/20240101/us-east-1/glue/aws4_request` from a SigV4 Authorization header. */
export function parseSigV4(authorization: string | undefined): Credential | undefined {
  if (!authorization) return undefined
  const m = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(authorization)
  if (!m) return undefined
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]! }
}

/** Epoch seconds (with milliseconds as the fraction) from an ISO string, a number or a Date. */
export function epochSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'number') return value
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN
  return Number.isNaN(ms) ? undefined : ms / 1000
}

/** ISO-8601 in the form the Query protocol uses (`2024-01-01T00:00:00Z`). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

const TIMESTAMP_KEYS = ['CreateTime', 'UpdateTime', 'LastAccessTime', 'LastAnalyzedTime', 'CreationTime', 'SubmissionDateTime', 'CompletionDateTime'] as const

/**
 * A shallow copy of `obj` with its timestamp members (CreateTime, CreationTime, …) as epoch
 * seconds, the JSON 1.1 encoding. Output builders call it on each shape that has timestamps, which
 * is much cheaper than a JSON.stringify replacer over every key of a large page.
 */
export function withEpochTimes<T extends object>(obj: T): T {
  let out: Record<string, unknown> | undefined
  for (const key of TIMESTAMP_KEYS) {
    const v = (obj as Record<string, unknown>)[key]
    if (v === undefined || typeof v === 'number') continue
    out ??= { ...obj } as Record<string, unknown>
    out[key] = epochSeconds(v)
  }
  return (out ?? obj) as T
}

/** A slice of `items` after an opaque NextToken bound to `scope` (the operation and its arguments). */
export function paginate<T>(items: readonly T[], opts: { nextToken?: unknown; max: number; scope: string; invalid: () => AwsError }): { page: T[]; nextToken?: string } {
  let offset = 0
  if (opts.nextToken !== undefined && opts.nextToken !== null && opts.nextToken !== '') {
    offset = decodeToken(opts.nextToken, opts.scope, items.length) ?? -1
    if (offset < 0) throw opts.invalid()
  }
  const end = Math.min(items.length, offset + opts.max)
  const page = items.slice(offset, end)
  return end < items.length ? { page, nextToken: encodeToken(opts.scope, end) } : { page }
}

function encodeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, s: scope, o: offset }), 'utf8').toString('base64')
}

function decodeToken(token: unknown, scope: string, length: number): number | undefined {
  if (typeof token !== 'string') return undefined
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: unknown; s?: unknown; o?: unknown }
    if (parsed.v !== 1 || parsed.s !== scope) return undefined
    if (typeof parsed.o !== 'number' || !Number.isInteger(parsed.o) || parsed.o < 0 || parsed.o > length) return undefined
    return parsed.o
  } catch {
    return undefined
  }
}

/** Glue and Athena compare database and table names case-insensitively (Glue stores lower case). */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase()
}

/**
 * The GetTables / ListTableMetadata `Expression`: a regular expression in which a bare `*` means
 * "anything" (`sales*`, `orders|customers`, `events_0.*` all work), matched against the whole name,
 * case-insensitively. Undefined when the expression is not a valid pattern.
 */
export function nameFilter(expression: unknown): ((name: string) => boolean) | undefined {
  if (expression === undefined || expression === null || expression === '') return () => true
  if (typeof expression !== 'string') return undefined
  const source = expression.replace(/(^|[^.\\])\*/g, '$1.*')
  try {
    const re = new RegExp(`^(?:${source})$`, 'i')
    return (name) => re.test(name)
  } catch {
    return undefined
  }
}

/** A validated integer MaxResults, or the default when absent. */
export function maxResults(value: unknown, opts: { default: number; min: number; max: number; clamp: boolean; invalid: (msg: string) => AwsError }): number {
  if (value === undefined || value === null) return opts.default
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw opts.invalid(`1 validation error detected: Value '${typeof value === 'string' ? value : JSON.stringify(value)}' at 'maxResults' failed to satisfy constraint: Member must be an integer`)
  if (value < opts.min) throw opts.invalid(`1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to ${opts.min}`)
  if (value > opts.max) {
    if (opts.clamp) return opts.max
    throw opts.invalid(`1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${opts.max}`)
  }
  return value
}

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
}
