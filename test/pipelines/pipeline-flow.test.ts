/**
 * OpenMetadata runs an Athena pipeline through this service, making its AirflowRESTClient's calls in its order:
 * health-auth, deploy, trigger, status (queued, then until done), last logs, then a second run by the schedule;
 * the entities and the PipelineStatus of each run reach the (fake) OpenMetadata server. Then the service restarts
 * on the same store and the pipeline and its history are still there.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { startFakeOm } from '../support/fake-om.js'
import { athenaConnection, startHarness } from '../support/harness.js'
import { validateOm } from '../support/om-spec.js'
import { AUTOMATION, ingestionPipeline, pipelineClient, pipelineSettings, seedAthenaService, waitFor, waitForFinalRun } from '../support/pipelines.js'

t.setTimeout(240_000)

const SINK = { concurrency: 4, maxAttempts: 3, requestTimeoutMs: 5_000, retryBaseMs: 5, maxRetryDelayMs: 1_000 }
const STATUS_SCHEMA = 'entity/services/ingestionPipelines/ingestionPipeline.json#/definitions/pipelineStatus'

function tempDb(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipelines-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'pipelines.sqlite')
}

t.test('deploy, trigger, status, last logs, then a scheduled run; all of it reaches OpenMetadata and survives a restart', async (t) => {
  const db = tempDb(t)
  const om = await startFakeOm(t)
  const h = await startHarness(t, { config: { automation: AUTOMATION, openMetadataSink: SINK, pipelines: pipelineSettings(db) } })
  seedAthenaService(om, 'athena_prod', athenaConnection(h.aws))
  // Every minute: the scheduled run comes within a minute of the manual one.
  const entity = ingestionPipeline(om, { service: 'athena_prod', schedule: '* * * * *' })
  t.ok(validateOm('entity/services/ingestionPipelines/ingestionPipeline.json', entity).valid, 'the deployed entity is a valid IngestionPipeline')
  const client = pipelineClient(h.app)

  const health = await client.healthAuth()
  t.equal(health.statusCode, 200, 'health-auth (the server detects the API with it)')

  const deployed = await client.deploy(entity)
  t.equal(deployed.statusCode, 200, deployed.body)
  t.same(deployed.json(), { message: `Workflow [${entity.name}] has been created` })

  const triggered = await client.trigger(entity.name)
  t.equal(triggered.statusCode, 200, triggered.body)
  t.match(triggered.json().message, new RegExp(`^Workflow \\[${entity.name}\\] has been triggered [0-9a-f-]{36}$`))

  const queued = await client.status(entity.name, true)
  t.equal(queued.statusCode, 200)
  for (const s of queued.json()) t.ok(validateOm(STATUS_SCHEMA, s).valid, 'a queued status is a valid PipelineStatus')
  t.ok(
    (queued.json() as any[]).every((s) => s.pipelineState === 'queued'),
    'only_queued=true answers queued runs only',
  )

  const [first] = await waitForFinalRun(client, entity.name)
  t.equal(first.pipelineState, 'success', 'the manual run succeeded')
  t.ok(validateOm(STATUS_SCHEMA, first).valid, 'status answers valid PipelineStatus')
  t.ok(first.startDate <= first.endDate && first.timestamp <= first.startDate, 'timestamp ≤ startDate ≤ endDate')

  // What reached OpenMetadata: the catalog, and the run's status (running, then success with both steps).
  const tables = om.writes.filter((w) => w.type === 'table')
  const catalogTables = h.aws.catalog.glue['123456789012']!.reduce((n, db) => n + db.Tables.length, 0)
  t.ok(tables.length > 0 && tables.length <= catalogTables, `tables written to OpenMetadata (${tables.length})`)
  const puts = om.pipelinesApi.statusPuts.filter((p) => p.body.runId === first.runId)
  t.same(
    puts.map((p) => p.body.pipelineState),
    ['running', 'success'],
    'the run reported running, then success',
  )
  t.equal(puts[0]!.fqn, entity.fullyQualifiedName, 'at the pipeline FQN')
  const final = puts.at(-1)!.body
  t.same(
    final.status.map((s: any) => s.name),
    ['Athena', 'OpenMetadata'],
    'the final status carries the source and sink StepSummaries',
  )
  t.ok(final.status[0].records > 0 && final.status[0].errors === 0, `the source read the catalog (${final.status[0].records} records, no error)`)
  t.ok(final.status[1].records > 0 && final.status[1].errors === 0, `the sink wrote to OpenMetadata without an error (${final.status[1].records} records)`)

  const logs = await client.logs(entity.name, 'ingestion_task')
  t.equal(logs.statusCode, 200, logs.body)
  const page = logs.json()
  t.equal(page.total, 1)
  t.match(page.ingestion_task, /Run [0-9a-f-]{36} of athena_prod\./)
  t.match(page.ingestion_task, /Run finished: success/)
  t.notMatch(page.ingestion_task, om.token, 'the log does not hold the bot JWT')
  t.notMatch(h.logs(), om.token, 'the process log does not hold the bot JWT')

  // The second run, by the schedule (at the next minute).
  const both = await waitForFinalRun(client, entity.name, 2, 75_000)
  t.equal(both.length, 2, 'two runs')
  t.equal(both[0].pipelineState, 'success', 'the scheduled run succeeded')
  t.equal(both[0].timestamp % 60_000, 0, 'its logical date is the minute slot')
  const scheduledPuts = om.pipelinesApi.statusPuts.filter((p) => p.body.runId === both[0].runId)
  t.same(
    scheduledPuts.map((p) => p.body.pipelineState),
    ['running', 'success'],
    'the scheduled run reported its status too',
  )

  // The operator's view: both runs in /metrics, by type, trigger and state.
  const scraped = await h.app.metrics.scrape()
  t.match(scraped, /^athena_connector_pipeline_runs_total\{type="metadata",trigger="manual",state="success"\} 1$/m, 'the manual run in /metrics')
  t.match(scraped, /^athena_connector_pipeline_runs_total\{type="metadata",trigger="schedule",state="success"\} 1$/m, 'the scheduled run in /metrics')

  // Restart on the same store: the pipeline and its history are still there.
  await h.app.close()
  const h2 = await startHarness(t, { config: { automation: AUTOMATION, openMetadataSink: SINK, pipelines: pipelineSettings(db) } })
  const client2 = pipelineClient(h2.app)
  const after = await client2.status(entity.name)
  t.equal(after.statusCode, 200, after.body)
  t.same((after.json() as any[]).map((s) => [s.runId, s.pipelineState]).slice(-2), both.map((s) => [s.runId, s.pipelineState]).slice(-2), 'both runs are still there after the restart')
  const logsAfter = await client2.logs(entity.name, 'ingestion_task')
  t.match(logsAfter.json().ingestion_task, /Run finished: success/, 'and the last run log')
  const disabled = await client2.disable(entity.name)
  t.same(disabled.json(), { message: `DAG ${entity.name} has been disabled` })
  const deleted = await client2.delete(entity.name)
  t.same(deleted.json(), { message: `DAG [${entity.name}] has been deleted` })
  t.equal((await client2.status(entity.name)).statusCode, 404, 'deleted: status is a 404')
})

t.test('a failed run is retried airflowConfig.retries times, retryDelay apart, and each attempt is reported', async (t) => {
  const om = await startFakeOm(t)
  const h = await startHarness(t, { config: { automation: AUTOMATION, openMetadataSink: SINK, pipelines: pipelineSettings(tempDb(t)) } })
  seedAthenaService(om, 'athena_denied', athenaConnection(h.aws))
  h.aws.addFault({ kind: 'accessDenied', action: 'glue:GetDatabases' })
  const entity = ingestionPipeline(om, { service: 'athena_denied', airflowConfig: { retries: 1, retryDelay: 1 } })
  const client = pipelineClient(h.app)
  t.equal((await client.deploy(entity)).statusCode, 200)
  t.equal((await client.trigger(entity.name)).statusCode, 200)
  const runs = await waitForFinalRun(client, entity.name, 2, 30_000)
  t.same(
    runs.map((r) => r.pipelineState),
    ['failed', 'failed'],
    'both attempts failed',
  )
  t.ok(runs[0].startDate - runs[1].endDate >= 900, `the retry started retryDelay after the failure (${runs[0].startDate - runs[1].endDate} ms)`)
  t.equal(runs[0].timestamp, runs[1].timestamp, 'a retry keeps the logical date of the run it retries')
  await new Promise((r) => setTimeout(r, 1_500))
  t.equal(((await client.status(entity.name)).json() as any[]).length, 2, 'no third attempt')
  const finals = om.pipelinesApi.statusPuts.filter((p) => p.body.pipelineState === 'failed')
  t.equal(finals.length, 2, 'each attempt reported failed')
  const logs = (await client.logs(entity.name, 'ingestion_task')).json()
  t.match(logs.ingestion_task, /Run failed: .*AccessDenied|Run failed: .*glue:GetDatabases/i, 'the last log says why')
})

for (const moment of ['reading', 'writing'] as const) {
  t.test(`kill during a 3,000-table run, while it is ${moment}, stops its AWS calls and writes within two seconds; the run ends failed`, async (t) => {
    const { generateCatalog } = await import('../support/catalog.js')
    const om = await startFakeOm(t)
    const h = await startHarness(t, {
      catalog: generateCatalog({ schemas: 10, tablesPerSchema: 300, columnsPerTable: 10 }),
      latencyMs: moment === 'reading' ? 60 : 20,
      config: { automation: AUTOMATION, openMetadataSink: SINK, pipelines: pipelineSettings(tempDb(t)) },
    })
    seedAthenaService(om, 'athena_big', athenaConnection(h.aws))
    const entity = ingestionPipeline(om, { service: 'athena_big' })
    const client = pipelineClient(h.app)
    t.equal((await client.deploy(entity)).statusCode, 200)
    t.equal((await client.trigger(entity.name)).statusCode, 200)
    const tablesWritten = () => om.writes.filter((w) => w.type === 'table').length
    if (moment === 'reading') await waitFor('the run to be reading tables', () => h.aws.count('glue:GetTables') >= 5, 60_000, 10)
    else await waitFor('the run to be writing tables', () => tablesWritten() >= 50, 60_000, 10)
    const killedAt = Date.now()
    const killed = await client.kill(entity.name)
    t.equal(killed.statusCode, 200, killed.body)
    t.same(killed.json(), { message: `Workflow [${entity.name}] has been killed` })
    await new Promise((r) => setTimeout(r, 2_000))
    const settled = h.aws.count()
    const writesSettled = om.writes.length
    await new Promise((r) => setTimeout(r, 1_500))
    t.equal(h.aws.count(), settled, 'no AWS call after the first two seconds')
    t.equal(om.writes.length, writesSettled, 'no OpenMetadata write after the first two seconds')
    const lastCall = Math.max(...h.aws.calls.map((c) => c.at))
    if (moment === 'reading') t.ok(lastCall >= killedAt - 200 && lastCall - killedAt < 2_000, `the catalog was still being read; its last AWS call came ${lastCall - killedAt} ms after kill was sent`)
    const [run] = await waitForFinalRun(client, entity.name, 1, 10_000)
    t.equal(run.pipelineState, 'failed', 'the killed run ends failed, as upstream reports a killed run')
    const written = tablesWritten()
    t.ok(written < 3000, `the run stopped before the end (${written} of 3000 tables written)`)
    const final = om.pipelinesApi.statusPuts.filter((p) => p.body.runId === run.runId).at(-1)!.body
    t.equal(final.pipelineState, 'failed', 'OpenMetadata was told failed')
    t.ok(
      final.status[0].failures.some((f: any) => f.name === entity.fullyQualifiedName && /^Killed: OpenMetadata asked to stop the run \(kill\)/.test(f.error)),
      'and why, in the run summary',
    )
    const logs = (await client.logs(entity.name, 'ingestion_task')).json()
    t.match(logs.ingestion_task, /Killed: OpenMetadata asked to stop the run \(kill\)/)
    const again = await client.kill(entity.name)
    t.equal(again.statusCode, 404, 'nothing left to kill: 404, as upstream')
    t.match(again.json().message, /has no running or pending runs/)
  })
}
