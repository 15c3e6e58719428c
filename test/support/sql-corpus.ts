// The SQL lineage corpus (test/fixtures/sql: NN-name.sql + NN-name.json with the expected source and
// target tables) and the scoring used by the corpus test and scripts/sql-parser-accuracy.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface CorpusStatement {
  name: string
  sql: string
  description?: string
  /** QueryExecutionContext.Database the statement ran with. */
  defaultSchema: string
  /** Each table as its identifier parts ([table], [schema, table] or [catalog, schema, table]). */
  sources: string[][]
  targets: string[][]
}

/** What a candidate parser answers for one statement: table names as parts, or a failure to parse. */
export type CandidateAnswer = { sources: string[][]; targets: string[][] } | { error: string }

export const DEFAULT_CATALOG = 'awsdatacatalog'

// From source (test/support) and from dist/test/support alike.
const CORPUS_DIRS = [new URL('../fixtures/sql/', import.meta.url), new URL('../../../test/fixtures/sql/', import.meta.url)]

export function loadCorpus(): CorpusStatement[] {
  const dir = fileURLToPath(CORPUS_DIRS.find((u) => existsSync(u)) ?? CORPUS_DIRS[0]!)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -4)
      const side = JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8')) as Omit<CorpusStatement, 'name' | 'sql'>
      return { name, sql: readFileSync(`${dir}/${f}`, 'utf8'), ...side }
    })
}

/** `catalog.schema.table`, lower case, the statement's defaults filling what the name leaves out. */
export function normalisedKey(parts: string[], defaultSchema: string): string {
  const p = parts.map((x) => x.toLowerCase())
  const table = p[p.length - 1]!
  const schema = p.length >= 2 ? p[p.length - 2]! : defaultSchema.toLowerCase()
  const catalog = p.length >= 3 ? p[p.length - 3]! : DEFAULT_CATALOG
  return JSON.stringify([catalog, schema, table])
}

function sameSet(a: string[][], b: string[][], defaultSchema: string): boolean {
  const x = new Set(a.map((t) => normalisedKey(t, defaultSchema)))
  const y = new Set(b.map((t) => normalisedKey(t, defaultSchema)))
  return x.size === y.size && [...x].every((k) => y.has(k))
}

export interface StatementScore {
  name: string
  parsed: boolean
  sourcesRight: boolean
  targetsRight: boolean
  /** What was wrong, for the report. */
  detail?: string
}

export interface Score {
  statements: number
  parsed: number
  sourcesRight: number
  targetsRight: number
  /** Sources and targets both exactly right. */
  bothRight: number
  perStatement: StatementScore[]
}

export function scoreCandidate(corpus: CorpusStatement[], answer: (s: CorpusStatement) => CandidateAnswer): Score {
  const perStatement = corpus.map((s): StatementScore => {
    let a: CandidateAnswer
    try {
      a = answer(s)
    } catch (err) {
      a = { error: `threw: ${(err as Error).message}` }
    }
    if ('error' in a) return { name: s.name, parsed: false, sourcesRight: false, targetsRight: false, detail: a.error.split('\n')[0]!.slice(0, 160) }
    const sourcesRight = sameSet(a.sources, s.sources, s.defaultSchema)
    const targetsRight = sameSet(a.targets, s.targets, s.defaultSchema)
    const show = (t: string[][]) => t.map((x) => x.join('.')).join(', ') || '—'
    const detail = [sourcesRight ? '' : `sources ${show(a.sources)} (expected ${show(s.sources)})`, targetsRight ? '' : `targets ${show(a.targets)} (expected ${show(s.targets)})`]
      .filter(Boolean)
      .join('; ')
    return { name: s.name, parsed: true, sourcesRight, targetsRight, ...(detail ? { detail } : {}) }
  })
  const count = (f: (x: StatementScore) => boolean) => perStatement.filter(f).length
  return {
    statements: corpus.length,
    parsed: count((x) => x.parsed),
    sourcesRight: count((x) => x.sourcesRight),
    targetsRight: count((x) => x.targetsRight),
    bothRight: count((x) => x.sourcesRight && x.targetsRight),
    perStatement,
  }
}

/** One Markdown row: `| candidate | parsed | sources right | targets right | both right |`. */
export function scoreRow(candidate: string, s: Score): string {
  const pct = (n: number) => `${n}/${s.statements} (${Math.round((100 * n) / s.statements)} %)`
  return `| ${candidate} | ${pct(s.parsed)} | ${pct(s.sourcesRight)} | ${pct(s.targetsRight)} | ${pct(s.bothRight)} |`
}
