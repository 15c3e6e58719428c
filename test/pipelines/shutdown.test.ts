/**
 * SIGTERM while a deployed pipeline runs (a rolling update, `docker stop`): the run is stopped, ends failed, and
 * OpenMetadata is told so before the process exits 0; the next process on the same store shows it failed, never
 * "running", and still has the pipeline.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { startFakeAws } from '../support/aws-endpoint.js'
import { generateCatalog } from '../support/catalog.js'
import { startFakeOm } from '../support/fake-om.js'
import { athenaConnection } from '../support/harness.js'
import { ingestionPipeline, PASSWORD, pipelineHttp, seedAthenaService, TEST_PIPELINE_KEY, USER, waitFor, waitForRunsOver } from '../support/pipelines.js'
import { startServerProcess } from '../support/server-process.js'

/**
 * A service process with the pipeline API on and a store of the test's, a slow 1,200-table catalog, and a pipeline
 * (retries: 1) deployed and triggered: answers once its run reported running. `restart()` starts the next process
 * on the same store.
 */
async function runningPipeline(t: Test, schedule?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pipelines-process-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const aws = await startFakeAws({ catalog: generateCatalog({ schemas: 4, tablesPerSchema: 300, columnsPerTable: 8 }), latencyMs: 40 })
  t.teardown(() => aws.close())
  const om = await startFakeOm(t)
  seedAthenaService(om, 'athena_prod', athenaConnection(aws))
  const env = { AUTOMATION_USERNAME: USER, AUTOMATION_PASSWORD: PASSWORD, PIPELINE_SECRET_KEY: TEST_PIPELINE_KEY, PIPELINE_DB_PATH: join(dir, 'p.sqlite'), AUTH_TOKEN: '' }
  const first = await startServerProcess(t, env)
  const call = pipelineHttp(`http://127.0.0.1:${first.port}`)
  const entity = ingestionPipeline(om, { service: 'athena_prod', ...(schedule ? { schedule } : {}), airflowConfig: { retries: 1, retryDelay: 0 } })
  t.equal((await call('POST', 'deploy', entity)).status, 200)
  t.equal((await call('POST', 'trigger', { dag_id: entity.name })).status, 200)
  const running = await waitFor('the run to report running', () => om.pipelinesApi.statusPuts.find((p) => p.body.pipelineState === 'running'), 30_000, 20)
  const restart = async () => {
    const next = await startServerProcess(t, env)
    return { process: next, call: pipelineHttp(`http://127.0.0.1:${next.port}`) }
  }
  return { aws, om, first, entity, runId: running.body.runId as string, restart }
}

t.test('SIGTERM during a run: the run ends failed, OpenMetadata is told, the process exits 0, the next one resumes', async (t) => {
  const { aws, om, first, entity, runId, restart } = await runningPipeline(t, '@daily')
  await waitFor('the run to be reading tables', () => aws.count('glue:GetTables') >= 2, 30_000, 20)
  first.kill('SIGTERM')
  t.equal(await first.exited, 0, 'the process exits 0')
  const puts = om.pipelinesApi.statusPuts.filter((p) => p.body.runId === runId).map((p) => p.body.pipelineState)
  t.same(puts, ['running', 'failed'], 'OpenMetadata was told the run failed before the process exited')
  const final = om.pipelinesApi.statusPuts.filter((p) => p.body.runId === runId).at(-1)!.body
  t.ok(final.endDate >= final.startDate, 'with its end date')

  const { process: second, call: secondCall } = await restart()
  const status = await secondCall('GET', `status?dag_id=${entity.name}`)
  t.equal(status.status, 200, 'the pipeline is still deployed')
  t.same((status.json as any[]).map((s) => s.runId).slice(-1), [runId], 'with its run')
  const runs = await waitForRunsOver(secondCall, entity.name, 2)
  t.same(
    runs.map((s) => [s.runId === runId ? 'the stopped run' : 'its retry', s.pipelineState]),
    [
      ['its retry', 'success'],
      ['the stopped run', 'failed'],
    ],
    'the stopped run is failed, not running, and its retry ran on the next process',
  )
  const stoppedLogs = await secondCall('GET', `last_dag_logs?dag_id=${entity.name}&task_id=ingestion_task`)
  t.match(stoppedLogs.json.ingestion_task, /Run finished: success/, 'the last log is the retry’s')
  second.kill('SIGTERM')
  t.equal(await second.exited, 0)
})

t.test('a process killed during a run (SIGKILL): the next start fails the run, tells OpenMetadata, and retries it', async (t) => {
  const { om, first, entity, runId, restart } = await runningPipeline(t)
  first.kill('SIGKILL')
  await first.exited

  // The schedule-less pipeline's retry runs on the next process, at its start.
  const { process: second, call: secondCall } = await restart()
  const runs = await waitForRunsOver(secondCall, entity.name, 2)
  t.same(
    runs.map((r) => r.pipelineState),
    ['success', 'failed'],
    'the lost run failed; its retry succeeded',
  )
  t.equal(runs[1].runId, runId)
  const lost = om.pipelinesApi.statusPuts.filter((p) => p.body.runId === runId).map((p) => p.body.pipelineState)
  t.same(lost, ['running', 'failed'], 'OpenMetadata was told the lost run failed')
  second.kill('SIGTERM')
  t.equal(await second.exited, 0)
})
