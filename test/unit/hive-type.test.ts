import t from 'tap'
import { MAX_TYPE_DEPTH, parseHiveType, TypeParseError, type HiveType } from '../../src/openmetadata/hive-type.js'

/** A compact rendering of a tree, to assert structure without offsets. */
function show(n: HiveType): string {
  switch (n.kind) {
    case 'primitive':
      return n.params.length ? `${n.name}(${n.params.join(',')})` : n.name
    case 'array':
      return `A[${show(n.element)}]`
    case 'map':
      return `M[${show(n.key)}=>${show(n.value)}]`
    case 'struct':
      return `S{${n.fields.map((f) => `${f.name}:${show(f.type)}`).join(';')}}`
    case 'union':
      return `U[${n.members.map(show).join('|')}]`
  }
}

function parseError(input: string): TypeParseError {
  try {
    parseHiveType(input)
  } catch (err) {
    if (err instanceof TypeParseError) return err
    throw err
  }
  throw new Error(`expected a TypeParseError for ${JSON.stringify(input)}`)
}

t.test('primitives, with and without parameters, any case', async (t) => {
  t.equal(show(parseHiveType('string')), 'string')
  t.equal(show(parseHiveType('INT')), 'int')
  t.equal(show(parseHiveType('decimal(10,2)')), 'decimal(10,2)')
  t.equal(show(parseHiveType('DECIMAL ( 38 , 0 )')), 'decimal(38,0)')
  t.equal(show(parseHiveType('varchar(64)')), 'varchar(64)')
  t.equal(show(parseHiveType('char(2)')), 'char(2)')
  t.equal(show(parseHiveType('timestamp(3)')), 'timestamp(3)')
  t.equal(show(parseHiveType('  bigint \n')), 'bigint')
  const p = parseHiveType(' decimal(10, 2) ')
  t.match(p, { kind: 'primitive', name: 'decimal', params: [10, 2], raw: 'decimal(10, 2)', start: 1, end: 15 })
})

t.test('known multi-word names', async (t) => {
  t.equal(show(parseHiveType('double precision')), 'double precision')
  t.equal(show(parseHiveType('timestamp(3) with time zone')), 'timestamp with time zone(3)')
  t.equal(show(parseHiveType('struct<a:double  precision>')), 'S{a:double precision}')
})

t.test('array, map, struct, uniontype; nested at depth', async (t) => {
  t.equal(show(parseHiveType('array<int>')), 'A[int]')
  t.equal(show(parseHiveType('map<string,array<bigint>>')), 'M[string=>A[bigint]]')
  t.equal(show(parseHiveType('struct<a:int,b:string>')), 'S{a:int;b:string}')
  t.equal(show(parseHiveType('uniontype<int,double,array<string>>')), 'U[int|double|A[string]]')
  t.equal(show(parseHiveType('union<int,string>')), 'U[int|string]')
  t.equal(show(parseHiveType('array<array<struct<a:int,b:map<string,struct<c:decimal(5,1)>>>>>')), 'A[A[S{a:int;b:M[string=>S{c:decimal(5,1)}]}]]')
  t.equal(show(parseHiveType('ARRAY < Struct < X : INT > >')), 'A[S{X:int}]')
  t.equal(show(parseHiveType('struct<>')), 'S{}', 'empty struct (Spark) is accepted')
})

t.test('raw text of every node is the text as written', async (t) => {
  const n = parseHiveType('struct< a : Array< INT >, b:decimal(10,2) >')
  if (n.kind !== 'struct') throw new Error('not a struct')
  t.equal(n.raw, 'struct< a : Array< INT >, b:decimal(10,2) >')
  t.equal(n.fields[0]!.type.raw, 'Array< INT >')
  t.equal(n.fields[1]!.type.raw, 'decimal(10,2)')
})

t.test('struct field names: backticks, spaces, special characters, comments', async (t) => {
  const n = parseHiveType('struct<`first name`:string,`a:b,c<d>`:int,`tick``s`:int,$ref:string,@ts:bigint, my-field :int>')
  if (n.kind !== 'struct') throw new Error('not a struct')
  t.same(
    n.fields.map((f) => f.name),
    ['first name', 'a:b,c<d>', 'tick`s', '$ref', '@ts', 'my-field'],
  )
  const c = parseHiveType("struct<a:int COMMENT 'the \\'a\\' field',b:string comment \"x\">")
  if (c.kind !== 'struct') throw new Error('not a struct')
  t.same(
    c.fields.map((f) => [f.name, f.comment]),
    [
      ['a', "the 'a' field"],
      ['b', 'x'],
    ],
  )
  t.equal(show(parseHiveType('struct<comment:string>')), 'S{comment:string}', 'a field may be named comment')
})

t.test('malformed input: typed error with the position', async (t) => {
  const cases: [string, number, RegExp][] = [
    ['', 0, /Empty type/],
    ['   ', 3, /Empty type/],
    ['array<int', 9, /Expected '>' to close array<…> opened at position 0/],
    ['array<int>>', 10, /Unexpected '>' after the type/],
    ['int foo', 4, /Unexpected 'f' after the type/],
    ['map<string>', 10, /Expected ',' between the key and value types/],
    ['map<string,int,int>', 14, /Expected '>' to close map/],
    ['struct<a int>', 12, /Expected ':' after struct field name 'a int' but found '>'/],
    ['struct<:int>', 7, /Expected a struct field name/],
    ['struct<a:int;b:int>', 12, /Expected ',' or '>' in struct/],
    ['struct<`a:int>', 7, /Unterminated backticked field name/],
    ['struct<``:int>', 7, /Empty struct field name/],
    ['array', 5, /Expected '<' after 'array'/],
    ['array<>', 6, /Expected a type name but found '>'/],
    ['decimal(10,', 11, /Expected an integer parameter/],
    ['decimal(10', 10, /Unbalanced '\(' opened at position 7/],
    ['decimal(a)', 8, /Expected an integer parameter of 'decimal'/],
    ['timestamp with', 0, /Incomplete type name 'timestamp with'/],
    ['<int>', 0, /Expected a type name but found '<'/],
    ['uniontype<int,>', 14, /Expected a type name/],
  ]
  for (const [input, position, message] of cases) {
    const err = parseError(input)
    t.equal(err.position, position, `position for ${JSON.stringify(input)}`)
    t.match(err.message, message, `message for ${JSON.stringify(input)}`)
    t.match(err.message, `at position ${position}`)
    t.equal(err.input, input)
  }
})

t.test('depth is bounded', async (t) => {
  const deep = 'array<'.repeat(MAX_TYPE_DEPTH + 5) + 'int' + '>'.repeat(MAX_TYPE_DEPTH + 5)
  t.match(parseError(deep).message, /nested deeper than/)
  const ok = 'array<'.repeat(MAX_TYPE_DEPTH - 1) + 'int' + '>'.repeat(MAX_TYPE_DEPTH - 1)
  t.equal(parseHiveType(ok).kind, 'array')
})

t.test('Presto/Trino spellings (federated catalogs, views) parse as complex types', async (t) => {
  t.equal(show(parseHiveType('array(varchar)')), 'A[varchar]')
  t.equal(show(parseHiveType('map(varchar, integer)')), 'M[varchar=>integer]')
  t.equal(show(parseHiveType('row(a integer, b varchar(10))')), 'S{a:integer;b:varchar(10)}')
  t.equal(show(parseHiveType('ROW("first name" varchar, "say ""hi""" bigint)')), 'S{first name:varchar;say "hi":bigint}')
  t.equal(show(parseHiveType('array(row(id bigint, tags array(varchar), m map(varchar, row(x double))))')), 'A[S{id:bigint;tags:A[varchar];m:M[varchar=>S{x:double}]}]')
  t.equal(show(parseHiveType('row(integer, varchar)')), 'S{_col0:integer;_col1:varchar}', 'unnamed fields named as Athena names them')
  t.equal(show(parseHiveType('row(ts timestamp(3) with time zone, d double precision)')), 'S{ts:timestamp with time zone(3);d:double precision}')
  t.equal(show(parseHiveType('row(double precision)')), 'S{_col0:double precision}', 'a multi-word type is not a field name')
  t.equal(show(parseHiveType('row(timestamp timestamp)')), 'S{timestamp:timestamp}', 'a field may be named like a type')
  const r = parseHiveType(' row(a integer) ')
  t.match(r, { kind: 'struct', raw: 'row(a integer)' })
  t.match(parseError('row(a integer'), { reason: /Expected ',' or '\)' in row\(…\) opened at position 0 but found end of input/ })
  t.match(parseError('array(int'), { reason: /Expected '\)' to close array\(…\)/ })
  t.match(parseError('map(int)'), { reason: /Expected ',' between the key and value types of map\(…\)/ })
  t.match(parseError('row("a'), { reason: /Unterminated quoted row field name/ })
  t.match(parseError('struct(a int)'), { reason: /Expected '<' after 'struct'/ }, 'struct keeps its Hive form only')
})
