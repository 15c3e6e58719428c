// The little SQL the fake Athena evaluates: `SELECT <literals>` (SELECT 1, SELECT 'a' AS x, …) and
// `SELECT <*|columns|literals> FROM <table>`, which succeeds with the header row and no data when
// the table exists. Text that is not a statement fails StartQueryExecution as a syntax error, as
// Athena does (InvalidRequestException / MALFORMED_QUERY); semantic errors (unknown table, column)
// and every other statement produce a FAILED query with Athena's error naming.
import { AwsError } from './protocol.js'

export interface ResultColumn {
  name: string
  type: string
  precision: number
  scale: number
  caseSensitive: boolean
}

export type SqlOutcome = { kind: 'rows'; columns: ResultColumn[]; rows: Array<Array<string | null>> } | { kind: 'failed'; errorName: string; message: string; errorType: number }

export interface Analysis {
  statementType: 'DML' | 'DDL' | 'UTILITY'
  substatementType?: string
  outcome: SqlOutcome
}

/** How a FROM reference resolves: the table's columns (hive types), or what is missing. */
export type TableLookup = { columns: Array<{ Name: string; Type?: string }> } | { missing: 'catalog' | 'schema' | 'table'; name: string }

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'punct'
  text: string
  line: number
  col: number
}

const STATEMENTS: Record<string, { type: Analysis['statementType']; sub?: string }> = {
  SELECT: { type: 'DML', sub: 'SELECT' },
  WITH: { type: 'DML', sub: 'SELECT' },
  VALUES: { type: 'DML', sub: 'SELECT' },
  TABLE: { type: 'DML', sub: 'SELECT' },
  EXPLAIN: { type: 'DML', sub: 'EXPLAIN' },
  INSERT: { type: 'DML', sub: 'INSERT' },
  UPDATE: { type: 'DML', sub: 'UPDATE' },
  DELETE: { type: 'DML', sub: 'DELETE' },
  MERGE: { type: 'DML', sub: 'MERGE' },
  UNLOAD: { type: 'DML', sub: 'UNLOAD' },
  SHOW: { type: 'UTILITY' },
  DESCRIBE: { type: 'UTILITY' },
  DESC: { type: 'UTILITY' },
  USE: { type: 'UTILITY' },
  CREATE: { type: 'DDL' },
  DROP: { type: 'DDL' },
  ALTER: { type: 'DDL' },
  MSCK: { type: 'DDL' },
  OPTIMIZE: { type: 'DDL' },
  VACUUM: { type: 'DDL' },
  PREPARE: { type: 'UTILITY' },
  EXECUTE: { type: 'UTILITY' },
  DEALLOCATE: { type: 'UTILITY' },
  CALL: { type: 'UTILITY' },
  GRANT: { type: 'DDL' },
  REVOKE: { type: 'DDL' },
}

const EXPECTING =
  "'ALTER', 'ANALYZE', 'CALL', 'COMMENT', 'COMMIT', 'CREATE', 'DEALLOCATE', 'DELETE', 'DENY', 'DESC', 'DESCRIBE', " +
  "'DROP', 'EXECUTE', 'EXPLAIN', 'GRANT', 'INSERT', 'MERGE', 'PREPARE', 'REFRESH', 'RESET', 'REVOKE', 'ROLLBACK', " +
  "'SET', 'SHOW', 'START', 'TRUNCATE', 'UPDATE', 'USE', 'WITH', <query>"

export function malformed(message: string): AwsError {
  return new AwsError('InvalidRequestException', message, 400, { AthenaErrorCode: 'MALFORMED_QUERY', ErrorCode: 'MALFORMED_QUERY' })
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const at = () => ({ line, col: i - lineStart + 1 })
  while (i < sql.length) {
    const c = sql[i]!
    if (c === '\n') {
      i++
      line++
      lineStart = i
      continue
    }
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++
      continue
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      const stop = end < 0 ? sql.length : end + 2
      for (; i < stop; i++)
        if (sql[i] === '\n') {
          line++
          lineStart = i + 1
        }
      continue
    }
    const pos = at()
    if (c === "'" || c === '"') {
      let j = i + 1
      let text = ''
      for (;;) {
        if (j >= sql.length) throw malformed(`line ${pos.line}:${pos.col}: mismatched input '${c}'. Expecting: <expression>`)
        if (sql[j] === c && sql[j + 1] === c) {
          text += c
          j += 2
          continue
        }
        if (sql[j] === c) break
        text += sql[j]
        j++
      }
      tokens.push({ kind: c === "'" ? 'string' : 'quoted', text, ...pos })
      i = j + 1
      continue
    }
    const num = /^(\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)/.exec(sql.slice(i))
    if (num) {
      tokens.push({ kind: 'number', text: num[0], ...pos })
      i += num[0].length
      continue
    }
    const word = /^[A-Za-z_][A-Za-z0-9_$@]*/.exec(sql.slice(i))
    if (word) {
      tokens.push({ kind: 'word', text: word[0], ...pos })
      i += word[0].length
      continue
    }
    tokens.push({ kind: 'punct', text: c, ...pos })
    i++
  }
  while (tokens.length && tokens[tokens.length - 1]!.text === ';') tokens.pop()
  return tokens
}

const upper = (t: Token | undefined) => (t && t.kind === 'word' ? t.text.toUpperCase() : undefined)

/** Analyses `sql`; throws the synchronous StartQueryExecution error for text that is not a statement. */
export function analyse(sql: string, lookup: (parts: string[]) => TableLookup): Analysis {
  const tokens = tokenize(sql)
  const first = tokens[0]
  if (!first) throw malformed("line 1:1: mismatched input '<EOF>'. Expecting: " + EXPECTING)
  const kw = upper(first)
  const stmt = kw ? STATEMENTS[kw] : undefined
  if (!stmt) throw malformed(`line ${first.line}:${first.col}: mismatched input '${first.text}'. Expecting: ${EXPECTING}`)
  const base = { statementType: stmt.type, ...(stmt.sub ? { substatementType: stmt.sub } : {}) }
  if (kw !== 'SELECT') return { ...base, outcome: notSupported(first) }
  return { ...base, outcome: select(tokens, lookup) }
}

function notSupported(at: Token): SqlOutcome {
  return {
    kind: 'failed',
    errorName: 'NOT_SUPPORTED',
    message: `NOT_SUPPORTED: line ${at.line}:${at.col}: the AWS test endpoint runs only SELECT <literals> and SELECT ... FROM <table>`,
    errorType: 1200,
  }
}

interface Item {
  tokens: Token[]
  alias?: string
}

function select(tokens: Token[], lookup: (parts: string[]) => TableLookup): SqlOutcome {
  let i = 1
  if (upper(tokens[i]) === 'DISTINCT' || upper(tokens[i]) === 'ALL') i++
  const items: Item[] = []
  let current: Token[] = []
  let depth = 0
  for (; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === 'punct' && t.text === '(') depth++
    if (t.kind === 'punct' && t.text === ')') depth--
    if (depth === 0 && upper(t) === 'FROM') break
    if (depth === 0 && t.kind === 'punct' && t.text === ',') {
      items.push(splitAlias(current))
      current = []
      continue
    }
    current.push(t)
  }
  if (current.length) items.push(splitAlias(current))
  const selectEnd = tokens[i]
  if (!items.length || items.some((it) => !it.tokens.length)) {
    const bad = selectEnd ?? tokens[tokens.length - 1]!
    throw malformed(`line ${bad.line}:${bad.col}: mismatched input '${selectEnd ? selectEnd.text : '<EOF>'}'. Expecting: '*', <expression>`)
  }

  let table: Array<{ Name: string; Type?: string }> | undefined
  if (selectEnd) {
    const ref = tableRef(tokens, i + 1)
    if (!ref) {
      const bad = tokens[i + 1] ?? selectEnd
      throw malformed(`line ${bad.line}:${bad.col}: mismatched input '${tokens[i + 1]?.text ?? '<EOF>'}'. Expecting: <identifier>`)
    }
    const found = lookup(ref.parts)
    if ('missing' in found) {
      const what = { catalog: 'Catalog', schema: 'Schema', table: 'Table' }[found.missing]
      const errorName = `${found.missing.toUpperCase()}_NOT_FOUND`
      return { kind: 'failed', errorName, message: `${errorName}: line ${ref.at.line}:${ref.at.col}: ${what} '${found.name}' does not exist`, errorType: 1301 }
    }
    table = found.columns
  }

  const columns: ResultColumn[] = []
  const row: Array<string | null> = []
  for (const [n, item] of items.entries()) {
    const lit = literal(item.tokens)
    if (lit) {
      columns.push({ ...lit.column, name: item.alias ?? `_col${n}` })
      row.push(lit.value)
      continue
    }
    const t0 = item.tokens[0]!
    if (item.tokens.length === 1 && t0.text === '*' && table) {
      for (const c of table) columns.push(resultColumn(c.Name, c.Type ?? 'string'))
      continue
    }
    if (item.tokens.length === 1 && (t0.kind === 'word' || t0.kind === 'quoted')) {
      const col = table?.find((c) => c.Name.toLowerCase() === t0.text.toLowerCase())
      if (!col) return { kind: 'failed', errorName: 'COLUMN_NOT_FOUND', message: `COLUMN_NOT_FOUND: line ${t0.line}:${t0.col}: Column '${t0.text}' cannot be resolved`, errorType: 1006 }
      columns.push(resultColumn(item.alias ?? col.Name, col.Type ?? 'string'))
      continue
    }
    return notSupported(t0)
  }
  // Athena's first result row holds the column names; a FROM query here returns no data rows.
  return { kind: 'rows', columns, rows: table ? [] : [row] }
}

function splitAlias(tokens: Token[]): Item {
  const n = tokens.length
  if (n >= 3 && upper(tokens[n - 2]) === 'AS' && (tokens[n - 1]!.kind === 'word' || tokens[n - 1]!.kind === 'quoted')) {
    return { tokens: tokens.slice(0, n - 2), alias: tokens[n - 1]!.text }
  }
  if (n === 2 && (tokens[1]!.kind === 'word' || tokens[1]!.kind === 'quoted')) {
    return { tokens: [tokens[0]!], alias: tokens[1]!.text }
  }
  return { tokens }
}

function tableRef(tokens: Token[], start: number): { parts: string[]; at: Token } | undefined {
  const parts: string[] = []
  let i = start
  for (;;) {
    const t = tokens[i]
    if (!t || (t.kind !== 'word' && t.kind !== 'quoted')) return undefined
    parts.push(t.kind === 'word' ? t.text.toLowerCase() : t.text)
    if (tokens[i + 1]?.text === '.' && parts.length < 3) {
      i += 2
      continue
    }
    return { parts, at: tokens[start]! }
  }
}

function literal(tokens: Token[]): { column: Omit<ResultColumn, 'name'>; value: string | null } | undefined {
  let sign = ''
  let ts = tokens
  if (ts.length === 2 && ts[0]!.text === '-' && ts[1]!.kind === 'number') {
    sign = '-'
    ts = ts.slice(1)
  }
  if (ts.length === 1) {
    const t = ts[0]!
    if (t.kind === 'number') {
      if (/^\d+$/.test(t.text)) {
        const v = BigInt(sign + t.text)
        const isInt = v >= -2147483648n && v <= 2147483647n
        return { column: resultColumnSpec(isInt ? 'integer' : 'bigint'), value: v.toString() }
      }
      return { column: resultColumnSpec('double'), value: javaDouble(Number(sign + t.text)) }
    }
    if (t.kind === 'string') return { column: resultColumnSpec(`varchar(${[...t.text].length})`), value: t.text }
    const w = upper(t)
    if (w === 'TRUE' || w === 'FALSE') return { column: resultColumnSpec('boolean'), value: w.toLowerCase() }
    if (w === 'NULL') return { column: { type: 'unknown', precision: 0, scale: 0, caseSensitive: false }, value: null }
  }
  if (ts.length === 2 && ts[1]!.kind === 'string') {
    const w = upper(ts[0])
    if (w === 'DATE') return { column: resultColumnSpec('date'), value: ts[1]!.text }
    if (w === 'TIMESTAMP') return { column: resultColumnSpec('timestamp'), value: ts[1]!.text }
  }
  return undefined
}

function javaDouble(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e7) return n.toFixed(1)
  const s = String(n)
  return s.includes('e') ? s.replace(/e\+?/, 'E').replace(/^(-?\d+)E/, '$1.0E') : s
}

/** Athena's ColumnInfo for a hive/Trino type name: base type plus precision/scale as Athena reports them. */
export function resultColumn(name: string, hiveType: string): ResultColumn {
  return { name, ...resultColumnSpec(hiveType) }
}

function resultColumnSpec(hiveType: string): Omit<ResultColumn, 'name'> {
  const t = hiveType.trim().toLowerCase()
  const params = /^(\w+)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(t)
  if (params) {
    const base = params[1]!
    const p = Number(params[2])
    const s = Number(params[3] ?? 0)
    if (base === 'decimal') return { type: 'decimal', precision: p, scale: s, caseSensitive: false }
    if (base === 'varchar' || base === 'char') return { type: base, precision: p, scale: 0, caseSensitive: true }
    if (base === 'timestamp') return { type: 'timestamp', precision: p, scale: 0, caseSensitive: false }
  }
  if (t.startsWith('array<')) return { type: 'array', precision: 0, scale: 0, caseSensitive: false }
  if (t.startsWith('map<')) return { type: 'map', precision: 0, scale: 0, caseSensitive: false }
  if (t.startsWith('struct<') || t.startsWith('row(')) return { type: 'row', precision: 0, scale: 0, caseSensitive: false }
  const fixed: Record<string, Omit<ResultColumn, 'name'>> = {
    string: { type: 'varchar', precision: 2147483647, scale: 0, caseSensitive: true },
    varchar: { type: 'varchar', precision: 2147483647, scale: 0, caseSensitive: true },
    int: { type: 'integer', precision: 10, scale: 0, caseSensitive: false },
    integer: { type: 'integer', precision: 10, scale: 0, caseSensitive: false },
    bigint: { type: 'bigint', precision: 19, scale: 0, caseSensitive: false },
    smallint: { type: 'smallint', precision: 5, scale: 0, caseSensitive: false },
    tinyint: { type: 'tinyint', precision: 3, scale: 0, caseSensitive: false },
    double: { type: 'double', precision: 17, scale: 0, caseSensitive: false },
    float: { type: 'float', precision: 17, scale: 0, caseSensitive: false },
    real: { type: 'float', precision: 17, scale: 0, caseSensitive: false },
    boolean: { type: 'boolean', precision: 0, scale: 0, caseSensitive: false },
    date: { type: 'date', precision: 0, scale: 0, caseSensitive: false },
    timestamp: { type: 'timestamp', precision: 3, scale: 0, caseSensitive: false },
    binary: { type: 'varbinary', precision: 1073741824, scale: 0, caseSensitive: false },
  }
  return fixed[t] ?? { type: t.replace(/[<(].*$/, ''), precision: 0, scale: 0, caseSensitive: false }
}
