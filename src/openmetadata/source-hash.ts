/**
 * `sourceHash` of a create request, computed as OpenMetadata's ingestion computes it
 * (ingestion/src/metadata/utils/source_hash.py, `generate_source_hash`): the request without
 * `sourceHash`, normalised (volatile `href`/`deleted`/`inherited` keys dropped at any depth; columns
 * sorted by ordinalPosition then name, recursively, with their tags by tagFQN; top-level tags by
 * tagFQN, tableConstraints by type and sorted columns, owners by FQN/name/id; schemaDefinition
 * whitespace collapsed), serialised as Python's `json.dumps(..., sort_keys=True)` (", " and ": "
 * separators, ASCII-only escapes, keys in code-point order), then MD5 in hex (32 characters, the
 * schema's maxLength).
 *
 * One deliberate difference: upstream hashes pydantic's `model_dump()`, which lists every field the
 * model declares (absent ones as null) and so changes with each upstream release's model; we hash the
 * request as it travels (absent fields absent). Hashes are therefore stable across our runs and our
 * versions, but not equal to upstream's: switching from upstream's connector rewrites each table once.
 */
import { createHash } from 'node:crypto'

const VOLATILE_KEYS = new Set(['href', 'deleted', 'inherited'])

/** Python's `\s` for str patterns (= str.isspace): JS `\s` lacks U+001C–U+001F and U+0085 and adds U+FEFF. */
const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const PY_SPACE_RUN = new RegExp(`${PY_SPACE}+`, 'g')
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g')

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

export function sourceHashOf(request: object): string {
  return createHash('md5').update(sourceHashText(request), 'utf8').digest('hex')
}

/** The text whose MD5 is the hash (upstream's `normalized_json`). */
export function sourceHashText(request: object): string {
  const { sourceHash: _excluded, ...rest } = request as Record<string, unknown>
  return pythonJsonDumps(normalizeForHash(rest as JsonObject))
}

/** The request with its sourceHash set (a new object; the input is not changed). */
export function withSourceHash<T extends object>(request: T): T & { sourceHash: string } {
  return { ...request, sourceHash: sourceHashOf(request) }
}

function normalizeForHash(data: JsonObject): JsonObject {
  const result = removeVolatile(data) as JsonObject
  if (Array.isArray(result.columns)) result.columns = sortColumns(result.columns)
  if (Array.isArray(result.tags)) result.tags = sortBy(result.tags, (t) => [str((t as JsonObject)?.tagFQN ?? '')])
  if (Array.isArray(result.tableConstraints)) {
    result.tableConstraints = sortBy(result.tableConstraints, (c) => {
      const cols = (c as JsonObject)?.columns
      return [str((c as JsonObject)?.constraintType ?? ''), Array.isArray(cols) ? cols.map(str).sort(comparePy).join(',') : '']
    })
  }
  if (Array.isArray(result.owners)) {
    result.owners = sortBy(result.owners, (o) => {
      const r = (o ?? {}) as JsonObject
      return [str(r.fullyQualifiedName || r.name || r.id || '')]
    })
  }
  if (typeof result.schemaDefinition === 'string' && result.schemaDefinition) {
    result.schemaDefinition = result.schemaDefinition.replace(PY_STRIP, '').replace(PY_SPACE_RUN, ' ')
  }
  return result
}

/** A deep copy without the volatile keys, and without undefined members (what is hashed is what travels as JSON). */
function removeVolatile(value: Json): Json {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : removeVolatile(v)))
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {}
    for (const k in value) {
      const v = value[k]
      if (v !== undefined && !VOLATILE_KEYS.has(k)) out[k] = removeVolatile(v)
    }
    return out
  }
  return value
}

function sortColumns(columns: Json[]): Json[] {
  if (columns.length === 0) return columns
  if (columns[0] === null || typeof columns[0] !== 'object' || Array.isArray(columns[0])) return sortBy(columns, (c) => [str(c)])
  // (ordinalPosition or +inf, name): columns without a position sort after those with one.
  const sorted = sortBy(columns, (c) => {
    const col = c as JsonObject
    return [typeof col.ordinalPosition === 'number' ? col.ordinalPosition : Infinity, str(col.name ?? '')]
  })
  for (const c of sorted) {
    const col = c as JsonObject
    if (Array.isArray(col.children) && col.children.length > 0) col.children = sortColumns(col.children)
    if (Array.isArray(col.tags) && col.tags.length > 0) col.tags = sortBy(col.tags, (t) => [str((t as JsonObject)?.tagFQN ?? '')])
  }
  return sorted
}

/** A stable sort by a tuple key, compared element by element as Python compares tuples. */
function sortBy(items: Json[], key: (item: Json) => Array<string | number>): Json[] {
  const keyed = items.map((item) => ({ item, k: key(item) }))
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.min(a.k.length, b.k.length); i++) {
      const x = a.k[i]!
      const y = b.k[i]!
      const c = typeof x === 'number' && typeof y === 'number' ? (x < y ? -1 : x > y ? 1 : 0) : comparePy(String(x), String(y))
      if (c !== 0) return c
    }
    return a.k.length - b.k.length
  })
  return keyed.map((e) => e.item)
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? 'None' : typeof v === 'object' ? JSON.stringify(v) : String(v)
}

/** Python orders strings by code point; JS by UTF-16 unit (an astral character would sort before U+E000–U+FFFF). */
export function comparePy(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    const xs = x >= 0xd800 && x <= 0xdfff
    const ys = y >= 0xd800 && y <= 0xdfff
    if (xs && !ys && y >= 0xe000) return 1
    if (ys && !xs && x >= 0xe000) return -1
    return x - y
  }
  return a.length - b.length
}

/** Python's `json.dumps(value, sort_keys=True)` with its defaults (ensure_ascii, ", " and ": "). */
export function pythonJsonDumps(value: Json): string {
  if (value === null) return 'null'
  if (value === true) return 'true'
  if (value === false) return 'false'
  if (typeof value === 'number') return pythonNumber(value)
  if (typeof value === 'string') return pythonString(value)
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`
  const keys = Object.keys(value)
  // UTF-16 order is code-point order unless a key holds a surrogate (rare): the native sort is much faster.
  keys.sort(keys.some(hasSurrogate) ? comparePy : undefined)
  return `{${keys.map((k) => `${pythonString(k)}: ${pythonJsonDumps(value[k]!)}`).join(', ')}}`
}

function pythonNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) return String(n)
  // float repr: JS writes 1e-7 where Python writes 1e-07.
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2')
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' }

function pythonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`
  // ensure_ascii: everything outside space..tilde is escaped; astral characters as their surrogate pair.
  return `"${s.replace(ESCAPED, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`
}

const NEEDS_ESCAPE = /[^ -~]|["\\]/
const ESCAPED = /[^ -~]|["\\]/g

function hasSurrogate(s: string): boolean {
  return /[\ud800-\udfff]/.test(s)
}
