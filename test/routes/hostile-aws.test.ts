// A caller-chosen endPointURL can answer anything: one answer too large to hold, or paging that never
// ends. Each must end in a clean failure naming the operation, after a bounded amount of work.
import t, { type Test } from 'tap'
import { athenaConnection, startHarness, TEST_SECRETS } from '../support/harness.js'
import { invalidRecords, parseNdjson } from '../support/records.js'
import { postQueryLog, queryLogBody } from '../querylog/support.js'

const CAP = 1024 * 1024
const AWS = { maxAttempts: 3, requestTimeoutMs: 10_000, connectionTimeoutMs: 2_000, queryWaitMs: 2_000 }

type H = Awaited<ReturnType<typeof startHarness>>

function source(h: H, extra: Record<string, unknown> = {}) {
  return { type: 'athena', serviceName: 'athena_prod', serviceConnection: { config: athenaConnection(h.aws) }, ...extra }
}

const ingest = (h: H, body: object) => h.app.inject({ method: 'POST', url: '/v1/ingest', payload: body })

function noSecret(t: Test, text: string) {
  for (const secret of Object.values(TEST_SECRETS)) t.notOk(text.includes(secret), 'no secret in the answer')
}

t.test('a GetDatabases answer over AWS_MAX_RESPONSE_BYTES (chunked): 502 naming the operation; the connection is cut early', async (t) => {
  const h = await startHarness(t, { config: { aws: { ...AWS, maxResponseBytes: CAP } } })
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'hugeAnswer', bytes: 64 * CAP })
  const res = await ingest(h, source(h))
  t.equal(res.statusCode, 502)
  t.match(res.json().message, /glue:GetDatabases answered more than 1048576 bytes \(AWS_MAX_RESPONSE_BYTES\)/)
  noSecret(t, res.body)
  t.equal(h.aws.count('glue:GetDatabases'), 1, 'an oversized answer is not fetched again by the retries')
  t.equal(h.aws.streamed.length, 1)
  await h.aws.streamed[0]!.finished
  t.equal(h.aws.streamed[0]!.completed, false, 'the endpoint saw the connection closed before the end of its answer')
  t.ok(h.aws.streamed[0]!.sent < 8 * CAP, `the endpoint wrote ${h.aws.streamed[0]!.sent} of ${h.aws.streamed[0]!.planned} bytes`)
})

t.test('an answer that declares a Content-Length over the cap fails before its body is read', async (t) => {
  const h = await startHarness(t, { config: { aws: { ...AWS, maxResponseBytes: CAP } } })
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'hugeAnswer', bytes: 64 * CAP, declareLength: true })
  const res = await h.app.inject({ method: 'POST', url: '/v1/databases', payload: source(h) })
  t.equal(res.statusCode, 502)
  t.match(res.json().message, /glue:GetDatabases answered more than 1048576 bytes \(AWS_MAX_RESPONSE_BYTES\)/)
  await h.aws.streamed[0]!.finished
  t.equal(h.aws.streamed[0]!.completed, false)
})

t.test('an oversized GetTables answer for one schema: a failure naming the operation, the other schemas are read', async (t) => {
  const h = await startHarness(t, { config: { aws: { ...AWS, maxResponseBytes: CAP } } })
  h.aws.addFault({ action: 'glue:GetTables', kind: 'hugeAnswer', bytes: 16 * CAP, match: (b) => b.DatabaseName === 'lakehouse' })
  const res = await ingest(h, source(h))
  t.equal(res.statusCode, 200)
  const records = parseNdjson(res.body)
  t.same(invalidRecords(records), [], 'every record validates against its OpenMetadata schema')
  const status = records.at(-1)!.entity
  t.equal(status.failures.length, 1)
  t.match(status.failures[0].name, /lakehouse/)
  t.match(status.failures[0].error, /glue:GetTables answered more than 1048576 bytes \(AWS_MAX_RESPONSE_BYTES\)/)
  t.ok(
    records.some((r) => r.kind === 'table' && r.entity.databaseSchema.endsWith('.clickstream')),
    'other schemas still read',
  )
})

t.test('an answer under the cap is read as usual', async (t) => {
  const h = await startHarness(t, { config: { aws: { ...AWS, maxResponseBytes: CAP } } })
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'hugeAnswer', bytes: CAP / 2 })
  const res = await h.app.inject({ method: 'POST', url: '/v1/databases', payload: source(h) })
  t.equal(res.statusCode, 200, 'a padded answer with no database is a catalog with no schema')
  t.same(res.json().databaseSchemas, [])
  t.equal(h.aws.streamed[0]!.completed, true)
})

t.test('a GetDatabases NextToken that repeats forever: 502 naming the operation after two calls', async (t) => {
  const h = await startHarness(t, { config: { aws: AWS } })
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'repeatToken' })
  const res = await ingest(h, source(h))
  t.equal(res.statusCode, 502)
  t.match(res.json().message, /glue:GetDatabases paging stopped: .*NextToken it had already sent/)
  t.equal(h.aws.count('glue:GetDatabases'), 2, 'the second page repeats the first token: the listing stops there')
})

t.test('a GetTables NextToken that repeats forever: that schema fails, bounded calls, the run goes on', async (t) => {
  const h = await startHarness(t, { config: { aws: AWS } })
  h.aws.addFault({ action: 'glue:GetTables', kind: 'repeatToken', match: (b) => b.DatabaseName === 'lakehouse' })
  const res = await ingest(h, source(h))
  t.equal(res.statusCode, 200)
  const records = parseNdjson(res.body)
  t.same(invalidRecords(records), [])
  const status = records.at(-1)!.entity
  t.equal(status.failures.length, 1)
  t.match(status.failures[0].error, /glue:GetTables paging stopped/)
  t.equal(h.aws.calls.filter((c) => c.action === 'glue:GetTables' && c.body.DatabaseName === 'lakehouse').length, 2)
})

t.test('paging that never repeats stops at AWS_LISTING_MAX_PAGES', async (t) => {
  const h = await startHarness(t, { config: { aws: { ...AWS, paging: { maxPages: 5, timeoutMs: 60_000 } } } })
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'endlessPages' })
  const res = await ingest(h, source(h))
  t.equal(res.statusCode, 502)
  t.match(res.json().message, /glue:GetDatabases paging stopped: the listing has more than 5 pages \(AWS_LISTING_MAX_PAGES\)/)
  t.equal(h.aws.count('glue:GetDatabases'), 5)
})

t.test('paging stops once the listing has waited AWS_LISTING_TIMEOUT_MS for AWS', async (t) => {
  const h = await startHarness(t, { config: { aws: { ...AWS, paging: { maxPages: 1000, timeoutMs: 50 } } } })
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'latency', ms: 30 })
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'endlessPages' })
  const res = await ingest(h, source(h))
  t.equal(res.statusCode, 502)
  t.match(res.json().message, /glue:GetDatabases paging stopped: the listing took more than 50 ms of AWS time .*\(AWS_LISTING_TIMEOUT_MS\)/)
  t.ok(h.aws.count('glue:GetDatabases') <= 3, `${h.aws.count('glue:GetDatabases')} calls`)
})

t.test('Lake Formation ListLFTags repeating its NextToken: the tags step fails, tables are still read', async (t) => {
  const h = await startHarness(t, { config: { aws: AWS } })
  h.aws.addFault({ action: 'lakeformation:ListLFTags', kind: 'repeatToken' })
  const res = await ingest(h, source(h))
  t.equal(res.statusCode, 200)
  const records = parseNdjson(res.body)
  const status = records.at(-1)!.entity
  t.match(status.failures.map((f: { error: string }) => f.error).join('\n'), /lakeformation:ListLFTags paging stopped/)
  t.equal(h.aws.count('lakeformation:ListLFTags'), 2)
  t.ok(records.some((r) => r.kind === 'table'))
})

t.test('Athena ListDataCatalogs repeating its NextToken: a failure naming it, bounded calls', async (t) => {
  const h = await startHarness(t, { config: { aws: AWS } })
  h.aws.addFault({ action: 'athena:ListDataCatalogs', kind: 'repeatToken' })
  const res = await ingest(h, source(h, { options: { includeFederatedCatalogs: true } }))
  t.equal(res.statusCode, 200)
  const status = parseNdjson(res.body).at(-1)!.entity
  t.match(status.failures.map((f: { error: string }) => f.error).join('\n'), /athena:ListDataCatalogs paging stopped/)
  t.equal(h.aws.count('athena:ListDataCatalogs'), 2)
})

t.test('query history: ListQueryExecutions repeating its NextToken fails that workgroup; ListWorkGroups repeating is a 502', async (t) => {
  const h = await startHarness(t, { config: { aws: AWS } })
  h.aws.addFault({ action: 'athena:ListQueryExecutions', kind: 'repeatToken', match: (b) => b.WorkGroup === 'analysts' })
  // A window wide enough that every query of the sample history is in it: only the bound stops the paging.
  const res = await postQueryLog(h, queryLogBody(h, { queryLogDuration: 3650, resultLimit: 100_000 }))
  t.equal(res.statusCode, 200)
  const status = parseNdjson(res.body).at(-1)!.entity
  t.equal(status.failures.length, 1)
  t.equal(status.failures[0].name, 'workgroup analysts')
  t.match(status.failures[0].error, /athena:ListQueryExecutions paging stopped/)
  t.equal(h.aws.calls.filter((c) => c.action === 'athena:ListQueryExecutions' && c.body.WorkGroup === 'analysts').length, 2)

  h.aws.reset()
  h.aws.addFault({ action: 'athena:ListWorkGroups', kind: 'repeatToken' })
  const listed = await postQueryLog(h, queryLogBody(h, { queryLogDuration: 7 }))
  t.equal(listed.statusCode, 502)
  t.match(listed.json().message, /athena:ListWorkGroups paging stopped/)
  t.equal(h.aws.count('athena:ListWorkGroups'), 2)
})
