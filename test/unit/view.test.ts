import t from 'tap'
import { decodePrestoView, isOnlyComments, toCreateViewStatement, ViewDecodeError, viewDefinitionOf } from '../../src/openmetadata/view.js'

const definition = {
  originalSql: 'SELECT id, name FROM "sales"."orders" WHERE total > 0',
  catalog: 'awsdatacatalog',
  schema: 'sales',
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'name', type: 'varchar' },
  ],
  owner: 'arn:aws:iam::123456789012:user/x',
  runAsInvoker: false,
}
const b64 = Buffer.from(JSON.stringify(definition)).toString('base64')
const prestoText = `/* Presto View: ${b64} */`

t.test('decodes a Presto view', async (t) => {
  t.strictSame(decodePrestoView(prestoText), {
    originalSql: definition.originalSql,
    catalog: 'awsdatacatalog',
    schema: 'sales',
    columns: definition.columns,
  })
})

t.test('tolerates whitespace, newlines, missing padding, case, Trino spelling', async (t) => {
  const wrapped = b64.replace(/(.{20})/g, '$1\n  ')
  t.equal(decodePrestoView(`\n /*   presto view:\n${wrapped}\n*/ \n`)?.originalSql, definition.originalSql)
  const unpadded = Buffer.from(JSON.stringify({ originalSql: 'SELECT 1' }))
    .toString('base64')
    .replace(/=+$/, '')
  t.equal(decodePrestoView(`/* Presto View: ${unpadded} */`)?.originalSql, 'SELECT 1')
  t.equal(decodePrestoView(`/* Trino Materialized View: ${b64} */`)?.schema, 'sales')
})

t.test('returns null for anything that is not a Presto payload', async (t) => {
  for (const text of [undefined, null, '', '/* Presto View */', 'SELECT * FROM t', 'CREATE VIEW v AS SELECT 1', `/* a comment */ SELECT 1 /* b */`, `SELECT 1 ${prestoText}`]) {
    t.equal(decodePrestoView(text), null, JSON.stringify(text))
  }
})

t.test('throws ViewDecodeError for corrupted payloads', async (t) => {
  const bad: [string, RegExp][] = [
    ['/* Presto View: */', /empty/],
    ['/* Presto View: not*base64! */', /not valid base64/],
    ['/* Presto View: QUJDRA=== */', /not valid base64/],
    ['/* Presto View: A */', /not valid base64/],
    [`/* Presto View: ${Buffer.from('{"originalSql": "SELECT').toString('base64')} */`, /not valid JSON/],
    [`/* Presto View: ${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64')} */`, /not UTF-8/],
    [`/* Presto View: ${Buffer.from('[1,2]').toString('base64')} */`, /not a JSON object/],
    [`/* Presto View: ${Buffer.from('{"catalog":"x"}').toString('base64')} */`, /no 'originalSql'/],
    [`/* Presto View: ${Buffer.from('{"originalSql":"  "}').toString('base64')} */`, /no 'originalSql'/],
  ]
  for (const [text, message] of bad) t.throws(() => decodePrestoView(text), { name: 'ViewDecodeError', message }, text)
  t.ok(new ViewDecodeError('x') instanceof Error)
})

t.test('viewDefinitionOf: Presto SQL, else the Hive view text, never a bare marker', async (t) => {
  t.equal(viewDefinitionOf({ ViewOriginalText: prestoText, ViewExpandedText: '/* Presto View */' }), definition.originalSql)
  t.equal(viewDefinitionOf({ ViewOriginalText: ' select `a` from `db`.`t` ', ViewExpandedText: 'SELECT `t`.`a` FROM `db`.`t`' }), 'select `a` from `db`.`t`')
  t.equal(viewDefinitionOf({ ViewOriginalText: '', ViewExpandedText: 'SELECT 2' }), 'SELECT 2')
  t.equal(viewDefinitionOf({ ViewOriginalText: '/* Presto View */' }), undefined)
  t.equal(viewDefinitionOf({}), undefined)
  t.equal(
    viewDefinitionOf({
      ViewDefinition: {
        Representations: [
          { Dialect: 'SPARK', ViewOriginalText: 'SELECT spark' },
          { Dialect: 'ATHENA', ViewOriginalText: 'SELECT athena' },
        ],
      },
    }),
    'SELECT athena',
  )
  t.throws(() => viewDefinitionOf({ ViewOriginalText: '/* Presto View: %%% */' }), ViewDecodeError)
})

t.test('helpers', async (t) => {
  t.ok(isOnlyComments(' /* Presto View */ '))
  t.ok(isOnlyComments('/* a */ /* b */'))
  t.notOk(isOnlyComments('/* a */ SELECT 1'))
  t.notOk(isOnlyComments('/* unterminated'))
  t.equal(toCreateViewStatement('SELECT 1', 'sales', 'v'), 'CREATE VIEW sales.v AS SELECT 1')
  t.equal(toCreateViewStatement('SELECT 1', 'my-db', 'v"x'), 'CREATE VIEW "my-db"."v""x" AS SELECT 1')
  t.equal(toCreateViewStatement('/* c */ create or replace view v as select 1', 's', 'v'), '/* c */ create or replace view v as select 1')
})
