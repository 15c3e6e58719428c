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
 *  - an invalid pattern is a {@link FilterPatternError} naming the field and the reason (a 400 for the HTTP layer).
 *
 * Patterns come from users and run once per database, schema and table name, in-process, where a regex cannot be
 * interrupted: a backtracking engine lets one pattern like `(.{0,9}){13}!` stall the whole service. So they run on
 * RE2 (re2js, pure JavaScript), whose matching time is linear in the name's length for every pattern. Python syntax
 * is translated to RE2 syntax by ./python-regex.ts, which also lists what RE2 cannot express (refused with a 400
 * naming the construct) and where RE2's answer can differ from Python's.
 */
import { RE2JS, RE2JSException, RE2Set } from 're2js'
import { BadInputError } from '../errors.js'
import { PatternProblem, translatePythonRegex } from './python-regex.js'

export interface FilterPattern {
  includes?: string[] | null
  excludes?: string[] | null
}

/** true = the name is filtered out. */
export type NameFilter = (name: string) => boolean

/** Keeps compile time and the compiled program small; real filter patterns are a few dozen characters. */
export const MAX_PATTERN_LENGTH = 500

export class FilterPatternError extends BadInputError {
  constructor(
    /** Where the pattern sits, e.g. `body/sourceConfig/config/schemaFilterPattern.includes[0]`. */
    readonly location: string,
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`Invalid regex in ${location}: ${JSON.stringify(pattern)}: ${reason}`)
    this.name = 'FilterPatternError'
  }
}

/** Python source → RE2 source, or a FilterPatternError naming `location` and why. */
function re2Source(pattern: string, location: string): string {
  if (typeof pattern !== 'string') throw new FilterPatternError(location, String(pattern), 'a pattern must be a string')
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new FilterPatternError(location, pattern, `patterns are limited to ${MAX_PATTERN_LENGTH} characters`)
  }
  try {
    return translatePythonRegex(pattern)
  } catch (err) {
    if (err instanceof PatternProblem) throw new FilterPatternError(location, pattern, err.message)
    throw err
  }
}

/**
 * `(name) => true when any pattern matches at the start of name` (Python's `re.match` + IGNORECASE). All patterns
 * share one RE2 set, so a name is read once however many patterns there are; ANCHOR_START anchors every
 * alternative at the start whatever `(?m)` says about `^`. Measured: about twice as fast per name as one
 * `\A(?:…)` program per pattern (README, filter cost).
 */
function compileAnyMatch(patterns: string[], locationOf: (i: number) => string): (name: string) => boolean {
  const set = new RE2Set(RE2Set.ANCHOR_START, RE2JS.CASE_INSENSITIVE)
  patterns.forEach((pattern, i) => {
    const source = re2Source(pattern, locationOf(i))
    try {
      set.add(source)
    } catch (err) {
      // What the translator let through but RE2 still refuses, e.g. nested counts over its limit `(a{1000}){1000}`.
      if (err instanceof RE2JSException) {
        throw new FilterPatternError(locationOf(i), pattern, err.message.replace(/^error parsing regexp: /, ''))
      }
      throw err
    }
  })
  set.compile()
  return (name) => set.match(name).length > 0
}

/** One Python-style pattern: `test(name)` is `re.match(pattern, name, re.IGNORECASE) is not None`. */
export function compilePattern(pattern: string, location = 'filterPattern'): { test(name: string): boolean } {
  return { test: compileAnyMatch([pattern], () => location) }
}

/**
 * Compiles a filter pattern once and returns the predicate `(name) => true when filtered out`. `label` names the
 * pattern's field in errors (e.g. `schemaFilterPattern`). Throws {@link FilterPatternError} for an invalid regex.
 */
export function compileFilter(pattern: FilterPattern | null | undefined, label = 'filterPattern'): NameFilter {
  if (!pattern) return () => false
  const includes = pattern.includes ?? []
  const excludes = pattern.excludes ?? []
  const included = includes.length > 0 ? compileAnyMatch(includes, (i) => `${label}.includes[${i}]`) : () => true
  const excluded = excludes.length > 0 ? compileAnyMatch(excludes, (i) => `${label}.excludes[${i}]`) : () => false
  if (includes.length === 0 && excludes.length === 0) return () => false
  return (name: string) => {
    if (!name) return true // upstream: a pattern is set but there is no name → filtered out
    return !included(name) || excluded(name)
  }
}
