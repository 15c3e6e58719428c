// The AWS-compatible test endpoint, exercised with the real SDK v3 clients.
process.env.AWS_EC2_METADATA_DISABLED = 'true'
import {
  AthenaClient,
  GetDataCatalogCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  InvalidRequestException,
  ListDatabasesCommand,
  type ListDatabasesCommandOutput,
  ListDataCatalogsCommand,
  ListTableMetadataCommand,
  type ListTableMetadataCommandOutput,
  ListWorkGroupsCommand,
  MetadataException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecution,
} from '@aws-sdk/client-athena'
import {
  AccessDeniedException,
  EntityNotFoundException,
  GetDatabasesCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  InternalServiceException,
  InvalidInputException,
  type Table,
} from '@aws-sdk/client-glue'
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import t, { type Test } from 'tap'
import { startFakeAws, type FakeAws } from './support/aws-endpoint.js'
import { parsePrestoView } from './support/aws/presto-view.js'
import { generateCatalog, loadSampleCatalog } from './support/catalog.js'

const KEYS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }
type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

function clients(fake: FakeAws, opts: { maxAttempts?: number; credentials?: Keys } = {}) {
  const config = { endpoint: fake.url, region: 'us-east-1', credentials: opts.credentials ?? KEYS, maxAttempts: opts.maxAttempts ?? 3 }
  return { glue: new GlueClient(config), athena: new AthenaClient(config), sts: new STSClient(config) }
}

async function start(t: Test, opts: Parameters<typeof startFakeAws>[0] = {}) {
  const fake = await startFakeAws(opts)
  t.teardown(() => fake.close())
  return fake
}

/** Runs a query to its final state, returning each state seen. */
async function runQuery(athena: AthenaClient, input: ConstructorParameters<typeof StartQueryExecutionCommand>[0]) {
  const { QueryExecutionId } = await athena.send(new StartQueryExecutionCommand(input))
  const states: string[] = []
  let qe: QueryExecution | undefined
  for (let i = 0; i < 10; i++) {
    qe = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }))).QueryExecution!
    states.push(qe.Status!.State!)
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(qe.Status!.State!)) break
  }
  return { id: QueryExecutionId!, states, qe: qe! }
}

t.test('Glue GetTables pages clickstream 100/100/50 with NextToken, and every call is counted', async (t) => {
  const fake = await start(t)
  const { glue } = clients(fake)
  const sizes: number[] = []
  const names: string[] = []
  let token: string | undefined
  do {
    const page = await glue.send(new GetTablesCommand({ DatabaseName: 'clickstream', NextToken: token }))
    sizes.push(page.TableList!.length)
    names.push(...page.TableList!.map((x) => x.Name!))
    token = page.NextToken
  } while (token)
  t.same(sizes, [100, 100, 50])
  t.equal(fake.count('glue:GetTables'), 3)
  t.equal(names[0], 'events_000')
  t.equal(names[249], 'events_249')
  t.equal(new Set(names).size, 250)

  const big = await glue.send(new GetTablesCommand({ DatabaseName: 'clickstream', MaxResults: 1000 }))
  t.equal(big.TableList!.length, 100, 'MaxResults above 100 is capped at 100, as Glue does')
  const filtered = await glue.send(new GetTablesCommand({ DatabaseName: 'clickstream', Expression: 'events_00*' }))
  t.same(
    filtered.TableList!.map((x) => x.Name),
    Array.from({ length: 10 }, (_, i) => `events_00${i}`),
  )
  const alt = await glue.send(new GetTablesCommand({ DatabaseName: 'sales', Expression: 'orders|customers' }))
  t.same(alt.TableList!.map((x) => x.Name).sort(), ['customers', 'orders'])

  const dbs = await glue.send(new GetDatabasesCommand({}))
  t.same(
    dbs.DatabaseList!.map((d) => d.Name),
    ['sales', 'lakehouse', 'empty_schema', 'clickstream', 'Legacy_Mixed_Case'],
  )
  const sales = dbs.DatabaseList![0]!
  t.ok(sales.CreateTime instanceof Date && sales.CreateTime.toISOString() === '2023-03-14T09:20:00.000Z', 'timestamps travel as epoch seconds')
  t.equal(sales.CatalogId, '123456789012')
  t.notOk('Tables' in sales, 'the fixture-only Tables member is not sent')
  t.equal(fake.calls.at(-1)!.accessKeyId, 'AKIDTEST')
  t.equal(fake.calls.at(-1)!.region, 'us-east-1')
})

t.test('Glue errors surface as the SDK typed exceptions', async (t) => {
  const fake = await start(t)
  const { glue } = clients(fake)
  const err = await glue.send(new GetTablesCommand({ DatabaseName: 'nope' })).catch((e: unknown) => e)
  t.ok(err instanceof EntityNotFoundException, 'EntityNotFoundException class')
  const e = err as EntityNotFoundException
  t.equal(e.name, 'EntityNotFoundException')
  t.equal(e.message, 'Database nope not found.')
  t.equal(e.$metadata.httpStatusCode, 400)
  t.ok(e.$metadata.requestId, 'request id from x-amzn-requestid')

  const badCatalog = await glue.send(new GetDatabasesCommand({ CatalogId: '999999999999' })).catch((x: unknown) => x)
  t.ok(badCatalog instanceof EntityNotFoundException, 'unknown CatalogId')
  const badTable = await glue.send(new GetTableCommand({ DatabaseName: 'sales', Name: 'nope' })).catch((x: unknown) => x)
  t.match(badTable, { name: 'EntityNotFoundException', message: 'Table nope not found.' })
  const badToken = await glue.send(new GetTablesCommand({ DatabaseName: 'clickstream', NextToken: 'garbage' })).catch((x: unknown) => x)
  t.ok(badToken instanceof InvalidInputException, 'an invalid NextToken is InvalidInputException')
  const page1 = await glue.send(new GetTablesCommand({ DatabaseName: 'clickstream' }))
  const reused = await glue.send(new GetTablesCommand({ DatabaseName: 'sales', NextToken: page1.NextToken })).catch((x: unknown) => x)
  t.ok(reused instanceof InvalidInputException, 'a token from another database is refused')
})

t.test('sample tables: view text, Iceberg columns, partitions', async (t) => {
  const fake = await start(t)
  const { glue } = clients(fake)
  const view = (await glue.send(new GetTableCommand({ DatabaseName: 'sales', Name: 'orders_enriched' }))).Table!
  t.equal(view.TableType, 'VIRTUAL_VIEW')
  t.equal(view.ViewExpandedText, '/* Presto View */')
  const doc = parsePrestoView(view.ViewOriginalText)
  t.match(doc?.originalSql, /FROM sales\.orders o\s+JOIN sales\.customers c/)
  t.equal(doc?.columns.length, view.StorageDescriptor!.Columns!.length)

  const iceberg = (await glue.send(new GetTableCommand({ DatabaseName: 'lakehouse', Name: 'transactions' }))).Table!
  t.equal(iceberg.Parameters!.table_type, 'ICEBERG')
  t.equal(iceberg.StorageDescriptor!.Columns!.filter((c) => c.Parameters?.['iceberg.field.current'] === 'false').length, 1)
  t.ok((await glue.send(new GetTableCommand({ DatabaseName: 'lakehouse', Name: 'web.sessions' }))).Table, 'a dotted table name')

  const first = await glue.send(new GetPartitionsCommand({ DatabaseName: 'sales', TableName: 'orders', MaxResults: 4 }))
  const second = await glue.send(new GetPartitionsCommand({ DatabaseName: 'sales', TableName: 'orders', MaxResults: 4, NextToken: first.NextToken }))
  t.equal(first.Partitions!.length, 4)
  t.equal(second.Partitions!.length, 2)
  t.notOk(second.NextToken)
  t.same(first.Partitions![0]!.Values, ['2024-06-01', 'emea'])
  t.equal(first.Partitions![0]!.StorageDescriptor!.Location, 's3://acme-datalake-123456789012/sales/orders/dt=2024-06-01/region=emea/')
  const projected = await glue.send(new GetPartitionsCommand({ DatabaseName: 'sales', TableName: 'events' }))
  t.same(projected.Partitions, [], 'partition projection registers no partitions')
  const made = await glue.send(new GetPartitionsCommand({ DatabaseName: 'clickstream', TableName: 'events_007' }))
  t.equal(made.Partitions!.length, 3, 'a partitioned table without fixture partitions gets three')
})

t.test('Athena query lifecycle: QUEUED → RUNNING → SUCCEEDED and SELECT 1 results', async (t) => {
  const fake = await start(t)
  const { athena } = clients(fake)
  const { QueryExecutionId } = await athena.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'primary' }))
  const early = await athena.send(new GetQueryResultsCommand({ QueryExecutionId })).catch((e: unknown) => e)
  t.ok(early instanceof InvalidRequestException)
  t.equal((early as Error).message, 'Query has not yet finished. Current state: QUEUED')
  const states: string[] = []
  let qe: QueryExecution | undefined
  for (let i = 0; i < 3; i++) {
    qe = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }))).QueryExecution!
    states.push(qe.Status!.State!)
  }
  t.same(states, ['QUEUED', 'RUNNING', 'SUCCEEDED'])
  t.equal(qe!.ResultConfiguration!.OutputLocation, `s3://athena-results-123456789012/primary/${QueryExecutionId}.csv`)
  t.equal(qe!.StatementType, 'DML')
  t.ok(qe!.Status!.SubmissionDateTime instanceof Date)
  t.ok(qe!.Status!.CompletionDateTime instanceof Date)
  const res = await athena.send(new GetQueryResultsCommand({ QueryExecutionId }))
  t.same(res.ResultSet!.Rows, [{ Data: [{ VarCharValue: '_col0' }] }, { Data: [{ VarCharValue: '1' }] }])
  t.match(res.ResultSet!.ResultSetMetadata!.ColumnInfo![0], { Name: '_col0', Type: 'integer', Precision: 10, CatalogName: 'hive' })
  t.equal(fake.count('athena:GetQueryExecution'), 3)

  const named = await runQuery(athena, { QueryString: "SELECT 'abc' AS greeting, 2.5, NULL, true", WorkGroup: 'primary' })
  const rows = (await athena.send(new GetQueryResultsCommand({ QueryExecutionId: named.id }))).ResultSet!.Rows!
  t.same(rows, [
    { Data: [{ VarCharValue: 'greeting' }, { VarCharValue: '_col1' }, { VarCharValue: '_col2' }, { VarCharValue: '_col3' }] },
    { Data: [{ VarCharValue: 'abc' }, { VarCharValue: '2.5' }, {}, { VarCharValue: 'true' }] },
  ])
  const fromTable = await runQuery(athena, { QueryString: 'SELECT * FROM orders LIMIT 10', QueryExecutionContext: { Database: 'sales' } })
  t.equal(fromTable.qe.Status!.State, 'SUCCEEDED')
  const header = (await athena.send(new GetQueryResultsCommand({ QueryExecutionId: fromTable.id }))).ResultSet!
  t.equal(header.Rows!.length, 1, 'only the header row')
  t.equal(header.ResultSetMetadata!.ColumnInfo!.length, 12, 'columns and partition keys')
})

t.test('Athena FAILED queries, synchronous errors and cancellation', async (t) => {
  const fake = await start(t)
  const { athena } = clients(fake)
  const denied = await runQuery(athena, { QueryString: 'SELECT 1', ResultConfiguration: { OutputLocation: 's3://restricted-results-123456789012/x/' } })
  t.same(denied.states, ['QUEUED', 'RUNNING', 'FAILED'])
  t.equal(
    denied.qe.Status!.StateChangeReason,
    `Access denied when writing output to url: s3://restricted-results-123456789012/x/${denied.id}.csv . Please ensure you are allowed to access the S3 bucket. If you are encrypting query results with KMS key, please ensure you are allowed to access your KMS key`,
  )
  t.match(denied.qe.Status!.AthenaError, { ErrorCategory: 2, Retryable: false })
  const noResults = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: denied.id })).catch((e: unknown) => e)
  t.match(noResults, { name: 'InvalidRequestException', message: 'Query did not finish successfully. Final query state: FAILED' })

  fake.catalog.deniedS3Prefixes = ['s3://athena-results-123456789012/']
  const deniedWg = await runQuery(athena, { QueryString: 'SELECT 1', WorkGroup: 'primary' })
  t.equal(deniedWg.qe.Status!.State, 'FAILED', 'deniedS3Prefixes is read live')
  fake.catalog.deniedS3Prefixes = []

  const missing = await runQuery(athena, { QueryString: 'SELECT * FROM sales.nope' })
  t.equal(missing.qe.Status!.StateChangeReason, "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.sales.nope' does not exist")
  const other = await runQuery(athena, { QueryString: 'SHOW TABLES IN sales' })
  t.equal(other.qe.Status!.State, 'FAILED', 'statements the endpoint does not run fail')

  const syntax = await athena.send(new StartQueryExecutionCommand({ QueryString: 'SELEC 1' })).catch((e: unknown) => e)
  t.ok(syntax instanceof InvalidRequestException)
  t.match((syntax as InvalidRequestException).AthenaErrorCode, 'MALFORMED_QUERY')
  t.match((syntax as Error).message, /^line 1:1: mismatched input 'SELEC'/)

  const unknown = await athena.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'nope' })).catch((e: unknown) => e)
  t.ok(unknown instanceof InvalidRequestException)
  t.equal((unknown as Error).message, 'WorkGroup is not found.')
  const getWg = await athena.send(new GetWorkGroupCommand({ WorkGroup: 'nope' })).catch((e: unknown) => e)
  t.match(getWg, { name: 'InvalidRequestException', message: 'WorkGroup is not found.' })
  const disabled = await athena.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'disabled_wg' })).catch((e: unknown) => e)
  t.match(disabled, { name: 'InvalidRequestException', message: 'WorkGroup disabled_wg is disabled.' })
  const noOutput = await athena.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'analysts' })).catch((e: unknown) => e)
  t.ok(noOutput instanceof InvalidRequestException)
  t.equal((noOutput as Error).message, 'No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.')
  const withOutput = await runQuery(athena, { QueryString: 'SELECT 1', WorkGroup: 'analysts', ResultConfiguration: { OutputLocation: 's3://mine/q' } })
  t.equal(withOutput.qe.ResultConfiguration!.OutputLocation, `s3://mine/q/${withOutput.id}.csv`)

  const { QueryExecutionId } = await athena.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1' }))
  await athena.send(new StopQueryExecutionCommand({ QueryExecutionId }))
  const stopped = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }))).QueryExecution!
  t.equal(stopped.Status!.State, 'CANCELLED')
  t.equal(stopped.Status!.StateChangeReason, 'Query cancelled by user')
  const unknownId = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: 'no-such-id' })).catch((e: unknown) => e)
  t.match(unknownId, { name: 'InvalidRequestException', message: 'QueryExecution no-such-id was not found' })
})

t.test('Athena metadata: workgroups, data catalogs, databases and table metadata, paged by 50', async (t) => {
  const fake = await start(t)
  const { athena } = clients(fake)
  const wgs = await athena.send(new ListWorkGroupsCommand({}))
  t.same(
    wgs.WorkGroups!.map((w) => [w.Name, w.State]),
    [
      ['primary', 'ENABLED'],
      ['analysts', 'ENABLED'],
      ['disabled_wg', 'DISABLED'],
    ],
  )
  const wg = await athena.send(new GetWorkGroupCommand({ WorkGroup: 'primary' }))
  t.equal(wg.WorkGroup!.Configuration!.ResultConfiguration!.OutputLocation, 's3://athena-results-123456789012/primary/')

  for (let i = 0; i < 3; i++) fake.catalog.dataCatalogs.push({ Name: `extra_${i}`, Type: 'HIVE', Parameters: {}, databases: [] })
  const catalogPages: string[][] = []
  let token: string | undefined
  do {
    const page = await athena.send(new ListDataCatalogsCommand({ MaxResults: 2, NextToken: token }))
    catalogPages.push(page.DataCatalogsSummary!.map((c) => c.CatalogName!))
    token = page.NextToken
  } while (token)
  t.same(catalogPages, [['AwsDataCatalog', 'mysql_federated'], ['extra_0', 'extra_1'], ['extra_2']])
  const dc = await athena.send(new GetDataCatalogCommand({ Name: 'mysql_federated' }))
  t.equal(dc.DataCatalog!.Type, 'LAMBDA')
  const noDc = await athena.send(new GetDataCatalogCommand({ Name: 'nope' })).catch((e: unknown) => e)
  t.match(noDc, { name: 'InvalidRequestException', message: 'DataCatalog nope was not found.' })

  const glueDbs = fake.catalog.glue[fake.catalog.accountId]!
  for (let i = 0; i < 60; i++) glueDbs.push({ Name: `extra_db_${String(i).padStart(2, '0')}`, Tables: [] })
  const dbPages: number[] = []
  token = undefined
  do {
    const page: ListDatabasesCommandOutput = await athena.send(new ListDatabasesCommand({ CatalogName: 'AwsDataCatalog', NextToken: token }))
    dbPages.push(page.DatabaseList!.length)
    token = page.NextToken
  } while (token)
  t.same(dbPages, [50, 15])
  const fed = await athena.send(new ListDatabasesCommand({ CatalogName: 'mysql_federated' }))
  t.same(
    fed.DatabaseList!.map((d) => d.Name),
    ['shop', 'crm'],
  )
  const noCatalog = await athena.send(new ListDatabasesCommand({ CatalogName: 'nope' })).catch((e: unknown) => e)
  t.ok(noCatalog instanceof MetadataException)
  const tooMany = await athena.send(new ListDatabasesCommand({ CatalogName: 'AwsDataCatalog', MaxResults: 51 })).catch((e: unknown) => e)
  t.ok(tooMany instanceof InvalidRequestException, 'MaxResults above 50 is refused')

  const tablePages: number[] = []
  token = undefined
  do {
    const page: ListTableMetadataCommandOutput = await athena.send(new ListTableMetadataCommand({ CatalogName: 'AwsDataCatalog', DatabaseName: 'clickstream', NextToken: token }))
    tablePages.push(page.TableMetadataList!.length)
    token = page.NextToken
  } while (token)
  t.same(tablePages, [50, 50, 50, 50, 50])
  const sales = await athena.send(new ListTableMetadataCommand({ CatalogName: 'AwsDataCatalog', DatabaseName: 'sales', Expression: 'orders*' }))
  const orders = sales.TableMetadataList!.find((m) => m.Name === 'orders')!
  t.equal(orders.Parameters!.location, 's3://acme-datalake-123456789012/sales/orders/')
  t.same(
    orders.PartitionKeys!.map((k) => k.Name),
    ['dt', 'region'],
  )
  t.ok(orders.CreateTime instanceof Date)
  const shop = await athena.send(new ListTableMetadataCommand({ CatalogName: 'mysql_federated', DatabaseName: 'shop' }))
  t.same(
    shop.TableMetadataList!.map((m) => m.Name),
    ['products', 'inventory', 'order_lines_v'],
  )
  const noDb = await athena.send(new ListTableMetadataCommand({ CatalogName: 'AwsDataCatalog', DatabaseName: 'nope' })).catch((e: unknown) => e)
  t.ok(noDb instanceof MetadataException)
})

t.test('STS AssumeRole records the session name and source identity; GetCallerIdentity follows the keys', async (t) => {
  const fake = await start(t)
  const { sts } = clients(fake)
  const me = await sts.send(new GetCallerIdentityCommand({}))
  t.same([me.Account, me.Arn], ['123456789012', 'arn:aws:iam::123456789012:user/test'])
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: 'arn:aws:iam::123456789012:role/OMReader',
      RoleSessionName: 'om-session',
      SourceIdentity: 'alice@example.com',
      DurationSeconds: 900,
    }),
  )
  const creds = out.Credentials!
  t.match(creds.AccessKeyId, /^ASIA[A-Z2-7]{16}$/)
  t.ok(creds.SessionToken && creds.SecretAccessKey)
  t.ok(creds.Expiration instanceof Date && Math.abs(creds.Expiration.getTime() - Date.now() - 900_000) < 5_000)
  t.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::123456789012:assumed-role/OMReader/om-session')
  t.equal(out.SourceIdentity, 'alice@example.com')
  const call = fake.calls.find((c) => c.action === 'sts:AssumeRole')!
  t.match(call.body, { Action: 'AssumeRole', Version: '2011-06-15', RoleSessionName: 'om-session', SourceIdentity: 'alice@example.com' })
  t.equal(call.accessKeyId, 'AKIDTEST')

  const assumed = clients(fake, { credentials: { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! } })
  const who = await assumed.sts.send(new GetCallerIdentityCommand({}))
  t.equal(who.Arn, 'arn:aws:sts::123456789012:assumed-role/OMReader/om-session')
  t.equal(fake.calls.at(-1)!.sessionToken, creds.SessionToken)

  const bad = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/OMReader', RoleSessionName: 'has space' })).catch((e: unknown) => e)
  t.match(bad, { name: 'ValidationError', $metadata: { httpStatusCode: 400 } })
})

t.test('faults: access denied, throttling, 5xx, latency, reset, bad tokens', async (t) => {
  const fake = await start(t)
  const once = clients(fake, { maxAttempts: 1 })

  fake.addFault({ action: 'glue:GetDatabases', kind: 'accessDenied' })
  const denied = await once.glue.send(new GetDatabasesCommand({})).catch((e: unknown) => e)
  t.ok(denied instanceof AccessDeniedException)
  t.equal(
    (denied as Error).message,
    'User: arn:aws:iam::123456789012:user/test is not authorized to perform: glue:GetDatabases on resource: arn:aws:glue:us-east-1:123456789012:catalog because no identity-based policy allows the glue:GetDatabases action',
  )
  const athenaDenied = clients(fake, { maxAttempts: 1 })
  fake.addFault({ action: 'athena:StartQueryExecution', kind: 'accessDenied' })
  const ad = await athenaDenied.athena.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1' })).catch((e: unknown) => e)
  t.match(ad, { name: 'AccessDeniedException', message: /athena:StartQueryExecution on resource: arn:aws:athena:us-east-1:123456789012:workgroup\/primary/ })
  fake.addFault({ action: 'sts:AssumeRole', kind: 'accessDenied' })
  const stsDenied = await once.sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/X', RoleSessionName: 'ss' })).catch((e: unknown) => e)
  t.match(stsDenied, { name: 'AccessDenied', $metadata: { httpStatusCode: 403 }, message: /sts:AssumeRole on resource: arn:aws:iam::123456789012:role\/X/ })
  fake.reset()

  fake.addFault({ action: 'glue:GetTables', kind: 'throttle', times: 1 })
  const retried = clients(fake, { maxAttempts: 3 })
  const ok = await retried.glue.send(new GetTablesCommand({ DatabaseName: 'sales' }))
  t.equal(ok.TableList!.length, 5, 'the SDK retried the throttled call and succeeded')
  t.equal(fake.count('glue:GetTables'), 2)
  fake.addFault({ action: 'glue:GetTables', kind: 'throttle' })
  const throttled = await once.glue.send(new GetTablesCommand({ DatabaseName: 'sales' })).catch((e: unknown) => e)
  t.match(throttled, { name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } })
  fake.clearFaults()

  fake.addFault({ action: 'glue:GetDatabases', kind: 'http500' })
  const five = await once.glue.send(new GetDatabasesCommand({})).catch((e: unknown) => e)
  t.ok(five instanceof InternalServiceException)
  t.equal((five as InternalServiceException).$metadata.httpStatusCode, 500)
  fake.clearFaults()

  fake.addFault({ action: 'athena:*', kind: 'latency', ms: 150 })
  const before = Date.now()
  await once.athena.send(new ListWorkGroupsCommand({}))
  t.ok(Date.now() - before >= 140, 'latency delays the answer')
  fake.clearFaults()

  fake.addFault({ action: 'glue:GetDatabases', kind: 'reset' })
  const reset = await once.glue.send(new GetDatabasesCommand({})).catch((e: unknown) => e)
  t.match(reset, { code: /ECONNRESET|EPIPE/ }, `connection reset: ${String(reset)}`)
  fake.clearFaults()

  fake.addFault({ action: '*', kind: 'expiredToken' })
  t.match(await once.glue.send(new GetDatabasesCommand({})).catch((e: unknown) => e), { name: 'ExpiredTokenException', message: 'The security token included in the request is expired' })
  t.match(await once.sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e), { name: 'ExpiredToken' })
  fake.clearFaults()
  fake.addFault({ action: '*', kind: 'invalidToken' })
  t.match(await once.athena.send(new ListWorkGroupsCommand({})).catch((e: unknown) => e), { name: 'UnrecognizedClientException' })
  t.match(await once.sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e), { name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } })
  fake.clearFaults()

  fake.catalog.accessKeys = { AKIAEXPIRED: 'expired' }
  const expired = clients(fake, { maxAttempts: 1, credentials: { accessKeyId: 'AKIAEXPIRED', secretAccessKey: 'x' } })
  t.match(await expired.glue.send(new GetDatabasesCommand({})).catch((e: unknown) => e), { name: 'ExpiredTokenException' })

  fake.addFault({ action: 'glue:GetTables', kind: 'accessDenied', match: (b) => b.DatabaseName === 'lakehouse' })
  t.ok(await once.glue.send(new GetTablesCommand({ DatabaseName: 'sales' })), 'match leaves other bodies alone')
  t.match(await once.glue.send(new GetTablesCommand({ DatabaseName: 'lakehouse' })).catch((e: unknown) => e), { name: 'AccessDeniedException', message: /database\/lakehouse/ })
})

t.test('fault rate is reproducible with a seed', async (t) => {
  const pattern = async (seed: number) => {
    const fake = await start(t, { seed })
    const { glue } = clients(fake, { maxAttempts: 1 })
    fake.addFault({ action: 'glue:GetDatabases', kind: 'http500', rate: 0.5 })
    const outcome: boolean[] = []
    for (let i = 0; i < 16; i++)
      outcome.push(
        await glue.send(new GetDatabasesCommand({})).then(
          () => true,
          () => false,
        ),
      )
    return outcome
  }
  const a = await pattern(42)
  t.same(await pattern(42), a, 'same seed, same sequence')
  t.ok(a.includes(true) && a.includes(false), 'rate 0.5 lets some through')
})

t.test('counts, reset and unknown operations', async (t) => {
  const fake = await start(t)
  const { glue, athena } = clients(fake)
  await glue.send(new GetDatabasesCommand({}))
  await glue.send(new GetTablesCommand({ DatabaseName: 'sales' }))
  await athena.send(new ListWorkGroupsCommand({}))
  t.same(fake.counts(), { 'glue:GetDatabases': 1, 'glue:GetTables': 1, 'athena:ListWorkGroups': 1 })
  t.equal(fake.count(), 3)
  t.same(
    fake.calls.map((c) => c.action),
    ['glue:GetDatabases', 'glue:GetTables', 'athena:ListWorkGroups'],
  )
  t.equal(fake.calls[1]!.body.DatabaseName, 'sales')
  fake.addFault({ action: '*', kind: 'http500' })
  fake.reset()
  t.equal(fake.count(), 0)
  t.same(fake.calls, [])
  t.ok(await glue.send(new GetDatabasesCommand({})), 'reset cleared the faults')

  const res = await fetch(fake.url, { method: 'POST', headers: { 'x-amz-target': 'AWSGlue.DoesNotExist', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' })
  t.equal(res.status, 400)
  t.match(await res.json(), { __type: 'UnknownOperationException' })
  t.equal(fake.count('glue:DoesNotExist'), 1)
  const stsRes = await fetch(fake.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=AKIDTEST/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00' },
    body: 'Action=Nope&Version=2011-06-15',
  })
  t.equal(stsRes.status, 400)
  t.match(await stsRes.text(), /<Code>InvalidAction<\/Code>/)
})

t.test('latencyMs delays every call; throttled STS is the Query-protocol Throttling', async (t) => {
  const fake = await start(t, { latencyMs: 120 })
  const { glue, sts } = clients(fake, { maxAttempts: 1 })
  const before = Date.now()
  await glue.send(new GetDatabasesCommand({ MaxResults: 1 }))
  await sts.send(new GetCallerIdentityCommand({}))
  t.ok(Date.now() - before >= 230, 'two calls, each delayed')
  fake.addFault({ action: 'sts:*', kind: 'throttle' })
  t.match(await sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e), { name: 'Throttling', message: 'Rate exceeded' })
})

t.test('loadSampleCatalog and generateCatalog', async (t) => {
  const a = loadSampleCatalog()
  const b = loadSampleCatalog()
  a.glue[a.accountId]![0]!.Name = 'changed'
  t.equal(b.glue[b.accountId]![0]!.Name, 'sales', 'each call is a fresh copy')
  const click = b.glue[b.accountId]!.find((d) => d.Name === 'clickstream')!
  t.equal(click.Tables.length, 250)
  t.equal(click.Tables[7]!.StorageDescriptor!.Location, 's3://acme-clickstream-123456789012/raw/events_007/')

  const big = generateCatalog({ schemas: 4, tablesPerSchema: 2_500, columnsPerTable: 20 })
  const db = big.glue[big.accountId]![0]!
  t.equal(db.Tables.length, 2_500)
  t.ok(Array.isArray(db.Tables))
  t.equal(db.Tables[1]!.StorageDescriptor!.Columns!.length, 20)
  const fake = await start(t, { catalog: big })
  const { glue, athena } = clients(fake)
  let n = 0
  let token: string | undefined
  do {
    const page = await glue.send(new GetTablesCommand({ DatabaseName: 'schema_0001', NextToken: token }))
    n += page.TableList!.length
    token = page.NextToken
  } while (token)
  t.equal(n, 2_500)
  t.equal(fake.count('glue:GetTables'), 25)
  const view = (await glue.send(new GetTableCommand({ DatabaseName: 'schema_0000', Name: 'table_000009' }))).Table as Table
  t.equal(view.TableType, 'VIRTUAL_VIEW')
  const meta = await athena.send(new ListTableMetadataCommand({ CatalogName: 'AwsDataCatalog', DatabaseName: 'schema_0002', MaxResults: 50 }))
  t.equal(meta.TableMetadataList!.length, 50)
  db.Tables[0] = { Name: 'replaced' }
  t.equal(db.Tables[0].Name, 'replaced', 'assignments stick')
})
