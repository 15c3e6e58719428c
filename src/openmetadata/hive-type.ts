/**
 * A recursive-descent parser for Hive / Glue column type strings.
 *
 *   type       := complex | primitive
 *   complex    := 'array' '<' type '>'
 *               | 'map' '<' type ',' type '>'
 *               | 'struct' '<' [ field (',' field)* ] '>'
 *               | ('uniontype' | 'union') '<' type (',' type)* '>'
 *               | 'array' '(' type ')' | 'map' '(' type ',' type ')'     -- Presto/Trino spellings
 *               | 'row' '(' rowField (',' rowField)* ')'
 *   rowField   := ( '"' ( [^"] | '""' )+ '"' | word ) type | type       -- unnamed fields become _col0, _col1, …
 *   field      := fieldName ':' type [ 'comment' stringLiteral ]
 *   fieldName  := '`' ( [^`] | '``' )+ '`'          -- backticked: anything, `` is a literal backtick
 *               | [^:<>(),`]+                       -- bare: trimmed, may hold spaces and other characters
 *   primitive  := word+ [ '(' int (',' int)* ')' ] word*   -- multi-word only for known names, e.g.
 *                                                           -- `double precision`, `timestamp(3) with time zone`
 *
 * Keywords are case-insensitive; whitespace (spaces, tabs, newlines) is allowed between all tokens. Every node keeps
 * `raw`, the exact text it was parsed from (as written, trimmed), which the OpenMetadata mapping uses as
 * `dataTypeDisplay`. Malformed input raises {@link TypeParseError} with the 0-based offset where parsing failed.
 *
 * Structural, not regex-based: nesting is handled by recursion, bounded by {@link MAX_TYPE_DEPTH}.
 */

export type HiveType = HivePrimitive | HiveArray | HiveMap | HiveStruct | HiveUnion

interface NodeBase {
  /** The text of this type as written in the input (trimmed). */
  raw: string
  /** Offsets of `raw` in the input: [start, end). */
  start: number
  end: number
}

export interface HivePrimitive extends NodeBase {
  kind: 'primitive'
  /** Lower-case type name, words joined by one space: `int`, `decimal`, `timestamp with time zone`. */
  name: string
  /** Integer parameters: `decimal(10,2)` → [10, 2], `varchar(64)` → [64]; [] when none. */
  params: number[]
}

export interface HiveArray extends NodeBase {
  kind: 'array'
  element: HiveType
}

export interface HiveMap extends NodeBase {
  kind: 'map'
  key: HiveType
  value: HiveType
}

export interface HiveStructField {
  name: string
  type: HiveType
  /** From Hive's `name:type COMMENT 'text'` form, when present. */
  comment?: string
}

export interface HiveStruct extends NodeBase {
  kind: 'struct'
  fields: HiveStructField[]
}

export interface HiveUnion extends NodeBase {
  kind: 'union'
  members: HiveType[]
}

/** Deepest nesting accepted; real schemas stay far below, and it keeps the recursion off the stack limit. */
export const MAX_TYPE_DEPTH = 100

/** Longest type string accepted (Glue's own limit on Column.Type is 131 072 characters). */
export const MAX_TYPE_LENGTH = 131_072

export class TypeParseError extends Error {
  constructor(
    /** What was wrong, without the position. */
    readonly reason: string,
    /** 0-based offset in `input` where parsing failed. */
    readonly position: number,
    readonly input: string,
  ) {
    super(`${reason} at position ${position} in ${quoteForMessage(input)}`)
    this.name = 'TypeParseError'
  }
}

function quoteForMessage(input: string): string {
  const shown = input.length > 200 ? `${input.slice(0, 200)}…` : input
  return JSON.stringify(shown)
}

/**
 * Multi-word primitive names recognised (upper-case, single spaces): the multi-word keys of upstream
 * OpenMetadata's ColumnTypeParser map. A bare word sequence outside these is trailing garbage.
 */
const COMPOUND_NAMES = [
  'BINARY VARYING',
  'CHARACTER VARYING',
  'DOUBLE PRECISION',
  'INTERVAL DAY TO SECOND',
  'INTERVAL YEAR TO MONTH',
  'LONG RAW',
  'LONG VARCHAR',
  'TIME WITH TIME ZONE',
  'TIME WITHOUT TIME ZONE',
  'TIMESTAMP WITH TIME ZONE',
  'TIMESTAMP WITHOUT TIME ZONE',
]

function isCompoundPrefix(words: string[]): boolean {
  const phrase = words.join(' ').toUpperCase()
  return COMPOUND_NAMES.some((c) => c === phrase || c.startsWith(`${phrase} `))
}

function isCompound(words: string[]): boolean {
  return COMPOUND_NAMES.includes(words.join(' ').toUpperCase())
}

const COMPLEX_KEYWORDS = new Set(['array', 'map', 'struct', 'uniontype', 'union'])
/** Presto/Trino complex types, written with parentheses. */
const PRESTO_COMPLEX_KEYWORDS = new Set(['array', 'map', 'row'])

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y
const DIGITS = /\d+/y

/** Characters that end a bare struct field name. */
const FIELD_NAME_STOP = new Set([':', '<', '>', '(', ')', ',', '`'])

class Parser {
  private pos = 0

  constructor(private readonly input: string) {}

  parse(): HiveType {
    this.skipWs()
    if (this.pos >= this.input.length) this.fail('Empty type')
    const node = this.parseType(0)
    this.skipWs()
    if (this.pos < this.input.length) this.fail(`Unexpected ${this.describeHere()} after the type`)
    return node
  }

  private fail(reason: string, at = this.pos): never {
    throw new TypeParseError(reason, at, this.input)
  }

  private describeHere(): string {
    if (this.pos >= this.input.length) return 'end of input'
    return `'${this.input[this.pos]}'`
  }

  private skipWs(): void {
    while (this.pos < this.input.length && /\s/.test(this.input[this.pos]!)) this.pos++
  }

  private peek(): string | undefined {
    return this.input[this.pos]
  }

  private expect(ch: string, context: string): void {
    this.skipWs()
    if (this.peek() !== ch) this.fail(`Expected '${ch}' ${context} but found ${this.describeHere()}`)
    this.pos++
  }

  /** A word: [A-Za-z_][A-Za-z0-9_]*, or undefined (position unchanged) when none starts here. */
  private readWord(): string | undefined {
    WORD.lastIndex = this.pos
    const m = WORD.exec(this.input)
    if (!m) return undefined
    this.pos += m[0].length
    return m[0]
  }

  /** Peeks the next word after optional whitespace without consuming anything. */
  private peekWordAfterWs(): { word: string; end: number } | undefined {
    const save = this.pos
    this.skipWs()
    const word = this.readWord()
    const end = this.pos
    this.pos = save
    return word === undefined ? undefined : { word, end }
  }

  private parseType(depth: number): HiveType {
    if (depth >= MAX_TYPE_DEPTH) this.fail(`Type nested deeper than ${MAX_TYPE_DEPTH} levels`)
    this.skipWs()
    const start = this.pos
    const word = this.readWord()
    if (word === undefined) {
      this.fail(this.pos >= this.input.length ? 'Expected a type but found end of input' : `Expected a type name but found ${this.describeHere()}`)
    }
    const lower = word.toLowerCase()
    if (PRESTO_COMPLEX_KEYWORDS.has(lower) && this.nextNonWs() === '(') return this.parsePrestoComplex(lower, start, depth)
    if (COMPLEX_KEYWORDS.has(lower)) {
      this.skipWs()
      if (this.peek() !== '<') this.fail(`Expected '<' after '${word}' but found ${this.describeHere()}`)
      this.pos++
      switch (lower) {
        case 'array': {
          const element = this.parseType(depth + 1)
          this.expect('>', `to close array<…> opened at position ${start}`)
          return { kind: 'array', element, ...this.span(start) }
        }
        case 'map': {
          const key = this.parseType(depth + 1)
          this.expect(',', 'between the key and value types of map<…>')
          const value = this.parseType(depth + 1)
          this.expect('>', `to close map<…> opened at position ${start}`)
          return { kind: 'map', key, value, ...this.span(start) }
        }
        case 'struct': {
          const fields = this.parseStructFields(depth, start)
          return { kind: 'struct', fields, ...this.span(start) }
        }
        default: {
          const members: HiveType[] = [this.parseType(depth + 1)]
          for (;;) {
            this.skipWs()
            if (this.peek() === ',') {
              this.pos++
              members.push(this.parseType(depth + 1))
              continue
            }
            break
          }
          this.expect('>', `to close ${lower}<…> opened at position ${start}`)
          return { kind: 'union', members, ...this.span(start) }
        }
      }
    }
    return this.parsePrimitive(start, word)
  }

  private nextNonWs(): string | undefined {
    const save = this.pos
    this.skipWs()
    const ch = this.peek()
    this.pos = save
    return ch
  }

  /**
   * Presto/Trino spellings, which Athena's metadata API returns for federated catalogs and views:
   * `array(T)`, `map(K, V)`, `row(name T, …)` (a row field may be `"quoted"`, or unnamed: `row(integer, varchar)`).
   */
  private parsePrestoComplex(lower: string, start: number, depth: number): HiveType {
    this.skipWs()
    this.pos++ // '('
    if (lower === 'array') {
      const element = this.parseType(depth + 1)
      this.expect(')', `to close array(…) opened at position ${start}`)
      return { kind: 'array', element, ...this.span(start) }
    }
    if (lower === 'map') {
      const key = this.parseType(depth + 1)
      this.expect(',', 'between the key and value types of map(…)')
      const value = this.parseType(depth + 1)
      this.expect(')', `to close map(…) opened at position ${start}`)
      return { kind: 'map', key, value, ...this.span(start) }
    }
    let index = 0
    const fields = this.parseSeparated(() => this.parseRowField(depth, index++), ')', 'row(…)', start)
    return { kind: 'struct', fields, ...this.span(start) }
  }

  /** Items separated by ',' up to `close` (consumed); `what` names the construct in errors. */
  private parseSeparated<T>(readItem: () => T, close: string, what: string, start: number): T[] {
    const items: T[] = []
    for (;;) {
      items.push(readItem())
      this.skipWs()
      const ch = this.peek()
      if (ch === ',') {
        this.pos++
        continue
      }
      if (ch === close) {
        this.pos++
        return items
      }
      this.fail(ch === undefined ? `Expected ',' or '${close}' in ${what} opened at position ${start} but found end of input` : `Expected ',' or '${close}' in ${what} but found '${ch}'`)
    }
  }

  /** One `row(…)` field: `name type`, `"quoted name" type`, or a bare type (named `_col<i>`, as Athena names them). */
  private parseRowField(depth: number, index: number): HiveStructField {
    this.skipWs()
    const at = this.pos
    if (this.peek() === '"') return { name: this.readQuotedName('"', 'quoted row field name', 'row'), type: this.parseType(depth + 1) }
    const word = this.readWord()
    const next = this.nextNonWs()
    // A word followed by another type token is a field name; otherwise the word began an unnamed field's type.
    if (word !== undefined && next !== undefined && next !== ',' && next !== ')' && next !== '(' && next !== '<' && !isCompoundPrefix([word, this.peekWordAfterWs()?.word ?? ''])) {
      return { name: word, type: this.parseType(depth + 1) }
    }
    this.pos = at
    return { name: `_col${index}`, type: this.parseType(depth + 1) }
  }

  private span(start: number): NodeBase {
    return { raw: this.input.slice(start, this.pos), start, end: this.pos }
  }

  private parseStructFields(depth: number, start: number): HiveStructField[] {
    this.skipWs()
    if (this.peek() === '>') {
      // struct<> — written by Spark for empty structs; accepted as a struct without fields.
      this.pos++
      return []
    }
    return this.parseSeparated(
      () => {
        const name = this.parseFieldName()
        this.expect(':', `after struct field name '${name}'`)
        const field: HiveStructField = { name, type: this.parseType(depth + 1) }
        const comment = this.parseOptionalComment()
        if (comment !== undefined) field.comment = comment
        return field
      },
      '>',
      'struct<…>',
      start,
    )
  }

  private parseFieldName(): string {
    this.skipWs()
    const at = this.pos
    if (this.peek() === '`') return this.readQuotedName('`', 'backticked field name', 'struct')
    while (this.pos < this.input.length && !FIELD_NAME_STOP.has(this.input[this.pos]!)) this.pos++
    const name = this.input.slice(at, this.pos).trim()
    if (name.length === 0) this.fail(`Expected a struct field name but found ${this.describeHere()}`)
    return name
  }

  /** A field name between `quote`s, a doubled quote standing for itself (Hive's backticks, Presto's double quotes). */
  private readQuotedName(quote: string, what: string, kind: string): string {
    const at = this.pos
    this.pos++
    let name = ''
    for (;;) {
      const ch = this.peek()
      if (ch === undefined) this.fail(`Unterminated ${what}`, at)
      this.pos++
      if (ch === quote) {
        if (this.peek() !== quote) break
        this.pos++
      }
      name += ch
    }
    if (name.length === 0) this.fail(`Empty ${kind} field name`, at)
    return name
  }

  /** Hive's optional `COMMENT 'text'` after a struct field's type. */
  private parseOptionalComment(): string | undefined {
    const next = this.peekWordAfterWs()
    if (!next || next.word.toLowerCase() !== 'comment') return undefined
    this.pos = next.end
    this.skipWs()
    const quote = this.peek()
    if (quote !== "'" && quote !== '"') this.fail(`Expected a quoted string after COMMENT but found ${this.describeHere()}`)
    const at = this.pos
    this.pos++
    let text = ''
    for (;;) {
      const ch = this.peek()
      if (ch === undefined) this.fail('Unterminated COMMENT string', at)
      this.pos++
      if (ch === '\\') {
        const esc = this.peek()
        if (esc === undefined) this.fail('Unterminated COMMENT string', at)
        this.pos++
        text += esc
        continue
      }
      if (ch === quote) return text
      text += ch
    }
  }

  private parsePrimitive(start: number, first: string): HivePrimitive {
    const words = [first]
    const params: number[] = []
    this.readCompoundWords(words)
    this.skipWsIfFollowedBy('(')
    if (this.peek() === '(') {
      const open = this.pos
      this.pos++
      for (;;) {
        this.skipWs()
        DIGITS.lastIndex = this.pos
        const m = DIGITS.exec(this.input)
        if (!m) this.fail(`Expected an integer parameter of '${words.join(' ')}' but found ${this.describeHere()}`)
        const n = Number(m[0])
        if (!Number.isSafeInteger(n)) this.fail(`Parameter ${m[0]} is too large`)
        params.push(n)
        this.pos += m[0].length
        this.skipWs()
        const ch = this.peek()
        if (ch === ',') {
          this.pos++
          continue
        }
        if (ch === ')') {
          this.pos++
          break
        }
        this.fail(ch === undefined ? `Unbalanced '(' opened at position ${open}` : `Expected ',' or ')' but found '${ch}'`)
      }
      // `timestamp(3) with time zone`: the name may go on after the parameters.
      this.readCompoundWords(words)
    }
    if (words.length > 1 && !isCompound(words)) {
      this.fail(`Incomplete type name '${words.join(' ')}'`, start)
    }
    return { kind: 'primitive', name: words.join(' ').toLowerCase(), params, ...this.span(start) }
  }

  /** Consumes following words while they extend a known multi-word type name. */
  private readCompoundWords(words: string[]): void {
    for (;;) {
      const next = this.peekWordAfterWs()
      if (!next || !isCompoundPrefix([...words, next.word])) return
      words.push(next.word)
      this.pos = next.end
    }
  }

  private skipWsIfFollowedBy(ch: string): void {
    const save = this.pos
    this.skipWs()
    if (this.peek() !== ch) this.pos = save
  }
}

/** Parses a Hive / Glue type string; throws {@link TypeParseError} when it is malformed. */
export function parseHiveType(input: string): HiveType {
  if (typeof input !== 'string') throw new TypeParseError('Type is not a string', 0, String(input))
  if (input.length > MAX_TYPE_LENGTH) {
    throw new TypeParseError(`Type longer than ${MAX_TYPE_LENGTH} characters`, MAX_TYPE_LENGTH, input)
  }
  return new Parser(input).parse()
}
