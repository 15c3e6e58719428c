import t from 'tap'
import { RE2JS } from 're2js'
import { compilePattern } from '../../src/ingest/filters.js'
import { MAX_REPEAT, PatternProblem, translatePythonRegex } from '../../src/ingest/python-regex.js'

// Each row: Python pattern → the RE2 source it becomes. The RE2 text is checked by compiling it, too.
const TRANSLATIONS: Array<[string, string]> = [
  ['^prod_.*', '^prod_.*'],
  ['(?P<p>sales)_\\d{4}', '(sales)_[\\p{Nd}]{4,4}'],
  ['\\Asales\\Z', '\\Asales\\z'],
  ['(?is)a.b', '(?s)a.b'],
  ['(?m)^a$', '(?m)^a$'],
  ['a{,3}b{2,}c{,}', 'a{0,3}b{2,}c{0,}'],
  ['a{x}{}{1', 'a\\{x\\}\\{\\}\\{1'],
  ['(?i:ab)(?#note)c(?-i:D)', '(?i:ab)c(?-i:D)'],
  ['(?s:.)(?ms-i:x)', '(?s:.)(?ms-i:x)'],
  ['[]a]', '[\\]a]'],
  ['[^]a-c-]', '[^\\]a-c\\-]'],
  ['[[:alpha:]]', '[\\[\\:alpha\\:]\\]'],
  ['[\\b\\d\\w]', '[\\x{8}\\p{Nd}\\p{L}\\p{N}_]'],
  ['\\w+\\W\\s\\S\\D', '[\\p{L}\\p{N}_]+[^\\p{L}\\p{N}_][\\x{9}-\\x{d}\\x{1c}-\\x{20}\\x{85}\\p{Z}][^\\x{9}-\\x{d}\\x{1c}-\\x{20}\\x{85}\\p{Z}][^\\p{Nd}]'],
  ['(?a)\\w\\d\\s[\\W]', '[0-9A-Za-z_][0-9][\\x{9}-\\x{d} ][\\W]'],
  ['(?a:\\w)\\w', '(?:[0-9A-Za-z_])[\\p{L}\\p{N}_]'],
  ['\\x41\\u00e9\\U0001F600\\0\\012\\101\\n\\t', 'Aé😀\\x{0}\\x{a}A\\x{a}\\x{9}'],
  ['a\\.b\\-c\\é\\ d', 'a\\.b\\-c\\é\\ d'.replace('\\é', 'é')],
  ['x*?y+?z??w{1,2}?', 'x*?y+?z??w{1,2}?'],
  ['(?x) a b  # comment\n [ ] c \\ d', 'ab[\\ ]c\\ d'],
  ['a|b|', 'a|b|'],
  ['\\bword\\B', '\\bword\\B'],
  ['日本.*', '日本.*'],
]

t.test('Python syntax becomes RE2 syntax', async (t) => {
  for (const [python, re2] of TRANSLATIONS) {
    t.equal(translatePythonRegex(python), re2, python)
    t.doesNotThrow(() => RE2JS.compile(re2), `RE2 compiles ${re2}`)
  }
})

// Python's own answers (re.match(p, name, re.IGNORECASE) is not None), checked against CPython 3.12.
const MATCHES: Array<[string, string, boolean]> = [
  ['(?P<p>sales)_\\d{4}', 'SALES_2024', true],
  ['\\d{4}', '٢٠٢٤', true], // Python's \d is Unicode Nd
  ['\\w+$', 'données', true],
  ['(?a)\\w+$', 'données', false],
  ['a\\s+b', 'a\u3000b', true],
  ['\\Asales\\Z', 'sales_x', false],
  ['\\Asales\\Z', 'sales', true],
  ['(?s)a.b', 'a\nb', true],
  ['a.b', 'a\nb', false],
  ['(?m)x$', 'x\ny', true],
  ['x$', 'x\ny', false],
  ['(?-i:Sales)', 'sales', false],
  ['(?-i:Sales)', 'Sales', true],
  ['[]a]+$', ']a]', true],
  ['[^]a]', 'b', true],
  ['[[:alpha:]]', 'h]', true], // a set of "[:alph" then a literal "]"
  ['[[:alpha:]]', 'a', false],
  ['\\x41\\101', 'aa', true],
  ['a{,2}$', 'aa', true],
  ['a{,2}$', 'aaa', false],
  ['a{x}', 'a{x}', true],
  ['(?x) sales _ \\d+  # a comment', 'sales_1', true],
  ['x|sales', 'tmp_sales', false],
  ['K', '\u212A', true], // Kelvin sign folds to k, in both
]

t.test('the translated pattern answers as Python does', async (t) => {
  for (const [pattern, name, expected] of MATCHES) t.equal(compilePattern(pattern).test(name), expected, `${pattern} ~ ${JSON.stringify(name)}`)
})

t.test('what RE2 cannot express is refused, naming the construct', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['(\\w+)_\\1', /a backreference \(\\1\) is not supported/],
    ['(a)\\12', /a backreference \(\\12\)/],
    ['(?P<x>a)(?P=x)', /a backreference \(\(\?P=name\)\)/],
    ['sales(?=_)', /a lookahead assertion \(\(\?=…\)\)/],
    ['sales(?!_tmp)', /a lookahead assertion \(\(\?!…\)\)/],
    ['(?<=x)sales', /a lookbehind assertion \(\(\?<=…\)\)/],
    ['(?<!x)sales', /a lookbehind assertion \(\(\?<!…\)\)/],
    ['(a)?(?(1)b|c)', /a conditional group/],
    ['(?>a+)b', /an atomic group/],
    ['a++b', /a possessive quantifier/],
    ['a{2}+', /a possessive quantifier/],
    [`a{${MAX_REPEAT + 1}}`, /a repetition count over 1000 \(\{1001\}\)/],
    ['a{1,5000}', /a repetition count over 1000/],
    ['\\N{EM DASH}', /a named Unicode escape/],
  ]
  for (const [pattern, reason] of cases) {
    const err = t.throws(() => translatePythonRegex(pattern)) as Error
    t.ok(err instanceof PatternProblem, pattern)
    t.match(err.message, reason, pattern)
    t.match(err.message, /linear-time engine \(RE2 syntax\)/, 'says why')
  }
})

t.test("what Python itself refuses is refused with Python's reason", async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['sales(', /missing \), unterminated subpattern/],
    ['sales)', /unbalanced parenthesis/],
    ['[a-', /unterminated character set/],
    ['[a', /unterminated character set/],
    ['[z-a]', /bad character range/],
    ['[\\d-z]', /bad character range/],
    ['*sales', /nothing to repeat/],
    ['^*', /nothing to repeat/],
    ['a|*', /nothing to repeat/],
    ['a**', /multiple repeat/],
    ['a{2}{3}', /multiple repeat/],
    ['a\\', /bad escape \(end of pattern\)/],
    ['\\q', /bad escape \\q/],
    ['[\\A]', /bad escape \\A/],
    ['\\x4', /incomplete escape \\x4/],
    ['\\u12', /incomplete escape/],
    ['\\U00110000', /bad escape/],
    ['\\477', /outside of range/],
    ['a(?i)b', /global flags not at the start/],
    ['(?L)a', /'L' flag/],
    ['(?au:a)', /incompatible/],
    ['(?-i)a', /missing :/],
    ['(?P<1x>a)', /bad character in group name/],
    ['(?P<a>x)(?P<a>y)', /redefinition of group name 'a'/],
    ['(?P<a', /unterminated name/],
    ['(?#never closed', /unterminated comment/],
    ['(?<n>a)', /unknown extension \?<n/],
    ['(?Q)', /unknown extension/],
    ['a{2,1}', /min repeat greater than max repeat/],
  ]
  for (const [pattern, reason] of cases) {
    const err = t.throws(() => translatePythonRegex(pattern), pattern) as Error
    t.ok(err instanceof PatternProblem, pattern)
    t.match(err.message, reason, `${pattern}: ${err.message}`)
  }
})
