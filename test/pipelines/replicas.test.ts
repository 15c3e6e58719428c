/**
 * Two service processes on one PostgreSQL database (DATABASE_URL), as two replicas behind one Kubernetes Service:
 * each schedule slot is one run whichever replicas fire it, and a run whose process dies is failed by the other
 * replica (its heartbeat stops), reported failed to OpenMetadata, and retried there — never left "running".
 */
import pg from 'pg'
import t from 'tap'
import { startFakeAws } from '../support/aws-endpoint.js'
import { generateCatalog } from '../support/catalog.js'
import { startFakeOm } from '../support/fake-om.js'
import { athenaConnection } from '../support/harness.js'
import { ingestionPipeline, PASSWORD, pipelineHttp, seedAthenaService, TEST_PIPELINE_KEY, USER, waitFor, waitForRunsOver } from '../support/pipelines.js'
import { startPostgres } from '../support/postgres.js'
import { startServerProcess, type ServerProcess } from '../support/server-process.js'

t.setTimeout(240_000)

async function replica(
  t: Parameters<typeof startServerProcess>[0],
  databaseUrl: string,
): Promise<ServerProcess & { call: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }> }> {
  const p = await startServerProcess(t, {
    DATABASE_URL: databaseUrl,
    PIPELINE_SECRET_KEY: TEST_PIPELINE_KEY,
    AUTOMATION_USERNAME: USER,
    AUTOMATION_PASSWORD: PASSWORD,
    PIPELINE_HEARTBEAT_MS: '200',
    PIPELINE_STALE_AFTER_MS: '4000',
    PIPELINE_SYNC_INTERVAL_MS: '300',
    LOG_LEVEL: 'info',
    AUTH_TOKEN: '',
  })
  const call = pipelineHttp(`http://127.0.0.1:${p.port}`)
  return Object.assign(p, { call })
}

/** The pipeline's running run (its id and the instance running it), once there is one. */
function runningRun(db: pg.Client, dagId: string): Promise<{ run_id: string; owner: string }> {
  return waitFor(
    'the run to be running',
    async () => (await db.query<{ run_id: string; owner: string }>(`SELECT run_id, owner FROM athena_pipeline_runs WHERE dag_id = $1 AND state = 'running'`, [dagId])).rows[0],
    30_000,
    20,
  )
}

/** The instance id a replica logged when its pipeline service started. */
function instanceOf(p: ServerProcess): string | undefined {
  return /"instance":"([0-9a-f-]{36})"[^\n]*pipeline service started|pipeline service started[^\n]*"instance":"([0-9a-f-]{36})"/.exec(p.output())?.slice(1).find(Boolean)
}

t.test('two replicas on one PostgreSQL database', async (t) => {
  const databaseUrl = await startPostgres(t)
  if (!databaseUrl) return
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  t.teardown(() => db.end())
  const aws = await startFakeAws({ catalog: generateCatalog({ schemas: 4, tablesPerSchema: 150, columnsPerTable: 8 }), latencyMs: 15 })
  t.teardown(() => aws.close())
  const om = await startFakeOm(t)
  seedAthenaService(om, 'athena_shared', athenaConnection(aws))

  const a = await replica(t, databaseUrl)
  const b = await replica(t, databaseUrl)
  await waitFor('both replicas to start their pipeline service', () => instanceOf(a) && instanceOf(b), 30_000)
  t.not(instanceOf(a), instanceOf(b), 'two instances')

  t.test('each schedule slot is one run, whichever replica fires it', async (t) => {
    const entity = ingestionPipeline(om, { service: 'athena_shared', schedule: '* * * * *', name: 'shared_every_minute' })
    const deployed = await a.call('POST', 'deploy', entity)
    t.equal(deployed.status, 200, JSON.stringify(deployed.json))
    // B learns of the pipeline through the shared store (PIPELINE_SYNC_INTERVAL_MS), then both arm the same slot.
    const runs = await waitFor(
      'the first scheduled run to finish',
      async () => {
        const { rows } = await db.query(`SELECT run_id, slot, state, owner FROM athena_pipeline_runs WHERE dag_id = $1 AND trigger_kind = 'schedule'`, [entity.name])
        return rows.length > 0 && rows.every((r) => ['success', 'failed', 'partialSuccess'].includes(r.state as string)) ? rows : undefined
      },
      100_000,
      250,
    )
    t.equal(runs.length, 1, 'one run for the slot')
    t.equal(runs[0].state, 'success', 'it succeeded')
    const slot = Number(runs[0].slot)
    t.equal(slot % 60_000, 0, 'at the minute slot')
    const fired = [a, b].map((p) => /pipeline run queued[^\n]*"trigger":"schedule"|"trigger":"schedule"[^\n]*pipeline run queued/.test(p.output()) || /schedule slot already queued/.test(p.output()))
    t.same(fired, [true, true], 'both replicas fired the slot (one queued it, the other found it queued)')
    const reported = new Set(om.pipelinesApi.statusPuts.filter((p) => p.fqn === entity.fullyQualifiedName && p.body.timestamp === slot).map((p) => p.body.runId))
    t.equal(reported.size, 1, 'OpenMetadata saw one run for the slot')
    const disabled = await b.call('POST', 'disable', { dag_id: entity.name })
    t.equal(disabled.status, 200, 'disabled through the other replica')
  })

  t.test('kill through one replica stops the run another replica runs', async (t) => {
    const entity = ingestionPipeline(om, { service: 'athena_shared', name: 'shared_killed' })
    t.equal((await a.call('POST', 'deploy', entity)).status, 200)
    t.equal((await a.call('POST', 'trigger', { dag_id: entity.name })).status, 200)
    const running = await runningRun(db, entity.name)
    const other = [a, b].find((p) => instanceOf(p) !== running.owner)!
    const killedAt = Date.now()
    const killed = await other.call('POST', 'kill', { dag_id: entity.name })
    t.equal(killed.status, 200, 'kill answered by the replica that does not run it')
    const ended = await waitFor(
      'the run to end',
      async () => (await db.query(`SELECT state, ended_at FROM athena_pipeline_runs WHERE run_id = $1 AND state <> 'running'`, [running.run_id])).rows[0],
      10_000,
      20,
    )
    t.equal(ended.state, 'failed', 'it ended failed')
    t.ok(Number(ended.ended_at) - killedAt < 2_000, `within ${Number(ended.ended_at) - killedAt} ms of the kill (heartbeat 200 ms)`)
    const calls = aws.count()
    await new Promise((r) => setTimeout(r, 1_000))
    t.equal(aws.count(), calls, 'and its AWS calls stopped')
  })

  t.test('a run whose replica dies is failed by the other, reported, and retried there', async (t) => {
    const entity = ingestionPipeline(om, { service: 'athena_shared', name: 'shared_retried', airflowConfig: { retries: 1, retryDelay: 0 } })
    t.equal((await a.call('POST', 'deploy', entity)).status, 200)
    t.equal((await b.call('POST', 'trigger', { dag_id: entity.name })).status, 200)
    const running = await runningRun(db, entity.name)
    const owner = [a, b].find((p) => instanceOf(p) === running.owner)
    const survivor = owner === a ? b : a
    t.ok(owner, `the run is owned by one of the replicas (${String(running.owner)})`)
    owner!.kill('SIGKILL')
    await owner!.exited
    const statuses = await waitForRunsOver(survivor.call, entity.name, 2)
    t.same(
      statuses.map((s) => s.pipelineState),
      ['success', 'failed'],
      'the lost run failed, its retry succeeded',
    )
    t.equal(statuses[1].runId, running.run_id, 'the failed one is the run of the killed replica')
    const { rows } = await db.query(`SELECT owner, attempt, error FROM athena_pipeline_runs WHERE dag_id = $1 ORDER BY attempt`, [entity.name])
    t.match(rows[0].error, /stopped: no heartbeat/, 'its error says its process stopped')
    t.equal(rows[1].owner, instanceOf(survivor), 'the retry ran on the surviving replica')
    t.equal(Number(rows[1].attempt), 2, 'as attempt 2')
    const lostPuts = om.pipelinesApi.statusPuts.filter((p) => p.body.runId === running.run_id).map((p) => p.body.pipelineState)
    t.equal(lostPuts.at(-1), 'failed', 'OpenMetadata was told the lost run failed')
    const lostStatus = om.pipelinesApi.statuses.get(entity.fullyQualifiedName)!.get(running.run_id)!
    t.match(lostStatus.status[0].failures, [{ error: /stopped: no heartbeat/ }], 'and why, in its run summary')
    const logs = await survivor.call('GET', `last_dag_logs?dag_id=${entity.name}&task_id=ingestion_task`)
    t.match(logs.json.ingestion_task, /Run finished: success/, 'the last log is the retry’s')
  })
})
