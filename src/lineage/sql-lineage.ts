/**
 * SQL lineage for Athena: which tables a statement reads and writes, and, where SQL alone says it,
 * which source columns each written column comes from.
 *
 * Athena runs DML in Trino's dialect (engine v3) and DDL in Hive's, plus its own UNLOAD. A statement
 * is parsed with dt-sql-parser's Trino grammar; Hive's grammar is the fallback for DDL (tables it
 * creates are targets; it reads none); `UNLOAD (query) TO 's3://…'` reads what its query reads and
 * writes no table. Nothing here throws on bad input: the answer is then `{ error }`.
 *
 * For view lineage, pass a view's SQL (Glue `ViewOriginalText` decoded, i.e. OM `schemaDefinition`)
 * with the view's schema as `defaultSchema`: the `sources` are the view's upstream tables, and
 * `columns` (no `target`: a bare SELECT writes no table; `toColumn` is the view's column) the column
 * lineage — see README.
 */
import { hiveParser, trinoParser } from './parsers.js'
import { lineageOfStatements, type Node, type StatementLineage } from './trino-lineage.js'
import { tableRef, uniqueTables, identifierPart, type ColumnLineage, type ColumnRef, type LineageDefaults, type TableRef } from './table-ref.js'

export type { ColumnLineage, ColumnRef, LineageDefaults, TableRef } from './table-ref.js'
export { tableKey, sameTable } from './table-ref.js'

export interface Lineage {
  targets: TableRef[]
  sources: TableRef[]
  /**
   * Column lineage of the written table's columns — for a bare SELECT, of its output columns (no
   * `target`). A column SQL alone cannot tell about (`*` over a base table, INSERT without a column
   * list, an unqualified column of two tables) is left out, never guessed.
   */
  columns: ColumnLineage[]
  /** Equality joins between columns of different tables (for usage's `joins`). */
  joins: Array<[ColumnRef, ColumnRef]>
  /** `select`, `createTableAsSelect`, `insert`, `merge`, `update`, `delete`, `createView`, `createTable`, `unload`, `ddl`, `other` (several statements: the first one's). */
  statementType: string
}

export type LineageOutcome = Lineage | { error: string }

export function isLineage(o: LineageOutcome): o is Lineage {
  return !('error' in o)
}

export function extractLineage(sql: string, defaults: LineageDefaults = {}): LineageOutcome {
  try {
    if (typeof sql !== 'string' || stripLeadingComments(sql).trim() === '') return { error: 'empty SQL' }
    const unload = unloadQuery(sql)
    if (unload !== undefined) {
      const inner = extractLineage(unload, defaults)
      return isLineage(inner) ? { ...inner, targets: [], columns: [], statementType: 'unload' } : inner
    }
    const errors: string[] = []
    const tree = trinoParser().parse(sql, (e) => {
      errors.push(`line ${e.startLine}:${e.startColumn} ${e.message}`)
    }) as unknown as Node
    if (errors.length === 0) return merge(lineageOfStatements(tree, sql, defaults))
    return hiveDdl(sql, defaults) ?? { error: errors[0]! }
  } catch (err) {
    return { error: `SQL lineage failed: ${(err as Error)?.message ?? String(err)}` }
  }
}

function merge(statements: StatementLineage[]): Lineage {
  if (statements.length === 0) return { targets: [], sources: [], columns: [], joins: [], statementType: 'other' }
  return {
    targets: uniqueTables(statements.flatMap((s) => s.targets)),
    sources: uniqueTables(statements.flatMap((s) => s.sources)),
    columns: statements.flatMap((s) => s.columns),
    joins: statements.flatMap((s) => s.joins),
    statementType: statements[0]!.statementType,
  }
}

/** Athena DDL (Hive grammar): a created table is a target; DDL reads no table. */
function hiveDdl(sql: string, defaults: LineageDefaults): Lineage | undefined {
  const hive = hiveParser()
  if (hive.validate(sql).length > 0) return undefined
  const created = (hive.getAllEntities(sql) ?? [])
    // EntityContextType's module loads only through parsers.ts's hooks: compare its string value.
    .filter((e) => (e.entityContextType as string) === 'tableCreate')
    .map((e) => tableRef(splitName(e.text), defaults))
  return { targets: uniqueTables(created), sources: [], columns: [], joins: [], statementType: 'ddl' }
}

/** `a.b`, `` `a`.`b` ``, `"a"."b.c"` → normalised parts. */
function splitName(text: string): string[] {
  const parts: string[] = []
  let current = ''
  let quote: string | undefined
  for (const ch of text) {
    if (quote) {
      current += ch
      if (ch === quote) quote = undefined
    } else if (ch === '"' || ch === '`') {
      quote = ch
      current += ch
    } else if (ch === '.') {
      parts.push(identifierPart(current))
      current = ''
    } else current += ch
  }
  parts.push(identifierPart(current))
  return parts
}

function stripLeadingComments(sql: string): string {
  let s = sql
  for (;;) {
    const t = s.trimStart()
    if (t.startsWith('--')) s = t.slice(t.indexOf('\n') < 0 ? t.length : t.indexOf('\n') + 1)
    else if (t.startsWith('/*')) s = t.slice(t.indexOf('*/') < 0 ? t.length : t.indexOf('*/') + 2)
    else return t
  }
}

/** The query of `UNLOAD (query) TO '…' WITH (…)`, or undefined when the statement is not an UNLOAD. */
function unloadQuery(sql: string): string | undefined {
  const s = stripLeadingComments(sql)
  const m = /^unload\s*\(/i.exec(s)
  if (!m) return undefined
  let depth = 0
  let quote: string | undefined
  for (let i = m[0].length - 1; i < s.length; i++) {
    const ch = s[i]!
    if (quote) {
      if (ch === quote) quote = undefined
      continue
    }
    if (ch === "'" || ch === '"') quote = ch
    else if (ch === '-' && s[i + 1] === '-') i = s.indexOf('\n', i) < 0 ? s.length : s.indexOf('\n', i)
    else if (ch === '/' && s[i + 1] === '*') i = s.indexOf('*/', i) < 0 ? s.length : s.indexOf('*/', i) + 1
    else if (ch === '(') depth++
    else if (ch === ')' && --depth === 0) return s.slice(m[0].length, i)
  }
  return undefined
}

/** Builds the parser's grammar tables once (about a second), so that the first real parse is fast. */
export function warmUpSqlParser(): void {
  extractLineage('CREATE VIEW s.v AS SELECT a FROM s.t')
}
