// Failures of the query-log run: before the first record a JSON error; a workgroup that may not be read is
// a failures entry and the others go on; bad bodies are 400s naming the field.
import t from 'tap'
import { loadSampleCatalog } from '../support/catalog.js'
import { athenaConnection, startHarness } from '../support/harness.js'
import { byKind, invalidQueryLogRecords, parseNdjson, postQueryLog, queryLogBody } from './support.js'

t.test('access denied on ListQueryExecutions for one workgroup: a failure entry, the others go on', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'athena:ListQueryExecutions', kind: 'accessDenied', match: (b) => b.WorkGroup === 'analysts' })
  const res = await postQueryLog(h, queryLogBody(h, { queryLogDuration: 7 }))
  t.equal(res.statusCode, 200)
  const records = parseNdjson(res.body)
  t.same(invalidQueryLogRecords(records), [])
  const queries = byKind(records, 'query')
  t.ok(queries.length > 0)
  t.ok(
    queries.every((r) => r.workGroup === 'primary'),
    'primary read in full',
  )
  const status = records.at(-1)!
  t.equal(status.entity.errors, 1)
  t.equal(status.entity.failures[0].name, 'workgroup analysts')
  t.match(status.entity.failures[0].error, /athena:ListQueryExecutions/)
  t.match(status.entity.failures[0].error, /AccessDeniedException/)
})

t.test('access denied on BatchGetQueryExecution in the first workgroup: a failure entry, the next one is read', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'athena:BatchGetQueryExecution', kind: 'accessDenied', times: 1 })
  const records = parseNdjson((await postQueryLog(h, queryLogBody(h, { queryLogDuration: 7 }))).body)
  t.ok(byKind(records, 'query').length > 0 && byKind(records, 'query').every((r) => r.workGroup === 'analysts'))
  const status = records.at(-1)!
  t.equal(status.entity.failures[0].name, 'workgroup primary')
  t.match(status.entity.failures[0].error, /athena:BatchGetQueryExecution/)
})

t.test('throttled beyond the retries on one workgroup: a failure entry, the others go on', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'athena:ListQueryExecutions', kind: 'throttle', match: (b) => b.WorkGroup === 'primary' })
  const records = parseNdjson((await postQueryLog(h, queryLogBody(h, { queryLogDuration: 7 }))).body)
  t.ok(byKind(records, 'query').every((r) => r.workGroup === 'analysts'))
  t.match(records.at(-1)!.entity.failures[0], { name: 'workgroup primary', error: /throttled/ })
})

t.test('executions BatchGetQueryExecution could not read: one failure entry each', async (t) => {
  const catalog = loadSampleCatalog()
  const unreadable = catalog
    .queryHistory!.filter((q) => q.WorkGroup === 'primary')
    .slice(0, 2)
    .map((q) => q.QueryExecutionId)
  catalog.unprocessedQueryIds = unreadable
  const h = await startHarness(t, { catalog })
  const records = parseNdjson((await postQueryLog(h, queryLogBody(h, { queryLogDuration: 7 }))).body)
  const ids = new Set(byKind(records, 'query').map((r) => r.queryExecutionId))
  t.ok(unreadable.every((id) => !ids.has(id)))
  const failures = records.at(-1)!.entity.failures
  t.same(
    failures.map((f: { name: string }) => f.name),
    unreadable.map((id) => `query ${id} (workgroup primary)`),
  )
  t.match(failures[0].error, /INTERNAL_ERROR/)
})

t.test('ListWorkGroups denied: the connection workgroup is read, as upstream falls back to the default one', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'athena:ListWorkGroups', kind: 'accessDenied' })
  const res = await postQueryLog(h, queryLogBody(h, { queryLogDuration: 7 }))
  t.equal(res.statusCode, 200)
  const records = parseNdjson(res.body)
  t.ok(byKind(records, 'query').length > 0 && byKind(records, 'query').every((r) => r.workGroup === 'primary'))
  const status = records.at(-1)!
  t.equal(status.entity.warnings, 1)
  t.equal(status.entity.errors, 0)
  t.equal(status.totals!.workGroups, 1)
  t.match(h.logs(), /athena:ListWorkGroups/)
})

t.test('errors before the first record are JSON errors', async (t) => {
  const h = await startHarness(t)
  const invalid = await postQueryLog(h, { ...queryLogBody(h), serviceConnection: { config: athenaConnection(h.aws, {}, { awsAccessKeyId: 'AKIAINVALIDEXAMPLE00' }) } })
  t.equal(invalid.statusCode, 502)
  t.match(invalid.headers['content-type'], /application\/json/)
  t.match(invalid.json().message, /did not recognise the credentials/)

  h.aws.addFault({ action: 'athena:ListWorkGroups', kind: 'http500' })
  const down = await postQueryLog(h, queryLogBody(h))
  t.equal(down.statusCode, 502)
  t.match(down.json().message, /athena:ListWorkGroups/)
  h.aws.clearFaults()

  const unreachable = await postQueryLog(h, { ...queryLogBody(h), serviceConnection: { config: athenaConnection(h.aws, {}, { endPointURL: 'http://127.0.0.1:9' }) } })
  t.equal(unreachable.statusCode, 502)
  t.match(unreachable.json().message, /Could not reach the AWS endpoint/)
})

t.test('bad bodies: 400 naming the field', async (t) => {
  const h = await startHarness(t)
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ ...queryLogBody(h), serviceName: undefined }, /must have required property 'serviceName'/],
    [queryLogBody(h, { type: 'DatabaseUsage', includeViews: true }), /body\/sourceConfig\/config\/includeViews is not a known property of body\/sourceConfig\/config/],
    [queryLogBody(h, { type: 'DatabaseLineage', stageFileLocation: '/tmp/x' }), /body\/sourceConfig\/config\/stageFileLocation is not a known property of body\/sourceConfig\/config/],
    [queryLogBody(h, { type: 'DatabaseMetadata' }), /body\/sourceConfig\/config/],
    [queryLogBody(h, { queryLogDuration: 'seven' }), /body\/sourceConfig\/config\/queryLogDuration must be integer/],
    [queryLogBody(h, { queryLogFilePath: '/etc/passwd' }), /queryLogFilePath is not supported/],
    [queryLogBody(h, { resultLimit: 0 }), /resultLimit must be >= 1/],
    [queryLogBody(h, { type: 'DatabaseLineage', tableFilterPattern: { includes: ['ok', 'sales(?!_tmp)'] } }), /body\/sourceConfig\/config\/tableFilterPattern\.includes\[1\].*a lookahead assertion/],
  ]
  for (const [body, message] of cases) {
    const res = await postQueryLog(h, JSON.parse(JSON.stringify(body)))
    t.equal(res.statusCode, 400, `${message}: ${res.body.slice(0, 200)}`)
    t.match(res.json().message, message)
  }
  t.equal(h.aws.count(), 0, 'no AWS call for a bad body')
})
