// `npm run demo`: the built service against the bundled sample catalog, end to end over HTTP.
// Starts the AWS-compatible test endpoint, runs `node dist/src/server.js` (what the container runs)
// as a child process, calls each endpoint as a user would with curl, prints a short summary, and
// exits 0 only when every answer was what it should be.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeAws } from '../test/support/aws-endpoint.js'
import { loadSampleCatalog } from '../test/support/catalog.js'
import { startFakeOm } from '../test/support/fake-om.js'
import { ingestionPipeline, PASSWORD, pipelineHttp, PREFIX, seedAthenaService, TEST_PIPELINE_KEY, USER } from '../test/support/pipelines.js'

const serverEntry = fileURLToPath(new URL('../src/server.js', import.meta.url))

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

const aws = await startFakeAws({ catalog: loadSampleCatalog() })
// A stand-in OpenMetadata server (the tests' fake): it serves the service and takes the entities and run statuses.
const om = await startFakeOm()
const pipelineDir = mkdtempSync(join(tmpdir(), 'athena-demo-'))
const port = await freePort()
const base = `http://127.0.0.1:${port}`
const serverLog: string[] = []
const server = spawn(process.execPath, [serverEntry], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    AUTH_TOKEN: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    // The pipeline-service API OpenMetadata's server calls, with a store of the demo's own.
    AUTOMATION_USERNAME: USER,
    AUTOMATION_PASSWORD: PASSWORD,
    PIPELINE_SECRET_KEY: TEST_PIPELINE_KEY,
    PIPELINE_DB_PATH: join(pipelineDir, 'pipelines.sqlite'),
  },
  stdio: ['ignore', 'pipe', 'pipe'],
})
server.stdout.on('data', (d: Buffer) => serverLog.push(d.toString()))
server.stderr.on('data', (d: Buffer) => serverLog.push(d.toString()))
const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)))

let ok = true
const check = (cond: boolean, what: string) => {
  if (!cond) {
    ok = false
    console.log(`  ✘ ${what}`)
  }
}

try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break
    } catch {
      if (i > 100) throw new Error('the service did not start within 10 s')
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const health = (await (await fetch(`${base}/health`)).json()) as { version: string }
  console.log(`Athena connector ${health.version} — service at ${base} (dist/src/server.js), AWS test endpoint at ${aws.url}\n`)

  const connection = {
    type: 'Athena',
    awsConfig: { awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE', awsSecretAccessKey: 'demo-secret-key', awsRegion: 'us-east-1', endPointURL: aws.url },
    s3StagingDir: 's3://athena-results-123456789012/primary/',
    workgroup: 'primary',
  }
  const post = async (path: string, body: unknown, accept = 'application/json') => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) })
    return { status: res.status, text: await res.text() }
  }
  const steps = (json: any) => {
    for (const s of json.steps ?? []) console.log(`  ${s.passed ? '✔' : '✘'} ${s.name.padEnd(12)} ${s.message ?? ''}`)
  }

  const tc = await post('/v1/test-connection', connection)
  const tcJson = JSON.parse(tc.text)
  console.log(`POST /v1/test-connection → HTTP ${tc.status}, ${tcJson.status}`)
  steps(tcJson)
  check(tc.status === 200 && tcJson.status === 'Successful', 'test-connection should succeed')

  const bad = await post('/v1/test-connection', { ...connection, workgroup: 'no_such_workgroup' })
  const badJson = JSON.parse(bad.text)
  console.log(`\nPOST /v1/test-connection with workgroup "no_such_workgroup" → HTTP ${bad.status}, ${badJson.status}`)
  steps(badJson)
  check(bad.status === 200 && badJson.status === 'Failed', 'an unknown workgroup should fail CheckAccess')

  const source = { type: 'athena', serviceName: 'athena_demo', serviceConnection: { config: connection }, options: { includeFederatedCatalogs: true } }
  const dbs = await post('/v1/databases', source)
  const dbsJson = JSON.parse(dbs.text)
  console.log(
    `\nPOST /v1/databases → HTTP ${dbs.status}: service ${dbsJson.databaseService?.name}, databases ${dbsJson.databases?.map((d: any) => d.name).join(', ')}; schemas ${dbsJson.databaseSchemas?.map((s: any) => s.name).join(', ')}`,
  )
  check(dbs.status === 200 && dbsJson.databaseSchemas?.length > 0, 'databases should list schemas')

  const ing = await post('/v1/ingest', source, 'application/x-ndjson')
  const lines = ing.text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
  const byKind: Record<string, number> = {}
  for (const l of lines) byKind[l.kind] = (byKind[l.kind] ?? 0) + 1
  const status = lines.at(-1)
  console.log(
    `\nPOST /v1/ingest → HTTP ${ing.status}, ${lines.length} NDJSON lines: ${Object.entries(byKind)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}`,
  )
  console.log(`  status: records ${status?.entity.records}, filtered ${status?.entity.filtered}, errors ${status?.entity.errors}, warnings ${status?.entity.warnings}, ${status?.elapsedMs} ms`)
  const view = lines.find((l) => l.kind === 'table' && l.entity.tableType === 'View')
  if (view) console.log(`  e.g. view ${view.entity.databaseSchema}.${view.entity.name}: ${view.entity.schemaDefinition?.replace(/\s+/g, ' ').slice(0, 90)}…`)
  const edge = lines.find((l) => l.kind === 'lineage')
  if (edge)
    console.log(
      `  view lineage ${edge.entity.edge.fromEntity.fullyQualifiedName} → ${edge.entity.edge.toEntity.fullyQualifiedName} (${edge.entity.edge.lineageDetails.columnsLineage?.length ?? 0} column edges)`,
    )
  check(ing.status === 200 && status?.kind === 'status' && status.entity.errors === 0 && (byKind.table ?? 0) > 0, 'ingest should stream tables and a clean status')

  const ql = await post(
    '/v1/query-log',
    { serviceName: 'athena_demo', serviceConnection: { config: connection }, sourceConfig: { config: { type: 'DatabaseLineage', queryLogDuration: 7 } } },
    'application/x-ndjson',
  )
  const qlLines = ql.text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
  const qlKinds: Record<string, number> = {}
  for (const l of qlLines) qlKinds[l.kind] = (qlKinds[l.kind] ?? 0) + 1
  console.log(
    `\nPOST /v1/query-log (DatabaseLineage, 7 days) → HTTP ${ql.status}: ${Object.entries(qlKinds)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}`,
  )
  const usage = qlLines.filter((l) => l.kind === 'usageSummary').sort((a, b) => b.entity.count - a.entity.count)[0]
  if (usage) console.log(`  busiest table: ${usage.entity.databaseSchema}.${usage.entity.table}, ${usage.entity.count} queries on ${usage.entity.date}`)
  const qEdge = qlLines.find((l) => l.kind === 'lineage')
  if (qEdge) console.log(`  e.g. lineage ${qEdge.entity.edge.fromEntity.fullyQualifiedName} → ${qEdge.entity.edge.toEntity.fullyQualifiedName}`)
  check(ql.status === 200 && (qlKinds.query ?? 0) > 0 && (qlKinds.lineage ?? 0) > 0 && (qlKinds.usageSummary ?? 0) > 0, 'query-log should stream queries, lineage and usage')

  // OpenMetadata deploys a metadata pipeline of the service here, runs it, and reads its status and logs.
  seedAthenaService(om, 'athena_demo', connection)
  const pipeline = ingestionPipeline(om, { service: 'athena_demo', name: 'athena_demo_metadata', schedule: '0 2 * * *' })
  const call = pipelineHttp(base)
  const deployed = await call('POST', 'deploy', pipeline)
  console.log(`\nPOST ${PREFIX}/deploy (metadata pipeline, daily at 02:00 UTC) → HTTP ${deployed.status}: ${deployed.json.message}`)
  check(deployed.status === 200, 'deploy should answer 200')
  const triggered = await call('POST', 'trigger', { dag_id: pipeline.name })
  console.log(`POST ${PREFIX}/trigger → HTTP ${triggered.status}: ${triggered.json.message}`)
  let runs: any[] = []
  for (let i = 0; i < 600; i++) {
    runs = (await call('GET', `status?dag_id=${pipeline.name}`)).json
    if (runs[0] && !['queued', 'running'].includes(runs[0].pipelineState)) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const run = runs[0]
  console.log(`GET ${PREFIX}/status → run ${run?.runId}: ${run?.pipelineState} in ${run ? run.endDate - run.startDate : '?'} ms`)
  const reported = om.pipelinesApi.statusPuts.filter((p) => p.body.runId === run?.runId).map((p) => p.body)
  const final = reported.at(-1)
  console.log(`  reported to OpenMetadata: ${reported.map((r) => r.pipelineState).join(' → ')}; ${final?.status?.map((s: any) => `${s.name} ${s.records} records, ${s.errors} errors`).join('; ')}`)
  console.log(`  written to OpenMetadata: ${om.writes.filter((w) => w.type === 'table').length} tables`)
  const logs = await call('GET', `last_dag_logs?dag_id=${pipeline.name}&task_id=ingestion_task`)
  const logLines = String(logs.json.ingestion_task ?? '').split('\n')
  console.log(`GET ${PREFIX}/last_dag_logs → ${logLines.length} lines, first and last:\n  ${logLines[0]}\n  ${logLines.at(-1)}`)
  check(run?.pipelineState === 'success' && final?.pipelineState === 'success' && logs.status === 200, 'the deployed pipeline should run to success and report it')

  console.log(
    `\nAWS calls made: ${Object.entries(aws.counts())
      .map(([a, n]) => `${a} ${n}`)
      .join(', ')}`,
  )
} catch (err) {
  ok = false
  console.log(`demo error: ${(err as Error).message}`)
} finally {
  server.kill('SIGTERM')
  const code = await exited
  check(code === 0, `the service should exit 0 on SIGTERM (exit code ${code})`)
  await aws.close()
  await om.close()
  rmSync(pipelineDir, { recursive: true, force: true })
}
if (!ok) console.log(`\nservice log:\n${serverLog.join('')}`)
console.log(ok ? '\ndemo OK' : '\ndemo FAILED: an answer was not what it should be')
process.exit(ok ? 0 : 1)
