// `npm run sql-parser-accuracy [-- --node-sql-parser <dir>]`: measures SQL parser candidates on the
// Athena corpus in test/fixtures/sql (statements parsed; source and target tables exactly right) and
// prints a Markdown table (README "SQL lineage: parser choice").
//
// Candidates:
//  - dt-sql-parser (a dependency): its own entity API (`getAllEntities`, CTE names taken from its
//    parse tree), and this project's extractLineage, which walks the same parse tree;
//  - node-sql-parser (not a dependency): its `trino` and `athena` dialects through `tableList`, CTE
//    names from its AST. Loaded from `--node-sql-parser <dir>` (e.g. after
//    `npm i --prefix /tmp/nsp node-sql-parser@5.4.0`: `/tmp/nsp/node_modules/node-sql-parser`), or
//    skipped when it cannot be found.
import { createRequire } from 'node:module'
import { extractLineage, isLineage, type TableRef } from '../src/lineage/sql-lineage.js'
import { trinoGrammar, trinoParser } from '../src/lineage/parsers.js'
import { loadCorpus, scoreCandidate, scoreRow, type CandidateAnswer, type CorpusStatement, type Score } from '../test/support/sql-corpus.js'

const refParts = (t: TableRef) => [t.catalog, t.schema, t.table].filter((p): p is string => p !== undefined)

/** Splits `a.b."c.d"` into parts, unquoting. */
function nameParts(text: string): string[] {
  const parts: string[] = []
  const re = /"((?:[^"]|"")*)"|`([^`]*)`|([^."`]+)/g
  for (let m = re.exec(text); m; m = re.exec(text)) parts.push((m[1]?.replaceAll('""', '"') ?? m[2] ?? m[3]!).trim())
  return parts
}

function ours(s: CorpusStatement): CandidateAnswer {
  const l = extractLineage(s.sql, { defaultSchema: s.defaultSchema })
  return isLineage(l) ? { sources: l.sources.map(refParts), targets: l.targets.map(refParts) } : l
}

/** dt-sql-parser's own API: table entities, minus WITH names; created tables/views and INSERT targets are targets. */
function dtEntities(s: CorpusStatement): CandidateAnswer {
  const trino = trinoParser()
  const errors = trino.validate(s.sql)
  if (errors.length > 0) return { error: errors[0]!.message }
  const ctes = new Set<string>()
  const walk = (n: { children?: unknown[] | null; getText(): string }) => {
    if (n instanceof trinoGrammar.NamedQueryContext) ctes.add(n.identifier().getText().toLowerCase())
    for (const c of (n.children ?? []) as Array<typeof n>) walk(c)
  }
  walk(trino.parse(s.sql))
  const sources: string[][] = []
  const targets: string[][] = []
  for (const e of trino.getAllEntities(s.sql) ?? []) {
    const parts = nameParts(e.text)
    const kind = e.entityContextType as string // the enum's module loads only through parsers.ts's hooks
    if (kind === 'tableCreate' || kind === 'viewCreate') targets.push(parts)
    else if (kind === 'table' || kind === 'view') {
      if (parts.length === 1 && ctes.has(parts[0]!.toLowerCase())) continue
      const stmt = (e.belongStmt as { stmtContextType?: string } | undefined)?.stmtContextType
      if (stmt === 'insertStmt') targets.push(parts)
      else sources.push(parts)
    }
  }
  return { sources, targets }
}

interface NodeSqlParser {
  tableList(sql: string, opt: { database: string }): string[]
  astify(sql: string, opt: { database: string }): unknown
}

/** node-sql-parser: `tableList` gives `operation::db::table`; `select` is read, anything else written. */
function nodeSqlParser(parser: NodeSqlParser, database: string) {
  return (s: CorpusStatement): CandidateAnswer => {
    let list: string[]
    let ast: unknown
    try {
      ast = parser.astify(s.sql, { database })
      list = parser.tableList(s.sql, { database })
    } catch (err) {
      return { error: (err as Error).message }
    }
    const ctes = new Set<string>()
    const collect = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(collect)
      if (!node || typeof node !== 'object') return
      const w = (node as { with?: Array<{ name?: { value?: string } | string }> }).with
      if (Array.isArray(w)) for (const c of w) ctes.add(String(typeof c.name === 'string' ? c.name : c.name?.value).toLowerCase())
      Object.values(node).forEach(collect)
    }
    collect(ast)
    const sources: string[][] = []
    const targets: string[][] = []
    for (const entry of list) {
      const [op, db, table] = entry.split('::')
      const parts = [...(db && db !== 'null' ? nameParts(db) : []), ...nameParts(table!)]
      if (parts.length === 1 && ctes.has(parts[0]!.toLowerCase())) continue
      ;(op === 'select' ? sources : targets).push(parts)
    }
    return { sources, targets }
  }
}

function loadNodeSqlParser(): NodeSqlParser | undefined {
  const i = process.argv.indexOf('--node-sql-parser')
  const require = createRequire(import.meta.url)
  try {
    const mod = require(i > 0 ? process.argv[i + 1]! : 'node-sql-parser') as { Parser: new () => NodeSqlParser }
    return new mod.Parser()
  } catch {
    return undefined
  }
}

const corpus = loadCorpus()
const results: Array<[string, Score]> = [
  ['dt-sql-parser 4.5.1, TrinoSQL `getAllEntities`', scoreCandidate(corpus, dtEntities)],
  ['**extractLineage** (dt-sql-parser 4.5.1 Trino parse tree + Hive fallback + UNLOAD)', scoreCandidate(corpus, ours)],
]
const nsp = loadNodeSqlParser()
if (nsp) {
  const version = (() => {
    try {
      const i = process.argv.indexOf('--node-sql-parser')
      return (createRequire(import.meta.url)(`${i > 0 ? process.argv[i + 1] : 'node-sql-parser'}/package.json`) as { version: string }).version
    } catch {
      return '?'
    }
  })()
  results.unshift(
    [`node-sql-parser ${version}, \`trino\` dialect, \`tableList\``, scoreCandidate(corpus, nodeSqlParser(nsp, 'trino'))],
    [`node-sql-parser ${version}, \`athena\` dialect, \`tableList\``, scoreCandidate(corpus, nodeSqlParser(nsp, 'athena'))],
  )
} else {
  console.log('(node-sql-parser not found: pass --node-sql-parser <dir> to include it)\n')
}

console.log(`Corpus: ${corpus.length} Athena statements (test/fixtures/sql)\n`)
console.log('| candidate | parsed | sources exactly right | targets exactly right | both right |')
console.log('|---|---|---|---|---|')
for (const [name, score] of results) console.log(scoreRow(name, score))
if (process.argv.includes('--verbose')) {
  for (const [name, score] of results) {
    console.log(`\n${name}`)
    for (const s of score.perStatement) if (s.detail || !s.parsed) console.log(`  ${s.name}: ${s.parsed ? '' : 'NOT PARSED '}${s.detail ?? ''}`)
  }
}
