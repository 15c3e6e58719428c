// The AWS test endpoint's query history actions, through the real SDK v3 Athena client:
// ListQueryExecutions (newest first, pages ≤ 50, per workgroup) and BatchGetQueryExecution (≤ 50 ids,
// unknown ids unprocessed), plus the workgroup State that ListWorkGroups reports.
process.env.AWS_EC2_METADATA_DISABLED = 'true'
import { AthenaClient, BatchGetQueryExecutionCommand, InvalidRequestException, ListQueryExecutionsCommand, ListWorkGroupsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena'
import t, { type Test } from 'tap'
import { startFakeAws } from '../support/aws-endpoint.js'
import { generateQueryHistory, loadSampleCatalog } from '../support/catalog.js'

async function setup(t: Test, history = loadSampleCatalog().queryHistory) {
  const catalog = loadSampleCatalog()
  catalog.queryHistory = history
  const aws = await startFakeAws({ catalog })
  const athena = new AthenaClient({ region: 'us-east-1', endpoint: aws.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }, maxAttempts: 1 })
  t.teardown(async () => {
    athena.destroy()
    await aws.close()
  })
  return { aws, athena }
}

t.test('ListWorkGroups reports each workgroup with its State', async (t) => {
  const { athena } = await setup(t)
  const out = await athena.send(new ListWorkGroupsCommand({}))
  t.same(
    out.WorkGroups!.map((w) => [w.Name, w.State]),
    [
      ['primary', 'ENABLED'],
      ['analysts', 'ENABLED'],
      ['disabled_wg', 'DISABLED'],
    ],
  )
})

t.test('ListQueryExecutions: one workgroup, newest first, pages of at most 50', async (t) => {
  const history = generateQueryHistory({ workGroup: 'analysts', count: 75 })
  const { athena } = await setup(t, [...history, ...generateQueryHistory({ workGroup: 'primary', count: 3 })])
  const first = await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'analysts' }))
  t.equal(first.QueryExecutionIds!.length, 50, 'default page: 50')
  t.ok(first.NextToken)
  const second = await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'analysts', NextToken: first.NextToken }))
  t.equal(second.QueryExecutionIds!.length, 25)
  t.notOk(second.NextToken)
  t.same(
    [...first.QueryExecutionIds!, ...second.QueryExecutionIds!],
    history.map((q) => q.QueryExecutionId),
    'newest first',
  )
  const small = await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'analysts', MaxResults: 10 }))
  t.equal(small.QueryExecutionIds!.length, 10)
  const primary = await athena.send(new ListQueryExecutionsCommand({}))
  t.same(primary.QueryExecutionIds, ['gen-primary-0000', 'gen-primary-0001', 'gen-primary-0002'], 'no WorkGroup: primary')

  await t.rejects(athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'analysts', MaxResults: 51 })), InvalidRequestException)
  await t.rejects(athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'nope' })), { name: 'InvalidRequestException', message: /WorkGroup is not found/ })
  await t.rejects(athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'primary', NextToken: first.NextToken })), { message: /Invalid NextToken/ }, 'a token is bound to its workgroup')
})

t.test('BatchGetQueryExecution: details of up to 50 ids, unknown ids unprocessed', async (t) => {
  const { athena } = await setup(t)
  const sample = loadSampleCatalog().queryHistory!
  const failed = sample.find((q) => q.Status.State === 'FAILED')!
  const out = await athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: [failed.QueryExecutionId, 'not-an-id'] }))
  t.equal(out.QueryExecutions!.length, 1)
  const q = out.QueryExecutions![0]!
  t.equal(q.Query, failed.Query)
  t.equal(q.Status!.State, 'FAILED')
  t.ok(q.Status!.SubmissionDateTime instanceof Date, 'timestamps on the wire as epoch seconds')
  t.ok(q.Status!.CompletionDateTime! > q.Status!.SubmissionDateTime!)
  t.match(q.Status!.StateChangeReason, /TABLE_NOT_FOUND/)
  t.equal(q.Statistics!.TotalExecutionTimeInMillis, 310)
  t.same(q.QueryExecutionContext, { Database: 'sales', Catalog: 'AwsDataCatalog' })
  t.equal(q.WorkGroup, 'primary')
  t.same(out.UnprocessedQueryExecutionIds, [{ QueryExecutionId: 'not-an-id', ErrorCode: 'INVALID_INPUT', ErrorMessage: 'QueryExecution not-an-id was not found' }])

  const ids = Array.from({ length: 51 }, (_, i) => `id-${i}`)
  await t.rejects(athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ids })), { name: 'InvalidRequestException', message: /less than or equal to 50/ })
  await t.rejects(athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: [] })), InvalidRequestException)
})

t.test('queries started on the endpoint join the history', async (t) => {
  const { athena } = await setup(t)
  const started = await athena.send(
    new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'primary', ResultConfiguration: { OutputLocation: 's3://athena-results-123456789012/primary/' } }),
  )
  const listed = await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'primary' }))
  t.equal(listed.QueryExecutionIds![0], started.QueryExecutionId, 'the newest')
  const out = await athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: [started.QueryExecutionId!] }))
  t.equal(out.QueryExecutions![0]!.Query, 'SELECT 1')
})
