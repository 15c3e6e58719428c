// How the query history is read: the time window stops a workgroup's paging early, BatchGetQueryExecution
// gets at most 50 ids a call, resultLimit caps each workgroup. Call counts from the AWS test endpoint.
import t from 'tap'
import { generateQueryHistory, loadSampleCatalog, type Catalog } from '../support/catalog.js'
import { startHarness } from '../support/harness.js'
import { byKind, parseNdjson, postQueryLog, queryLogBody, windowStart } from './support.js'

/** The sample catalog with a generated history in `primary` only. */
function catalogWith(opts: Parameters<typeof generateQueryHistory>[0]): Catalog {
  const catalog = loadSampleCatalog()
  catalog.queryHistory = generateQueryHistory(opts)
  return catalog
}

const batchSizes = (h: Awaited<ReturnType<typeof startHarness>>) => h.aws.calls.filter((c) => c.action === 'athena:BatchGetQueryExecution').map((c) => c.body.QueryExecutionIds.length)
const listCalls = (h: Awaited<ReturnType<typeof startHarness>>, workGroup: string) => h.aws.calls.filter((c) => c.action === 'athena:ListQueryExecutions' && c.body.WorkGroup === workGroup)

t.test('120 executions in the window: 3 pages, 3 BatchGetQueryExecution calls of at most 50 ids', async (t) => {
  const h = await startHarness(t, { catalog: catalogWith({ workGroup: 'primary', count: 120, startMinutesAgo: 1, everyMinutes: 1 }) })
  const res = await postQueryLog(h, queryLogBody(h, { queryLogDuration: 1 }))
  t.equal(res.statusCode, 200)
  const records = parseNdjson(res.body)
  t.equal(byKind(records, 'query').length, 120)
  t.same(batchSizes(h), [50, 50, 20])
  t.equal(h.aws.count('athena:BatchGetQueryExecution'), 3)
  const lists = listCalls(h, 'primary')
  t.equal(lists.length, 3)
  t.ok(
    lists.every((c) => c.body.MaxResults <= 50),
    'MaxResults never above 50',
  )
  t.notOk('NextToken' in lists[0]!.body, 'first page without a token')
  t.ok(
    lists.slice(1).every((c) => typeof c.body.NextToken === 'string'),
    'then the NextToken of the previous page',
  )
  t.same(
    byKind(records, 'query').map((r) => r.queryExecutionId),
    Array.from({ length: 120 }, (_, i) => `gen-primary-${String(i).padStart(4, '0')}`),
    'newest first, as listed',
  )
})

t.test('paging stops at the first page that reaches past the window', async (t) => {
  // One execution an hour for 200 hours: a 1-day window (since yesterday 00:00 UTC) is at most 48 hours, inside page 1.
  const h = await startHarness(t, { catalog: catalogWith({ workGroup: 'primary', count: 200, startMinutesAgo: 5, everyMinutes: 60 }) })
  const res = await postQueryLog(h, queryLogBody(h, { queryLogDuration: 1 }))
  const records = parseNdjson(res.body)
  const start = windowStart(1)
  const inWindow = Array.from({ length: 200 }, (_, i) => Date.now() - (5 + i * 60) * 60_000).filter((ms) => ms >= start).length
  // Allow the minute the test may take: the count is that of the run, computed from the same rule.
  t.ok(Math.abs(byKind(records, 'query').length - inWindow) <= 1, `queries in the window only (${byKind(records, 'query').length} vs ${inWindow})`)
  t.equal(listCalls(h, 'primary').length, 1, 'one ListQueryExecutions page for primary: the next pages are older still')
  t.equal(h.aws.count('athena:BatchGetQueryExecution'), 1)
  const status = records.at(-1)!
  t.equal(status.totals!.outsideWindow, 50 - status.totals!.queries!, 'the rest of the page is counted outside the window')
  t.equal(status.entity.filtered, status.totals!.outsideWindow)

  h.aws.reset()
  const month = parseNdjson((await postQueryLog(h, queryLogBody(h, { queryLogDuration: 30 }))).body)
  t.equal(byKind(month, 'query').length, 200, 'a 30-day window reads them all')
  t.equal(listCalls(h, 'primary').length, 4)
  t.same(batchSizes(h), [50, 50, 50, 50])
})

t.test('the sample history: queries older than queryLogDuration are absent', async (t) => {
  const h = await startHarness(t)
  for (const days of [1, 3, 7, 30]) {
    const records = parseNdjson((await postQueryLog(h, queryLogBody(h, { queryLogDuration: days }))).body)
    const start = windowStart(days)
    const ids = new Set(byKind(records, 'query').map((r) => r.queryExecutionId))
    const history = loadSampleCatalog().queryHistory!
    const old = history.filter((q) => (q.Status.SubmissionDateTime as Date).getTime() < start)
    t.ok(
      old.every((q) => !ids.has(q.QueryExecutionId)),
      `${days} day(s): none older than the window`,
    )
    t.ok(
      byKind(records, 'query').every((r) => Date.parse(r.entity.analysisDate) >= start),
      `${days} day(s): every analysisDate in the window`,
    )
  }
  const all = parseNdjson((await postQueryLog(h, queryLogBody(h, { queryLogDuration: 30 }))).body)
  t.ok(
    byKind(all, 'query').some((r) => r.entity.query.startsWith('CREATE TABLE sales.orders_2023')),
    'a 30-day window reaches the 9-day-old CTAS',
  )
})

t.test('resultLimit caps the executions read per workgroup', async (t) => {
  const h = await startHarness(t, { catalog: catalogWith({ workGroup: 'primary', count: 120, startMinutesAgo: 1, everyMinutes: 1 }) })
  const records = parseNdjson((await postQueryLog(h, queryLogBody(h, { queryLogDuration: 1, resultLimit: 70 }))).body)
  t.equal(byKind(records, 'query').length, 70)
  t.same(
    listCalls(h, 'primary').map((c) => c.body.MaxResults),
    [50, 20],
    'the last page asks only for what is left',
  )
  t.same(batchSizes(h), [50, 20])
})
