import { GetResourceLFTagsCommand, ListLFTagsCommand, SearchDatabasesByLFTagsCommand, SearchTablesByLFTagsCommand } from '@aws-sdk/client-lakeformation'
import t from 'tap'
import { loadLfTags, LakeFormationReadError, LF_VALUES_PER_CONDITION } from '../../src/athena/lake-formation.js'
import { createAwsClients } from '../../src/aws/clients.js'
import { startFakeAws, type FakeAws } from '../support/aws-endpoint.js'

process.env.AWS_EC2_METADATA_DISABLED = 'true'

const ACCOUNT = '123456789012'
const LF_ACTIONS = ['lakeformation:ListLFTags', 'lakeformation:SearchDatabasesByLFTags', 'lakeformation:SearchTablesByLFTags']

/** What setup needs of a test. */
interface Tap {
  teardown(fn: () => unknown): void
}

/** The fake endpoint and the Lake Formation client the service builds (src/aws/clients.ts). */
async function setup(t: Tap, maxAttempts = 1) {
  const aws = await startFakeAws()
  const clients = createAwsClients(
    { awsRegion: 'us-east-1', awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE', awsSecretAccessKey: 'x', endPointURL: aws.url },
    { maxAttempts, requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000, queryWaitMs: 1_000 },
  )
  t.teardown(async () => {
    clients.destroy()
    await aws.close()
  })
  return { aws, lf: clients.lakeFormation }
}

const lfCalls = (aws: FakeAws) => aws.calls.filter((c) => c.action.startsWith('lakeformation:'))
const tag = (key: string, value: string) => ({ key, value })

/** Tables of the sample's Glue catalog (the one LF-tags belong to): the searches scan all of them. */
function sampleShape(aws: FakeAws) {
  const dbs = aws.catalog.glue[ACCOUNT]!
  return { databases: dbs.length, tables: dbs.reduce((n, d) => n + d.Tables.length, 0), keys: aws.catalog.lfTags!.tags.length }
}

/** The formula of src/athena/lake-formation.ts for keys of at most 50 values over the fake's scan. */
function expectedCalls(shape: { databases: number; tables: number; conditions: number; keys: number }) {
  return Math.ceil(shape.keys / 1000) + shape.conditions * (Math.ceil(shape.databases / 100) + Math.ceil(shape.tables / 100))
}

t.test('the sample catalog: every assignment, own and effective, from the batched searches', async (t) => {
  const { aws, lf } = await setup(t)
  const { index, warnings, calls } = await loadLfTags(lf, {})
  t.same(warnings, [])

  t.same(index.database('sales'), [tag('domain', 'sales')])
  t.same(index.database('lakehouse'), [tag('domain', 'analytics.core')], 'a value with a dot')
  t.same(index.database('empty_schema'), [])
  t.same(index.database('SALES'), [tag('domain', 'sales')], 'names match case-insensitively')

  // What each resource assigns itself.
  t.same(index.table('sales', 'orders'), [tag('tier', 'gold')])
  t.same(index.table('sales', 'events'), [], 'only inherits')
  t.same(index.table('lakehouse', 'transactions'), [tag('classification', 'confidential'), tag('domain', 'finance')], 'overrides the database’s domain')
  t.same(index.table('lakehouse', 'web.sessions'), [tag('tier', 'silver')])
  t.same(index.column('sales', 'customers', 'email'), [tag('classification', 'pii')])
  t.same(index.column('sales', 'customer_profiles', 'profile'), [tag('classification', 'pii')])
  t.same(index.column('sales', 'customers', 'first_name'), [])
  t.same(index.column('lakehouse', 'transactions', 'merchant'), [tag('classification', 'public')])
  t.same(index.column('Legacy_Mixed_Case', 'Customer_Accounts', 'Display_Name'), [tag('classification', 'pii')], 'a column-only tag in an untagged database')
  t.same(index.column('legacy_mixed_case', 'customer_accounts', 'display_name'), [tag('classification', 'pii')])
  t.same(index.counts, { databases: 2, tables: 3, columns: 4 })

  // What Lake Formation reports (inheritance database → table → column).
  t.same(index.effectiveTable('sales', 'events'), [tag('domain', 'sales')])
  t.same(index.effectiveTable('sales', 'orders'), [tag('domain', 'sales'), tag('tier', 'gold')])
  t.same(index.effectiveColumn('sales', 'orders', 'order_id'), [tag('domain', 'sales'), tag('tier', 'gold')])
  t.same(index.effectiveColumn('sales', 'customers', 'email'), [tag('classification', 'pii'), tag('domain', 'sales')])
  t.same(index.effectiveTable('lakehouse', 'transactions'), [tag('classification', 'confidential'), tag('domain', 'finance')])
  t.same(index.effectiveColumn('lakehouse', 'transactions', 'merchant'), [tag('classification', 'public'), tag('domain', 'finance')])
  t.same(index.effectiveColumn('lakehouse', 'dim_date', 'date_key'), [tag('domain', 'analytics.core')])
  t.same(index.effectiveTable('Legacy_Mixed_Case', 'Customer_Accounts'), [])

  t.same(index.assigned(), [
    tag('classification', 'confidential'),
    tag('classification', 'pii'),
    tag('classification', 'public'),
    tag('domain', 'analytics.core'),
    tag('domain', 'finance'),
    tag('domain', 'sales'),
    tag('tier', 'gold'),
    tag('tier', 'silver'),
  ])
  t.same(
    index.definitions().map((d) => d.key),
    ['domain', 'classification', 'tier', 'retention'],
  )

  // ListLFTags + per key (one condition each): one database page and ⌈260 tables / 100⌉ table pages.
  const shape = sampleShape(aws)
  t.same(shape, { databases: 5, tables: 260, keys: 4 })
  const total = expectedCalls({ ...shape, conditions: 4 })
  t.equal(total, 17)
  t.same(calls, { listLfTags: 1, searchDatabases: 4, searchTables: 12 })
  t.equal(lfCalls(aws).length, total)
  t.equal(aws.count('lakeformation:GetResourceLFTags'), 0, 'no per-resource call')
  t.equal(aws.count(), total, 'nothing but Lake Formation was called')
  for (const c of lfCalls(aws)) t.notOk('CatalogId' in c.body, 'no CatalogId unless the connection has one')
})

t.test('the batched index equals what one GetResourceLFTags per table would have said', async (t) => {
  const { aws, lf } = await setup(t)
  const { index } = await loadLfTags(lf, {})
  const pairs = (list?: Array<{ TagKey?: string; TagValues?: string[] }>) => (list ?? []).map((p) => tag(p.TagKey!, p.TagValues![0]!)).sort((a, b) => (a.key < b.key ? -1 : 1))
  for (const db of aws.catalog.glue[ACCOUNT]!.filter((d) => d.Name !== 'clickstream')) {
    const dbOut = await lf.send(new GetResourceLFTagsCommand({ Resource: { Database: { Name: db.Name } } }))
    t.same(pairs(dbOut.LFTagOnDatabase), index.database(db.Name), `database ${db.Name}`)
    for (const table of db.Tables) {
      const columns = [...(table.StorageDescriptor?.Columns ?? []), ...(table.PartitionKeys ?? [])].map((c) => c.Name)
      const out = await lf.send(new GetResourceLFTagsCommand({ Resource: { Table: { DatabaseName: db.Name, Name: table.Name } } }))
      t.same(pairs(out.LFTagsOnTable), index.effectiveTable(db.Name, table.Name), `table ${db.Name}.${table.Name}`)
      const cols = await lf.send(new GetResourceLFTagsCommand({ Resource: { TableWithColumns: { DatabaseName: db.Name, Name: table.Name, ColumnNames: columns } } }))
      for (const name of columns) {
        const reported = cols.LFTagsOnColumns?.find((c) => c.Name === name)
        t.same(pairs(reported?.LFTags), index.effectiveColumn(db.Name, table.Name, name), `column ${db.Name}.${table.Name}.${name}`)
      }
      const assigned = await lf.send(new GetResourceLFTagsCommand({ Resource: { Table: { DatabaseName: db.Name, Name: table.Name } }, ShowAssignedLFTags: true }))
      t.same(pairs(assigned.LFTagsOnTable), index.table(db.Name, table.Name), `assigned tags of ${db.Name}.${table.Name}`)
    }
  }
})

t.test('250 tagged tables: still ListLFTags + per key search pages, not one call per table', async (t) => {
  const { aws, lf } = await setup(t)
  const clickstream = aws.catalog.glue[ACCOUNT]!.find((d) => d.Name === 'clickstream')!
  t.equal(clickstream.Tables.length, 250)
  for (const table of clickstream.Tables) {
    aws.catalog.lfTags!.tables.push({ db: 'clickstream', name: table.Name, tags: [tag('tier', 'bronze')], columns: [{ name: 'session_id', tags: [tag('classification', 'pii')] }] })
  }
  const { index, calls } = await loadLfTags(lf, {})
  t.equal(index.counts.tables, 250 + 3)
  t.equal(index.counts.columns, 250 + 4)
  t.same(index.table('clickstream', clickstream.Tables[249]!.Name), [tag('tier', 'bronze')])
  t.same(index.column('clickstream', clickstream.Tables[0]!.Name, 'session_id'), [tag('classification', 'pii')])
  const total = expectedCalls({ ...sampleShape(aws), conditions: 4 })
  t.equal(calls.listLfTags + calls.searchDatabases + calls.searchTables, total)
  t.equal(lfCalls(aws).length, 17, 'the same 17 calls as with 3 tagged tables')
  t.ok(lfCalls(aws).length < 250 / 10)
})

t.test('a key with more than 50 values is searched in groups of 50 (the LFTag condition limit)', async (t) => {
  const { aws, lf } = await setup(t)
  const values = Array.from({ length: 120 }, (_, i) => `batch-${String(i).padStart(3, '0')}`)
  aws.catalog.lfTags!.tags.push({ TagKey: 'load_batch', TagValues: values })
  const clickstream = aws.catalog.glue[ACCOUNT]!.find((d) => d.Name === 'clickstream')!
  clickstream.Tables.forEach((table, i) => aws.catalog.lfTags!.tables.push({ db: 'clickstream', name: table.Name, tags: [tag('load_batch', values[i % 120]!)] }))
  const { index, calls } = await loadLfTags(lf, {})
  for (let i = 0; i < 250; i += 37) t.same(index.table('clickstream', clickstream.Tables[i]!.Name), [tag('load_batch', values[i % 120]!)])
  const searches = lfCalls(aws).filter((c) => c.action !== 'lakeformation:ListLFTags')
  t.ok(searches.every((c) => c.body.Expression.length === 1 && c.body.Expression[0].TagValues.length <= LF_VALUES_PER_CONDITION))
  const groups = new Set(searches.filter((c) => c.body.Expression[0].TagKey === 'load_batch').map((c) => c.body.Expression[0].TagValues.join(',')))
  t.equal(groups.size, 3, '120 values → 3 conditions')
  const conditions = 4 + 3
  t.equal(calls.searchDatabases + calls.searchTables + calls.listLfTags, expectedCalls({ ...sampleShape(aws), conditions }))
})

t.test('catalogId goes on every call', async (t) => {
  const { aws, lf } = await setup(t)
  const { index } = await loadLfTags(lf, { catalogId: ACCOUNT })
  t.same(index.table('sales', 'orders'), [tag('tier', 'gold')])
  const calls = lfCalls(aws)
  t.equal(calls.length, 17)
  t.ok(
    calls.every((c) => c.body.CatalogId === ACCOUNT),
    'CatalogId on every Lake Formation call',
  )
  t.ok(calls.filter((c) => c.action !== 'lakeformation:ListLFTags').every((c) => c.body.MaxResults === 100))
  t.equal(calls[0]!.body.MaxResults, 1000)
})

t.test('a catalog without LF-tags: one ListLFTags call, an empty index', async (t) => {
  const { aws, lf } = await setup(t)
  delete aws.catalog.lfTags
  const { index, warnings, calls } = await loadLfTags(lf, {})
  t.same(warnings, [])
  t.same(calls, { listLfTags: 1, searchDatabases: 0, searchTables: 0 })
  t.same(index.effectiveTable('sales', 'orders'), [])
  t.same(index.assigned(), [])
})

t.test('access denied on any Lake Formation call: an empty index and one warning, never a failure', async (t) => {
  for (const action of LF_ACTIONS) {
    const { aws, lf } = await setup(t)
    aws.addFault({ action, kind: 'accessDenied' })
    const { index, warnings } = await loadLfTags(lf, { catalogId: ACCOUNT })
    t.same(index.assigned(), [], `${action}: empty index`)
    t.same(index.database('sales'), [])
    t.equal(warnings.length, 1)
    t.match(warnings[0], new RegExp(`access denied at ${action}.*AccessDeniedException`), `${action}: the warning names the action`)
  }
  // Another account's catalog that was not shared is denied too.
  const { lf } = await setup(t)
  const other = await loadLfTags(lf, { catalogId: '999999999999' })
  t.same(other.index.assigned(), [])
  t.match(other.warnings[0], /access denied at lakeformation:ListLFTags/)
})

t.test('throttling is retried by the SDK; a persistent server error is a LakeFormationReadError', async (t) => {
  const retried = await setup(t, 3)
  retried.aws.addFault({ action: 'lakeformation:SearchTablesByLFTags', kind: 'throttle', times: 2 })
  const ok = await loadLfTags(retried.lf, {})
  t.same(ok.index.table('sales', 'orders'), [tag('tier', 'gold')])
  t.equal(retried.aws.count('lakeformation:SearchTablesByLFTags'), 12 + 2)

  const failing = await setup(t)
  failing.aws.addFault({ action: 'lakeformation:SearchDatabasesByLFTags', kind: 'http500' })
  const err = await loadLfTags(failing.lf, {}).then(
    () => undefined,
    (e: unknown) => e,
  )
  t.ok(err instanceof LakeFormationReadError, 'a LakeFormationReadError')
  const e = err as LakeFormationReadError
  t.equal(e.action, 'lakeformation:SearchDatabasesByLFTags')
  t.equal(e.classified.kind, 'server')
  t.match(e.message, /SearchDatabasesByLFTags: InternalServiceException/)
})

t.test('a tag deleted between ListLFTags and its search is skipped with a warning', async (t) => {
  const { aws, lf } = await setup(t)
  lf.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args)
      if (context.commandName === 'ListLFTagsCommand') aws.catalog.lfTags!.tags = aws.catalog.lfTags!.tags.filter((d) => d.TagKey !== 'tier')
      return out
    },
    { step: 'initialize', name: 'deleteTierAfterListing' },
  )
  const { index, warnings } = await loadLfTags(lf, { concurrency: 1 })
  t.equal(warnings.length, 1)
  t.match(warnings[0], /"tier" disappeared.*Tag or tag value does not exist/)
  t.same(index.table('lakehouse', 'transactions'), [tag('classification', 'confidential'), tag('domain', 'finance')], 'the other keys are complete')
  // tier=gold sits on sales.orders; the domain search reports it with the table's other tags (every hit carries all of them).
  t.same(index.table('sales', 'orders'), [tag('tier', 'gold')])
})

t.test('an aborted load rejects with the abort, not a warning', async (t) => {
  const { aws, lf } = await setup(t)
  aws.addFault({ action: 'lakeformation:SearchTablesByLFTags', kind: 'latency', ms: 500 })
  const ac = new AbortController()
  setTimeout(() => ac.abort(), 50)
  await t.rejects(loadLfTags(lf, { signal: ac.signal }), { name: 'AbortError' })
})

t.test('the fake speaks Lake Formation REST-JSON as the SDK expects', async (t) => {
  const { aws, lf } = await setup(t)
  // Routing: POST /<Action> signed for lakeformation.
  const list = await lf.send(new ListLFTagsCommand({ MaxResults: 2 }))
  t.same(
    list.LFTags?.map((l) => l.TagKey),
    ['domain', 'classification'],
  )
  t.same(list.LFTags?.[0], { CatalogId: ACCOUNT, TagKey: 'domain', TagValues: ['sales', 'finance', 'analytics.core'] })
  const rest = await lf.send(new ListLFTagsCommand({ MaxResults: 2, NextToken: list.NextToken }))
  t.same(
    rest.LFTags?.map((l) => l.TagKey),
    ['tier', 'retention'],
  )
  t.notOk(rest.NextToken)

  // Searches scan the catalog page by page: a page may be empty and still carry a NextToken.
  const expr = [{ TagKey: 'classification', TagValues: ['pii', 'confidential', 'public'] }]
  const p1 = await lf.send(new SearchTablesByLFTagsCommand({ Expression: expr, MaxResults: 100 }))
  t.same(
    p1.TableList?.map((x) => `${x.Table?.DatabaseName}.${x.Table?.Name}`),
    ['sales.customer_profiles', 'sales.customers', 'lakehouse.transactions'],
  )
  const customers = p1.TableList?.find((x) => x.Table?.Name === 'customers')
  t.same(customers?.LFTagOnDatabase, [{ CatalogId: ACCOUNT, TagKey: 'domain', TagValues: ['sales'] }])
  t.same(customers?.LFTagsOnTable, [{ CatalogId: ACCOUNT, TagKey: 'domain', TagValues: ['sales'] }], 'effective: inherited from the database')
  t.equal(customers?.LFTagsOnColumns?.length, 7, 'every column, each with its effective tags')
  const p2 = await lf.send(new SearchTablesByLFTagsCommand({ Expression: expr, MaxResults: 100, NextToken: p1.NextToken }))
  t.same(p2.TableList, [], 'an empty page…')
  t.ok(p2.NextToken, '…that is not the last')
  const p3 = await lf.send(new SearchTablesByLFTagsCommand({ Expression: expr, MaxResults: 100, NextToken: p2.NextToken }))
  t.same(
    p3.TableList?.map((x) => x.Table?.Name),
    ['Customer_Accounts'],
    'a table matched by a column only',
  )
  t.same(p3.TableList?.[0]?.LFTagsOnColumns, [{ Name: 'Display_Name', LFTags: [{ CatalogId: ACCOUNT, TagKey: 'classification', TagValues: ['pii'] }] }])
  t.notOk(p3.NextToken)

  const dbs = await lf.send(new SearchDatabasesByLFTagsCommand({ Expression: [{ TagKey: 'domain', TagValues: ['sales', 'analytics.core'] }] }))
  t.same(dbs.DatabaseList, [
    { Database: { CatalogId: ACCOUNT, Name: 'sales' }, LFTags: [{ CatalogId: ACCOUNT, TagKey: 'domain', TagValues: ['sales'] }] },
    { Database: { CatalogId: ACCOUNT, Name: 'lakehouse' }, LFTags: [{ CatalogId: ACCOUNT, TagKey: 'domain', TagValues: ['analytics.core'] }] },
  ])

  // Upstream OpenMetadata's per-table request (Table + TableWithColumns without column names).
  const upstream = await lf.send(
    new GetResourceLFTagsCommand({
      Resource: { Table: { DatabaseName: 'sales', Name: 'orders' }, TableWithColumns: { DatabaseName: 'sales', Name: 'orders' } },
    }),
  )
  t.same(
    upstream.LFTagsOnTable?.map((p) => `${p.TagKey}=${p.TagValues?.join(',')}`),
    ['domain=sales', 'tier=gold'],
  )
  t.equal(upstream.LFTagsOnColumns?.length, 12, 'every column of sales.orders (storage and partition keys)')

  // Errors: X-Amzn-ErrorType + {"Message"}, as the SDK's REST-JSON deserializer reads them.
  const error = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected an error')
      },
      (e: any) => ({ name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }),
    )
  t.match(await error(lf.send(new SearchTablesByLFTagsCommand({ Expression: [{ TagKey: 'nope', TagValues: ['x'] }] }))), {
    name: 'EntityNotFoundException',
    status: 400,
    message: 'Tag or tag value does not exist.',
  })
  t.match(await error(lf.send(new SearchTablesByLFTagsCommand({ Expression: expr, MaxResults: 101 }))), { name: 'InvalidInputException', status: 400, message: /maxResults/ })
  t.match(await error(lf.send(new SearchTablesByLFTagsCommand({ Expression: [{ TagKey: 'domain', TagValues: Array.from({ length: 51 }, () => 'sales') }] }))), {
    name: 'InvalidInputException',
    message: /tagValues/,
  })
  t.match(await error(lf.send(new SearchTablesByLFTagsCommand({ Expression: expr, NextToken: 'bogus' }))), { name: 'InvalidInputException', message: 'Invalid pagination token' })
  t.match(await error(lf.send(new GetResourceLFTagsCommand({ Resource: { Table: { DatabaseName: 'sales', Name: 'nope' } } }))), { name: 'EntityNotFoundException' })
  aws.addFault({ action: 'lakeformation:ListLFTags', kind: 'accessDenied', times: 1 })
  t.match(await error(lf.send(new ListLFTagsCommand({}))), { name: 'AccessDeniedException', status: 403, message: /not authorized to perform: lakeformation:ListLFTags/ })
  t.equal(aws.count('lakeformation:ListLFTags'), 3, 'calls are counted per lakeformation:<Action>')
  const denied = aws.calls.at(-1)!
  t.equal(denied.accessKeyId, 'AKIAIOSFODNN7EXAMPLE')
  t.equal(denied.region, 'us-east-1')

  // Only requests signed for lakeformation are routed here.
  const stray = await fetch(`${aws.url}/ListLFTags`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.equal(stray.status, 400)
  t.equal(stray.headers.get('x-amzn-errortype')?.split(':')[0], 'UnknownOperationException')
  t.equal(aws.calls.at(-1)!.action, 'unknown:POST /ListLFTags')
})
