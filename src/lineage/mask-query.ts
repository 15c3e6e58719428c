/**
 * A query's text with its literals masked, as upstream stores queries in OpenMetadata (ingestion/lineage/
 * masker.py `mask_query`, called by the query mixin before a query is created): every string and numeric
 * literal becomes `?`, so values a user typed (an e-mail, an account number) do not reach a catalog that
 * everyone reads, and statements that differ only in their literals are one query. Quoted identifiers
 * ("…", `…`) and comments are kept. A scanner, not a parser: it cannot fail, and an unterminated literal
 * is masked to the end of the text.
 */
export const MASK_TOKEN = '?'

const IDENT_CHAR = /[A-Za-z0-9_$]/
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/

export function maskQuery(sql: string): string {
  let out = ''
  let i = 0
  while (i < sql.length) {
    const c = sql[i]!
    const next = sql[i + 1]
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      const stop = end === -1 ? sql.length : end
      out += sql.slice(i, stop)
      i = stop
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2)
      const stop = end === -1 ? sql.length : end + 2
      out += sql.slice(i, stop)
      i = stop
    } else if (c === '"' || c === '`') {
      const stop = quotedEnd(sql, i, c)
      out += sql.slice(i, stop)
      i = stop
    } else if (c === "'") {
      out += MASK_TOKEN
      i = quotedEnd(sql, i, "'")
    } else if (/[0-9.]/.test(c) && !(i > 0 && IDENT_CHAR.test(sql[i - 1]!))) {
      const m = NUMBER.exec(sql.slice(i, i + 64))
      if (m && !IDENT_CHAR.test(sql[i + m[0].length] ?? '')) {
        out += MASK_TOKEN
        i += m[0].length
      } else {
        out += c
        i++
      }
    } else if (IDENT_CHAR.test(c)) {
      // A whole word at once, so digits inside a name (t1, col_2) are never taken for numbers.
      let j = i + 1
      while (j < sql.length && IDENT_CHAR.test(sql[j]!)) j++
      out += sql.slice(i, j)
      i = j
    } else {
      out += c
      i++
    }
  }
  return out
}

/** The index just past the quote that closes the one at `start` (a doubled quote is an escaped one). */
function quotedEnd(sql: string, start: number, quote: string): number {
  let i = start + 1
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2
      else return i + 1
    } else i++
  }
  return sql.length
}
