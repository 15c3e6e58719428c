import t from 'tap'
import { athenaConnection, startHarness } from '../support/harness.js'
import { invalidRecords, parseNdjson, type StreamRecord } from '../support/records.js'
import { withSourceHash } from '../../src/openmetadata/source-hash.js'

type H = Awaited<ReturnType<typeof startHarness>>

async function run(h: H, config: Record<string, unknown>, path = '/v1/ingest') {
  const body = {
    serviceName: 'athena_prod',
    serviceConnection: { config: athenaConnection(h.aws) },
    sourceConfig: { config: { type: 'DatabaseMetadata', ...config } },
  }
  const res = await h.app.inject({ method: 'POST', url: path, payload: body })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  return parseNdjson(res.body)
}
const schemas = (r: StreamRecord[]) => r.filter((x) => x.kind === 'databaseSchema').map((x) => x.entity.name)
const tableNames = (r: StreamRecord[]) => r.filter((x) => x.kind === 'table').map((x) => x.entity.name)
const status = (r: StreamRecord[]) => r.at(-1)!.entity

const ALL_SCHEMAS = ['sales', 'lakehouse', 'empty_schema', 'clickstream', 'Legacy_Mixed_Case']

t.test('schema includes: regexes anchored at the start, case-insensitive', async (t) => {
  const h = await startHarness(t)
  const r = await run(h, { schemaFilterPattern: { includes: ['SALES', 'lake'] } })
  t.same(schemas(r), ['sales', 'lakehouse'])
  t.equal(status(r).filtered, 3)
  t.same(invalidRecords(r), [])
  t.same(
    h.aws.calls
      .filter((c) => c.action === 'glue:GetTables')
      .map((c) => c.body.DatabaseName)
      .sort(),
    ['lakehouse', 'sales'],
    'filtered schemas are not read',
  )
})

t.test('schema excludes', async (t) => {
  const h = await startHarness(t)
  const r = await run(h, { schemaFilterPattern: { excludes: ['click', 'legacy'] } })
  t.same(schemas(r), ['sales', 'lakehouse', 'empty_schema'])
  t.equal(status(r).filtered, 2)
})

t.test('includes and excludes together: excludes win', async (t) => {
  const h = await startHarness(t)
  const r = await run(h, {
    schemaFilterPattern: { includes: ['sales', 'lakehouse'] },
    tableFilterPattern: { includes: ['^orders', 'customer'], excludes: ['.*_enriched$'] },
  })
  t.same(schemas(r), ['sales', 'lakehouse'])
  t.same(tableNames(r), ['customer_profiles', 'customers', 'orders'])
  // 3 schemas + orders_enriched, events (sales) + 3 lakehouse tables
  t.equal(status(r).filtered, 3 + 2 + 3)
})

t.test('useFqnForFiltering matches the fully qualified name instead', async (t) => {
  const h = await startHarness(t)
  const byName = await run(h, { schemaFilterPattern: { includes: ['athena_prod\\.default\\.sales'] } })
  t.same(schemas(byName), [], 'a FQN pattern matches no bare name')
  const byFqn = await run(h, { useFqnForFiltering: true, schemaFilterPattern: { includes: ['athena_prod\\.default\\.sales'] }, tableFilterPattern: { excludes: ['.*\\.customer'] } })
  t.same(schemas(byFqn), ['sales'])
  t.same(tableNames(byFqn), ['events', 'orders', 'orders_enriched'])
  t.equal(status(byFqn).filtered, 4 + 2)
})

t.test('includeViews / includeTables switches, counted as filtered', async (t) => {
  const h = await startHarness(t)
  const noViews = await run(h, { schemaFilterPattern: { includes: ['^sales$'] }, includeViews: false })
  t.same(tableNames(noViews), ['customer_profiles', 'customers', 'events', 'orders'])
  t.equal(status(noViews).filtered, 4 + 1)
  const onlyViews = await run(h, { schemaFilterPattern: { includes: ['^sales$'] }, includeTables: false })
  t.same(tableNames(onlyViews), ['orders_enriched'])
  t.equal(status(onlyViews).filtered, 4 + 4)
})

t.test('databaseFilterPattern filters the Glue catalog database itself', async (t) => {
  const h = await startHarness(t)
  const r = await run(h, { databaseFilterPattern: { excludes: ['default'] } })
  t.same(
    r.map((x) => x.kind),
    ['databaseService', 'status'],
  )
  t.equal(status(r).filtered, 1)
  t.equal(h.aws.count(), 0, 'a filtered catalog is not read (nor its LF-tags)')
})

t.test('/v1/databases answers service, databases and schemas after the filters, without reading tables', async (t) => {
  const h = await startHarness(t)
  const body = {
    serviceConnection: { config: athenaConnection(h.aws) },
    sourceConfig: { config: { type: 'DatabaseMetadata', schemaFilterPattern: { excludes: ['^click'] } } },
  }
  const res = await h.app.inject({ method: 'POST', url: '/v1/databases', payload: body })
  t.equal(res.statusCode, 200)
  const answer = res.json()
  t.equal(answer.databaseService.name, 'athena', 'serviceName defaults to athena')
  t.equal(answer.databaseService.connection.config.awsConfig.awsSecretAccessKey, undefined, 'secrets removed')
  t.same(answer.databases, [withSourceHash({ name: 'default', service: 'athena' })])
  t.same(
    answer.databaseSchemas.map((s: { name: string }) => s.name),
    ALL_SCHEMAS.filter((s) => s !== 'clickstream'),
  )
  t.equal(answer.databaseSchemas[0].description, 'Sales domain: orders, customers and derived views', 'Glue descriptions kept')
  t.equal(h.aws.count('glue:GetTables'), 0)
  const records = [
    { kind: 'databaseService', entity: answer.databaseService },
    ...answer.databases.map((e: unknown) => ({ kind: 'database', entity: e })),
    ...answer.databaseSchemas.map((e: unknown) => ({ kind: 'databaseSchema', entity: e })),
  ]
  t.same(invalidRecords(records), [])
})

t.test('an invalid filter regex is a 400 naming the field, before any AWS call', async (t) => {
  const h = await startHarness(t)
  const body = {
    serviceName: 'x',
    serviceConnection: { config: athenaConnection(h.aws) },
    sourceConfig: { config: { type: 'DatabaseMetadata', tableFilterPattern: { includes: ['ok', '(unclosed'] } } },
  }
  const res = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: body })
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /sourceConfig\/config\/tableFilterPattern\.includes\[1\]/)
  t.equal(h.aws.count(), 0)
})

t.test('a construct RE2 cannot run is a 400 naming the field and the construct, before any AWS call', async (t) => {
  const h = await startHarness(t)
  const conn = athenaConnection(h.aws)
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      '/v1/ingest',
      { serviceName: 'x', serviceConnection: { config: conn }, sourceConfig: { config: { schemaFilterPattern: { includes: ['(\\w+)_\\1'] } } } },
      /^Invalid regex in body\/sourceConfig\/config\/schemaFilterPattern\.includes\[0\]: "\(\\\\w\+\)_\\\\1": a backreference \(\\1\) is not supported/,
    ],
    [
      '/v1/ingest',
      { serviceName: 'x', serviceConnection: { config: conn }, sourceConfig: { config: { tableFilterPattern: { includes: ['ok'], excludes: ['.*(?<!_v2)$'] } } } },
      /body\/sourceConfig\/config\/tableFilterPattern\.excludes\[0\].*a lookbehind assertion/,
    ],
    [
      '/v1/ingest',
      { serviceName: 'x', serviceConnection: { config: { ...conn, databaseFilterPattern: { excludes: ['(?P<d>a)(?P=d)'] } } } },
      /body\/serviceConnection\/config\/databaseFilterPattern\.excludes\[0\].*a backreference \(\(\?P=name\)\)/,
    ],
    [
      '/v1/databases',
      { serviceConnection: { config: conn }, sourceConfig: { config: { schemaFilterPattern: { includes: ['sales(?=_)'] } } } },
      /body\/sourceConfig\/config\/schemaFilterPattern\.includes\[0\].*a lookahead assertion/,
    ],
    ['/v1/databases', { serviceConnection: { config: { ...conn, tableFilterPattern: { includes: ['(?>a+)b'] } } } }, /tableFilterPattern\.includes\[0\].*an atomic group/],
    [
      '/v1/ingest',
      { serviceName: 'x', serviceConnection: { config: conn }, sourceConfig: { config: { tableFilterPattern: { includes: ['a{5000}'] } } } },
      /tableFilterPattern\.includes\[0\].*a repetition count over 1000/,
    ],
    ['/v1/test-connection', { ...conn, schemaFilterPattern: { includes: ['(a)?(?(1)b|c)'] } }, /^Invalid regex in body\/schemaFilterPattern\.includes\[0\].*a conditional group/],
    [
      '/v1/test-connection',
      { serviceConnection: { config: { ...conn, schemaFilterPattern: { includes: ['(\\w+)_\\1'] } } } },
      /^Invalid regex in body\/serviceConnection\/config\/schemaFilterPattern\.includes\[0\].*a backreference/,
    ],
    [
      '/v1/test-connection',
      { connection: { config: { ...conn, schemaFilterPattern: { excludes: ['x(?=y)'] } } }, serviceType: 'Database' },
      /^Invalid regex in body\/connection\/config\/schemaFilterPattern\.excludes\[0\].*a lookahead assertion/,
    ],
  ]
  for (const [url, payload, message] of cases) {
    const res = await h.app.inject({ method: 'POST', url, payload })
    t.equal(res.statusCode, 400, `${url}: ${res.body.slice(0, 200)}`)
    t.match(res.json().message, message)
  }
  t.equal(h.aws.count(), 0)
})
