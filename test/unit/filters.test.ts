import t from 'tap'
import {
  compileFilter,
  compilePattern,
  FilterPatternError,
  MAX_PATTERN_LENGTH,
  translatePythonRegex,
} from '../../src/ingest/filters.js'
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
  t.same(kept(compileFilter({ includes: ['x|sales'] }), ['tmp_sales', 'sales'], ), ['sales'], 'every alternative is anchored')
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

t.test('Python syntax is translated', async (t) => {
  t.same(translatePythonRegex('(?P<p>sales)_(?P=p)'), { source: '(?<p>sales)_\\k<p>', flags: '' })
  t.ok(compilePattern('(?P<p>ab)_(?P=p)').test('ab_ab'))
  t.same(translatePythonRegex('\\Asales\\Z'), { source: '^sales$', flags: '' })
  t.same(translatePythonRegex('(?is)a.b'), { source: 'a.b', flags: 's' })
  t.same(translatePythonRegex('a{,3}'), { source: 'a{0,3}', flags: '' })
  t.same(translatePythonRegex('(?i:ab)(?#note)c'), { source: '(?:ab)c', flags: '' })
  t.same(translatePythonRegex('[]a]'), { source: '[\\]a]', flags: '' })
  const f = compileFilter({ includes: ['(?i)SALES_\\d{4}\\Z'] })
  t.same(kept(f, NAMES), ['sales_2024'])
})

t.test('invalid patterns: FilterPatternError (a 400) naming the pattern and where it is', async (t) => {
  const bad: [string, RegExp][] = [
    ['sales(', /missing '\)'/],
    ['sales)', /unbalanced parenthesis/],
    ['[a-', /unterminated character set/],
    ['*sales', /Nothing to repeat/],
    ['a\\', /lone backslash/],
    ['a(?i)b', /global flags/],
    ['(?x)a b', /not supported/],
    ['a{2,1}', /numbers out of order/],
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

t.test('guards against catastrophic patterns', async (t) => {
  for (const pattern of ['(a+)+$', '(\\w*)*x', '(a|aa)+', '(x+y){2,9}', '((ab)*c)+', '.*.*.*x', 'a+\\w*.+b']) {
    t.throws(() => compilePattern(pattern), { name: 'FilterPatternError', message: /catastrophically/ }, pattern)
  }
  t.throws(() => compilePattern('a'.repeat(MAX_PATTERN_LENGTH + 1)), { message: /limited to 500 characters/ })
  for (const pattern of ['^prod_.*', '.*_tmp$', '(sales|marketing)_.*', '[a-z]+_v\\d+', '(ab)+', '(a|b)?c', '.*foo.*bar', 'a*?b']) {
    t.doesNotThrow(() => compilePattern(pattern), pattern)
  }
})

t.test('each regex is compiled once, and the sticky state does not leak between calls', async (t) => {
  const f = compileFilter({ includes: ['sales'] })
  for (let i = 0; i < 3; i++) {
    t.notOk(f('sales_x'))
    t.ok(f('xsales'))
  }
})
