/**
 * What the pipeline routes refuse, and how: each bad deploy or call answers its status with a message that names the
 * field and says what to do; pipelines this service does not run (another pipeline type, another service type) are
 * refused at deploy with a message OpenMetadata shows its user; secrets never come back; a store holding pipelines
 * does not start without its key.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { startFakeOm } from '../support/fake-om.js'
import { athenaConnection, startHarness, TEST_SECRETS } from '../support/harness.js'
import { basic, ingestionPipeline, pipelineClient, pipelineSettings, PREFIX, seedAthenaService, AUTOMATION, waitForFinalRun } from '../support/pipelines.js'
import { startServerProcess } from '../support/server-process.js'

const SINK = { concurrency: 4, maxAttempts: 2, requestTimeoutMs: 5_000, retryBaseMs: 5, maxRetryDelayMs: 200 }

async function setup(t: Parameters<typeof startHarness>[0], pipelines = pipelineSettings(':memory:')) {
  const om = await startFakeOm(t)
  const h = await startHarness(t, { config: { automation: AUTOMATION, openMetadataSink: SINK, pipelines } })
  seedAthenaService(om, 'athena_prod', athenaConnection(h.aws))
  return { om, h, client: pipelineClient(h.app) }
}

t.test('deploy refuses what this service does not run, naming the field', async (t) => {
  const { om, h, client } = await setup(t)
  om.seed('databaseService', { name: 'mysql_prod', serviceType: 'Mysql', connection: { config: { type: 'Mysql', hostPort: 'db:3306', username: 'u' } } })
  const cases: Array<[string, Record<string, any>, number, RegExp]> = [
    ['a profiler pipeline', { ...ingestionPipeline(om, { service: 'athena_prod' }), pipelineType: 'profiler' }, 400, /^body\/pipelineType 'profiler' is not supported: .*metadata, usage and lineage/],
    ['a dbt pipeline', { ...ingestionPipeline(om, { service: 'athena_prod' }), pipelineType: 'dbt' }, 400, /^body\/pipelineType 'dbt' is not supported/],
    [
      'a pipeline of a MySQL service',
      ingestionPipeline(om, { service: 'mysql_prod' }),
      400,
      /^body\/service: service 'mysql_prod' is a Mysql service: this pipeline service runs Athena pipelines only/,
    ],
    [
      'a pipeline of a dashboard service',
      { ...ingestionPipeline(om, { service: 'athena_prod' }), service: { type: 'dashboardService', name: 'looker' } },
      400,
      /^body\/service\/type 'dashboardService' is not supported/,
    ],
    ['a service OpenMetadata does not know', ingestionPipeline(om, { service: 'nope' }), 400, /has no database service 'nope'/],
    [
      'a usage pipeline with a metadata sourceConfig',
      ingestionPipeline(om, { service: 'athena_prod', kind: 'usage', sourceConfig: { type: 'DatabaseMetadata' } }),
      400,
      /^body\/sourceConfig\/config\/type 'DatabaseMetadata' does not fit a usage pipeline: it takes DatabaseUsage/,
    ],
    ['a bad cron', ingestionPipeline(om, { service: 'athena_prod', schedule: '0 25 * * *' }), 400, /^body\/airflowConfig\/scheduleInterval/],
    ['@continuous', ingestionPipeline(om, { service: 'athena_prod', schedule: '@continuous' }), 400, /^body\/airflowConfig\/scheduleInterval/],
    ['an unknown time zone', ingestionPipeline(om, { service: 'athena_prod', schedule: '@daily', airflowConfig: { pipelineTimezone: 'Mars/Olympus' } }), 400, /^body\/airflowConfig\/pipelineTimezone/],
    ['too many retries', ingestionPipeline(om, { service: 'athena_prod', airflowConfig: { retries: 50 } }), 400, /^body\/airflowConfig\/retries/],
    ['no bot JWT', ingestionPipeline(om, { service: 'athena_prod', jwt: '' }), 400, /^body\/openMetadataServerConnection\/securityConfig\/jwtToken is required/],
    ['a wrong bot JWT', ingestionPipeline(om, { service: 'athena_prod', jwt: 'eyJ.wrong.jwt' }), 502, /JWT|token|401/i],
  ]
  for (const [what, body, status, message] of cases) {
    const res = await client.deploy(body)
    t.equal(res.statusCode, status, `${what}: ${status} (${res.body.slice(0, 200)})`)
    t.match(res.json().message, message, `${what}: the message names the field`)
  }
  const noName = await client.deploy({ ...ingestionPipeline(om, { service: 'athena_prod' }), name: undefined })
  t.equal(noName.statusCode, 400)
  t.match(noName.json().message, /body must have required property 'name'/)
  t.notMatch(h.logs(), om.token, 'no JWT in the log')
})

t.test('calls about a pipeline that is not deployed are 404s, as the plugin answers them; bad queries are 400s', async (t) => {
  const { om, client } = await setup(t)
  for (const [what, res] of [
    ['trigger', await client.trigger('ghost')],
    ['status', await client.status('ghost')],
    ['enable', await client.enable('ghost')],
    ['disable', await client.disable('ghost')],
    ['kill', await client.kill('ghost')],
    ['delete', await client.delete('ghost')],
    ['logs', await client.logs('ghost', 'ingestion_task')],
  ] as const) {
    t.equal(res.statusCode, 404, `${what}: 404`)
    t.match(res.json().message, /^DAG ghost not found\.$/, `${what}: says which DAG`)
  }
  const entity = ingestionPipeline(om, { service: 'athena_prod' })
  t.equal((await client.deploy(entity)).statusCode, 200)
  const noRun = await client.logs(entity.name, 'ingestion_task')
  t.equal(noRun.statusCode, 404)
  t.match(noRun.json().message, `No DAG run found for ${entity.name}.`)
  const missing = await client.status('')
  t.equal(missing.statusCode, 400)
  t.match(missing.json().message, /querystring\/dag_id/)
  t.equal((await client.trigger(entity.name)).statusCode, 200)
  await waitForFinalRun(client, entity.name)
  const wrongTask = await client.logs(entity.name, 'profiler_task')
  t.equal(wrongTask.statusCode, 400)
  t.match(wrongTask.json().message, /^querystring\/task_id 'profiler_task' is not a task of .*: a metadata pipeline has one task, ingestion_task/)
  const pastEnd = await client.logs(entity.name, 'ingestion_task', 5)
  t.equal(pastEnd.statusCode, 400)
  t.match(pastEnd.json().message, /^querystring\/after 5 is out of bounds\. Total pagination is 1/)
  const badAfter = await client.logs(entity.name, 'ingestion_task', -1)
  t.equal(badAfter.statusCode, 400)
  t.match(badAfter.json().message, /querystring\/after/)
})

t.test('every pipeline route takes the Basic password; without it, a 401 and nothing runs', async (t) => {
  const { om, h } = await setup(t)
  const entity = ingestionPipeline(om, { service: 'athena_prod' })
  const anonymous = pipelineClient(h.app, null)
  const wrong = pipelineClient(h.app, basic('admin', 'wrong-password'))
  for (const c of [anonymous, wrong]) {
    for (const res of [
      await c.deploy(entity),
      await c.trigger(entity.name),
      await c.status(entity.name),
      await c.kill(entity.name),
      await c.delete(entity.name),
      await c.logs(entity.name, 'ingestion_task'),
      await c.ip(),
      await c.enable(entity.name),
      await c.disable(entity.name),
    ]) {
      t.equal(res.statusCode, 401, `401 (${res.body.slice(0, 80)})`)
    }
  }
  t.equal(om.requests.length, 0, 'OpenMetadata was not called')
  t.equal(h.aws.count(), 0, 'AWS was not called')
  const ip = await pipelineClient(h.app).ip()
  t.same(ip.json(), { ip: 'unknown' }, 'ip: unknown unless PIPELINE_HOST_IP says (no call to a public IP service)')
})

t.test('secrets: no answer, log or stored byte holds the bot JWT or the AWS keys', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pipelines-secrets-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const db = join(dir, 'p.sqlite')
  const { om, h, client } = await setup(t, pipelineSettings(db))
  const entity = ingestionPipeline(om, { service: 'athena_prod', schedule: '@daily' })
  const answers = [await client.deploy(entity), await client.trigger(entity.name)]
  await waitForFinalRun(client, entity.name)
  answers.push(await client.status(entity.name), await client.logs(entity.name, 'ingestion_task'), await client.ip())
  const secrets = [om.token, TEST_SECRETS.secretAccessKey]
  for (const res of answers) for (const s of secrets) t.notOk(res.body.includes(s), `no secret in ${res.body.slice(0, 60)}`)
  for (const s of secrets) t.notOk(h.logs().includes(s), 'no secret in the process log')
  await h.app.close()
  const bytes = Buffer.concat([readFileSync(db), ...['-wal'].flatMap((x) => (tryRead(db + x) ? [tryRead(db + x)!] : []))]).toString('latin1')
  t.ok(bytes.includes(entity.name), 'the store file was read (it names the pipeline)')
  for (const s of [...secrets, om.token.split('.')[1]!]) t.notOk(bytes.includes(s), 'no secret in the store file')
})

function tryRead(path: string): Buffer | undefined {
  try {
    return readFileSync(path)
  } catch {
    return undefined
  }
}

t.test('without PIPELINE_SECRET_KEY: deploy is a 503 that says what to set; a store holding pipelines does not start', async (t) => {
  const { om, client } = await setup(t, { ...pipelineSettings(':memory:'), secretKey: undefined })
  const res = await client.deploy(ingestionPipeline(om, { service: 'athena_prod' }))
  t.equal(res.statusCode, 503, res.body)
  t.match(res.json().message, /PIPELINE_SECRET_KEY/)

  const dir = mkdtempSync(join(tmpdir(), 'pipelines-key-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const db = join(dir, 'p.sqlite')
  const first = await setup(t, pipelineSettings(db))
  t.equal((await first.client.deploy(ingestionPipeline(first.om, { service: 'athena_prod' }))).statusCode, 200)
  await first.h.app.close()
  const env = { AUTOMATION_USERNAME: 'admin', AUTOMATION_PASSWORD: 'pw-for-this-test', PIPELINE_DB_PATH: db }
  for (const [what, key, message] of [
    ['no key', '', /PIPELINE_SECRET_KEY/],
    ['another key', Buffer.alloc(32, 9).toString('base64'), /PIPELINE_SECRET_KEY does not decrypt the stored pipelines/],
  ] as const) {
    const started = startServerProcess(t, { ...env, PIPELINE_SECRET_KEY: key })
    await t.rejects(started, message, `${what}: the service does not start, and says why`)
    const output = await started.then(
      () => '',
      (err: Error) => err.message,
    )
    t.notOk(output.includes(Buffer.alloc(32, 9).toString('base64')), `${what}: the key is not printed`)
  }
})

t.test(`${PREFIX}/ip answers PIPELINE_HOST_IP when set`, async (t) => {
  const h = await startHarness(t, { config: { automation: AUTOMATION, pipelines: pipelineSettings(':memory:', { hostIp: '203.0.113.7' }) } })
  const res = await pipelineClient(h.app).ip()
  t.same(res.json(), { ip: '203.0.113.7' })
})
