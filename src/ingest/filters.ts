/**
 * OpenMetadata filter patterns (type/filterPattern.json: `{ includes?: string[]; excludes?: string[] }`) with the
 * semantics of upstream ingestion/src/metadata/utils/filters.py `_filter`:
 *  - each pattern is a Python regex applied with `re.match(regex, name, re.IGNORECASE)`: case-insensitive and
 *    anchored at the START of the name only (`sales` matches `sales_2024`; `2024` does not match `sales_2024`;
 *    add `$` to anchor the end);
 *  - no pattern (or empty lists) → nothing is filtered out; empty `includes` → everything is included;
 *  - a name is filtered out when `includes` is non-empty and none matches, or when any of `excludes` matches.
 *    Excludes win over includes. (Upstream ignores `excludes` entirely once `includes` is non-empty — its issue
 *    #10192 — which silently drops half of what the user configured; here both apply.)
 *  - an invalid pattern is a {@link FilterPatternError} naming the pattern (a 400 for the HTTP layer).
 *
 * Python syntax translated to JavaScript: `(?P<name>…)` → `(?<name>…)`, `(?P=name)` → `\k<name>`, `\A` → `^`,
 * `\Z` → `$`, `{,n}` → `{0,n}`, a leading global flag group `(?i)`, `(?s)`, `(?m)`, `(?a)`, `(?u)` (applied or
 * ignored), a scoped `(?i:…)` (→ `(?:…)`, case is ignored anyway), `(?#comment)` (dropped). Anything else Python
 * accepts but JavaScript does not (e.g. `(?x)`, possessive quantifiers) is reported as invalid.
 *
 * Guard against catastrophic backtracking (names are matched in-process and a regex cannot be interrupted), applied
 * at compile time — best effort, not a proof:
 *  - a pattern longer than {@link MAX_PATTERN_LENGTH} characters is rejected;
 *  - a group repeated more than once (`*`, `+`, `{n,}`, `{n,m}` with m > 1) that itself contains a repetition or an
 *    alternation is rejected: `(a+)+`, `(\w*)*`, `(a|aa)+`, `(x+y){2,9}` — the classic exponential shapes;
 *  - three or more unbounded repetitions in a row are rejected: `.*.*.*` (polynomial blow-up).
 * Ordinary patterns (`^prod_.*`, `.*_tmp$`, `(sales|marketing)_.*`, `[a-z]+_v\d+`) are unaffected.
 */
import { BadInputError } from '../errors.js'

export interface FilterPattern {
  includes?: string[] | null
  excludes?: string[] | null
}

/** true = the name is filtered out. */
export type NameFilter = (name: string) => boolean

export const MAX_PATTERN_LENGTH = 500

export class FilterPatternError extends BadInputError {
  constructor(
    /** Where the pattern sits, e.g. `schemaFilterPattern.includes[0]`. */
    readonly location: string,
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`Invalid regex in ${location}: ${JSON.stringify(pattern)}: ${reason}`)
    this.name = 'FilterPatternError'
  }
}

class PatternProblem extends Error {}

interface Frame {
  hasUnbounded: boolean
  hasAlternation: boolean
  /** Unbounded repetitions in a row in the current alternative. */
  run: number
}

const QUANTIFIER = /^(?:[*+?]|\{(\d*)(,?)(\d*)\})/

/** Python regex source → JavaScript source + extra flags; throws PatternProblem for unsupported or dangerous input. */
export function translatePythonRegex(source: string): { source: string; flags: string } {
  let out = ''
  let flags = ''
  const stack: Frame[] = [{ hasUnbounded: false, hasAlternation: false, run: 0 }]
  const top = () => stack[stack.length - 1]!
  /** What a quantifier right here would apply to. */
  let last: { kind: 'atom' } | { kind: 'group'; frame: Frame } | undefined
  let lastQuantified = false
  let i = 0

  const atomStart = () => {
    if (last && !lastQuantified) top().run = 0
    lastQuantified = false
  }

  while (i < source.length) {
    const ch = source[i]!

    if (ch === '\\') {
      const next = source[i + 1]
      if (next === undefined) throw new PatternProblem('the pattern ends with a lone backslash')
      atomStart()
      if (next === 'A') out += '^'
      else if (next === 'Z') out += '$'
      else out += `\\${next}`
      last = next === 'A' || next === 'Z' ? undefined : { kind: 'atom' }
      i += 2
      continue
    }

    if (ch === '[') {
      atomStart()
      let j = i + 1
      let cls = '['
      if (source[j] === '^') {
        cls += '^'
        j++
      }
      if (source[j] === ']') {
        cls += '\\]' // Python: a leading ']' is literal; JavaScript would read `[]` as an empty class
        j++
      }
      for (;;) {
        const c = source[j]
        if (c === undefined) throw new PatternProblem('unterminated character set')
        if (c === '\\') {
          if (source[j + 1] === undefined) throw new PatternProblem('unterminated character set')
          cls += source.slice(j, j + 2)
          j += 2
          continue
        }
        cls += c
        j++
        if (c === ']') break
      }
      out += cls
      last = { kind: 'atom' }
      i = j
      continue
    }

    if (ch === '(') {
      const rest = source.slice(i)
      let m: RegExpExecArray | null
      if ((m = /^\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest))) {
        atomStart()
        out += `(?<${m[1]}>`
        i += m[0].length
      } else if ((m = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest))) {
        atomStart()
        out += `\\k<${m[1]}>`
        last = { kind: 'atom' }
        i += m[0].length
        continue
      } else if ((m = /^\(\?#[^)]*\)/.exec(rest))) {
        i += m[0].length
        continue
      } else if ((m = /^\(\?([aiLmsux]+)\)/.exec(rest))) {
        if (out !== '' || stack.length > 1) throw new PatternProblem('global flags such as (?i) must be at the start')
        for (const f of m[1]!) {
          if (f === 's' || f === 'm') flags += flags.includes(f) ? '' : f
          else if (f === 'x' || f === 'L') throw new PatternProblem(`the (?${f}) flag is not supported`)
        }
        i += m[0].length
        continue
      } else if ((m = /^\(\?i+:/.exec(rest))) {
        atomStart()
        out += '(?:'
        i += m[0].length
      } else {
        atomStart()
        const head = /^\((?:\?(?::|=|!|<=|<!))?/.exec(rest)![0]
        out += head
        i += head.length
      }
      stack.push({ hasUnbounded: false, hasAlternation: false, run: 0 })
      last = undefined
      continue
    }

    if (ch === ')') {
      if (stack.length === 1) throw new PatternProblem("unbalanced parenthesis ')'")
      const frame = stack.pop()!
      const parent = top()
      parent.hasUnbounded ||= frame.hasUnbounded
      parent.hasAlternation ||= frame.hasAlternation
      out += ')'
      last = { kind: 'group', frame }
      lastQuantified = false
      i++
      continue
    }

    if (ch === '|') {
      top().hasAlternation = true
      top().run = 0
      out += '|'
      last = undefined
      i++
      continue
    }

    const q = QUANTIFIER.exec(source.slice(i, i + 40))
    if (q && (ch !== '{' || q[1] !== '' || q[3] !== '')) {
      let max: number
      let min: number
      let text = q[0]
      if (ch === '*') [min, max] = [0, Infinity]
      else if (ch === '+') [min, max] = [1, Infinity]
      else if (ch === '?') [min, max] = [0, 1]
      else {
        min = q[1] === '' ? 0 : Number(q[1])
        max = q[2] === '' ? min : q[3] === '' ? Infinity : Number(q[3])
        if (q[1] === '') text = `{0,${q[3]}}`
      }
      if (last?.kind === 'group' && max > 1 && (last.frame.hasUnbounded || last.frame.hasAlternation)) {
        throw new PatternProblem(
          'a repeated group containing a repetition or an alternation can backtrack catastrophically; simplify it',
        )
      }
      if (max === Infinity) {
        top().hasUnbounded = true
        top().run += 1
        if (top().run >= 3) {
          throw new PatternProblem('three or more unbounded repetitions in a row (like .*.*.*) can backtrack catastrophically')
        }
      } else if (min > 0) {
        top().run = 0
      }
      out += text
      i += q[0].length
      if (source[i] === '?') {
        out += '?'
        i++
      }
      lastQuantified = true
      continue
    }

    if (ch === '^' || ch === '$') {
      out += ch
      last = undefined
      i++
      continue
    }

    atomStart()
    out += ch
    last = { kind: 'atom' }
    i++
  }
  if (stack.length > 1) throw new PatternProblem("missing ')'")
  return { source: out, flags }
}

/** Compiles one Python-style pattern for `re.match` + IGNORECASE semantics; throws FilterPatternError. */
export function compilePattern(pattern: string, location = 'filterPattern'): RegExp {
  if (typeof pattern !== 'string') throw new FilterPatternError(location, String(pattern), 'a pattern must be a string')
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new FilterPatternError(location, pattern, `patterns are limited to ${MAX_PATTERN_LENGTH} characters`)
  }
  let translated: { source: string; flags: string }
  try {
    translated = translatePythonRegex(pattern)
  } catch (err) {
    if (err instanceof PatternProblem) throw new FilterPatternError(location, pattern, err.message)
    throw err
  }
  try {
    // y (sticky) with lastIndex 0 anchors every alternative at the start, exactly like Python's re.match.
    return new RegExp(translated.source, `iy${translated.flags}`)
  } catch (err) {
    throw new FilterPatternError(location, pattern, (err as Error).message.replace(/^Invalid regular expression: /, ''))
  }
}

function matchesAtStart(re: RegExp, name: string): boolean {
  re.lastIndex = 0
  return re.test(name)
}

/**
 * Compiles a filter pattern once and returns the predicate `(name) => true when filtered out`. `label` names the
 * pattern's field in errors (e.g. `schemaFilterPattern`). Throws {@link FilterPatternError} for an invalid regex.
 */
export function compileFilter(pattern: FilterPattern | null | undefined, label = 'filterPattern'): NameFilter {
  if (!pattern) return () => false
  const includes = (pattern.includes ?? []).map((p, i) => compilePattern(p, `${label}.includes[${i}]`))
  const excludes = (pattern.excludes ?? []).map((p, i) => compilePattern(p, `${label}.excludes[${i}]`))
  if (includes.length === 0 && excludes.length === 0) return () => false
  return (name: string) => {
    if (!name) return true // upstream: a pattern is set but there is no name → filtered out
    if (includes.length > 0 && !includes.some((re) => matchesAtStart(re, name))) return true
    return excludes.some((re) => matchesAtStart(re, name))
  }
}
