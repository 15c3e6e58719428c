// The Athena SQL corpus (test/fixtures/sql): extractLineage, on dt-sql-parser's grammars, must get the
// source and target tables of every statement exactly right — the rate measured when the parser was
// chosen (README "SQL lineage: parser choice"; `npm run sql-parser-accuracy` compares the candidates).
import t from 'tap'
import { extractLineage, isLineage, type TableRef } from '../../src/lineage/sql-lineage.js'
import { loadCorpus, scoreCandidate, scoreRow } from '../support/sql-corpus.js'

/** Measured on 2026-11-28 with dt-sql-parser 4.5.1: 47 of 47. */
const MEASURED = { statements: 47, parsed: 47, bothRight: 47 }

const parts = (r: TableRef) => [r.catalog, r.schema, r.table].filter((p): p is string => p !== undefined)

t.test('extractLineage over the corpus', async (t) => {
  const corpus = loadCorpus()
  t.ok(corpus.length >= 30, `at least 30 statements (${corpus.length})`)
  const score = scoreCandidate(corpus, (s) => {
    const l = extractLineage(s.sql, { defaultSchema: s.defaultSchema })
    return isLineage(l) ? { sources: l.sources.map(parts), targets: l.targets.map(parts) } : l
  })
  t.comment('| candidate | parsed | sources exactly right | targets exactly right | both right |')
  t.comment(scoreRow('extractLineage (dt-sql-parser 4.5.1)', score))
  for (const s of score.perStatement) if (s.detail || !s.parsed) t.comment(`  ${s.name}: ${s.parsed ? '' : 'NOT PARSED '}${s.detail ?? ''}`)
  t.ok(score.statements >= MEASURED.statements)
  t.ok(score.parsed >= MEASURED.parsed, `parsed ${score.parsed} >= ${MEASURED.parsed}`)
  t.ok(score.bothRight >= MEASURED.bothRight, `sources and targets exactly right ${score.bothRight} >= ${MEASURED.bothRight}`)
})
