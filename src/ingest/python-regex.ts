/**
 * Python `re` syntax → RE2 syntax, so that user-supplied patterns written for OpenMetadata (whose filters are Python
 * regexes) run on a linear-time engine. The translator parses the pattern the way CPython's `sre_parse` does and
 * re-emits every construct in RE2 spelling, so nothing reaches the engine that the two dialects read differently:
 *  - `(?P<name>…)` → a plain group (names do not matter for a match and Python allows names RE2 refuses);
 *  - `\A` → `\A`, `\Z` → `\z`, `{,n}` → `{0,n}`, `{,}` → `{0,}`, a `{` that is no quantifier → a literal;
 *  - global flags `(?aimsux)` at the start, scoped `(?ims-ims:…)`: `i`/`m`/`s` become RE2 flags, `a` switches
 *    `\d \w \s` to ASCII, `u` is the default, `x` (verbose: whitespace and `#` comments dropped) is applied here;
 *  - `(?#comment)` is dropped; octal `\0`, `\012`, `\x41`, `\u00e9`, `\U0001F600` → `\x{…}`; `[\b]` → backspace;
 *  - `\d \w \s` keep Python's Unicode meaning (`\p{Nd}`, `[\p{L}\p{N}_]`, Python's whitespace set).
 * What RE2 cannot run in linear time is refused, naming the construct: backreferences (`\1`, `(?P=name)`),
 * lookahead/lookbehind, conditionals `(?(1)…)`, atomic groups, possessive quantifiers, repetition counts over 1000,
 * `\N{…}` (no Unicode name table here). Python syntax errors are refused with Python's reason.
 *
 * Where the result still differs from Python (documented in the README):
 *  - `\b`, `\B` are ASCII word boundaries (RE2 has no Unicode ones); `\W`, `\S` inside a character set (`[\W_]`)
 *    keep RE2's ASCII meaning, because RE2 cannot put a negated Unicode class inside a set;
 *  - `$` without `(?m)` matches only at the very end (Python's also matches before a final `\n`): not visible on
 *    catalog names, since Glue and Athena names are single-line strings;
 *  - RE2 finds the same matches but its leftmost-first choice never changes a yes/no answer, which is all a filter
 *    asks, so lazy vs greedy quantifiers make no difference.
 * References: CPython Lib/re/_parser.py (`_escape`, `_class_escape`, `_parse`), RE2 wiki "Syntax".
 */

/** The pattern is not valid Python, or uses a construct RE2 cannot run; `message` is the reason shown to users. */
export class PatternProblem extends Error {}

/** RE2's (and Go's) limit on `{n}`, `{n,m}` counts. */
export const MAX_REPEAT = 1000

const unsupported = (construct: string) =>
  new PatternProblem(`${construct} is not supported: filter patterns run on a linear-time engine (RE2 syntax), which cannot express it; rewrite the pattern without it`)

interface Scope {
  ascii: boolean
  verbose: boolean
}

/** What a following quantifier would apply to (Python: "nothing to repeat", "multiple repeat"). */
type Last = 'nothing' | 'assertion' | 'atom' | 'repeat'

const HEX = /^[0-9a-fA-F]+$/
const IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u
const OCTAL = /[0-7]/
const DIGIT = /[0-9]/
const WHITESPACE = ' \t\n\r\v\f'

/** Python's Unicode `str.isspace()` set: bidi WS/B/S or category Zs (\p{Z} adds U+2028/U+2029, both in it). */
const UNICODE_SPACE = '\\x{9}-\\x{d}\\x{1c}-\\x{20}\\x{85}\\p{Z}'
const UNICODE_WORD = '\\p{L}\\p{N}_'
const ASCII_SPACE = '\\x{9}-\\x{d} '
const ASCII_WORD = '0-9A-Za-z_'

/** `\d \D \w \W \s \S`: outside a set (`inSet` false) a complete atom, inside one the set items. */
function category(letter: string, scope: Scope, inSet: boolean): string {
  const [word, space, digit] = scope.ascii ? [ASCII_WORD, ASCII_SPACE, '0-9'] : [UNICODE_WORD, UNICODE_SPACE, '\\p{Nd}']
  switch (letter) {
    case 'd':
      return inSet ? digit : `[${digit}]`
    case 'D':
      return inSet ? (scope.ascii ? '\\D' : '\\P{Nd}') : `[^${digit}]`
    case 'w':
      return inSet ? word : `[${word}]`
    case 's':
      return inSet ? space : `[${space}]`
    case 'W':
      return inSet ? '\\W' : `[^${word}]`
    default: // 'S'
      return inSet ? '\\S' : `[^${space}]`
  }
}

/** A code point written so RE2 reads it literally, inside or outside a set. */
function literal(cp: number): string {
  const ch = String.fromCodePoint(cp)
  if (/^\w$/.test(ch) || cp > 0x7f) return ch
  if (cp < 0x20 || cp === 0x7f) return `\\x{${cp.toString(16)}}`
  return `\\${ch}` // ASCII punctuation and space: escaping is always a literal in RE2
}

/** Translates a Python regex to RE2 syntax; throws {@link PatternProblem}. */
export function translatePythonRegex(source: string): string {
  const chars = Array.from(source) // code points: a pattern may hold astral characters
  let i = 0
  let out = ''
  let last: Last = 'nothing'
  let started = false // global flags are only allowed before anything else (Python 3.11)
  const groupNames = new Set<string>()
  const stack: Scope[] = []
  let scope: Scope = { ascii: false, verbose: false }

  const peek = (k = 0) => chars[i + k]
  const take = () => chars[i++]
  const takeWhile = (re: RegExp, max = Infinity) => {
    let s = ''
    while (s.length < max && peek() !== undefined && re.test(peek()!)) s += take()
    return s
  }

  /** `\x..`, `\u....`, `\U........`: exactly that many hex digits, as Python requires. */
  const hexEscape = (letter: string, digits: number): number => {
    const hex = chars.slice(i, i + digits).join('')
    if (hex.length !== digits || !HEX.test(hex)) throw new PatternProblem(`incomplete escape \\${letter}${hex}`)
    i += digits
    const cp = parseInt(hex, 16)
    if (cp > 0x10ffff) throw new PatternProblem(`bad escape \\${letter}${hex}`)
    return cp
  }

  /** Escapes both contexts share: a code point, or undefined when `c` is not one of them. */
  const sharedEscape = (c: string): number | undefined => {
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 }
    if (c in simple) return simple[c]
    if (c === 'x') return hexEscape('x', 2)
    if (c === 'u') return hexEscape('u', 4)
    if (c === 'U') return hexEscape('U', 8)
    if (c === 'N') throw unsupported('a named Unicode escape \\N{…}')
    return undefined
  }

  const escapeOutside = (): string => {
    const c = take()
    if (c === undefined) throw new PatternProblem('bad escape (end of pattern)')
    const shared = sharedEscape(c)
    if (shared !== undefined) {
      last = 'atom'
      return literal(shared)
    }
    if (c === 'A' || c === 'Z' || c === 'b' || c === 'B') {
      last = 'assertion'
      return c === 'Z' ? '\\z' : `\\${c}`
    }
    last = 'atom'
    if ('dDwWsS'.includes(c)) return category(c, scope, false)
    if (c === '0') return literal(parseInt(takeWhile(OCTAL, 2) || '0', 8))
    if (DIGIT.test(c)) {
      // Python: three octal digits are an octal escape, anything else is a group reference.
      let digits = c
      if (peek() !== undefined && DIGIT.test(peek()!)) {
        digits += take()
        if (OCTAL.test(digits[0]!) && OCTAL.test(digits[1]!) && peek() !== undefined && OCTAL.test(peek()!)) {
          digits += take()
          const cp = parseInt(digits, 8)
          if (cp > 0o377) throw new PatternProblem(`octal escape value \\${digits} outside of range 0-0o377`)
          return literal(cp)
        }
      }
      throw unsupported(`a backreference (\\${digits})`)
    }
    if (/[A-Za-z]/.test(c)) throw new PatternProblem(`bad escape \\${c}`)
    return literal(c.codePointAt(0)!)
  }

  /** One item of a set: a code point, or set items for a category (which cannot bound a range). */
  const setItem = (): { cp: number } | { items: string } => {
    const c = take()!
    if (c !== '\\') return { cp: c.codePointAt(0)! }
    const e = take()
    if (e === undefined) throw new PatternProblem('unterminated character set')
    const shared = sharedEscape(e)
    if (shared !== undefined) return { cp: shared }
    if (e === 'b') return { cp: 8 } // backspace inside a set, as in Python
    if ('dDwWsS'.includes(e)) return { items: category(e, scope, true) }
    if (OCTAL.test(e)) {
      const cp = parseInt(e + takeWhile(OCTAL, 2), 8)
      if (cp > 0o377) throw new PatternProblem(`octal escape value outside of range 0-0o377`)
      return { cp }
    }
    if (/[A-Za-z0-9]/.test(e)) throw new PatternProblem(`bad escape \\${e}`)
    return { cp: e.codePointAt(0)! }
  }

  const characterSet = (): string => {
    let set = '['
    if (peek() === '^') {
      set += '^'
      i++
    }
    let first = true
    for (;;) {
      if (peek() === undefined) throw new PatternProblem('unterminated character set')
      if (peek() === ']' && !first) {
        i++
        break
      }
      first = false
      const lo = setItem()
      if (peek() === '-' && peek(1) !== undefined && peek(1) !== ']') {
        i++
        const hi = setItem()
        if (!('cp' in lo) || !('cp' in hi) || hi.cp < lo.cp) throw new PatternProblem('bad character range')
        set += `${literal(lo.cp)}-${literal(hi.cp)}`
      } else {
        set += 'cp' in lo ? literal(lo.cp) : lo.items
      }
    }
    last = 'atom'
    return `${set}]`
  }

  /** `*`, `+`, `?`, `{m,n}` (+ lazy `?`); undefined when a `{` is no quantifier (Python: then a literal). */
  const quantifier = (): string | undefined => {
    const c = peek()!
    let text: string
    if (c === '{') {
      const j = i
      i++
      const lo = takeWhile(DIGIT)
      const comma = peek() === ','
      if (comma) i++
      const hi = comma ? takeWhile(DIGIT) : lo
      if (peek() !== '}' || (lo === '' && !comma)) {
        i = j
        return undefined
      }
      i++
      const min = lo === '' ? 0 : Number(lo)
      const max = hi === '' ? Infinity : Number(hi)
      if (max < min) throw new PatternProblem('min repeat greater than max repeat')
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
        throw unsupported(`a repetition count over ${MAX_REPEAT} (${chars.slice(j, i).join('')})`)
      }
      text = `{${min},${max === Infinity ? '' : max}}`
    } else {
      i++
      text = c
    }
    if (last === 'nothing' || last === 'assertion') throw new PatternProblem('nothing to repeat')
    if (last === 'repeat') throw new PatternProblem('multiple repeat')
    if (peek() === '+') throw unsupported('a possessive quantifier (*+, ++, ?+, {m,n}+)')
    if (peek() === '?') {
      i++
      text += '?'
    }
    last = 'repeat'
    return text
  }

  /** After `(?`: flags, scoped flags, comments, or a refusal; returns what to emit and whether a group opened. */
  const extension = (): { text: string; opens: boolean } => {
    const c = peek()
    if (c === ':') {
      i++
      return { text: '(?:', opens: true }
    }
    if (c === 'P') {
      i++
      if (peek() === '<') {
        i++
        const name = takeWhile(/[^>]/)
        if (take() !== '>') throw new PatternProblem('missing >, unterminated name')
        if (!IDENTIFIER.test(name)) throw new PatternProblem(`bad character in group name '${name}'`)
        if (groupNames.has(name)) throw new PatternProblem(`redefinition of group name '${name}'`)
        groupNames.add(name)
        return { text: '(', opens: true }
      }
      if (peek() === '=') throw unsupported('a backreference ((?P=name))')
      throw new PatternProblem(`unknown extension ?P${peek() ?? ''}`)
    }
    if (c === '#') {
      while (peek() !== undefined && peek() !== ')') i++
      if (take() !== ')') throw new PatternProblem('missing ), unterminated comment')
      return { text: '', opens: false }
    }
    if (c === '=' || c === '!') throw unsupported(`a lookahead assertion ((?${c}…))`)
    if (c === '<') {
      if (peek(1) === '=' || peek(1) === '!') throw unsupported(`a lookbehind assertion ((?<${peek(1)}…))`)
      throw new PatternProblem(`unknown extension ?<${peek(1) ?? ''}`) // Python names groups (?P<name>…)
    }
    if (c === '(') throw unsupported('a conditional group ((?(id)yes|no))')
    if (c === '>') throw unsupported('an atomic group ((?>…))')
    const on = takeWhile(/[aiLmsux]/)
    const off = peek() === '-' ? (i++, takeWhile(/[imsx]/)) : undefined
    const end = take()
    if ((on === '' && off === undefined) || (end !== ')' && end !== ':')) {
      throw new PatternProblem(`unknown extension ?${on}${off !== undefined ? `-${off}` : ''}${end ?? ''}`)
    }
    if (on.includes('L')) throw new PatternProblem("bad inline flags: cannot use 'L' flag with a str pattern")
    if (on.includes('a') && on.includes('u')) throw new PatternProblem("bad inline flags: flags 'a', 'u' and 'L' are incompatible")
    const re2 = (flags: string) => [...new Set(flags.replace(/[^ims]/g, ''))].join('')
    if (end === ')') {
      if (off !== undefined) throw new PatternProblem('missing :')
      if (started) throw new PatternProblem('global flags not at the start of the expression')
      if (on.includes('a')) scope.ascii = true
      if (on.includes('x')) scope.verbose = true
      const flags = re2(on.replace('i', '')) // case is ignored anyway
      return { text: flags ? `(?${flags})` : '', opens: false }
    }
    if (off === '') throw new PatternProblem('missing flag')
    stack.push(scope)
    scope = { ascii: on.includes('a') || (scope.ascii && !on.includes('u')), verbose: (scope.verbose || on.includes('x')) && !off?.includes('x') }
    const [plus, minus] = [re2(on), re2(off ?? '')]
    return { text: plus || minus ? `(?${plus}${minus ? `-${minus}` : ''}:` : '(?:', opens: false }
  }

  while (i < chars.length) {
    const c = peek()!
    if (scope.verbose && WHITESPACE.includes(c)) {
      i++
      continue
    }
    if (scope.verbose && c === '#') {
      while (peek() !== undefined && peek() !== '\n') i++
      continue
    }
    if (c === '(') {
      i++
      if (peek() === '?') {
        i++
        const { text, opens } = extension()
        out += text
        if (opens) stack.push(scope)
        // a scoped-flag group pushed its own scope; a global flag or comment opened nothing
        if (text.endsWith(':') || opens) last = 'nothing'
        if (text !== '' && !/^\(\?[ims]+\)$/.test(text)) started = true
        continue
      }
      stack.push(scope)
      out += '('
      last = 'nothing'
      started = true
      continue
    }
    started = true
    if (c === ')') {
      i++
      const outer = stack.pop()
      if (!outer) throw new PatternProblem('unbalanced parenthesis')
      scope = outer
      out += ')'
      last = 'atom'
      continue
    }
    if (c === '|') {
      i++
      out += '|'
      last = 'nothing'
      continue
    }
    if (c === '[') {
      i++
      out += characterSet()
      continue
    }
    if (c === '\\') {
      i++
      out += escapeOutside()
      continue
    }
    if ('*+?{'.includes(c)) {
      const q = quantifier()
      if (q !== undefined) {
        out += q
        continue
      }
    }
    i++
    if (c === '.') out += '.'
    else if (c === '^' || c === '$') out += c
    else out += literal(c.codePointAt(0)!)
    last = c === '^' || c === '$' ? 'assertion' : 'atom'
  }
  if (stack.length > 0) throw new PatternProblem('missing ), unterminated subpattern')
  return out
}
