import t from 'tap'
import { compileFilter, compilePattern, FilterPatternError, MAX_PATTERN_LENGTH } from '../../src/ingest/filters.js'
import { BadInputError } from '../../src/errors.js'

const kept = (f: (n: string) => boolean, names: string[]) => names.filter((n) => !f(n))
const NAMES = ['sales', 'sales_2024', 'Sales_EU', 'marketing', 'tmp_sales', 'sales_tmp', 'finance']

t.test('no pattern, or empty lists: nothing is filtered', async (t) => {
  for (const p of [undefined, null, {}, { includes: [], excludes: [] }, { includes: null, excludes: null }]) {
    t.same(kept(compileFilter(p), NAMES), NAMES, JSON.stringify(p))
  }
})

t.test('includes only: anchored at the start (re.match), case-insensitive', async (t) => {
  const f = compileFilter({ includes: ['sales'] })
  t.same(kept(f, NAMES), ['sales', 'sales_2024', 'Sales_EU', 'sales_tmp'], 'prefix match, any case; not tmp_sales')
  t.same(kept(compileFilter({ includes: ['2024'] }), NAMES), [], 'not a search: 2024 is not at the start')
  t.same(kept(compileFilter({ includes: ['.*2024'] }), NAMES), ['sales_2024'])
  t.same(kept(compileFilter({ includes: ['sales$'] }), NAMES), ['sales'], '$ anchors the end')
  t.same(kept(compileFilter({ includes: ['fin', 'MARK'] }), NAMES), ['marketing', 'finance'], 'any include')
  t.same(kept(compileFilter({ includes: ['x|sales'] }), ['tmp_sales', 'sales']), ['sales'], 'every alternative is anchored')
})

t.test('excludes only', async (t) => {
  const f = compileFilter({ excludes: ['.*tmp', 'FINANCE'] })
  t.same(kept(f, NAMES), ['sales', 'sales_2024', 'Sales_EU', 'marketing'])
})

t.test('both: must match an include and no exclude (excludes win)', async (t) => {
  const f = compileFilter({ includes: ['sales'], excludes: ['.*_tmp$', '.*eu'] })
  t.same(kept(f, NAMES), ['sales', 'sales_2024'])
  t.ok(f(''), 'an empty name is filtered out when a pattern is set (upstream)')
})

t.test('Python syntax is translated (test/unit/python-regex.test.ts has the full table)', async (t) => {
  t.ok(compilePattern('(?P<p>ab)_\\d').test('AB_1'))
  const f = compileFilter({ includes: ['(?i)SALES_\\d{4}\\Z'] })
  t.same(kept(f, NAMES), ['sales_2024'])
})

t.test('invalid patterns: FilterPatternError (a 400) naming the pattern, where it is and why', async (t) => {
  const bad: [string, RegExp][] = [
    ['sales(', /missing \), unterminated subpattern/],
    ['sales)', /unbalanced parenthesis/],
    ['[a-', /unterminated character set/],
    ['*sales', /nothing to repeat/],
    ['a\\', /bad escape/],
    ['a(?i)b', /global flags not at the start/],
    ['a{2,1}', /min repeat greater than max repeat/],
    ['(\\w+)_\\1', /a backreference \(\\1\) is not supported/],
    ['sales(?!_tmp)', /a lookahead assertion/],
    ['(?<=x)y', /a lookbehind assertion/],
    ['a{1001}', /a repetition count over 1000/],
    ['(a{1000}){1000}', /invalid repeat count/], // RE2's own limit on nested counts, passed on
    ['a'.repeat(MAX_PATTERN_LENGTH + 1), /limited to 500 characters/],
  ]
  for (const [pattern, reason] of bad) {
    const err = t.throws(() => compileFilter({ includes: ['ok'], excludes: [pattern] }, 'tableFilterPattern')) as FilterPatternError
    t.ok(err instanceof FilterPatternError, pattern)
    t.ok(err instanceof BadInputError, 'a BadInputError')
    t.equal(err.statusCode, 400)
    t.equal(err.pattern, pattern)
    t.equal(err.location, 'tableFilterPattern.excludes[0]')
    t.match(err.message, `Invalid regex in tableFilterPattern.excludes[0]: ${JSON.stringify(pattern)}`)
    t.match(err.reason, reason, `${pattern}: ${err.reason}`)
  }
})

// The shapes a backtracking engine takes exponential (or high polynomial) time on. On RE2 each is one pass over the
// name: these names of thousands of characters would not finish on a backtracking engine in any reasonable time.
t.test('catastrophic-backtracking families are accepted and answer correctly on long names', async (t) => {
  const a = 'a'.repeat(5_000)
  const x = 'x'.repeat(5_000)
  const cases: Array<[string, string, boolean]> = [
    ['(a+)+$', `${a}!`, false],
    ['(a+)+$', a, true],
    ['(\\w*)*x', a, false],
    ['(\\w*)*x', `${a}x`, true],
    ['(a|aa)+$', `${a}!`, false],
    ['(a|aa)+$', a, true],
    ['(a|a)*b', a, false],
    ['(a|a)*b', `${a}b`, true],
    ['(.{0,9}){13}!', 'a'.repeat(17), false], // the pattern that froze /health for 13 s (issue 10)
    ['(.{0,9}){13}!', a, false],
    ['(.{0,9}){13}!', `${'a'.repeat(117)}!`, true], // 13 × 9 characters, then "!"
    ['(.{0,9}){13}!', `${'a'.repeat(118)}!`, false],
    ['(x+x+)+y', x, false],
    ['(x+x+)+y', `${x}y`, true],
    ['.*.*.*.*=', a, false],
    ['.*.*.*.*=', `${a}=`, true],
    ['(.*a){20}', `${a}!`, true],
    ['(.*a){20}', `${'b'.repeat(5_000)}a`, false],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', `${a}!`, false],
  ]
  for (const [pattern, name, matches] of cases) {
    const isFiltered = compileFilter({ includes: [pattern] })
    t.equal(isFiltered(name), !matches, `${pattern} on ${name.length} characters: ${matches ? 'matches' : 'no match'}`)
  }
})

t.test('each regex is compiled once, and the sticky state does not leak between calls', async (t) => {
  const f = compileFilter({ includes: ['sales'] })
  for (let i = 0; i < 3; i++) {
    t.notOk(f('sales_x'))
    t.ok(f('xsales'))
  }
})
