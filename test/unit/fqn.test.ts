import t from 'tap'
import { appendFqn, buildFqn, FqnError, quoteFqnPart, splitFqn, unquoteFqnPart } from '../../src/openmetadata/fqn.js'

t.test('quoteFqnPart follows upstream quote_name, after encoding reserved characters', async (t) => {
  t.equal(quoteFqnPart('a'), 'a')
  t.equal(quoteFqnPart('a.b'), '"a.b"', 'a dot needs quotes')
  t.equal(quoteFqnPart('data base'), 'data base', 'spaces need no quotes')
  t.equal(quoteFqnPart("o'brien"), "o'brien")
  // Names with ", :: or > are encoded as upstream's replace_separators encodes them (was: refused).
  t.equal(quoteFqnPart('a"b'), 'a__reserved__quote__b')
  t.equal(quoteFqnPart('"a"'), '__reserved__quote__a__reserved__quote__', 'a quote is part of the name, not FQN quoting')
  t.equal(quoteFqnPart('"a.b"'), '"__reserved__quote__a.b__reserved__quote__"', 'encoded, then quoted for its dot')
  t.equal(quoteFqnPart('a::b>c'), 'a__reserved__colon__b__reserved__arrow__c')
  t.equal(quoteFqnPart(':::'), '__reserved__colon__:', 'upstream replaces :: first, a lone : stays')
  t.equal(quoteFqnPart(quoteFqnPart('x>y')), 'x__reserved__arrow__y', 'idempotent')
  t.throws(() => quoteFqnPart(''), FqnError, 'an empty name is refused')
})

t.test('buildFqn', async (t) => {
  t.equal(buildFqn('service', 'db', 'schema', 'table'), 'service.db.schema.table')
  t.equal(buildFqn('service', 'data.base', 'schema', 'table'), 'service."data.base".schema.table')
  t.equal(buildFqn('AwsDataCatalog'), 'AwsDataCatalog')
  t.throws(() => buildFqn(), FqnError)
  t.equal(buildFqn('svc', 'x"y', 'a>b.c'), 'svc.x__reserved__quote__y."a__reserved__arrow__b.c"')
})

t.test('splitFqn respects quotes; split(build(parts)) round-trips (upstream test_split cases)', async (t) => {
  const cases: [string[], string][] = [
    [['a', 'b', 'c', 'd'], 'a.b.c.d'],
    [['a.1', 'b', 'c', 'd'], '"a.1".b.c.d'],
    [['a', 'b.2', 'c', 'd'], 'a."b.2".c.d'],
    [['a', 'b', 'c.3', 'd'], 'a.b."c.3".d'],
    [['a', 'b', 'c', 'd.4'], 'a.b.c."d.4"'],
    [['a.1', 'b.2', 'c', 'd'], '"a.1"."b.2".c.d'],
    [['a.1', 'b.2', 'c.3', 'd'], '"a.1"."b.2"."c.3".d'],
    [['a.1', 'b.2', 'c.3', 'd.4'], '"a.1"."b.2"."c.3"."d.4"'],
    [['fqn', 'test.test.test'], 'fqn."test.test.test"'],
    [['fqn', 'testtes ttest'], 'fqn.testtes ttest'],
    [['svc', "o'brien", 'table@x', 'sales-2024'], "svc.o'brien.table@x.sales-2024"],
  ]
  for (const [parts, fqn] of cases) {
    t.equal(buildFqn(...parts), fqn, `build ${fqn}`)
    const split = splitFqn(fqn)
    t.same(split, parts.map(quoteFqnPart), `split ${fqn}`)
    t.same(split.map(unquoteFqnPart), parts, `unquoted parts of ${fqn}`)
  }
  t.same(splitFqn('service."db\\"with\\"quotes".schema'), ['service', '"db\\"with\\"quotes"', 'schema'])
})

t.test('splitFqn rejects malformed FQNs with the position', async (t) => {
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['.', /empty name at position 0/],
    ['a..b', /empty name at position 2/],
    ['a.b.', /trailing dot at position 4/],
    ['.a', /empty name at position 0/],
    ['a."b', /unclosed quote at position 2/],
    ['a.b"', /unexpected double quote in an unquoted name at position 3/],
    ['a.""', /empty quoted name at position 2/],
    ['a."b"c', /expected '.' after a quoted name but found 'c' at position 5/],
    ['a."b\\n"', /invalid escape/],
    ['a.b\\c', /unescaped backslash at position 3/],
    ['a.."', /empty name/],
  ]
  for (const [fqn, message] of bad) t.throws(() => splitFqn(fqn), { name: 'FqnError', message }, JSON.stringify(fqn))
})

t.test('appendFqn adds parts to an FQN without re-quoting it (Java FullyQualifiedName.add)', async (t) => {
  const db = buildFqn('athena_prod.x', 'AwsDataCatalog')
  t.equal(db, '"athena_prod.x".AwsDataCatalog')
  const schema = appendFqn(db, 'sales')
  t.equal(schema, '"athena_prod.x".AwsDataCatalog.sales')
  t.equal(appendFqn(schema, 'web.sessions'), '"athena_prod.x".AwsDataCatalog.sales."web.sessions"')
  t.equal(appendFqn(schema), schema)
  t.equal(appendFqn('"athena_prod.default"', 'sales', 'orders'), '"athena_prod.default".sales.orders')
  t.equal(buildFqn(schema, 'orders'), '"__reserved__quote__athena_prod.x__reserved__quote__.AwsDataCatalog.sales".orders', 'buildFqn takes names, not FQNs')
  t.throws(() => appendFqn('a..b', 'c'), FqnError, 'the parent must be a valid FQN')
  t.equal(appendFqn(schema, 'x"y'), '"athena_prod.x".AwsDataCatalog.sales.x__reserved__quote__y')
})
