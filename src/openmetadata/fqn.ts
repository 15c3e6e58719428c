/**
 * OpenMetadata fully qualified names, as upstream builds and splits them (ingestion/src/metadata/utils/fqn.py
 * `quote_name` / `_build` / `split`, Java `FullyQualifiedName`, grammar openmetadata-spec/.../Fqn.g4).
 *
 *  - Parts are joined with `.`; a part containing `.` is wrapped in double quotes.
 *  - A part is a name: its `"`, `::` and `>` are first encoded as upstream encodes them (reserved-names.ts), so
 *    `say "hi"` → `say __reserved__quote__hi__reserved__quote__`, the FQN the server builds from the encoded name.
 *  - Splitting respects quotes: `svc."db.1".schema` → [`svc`, `"db.1"`, `schema`] (quoted parts keep their quotes,
 *    as upstream's split does; {@link unquoteFqnPart} removes them).
 *
 * Deviations: an empty part is an error here (upstream would build `a..b`, which its own split then rejects);
 * unquoted parts may contain `'` (the current grammar forbids it, yet `quote_name` never quotes it, so upstream
 * cannot split what it builds for such a name).
 */

import { encodeReservedName } from './reserved-names.js'

export const FQN_SEPARATOR = '.'

export class FqnError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FqnError'
  }
}

/**
 * One name as an FQN part, the way OpenMetadata builds it: reserved characters encoded, then quoted when it holds a
 * `.`. Throws {@link FqnError} only for an empty name.
 */
export function quoteFqnPart(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new FqnError('Invalid name: an FQN part cannot be empty')
  const encoded = encodeReservedName(name)
  return encoded.includes(FQN_SEPARATOR) ? `"${encoded}"` : encoded
}

/** `buildFqn('svc', 'db.1', 'schema')` → `svc."db.1".schema`. */
export function buildFqn(...parts: string[]): string {
  if (parts.length === 0) throw new FqnError('An FQN needs at least one part')
  return parts.map(quoteFqnPart).join(FQN_SEPARATOR)
}

/**
 * Appends name parts to an existing FQN (Java `FullyQualifiedName.add`): the parent is kept as it is (it is already
 * quoted), each new part is quoted. `appendFqn('svc."db.1"', 'sales')` → `svc."db.1".sales`. Use this, not
 * `buildFqn(parentFqn, name)`, whose parts are names: it would try to quote the parent FQN as one name. Throws
 * {@link FqnError} when the parent is not a valid FQN or a part cannot be quoted.
 */
export function appendFqn(parentFqn: string, ...parts: string[]): string {
  splitFqn(parentFqn)
  if (parts.length === 0) return parentFqn
  return `${parentFqn}${FQN_SEPARATOR}${buildFqn(...parts)}`
}

/** Removes the surrounding quotes of a quoted part (as upstream `unquote_name`); other parts are returned as-is. */
export function unquoteFqnPart(part: string): string {
  return part.length >= 2 && part.startsWith('"') && part.endsWith('"') ? part.slice(1, -1) : part
}

/**
 * Splits an FQN into its parts, respecting quotes. Quoted parts keep their quotes. Inside quotes, `\"` and `\\`
 * are the only escapes (grammar Fqn.g4). Throws {@link FqnError} (with the offset) for an empty part, an unclosed
 * quote, a quote inside an unquoted part, characters after a closing quote, or a bad escape.
 */
export function splitFqn(fqn: string): string[] {
  if (typeof fqn !== 'string' || fqn.length === 0) throw new FqnError('Invalid FQN: empty')
  const parts: string[] = []
  let i = 0
  const fail = (what: string, at: number): never => {
    throw new FqnError(`Invalid FQN ${JSON.stringify(fqn)}: ${what} at position ${at}`)
  }
  for (;;) {
    const start = i
    if (fqn[i] === '"') {
      i++
      for (;;) {
        const ch = fqn[i]
        if (ch === undefined) fail('unclosed quote', start)
        if (ch === '\\') {
          const esc = fqn[i + 1]
          if (esc !== '"' && esc !== '\\') fail('invalid escape (only \\" and \\\\ are allowed)', i)
          i += 2
          continue
        }
        i++
        if (ch === '"') break
      }
      if (i - start === 2) fail('empty quoted name', start)
    } else {
      while (i < fqn.length && fqn[i] !== FQN_SEPARATOR) {
        const ch = fqn[i]
        if (ch === '"') fail('unexpected double quote in an unquoted name', i)
        if (ch === '\\') {
          const esc = fqn[i + 1]
          if (esc !== '"' && esc !== '\\') fail('unescaped backslash', i)
          i += 2
          continue
        }
        i++
      }
      if (i === start) fail('empty name', start)
    }
    parts.push(fqn.slice(start, i))
    if (i === fqn.length) return parts
    if (fqn[i] !== FQN_SEPARATOR) fail(`expected '.' after a quoted name but found '${fqn[i]}'`, i)
    i++
    if (i === fqn.length) fail('empty name after a trailing dot', i)
  }
}
