/**
 * Athena (Presto/Trino) views in Glue: `ViewOriginalText` is not SQL but a comment wrapping a base64 JSON document,
 * `/* Presto View: <base64(JSON)> *\/`, whose `originalSql` is the view's query (Trino's HiveViewCodec; Athena writes
 * the same). `ViewExpandedText` then holds the bare marker `/* Presto View *\/`.
 *
 * Mirrors upstream OpenMetadata's Glue reader (ingestion/.../database/glue/utils.py): accepts `Presto` or `Trino`,
 * an optional `Materialized`, any case and any whitespace/newlines; whitespace inside the payload is ignored and
 * missing `=` padding is restored. Unlike upstream (which logs and returns None), a corrupted payload throws
 * {@link ViewDecodeError} so the caller can record a failure.
 */

export interface PrestoViewColumn {
  name: string
  type: string
}

export interface PrestoViewDefinition {
  originalSql: string
  catalog?: string
  schema?: string
  columns?: PrestoViewColumn[]
}

export class ViewDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ViewDecodeError'
  }
}

const HEADER = /^\s*(?:presto|trino)\s+(?:materialized\s+)?view\s*:/i
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** The comment body when `text` is exactly one block comment (`/* … *\/`, surrounding whitespace allowed). */
function commentBody(text: string): string | undefined {
  const t = text.trim()
  if (t.length < 4 || !t.startsWith('/*') || !t.endsWith('*/')) return undefined
  const body = t.slice(2, -2)
  // A second comment inside (e.g. `/* a */ SELECT 1 /* b */`) means this is SQL with comments, not one comment.
  return body.includes('*/') ? undefined : body
}

/**
 * Decodes a Presto/Trino view text. Returns null when `text` is not a Presto view payload (plain SQL such as a Hive
 * view, the bare `/* Presto View *\/` marker, empty or missing text); throws {@link ViewDecodeError} when it is one
 * but its base64, UTF-8 or JSON is corrupted, or it holds no `originalSql`.
 */
export function decodePrestoView(text: string | null | undefined): PrestoViewDefinition | null {
  if (typeof text !== 'string') return null
  const body = commentBody(text)
  if (body === undefined) return null
  const header = HEADER.exec(body)
  if (!header) return null
  let encoded = body.slice(header[0].length).replace(/\s+/g, '')
  if (encoded.length === 0) throw new ViewDecodeError('Presto view payload is empty')
  if (!BASE64.test(encoded) || encoded.length % 4 === 1) {
    throw new ViewDecodeError('Presto view payload is not valid base64')
  }
  encoded += '='.repeat((4 - (encoded.length % 4)) % 4)
  let json: string
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'))
  } catch (err) {
    throw new ViewDecodeError('Presto view payload is not UTF-8 text', { cause: err })
  }
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch (err) {
    throw new ViewDecodeError(`Presto view payload is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ViewDecodeError('Presto view payload is not a JSON object')
  }
  const obj = data as Record<string, unknown>
  if (typeof obj.originalSql !== 'string' || obj.originalSql.trim() === '') {
    throw new ViewDecodeError("Presto view payload holds no 'originalSql'")
  }
  const out: PrestoViewDefinition = { originalSql: obj.originalSql }
  if (typeof obj.catalog === 'string') out.catalog = obj.catalog
  if (typeof obj.schema === 'string') out.schema = obj.schema
  if (Array.isArray(obj.columns)) {
    out.columns = obj.columns
      .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
      .filter((c) => typeof c.name === 'string' && typeof c.type === 'string')
      .map((c) => ({ name: c.name as string, type: c.type as string }))
  }
  return out
}

/** True when `text` is nothing but SQL block comments (e.g. the bare `/* Presto View *\/` marker) or blank. */
export function isOnlyComments(text: string): boolean {
  let i = 0
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++
    if (i >= text.length) return true
    if (!text.startsWith('/*', i)) return false
    const end = text.indexOf('*/', i + 2)
    if (end < 0) return false
    i = end + 2
  }
}

/** The Glue view fields {@link viewDefinitionOf} reads. */
export interface GlueViewLike {
  ViewOriginalText?: string | undefined
  ViewExpandedText?: string | undefined
  ViewDefinition?: { Representations?: { Dialect?: string | undefined; ViewOriginalText?: string | undefined; ViewExpandedText?: string | undefined }[] | undefined } | undefined
}

/**
 * The SQL of a Glue view: the decoded `originalSql` of a Presto/Trino view, else the first of ViewOriginalText,
 * ViewExpandedText (and, for Glue multi-dialect views, the ATHENA representation, then the others) that is real SQL
 * rather than a comment marker — e.g. a Hive view's HiveQL. Undefined when Glue holds no definition. Throws
 * {@link ViewDecodeError} for a corrupted Presto payload.
 */
export function viewDefinitionOf(view: GlueViewLike): string | undefined {
  const reps = [...(view.ViewDefinition?.Representations ?? [])].sort((a, b) => Number(b.Dialect?.toUpperCase() === 'ATHENA') - Number(a.Dialect?.toUpperCase() === 'ATHENA'))
  const candidates = [view.ViewOriginalText, view.ViewExpandedText, ...reps.flatMap((r) => [r.ViewOriginalText, r.ViewExpandedText])]
  for (const candidate of candidates) {
    if (typeof candidate !== 'string' || candidate.trim() === '') continue
    const presto = decodePrestoView(candidate)
    if (presto) return presto.originalSql.trim()
    if (!isOnlyComments(candidate)) return candidate.trim()
  }
  return undefined
}

const SIMPLE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
const LEADING_COMMENT = /^\s*(?:\/\*[\s\S]*?\*\/|--[^\n]*)/
const CREATE_VIEW = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:EXTERNAL\s+|MATERIALIZED\s+)?VIEW\b/i

function quoteIdentifier(identifier: string): string {
  return SIMPLE_IDENTIFIER.test(identifier) ? identifier : `"${identifier.replace(/"/g, '""')}"`
}

/**
 * `CREATE VIEW schema.view AS <sql>` unless `sql` already opens with a CREATE VIEW (past leading comments) — the
 * form upstream's Glue reader stores so that lineage parsing knows the target. Optional; the table builder stores
 * the bare query.
 */
export function toCreateViewStatement(sql: string, schemaName: string, viewName: string): string {
  let rest = sql
  for (let m = LEADING_COMMENT.exec(rest); m; m = LEADING_COMMENT.exec(rest)) rest = rest.slice(m[0].length)
  if (CREATE_VIEW.test(rest)) return sql
  return `CREATE VIEW ${quoteIdentifier(schemaName)}.${quoteIdentifier(viewName)} AS ${sql}`
}
