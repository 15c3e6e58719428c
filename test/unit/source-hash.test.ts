import t from 'tap'
import { comparePy, pythonJsonDumps, sourceHashOf, sourceHashText, withSourceHash } from '../../src/openmetadata/source-hash.js'
import { assertOm } from '../support/om-spec.js'

/**
 * The expected values were computed once with CPython 3 running the normalisation functions of
 * upstream's ingestion/src/metadata/utils/source_hash.py (copied unchanged) on this dict, then
 * `json.dumps(normalized, sort_keys=True, default=str)` and `hashlib.md5(...).hexdigest()`.
 */
const UPSTREAM_STYLE = {
  name: 'orders_été_😀',
  databaseSchema: 'svc.default.sales',
  tableType: 'View',
  description: 'Line1\nLine2\t"quoted" \\ back \u007f del',
  schemaDefinition: '  SELECT  *\n\tFROM   t \u3000 WHERE x = 1  ',
  tags: [
    { tagFQN: 'b.x', source: 'Classification', labelType: 'Automated', state: 'Suggested', href: 'http://x' },
    { tagFQN: 'a.y', source: 'Classification', labelType: 'Automated', state: 'Suggested' },
  ],
  columns: [
    { name: 'z', dataType: 'BIGINT', ordinalPosition: 2, dataTypeDisplay: 'bigint' },
    {
      name: 's',
      dataType: 'STRUCT',
      ordinalPosition: 1,
      dataTypeDisplay: 'struct<b:int,a:string>',
      children: [
        { name: 'b', dataType: 'INT', dataTypeDisplay: 'int' },
        { name: 'a', dataType: 'STRING', dataTypeDisplay: 'string', tags: [{ tagFQN: 't.2' }, { tagFQN: 't.1' }] },
      ],
    },
    { name: 'p', dataType: 'DECIMAL', precision: 10, scale: 2, dataTypeDisplay: 'decimal(10,2)', deleted: false },
  ],
  sourceHash: 'ignored',
}
const UPSTREAM_JSON =
  '{"columns": [{"children": [{"dataType": "STRING", "dataTypeDisplay": "string", "name": "a", "tags": [{"tagFQN": "t.1"}, {"tagFQN": "t.2"}]}, ' +
  '{"dataType": "INT", "dataTypeDisplay": "int", "name": "b"}], "dataType": "STRUCT", "dataTypeDisplay": "struct<b:int,a:string>", "name": "s", "ordinalPosition": 1}, ' +
  '{"dataType": "BIGINT", "dataTypeDisplay": "bigint", "name": "z", "ordinalPosition": 2}, {"dataType": "DECIMAL", "dataTypeDisplay": "decimal(10,2)", "name": "p", "precision": 10, "scale": 2}], ' +
  '"databaseSchema": "svc.default.sales", "description": "Line1\\nLine2\\t\\"quoted\\" \\\\ back \\u007f del", "name": "orders_\\u00e9t\\u00e9_\\ud83d\\ude00", ' +
  '"schemaDefinition": "SELECT * FROM t WHERE x = 1", "tableType": "View", "tags": [{"labelType": "Automated", "source": "Classification", "state": "Suggested", "tagFQN": "a.y"}, ' +
  '{"labelType": "Automated", "source": "Classification", "state": "Suggested", "tagFQN": "b.x"}]}'

t.test('the hash of an upstream-style vector matches what upstream code computes for it', async (t) => {
  t.equal(sourceHashText(UPSTREAM_STYLE), UPSTREAM_JSON, 'the same normalised JSON text, byte for byte')
  t.equal(sourceHashOf(UPSTREAM_STYLE), '716e6efede3aceb4fab252be1ba932ab')
  t.equal(sourceHashOf({ name: 'db', service: 'svc' }), '323dff95424f1ceff0a7daf5c9f37722')
})

t.test("pythonJsonDumps writes Python's json.dumps(sort_keys=True) text", async (t) => {
  const { sourceHash: _drop, ...rest } = UPSTREAM_STYLE
  // Only the normalisation differs between rest and the upstream dump; the serialiser alone:
  t.equal(pythonJsonDumps({ b: [1, 'é', null, true], a: { '\uffff': 1, '😀': 2 } }), '{"a": {"\\uffff": 1, "\\ud83d\\ude00": 2}, "b": [1, "\\u00e9", null, true]}')
  t.equal(pythonJsonDumps([]), '[]')
  t.equal(pythonJsonDumps({}), '{}')
  t.ok(pythonJsonDumps(rest as never).startsWith('{"columns": [{"dataType": "BIGINT"'), 'keys sorted, lists left to the normaliser')
})

t.test('code-point order, as Python sorts keys (an astral character after U+FFFF)', async (t) => {
  t.ok(comparePy('😀', '\uffff') > 0)
  t.ok('😀' < '\uffff', 'where JS order differs')
  t.ok(comparePy('a', 'b') < 0)
  t.equal(comparePy('x', 'x'), 0)
})

t.test('stable across runs: order of keys, columns and tags, whitespace and volatile fields do not matter', async (t) => {
  const reordered = {
    sourceHash: 'something else',
    columns: [...UPSTREAM_STYLE.columns].reverse().map((c) => ({ ...c, href: 'http://elsewhere' })),
    tags: [...UPSTREAM_STYLE.tags].reverse(),
    tableType: 'View',
    schemaDefinition: 'SELECT *   FROM t\nWHERE x = 1',
    description: UPSTREAM_STYLE.description,
    databaseSchema: UPSTREAM_STYLE.databaseSchema,
    name: UPSTREAM_STYLE.name,
  }
  t.equal(sourceHashOf(reordered), sourceHashOf(UPSTREAM_STYLE))
  t.equal(sourceHashOf(structuredClone(UPSTREAM_STYLE)), sourceHashOf(UPSTREAM_STYLE), 'same input, same hash')
  t.not(sourceHashOf({ ...UPSTREAM_STYLE, description: 'changed' }), sourceHashOf(UPSTREAM_STYLE), 'a change changes it')
  const cols = UPSTREAM_STYLE.columns.map((c) => (c.name === 'z' ? { ...c, dataType: 'INT' } : c))
  t.not(sourceHashOf({ ...UPSTREAM_STYLE, columns: cols }), sourceHashOf(UPSTREAM_STYLE), 'a column type change changes it')
})

t.test('withSourceHash sets a 32-character hex sourceHash that createTable accepts, without changing its input', async (t) => {
  const req = { name: 't', databaseSchema: 'svc.db.s', columns: [{ name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint' }] }
  const out = withSourceHash(req)
  t.match(out.sourceHash, /^[0-9a-f]{32}$/)
  t.notOk('sourceHash' in req)
  assertOm(t, 'api/data/createTable.json', out)
  t.equal(withSourceHash(out).sourceHash, out.sourceHash, 'its own sourceHash is not hashed')
})
