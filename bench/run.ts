// `npm run bench`: ingest speed and memory of the built service against generated catalogs, beside
// a raw-SDK baseline reading the same Glue pages in the same run. Prints a table; asserts nothing.
//
//   BENCH_SIZES=1000,10000,100000  tables per run (0: none)     BENCH_COLUMNS=20      columns per table
//   BENCH_CONCURRENCY=4            schemas at once      BENCH_LATENCY_MS=0    AWS latency per call
//   BENCH_TABLES_PER_SCHEMA=1000
//   BENCH_NODE_OPTIONS="--max-old-space-size=256"   V8 flags of the service process (a container's
//                                  memory limit does the same: without one V8 grows its heap lazily)
//   BENCH_SINK_TABLES=10000        tables of the sink run (two ingests into the fake OpenMetadata
//                                  server; the second over the unchanged catalog); 0 skips it
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { GlueClient, paginateGetDatabases, paginateGetTables } from '@aws-sdk/client-glue'
import { startFakeAws } from '../test/support/aws-endpoint.js'
import { generateCatalog } from '../test/support/catalog.js'
import { startFakeOm, type FakeOm } from '../test/support/fake-om.js'
import { HASH_PAGE_SIZE } from '../src/sink/writer.js'

process.env.AWS_EC2_METADATA_DISABLED = 'true'
const env = (name: string, fallback: string) => process.env[name] || fallback
const sizes = env('BENCH_SIZES', '1000,10000,100000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)
const columns = Number(env('BENCH_COLUMNS', '20'))
const concurrency = Number(env('BENCH_CONCURRENCY', '4'))
const latencyMs = Number(env('BENCH_LATENCY_MS', '0'))
const perSchema = Number(env('BENCH_TABLES_PER_SCHEMA', '1000'))
const sinkTables = Number(env('BENCH_SINK_TABLES', '10000'))
const nodeOptions = process.env.BENCH_NODE_OPTIONS ?? '--max-old-space-size=256'
const serverEntry = fileURLToPath(new URL('../src/server.js', import.meta.url))
const credentials = { accessKeyId: 'AKIABENCHMARK', secretAccessKey: 'bench-secret' }

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/** A fresh service process per run, so its peak RSS (VmHWM) belongs to that run alone. */
async function startService() {
  const port = await freePort()
  const child = spawn(process.execPath, [...nodeOptions.split(' ').filter(Boolean), serverEntry], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (;;) {
    try {
      if ((await fetch(url + '/health')).ok) break
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  const peakRssMb = () => {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : NaN
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      child.on('exit', () => resolve())
      child.kill('SIGTERM')
    })
  return { url, peakRssMb, stop }
}

async function serviceIngest(url: string, awsUrl: string, viewLineage = false, om?: FakeOm): Promise<{ tables: number; ms: number }> {
  const started = performance.now()
  const res = await fetch(url + '/v1/ingest', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      serviceName: 'bench',
      serviceConnection: {
        config: {
          type: 'Athena',
          awsConfig: { awsAccessKeyId: credentials.accessKeyId, awsSecretAccessKey: credentials.secretAccessKey, awsRegion: 'us-east-1', endPointURL: awsUrl },
          s3StagingDir: 's3://athena-results-123456789012/primary/',
          workgroup: 'primary',
        },
      },
      // Stale-table scopes are cheap and stay on; view lineage parses SQL (measured in its own row).
      options: { schemaConcurrency: concurrency, includeViewLineage: viewLineage },
      ...(om
        ? {
            sink: { type: 'metadata-rest', config: {} },
            workflowConfig: { openMetadataServerConfig: { hostPort: om.url, authProvider: 'openmetadata', securityConfig: { jwtToken: om.token } } },
          }
        : {}),
    }),
  })
  if (!res.ok || !res.body) throw new Error(`ingest answered HTTP ${res.status}: ${await res.text()}`)
  let tables = 0
  let tail = ''
  const decoder = new TextDecoder()
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const text = tail + decoder.decode(chunk, { stream: true })
    let from = 0
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      // '{"kind":"table"' is the start of every table line
      if (text.startsWith('{"kind":"table"', from)) tables++
      from = nl + 1
    }
    tail = text.slice(from)
  }
  return { tables, ms: performance.now() - started }
}

/** A small ingest first, so the measured one runs on warm (JIT-compiled) code, as the baseline does. */
async function warmUp(url: string): Promise<void> {
  const aws = await startFakeAws({ catalog: generateCatalog({ schemas: 2, tablesPerSchema: 1000, columnsPerTable: columns }) })
  await serviceIngest(url, aws.url)
  await aws.close()
}

/** The raw SDK: the Glue paginators reading the same pages with the same concurrency, discarding them. */
async function baseline(awsUrl: string): Promise<{ tables: number; ms: number }> {
  const started = performance.now()
  const glue = new GlueClient({ endpoint: awsUrl, region: 'us-east-1', credentials, maxAttempts: 6 })
  const names: string[] = []
  for await (const page of paginateGetDatabases({ client: glue, pageSize: 100 }, { MaxResults: 100 })) {
    for (const d of page.DatabaseList ?? []) names.push(d.Name!)
  }
  let tables = 0
  let next = 0
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++]!
      for await (const page of paginateGetTables({ client: glue, pageSize: 100 }, { DatabaseName: name, MaxResults: 100 })) {
        tables += page.TableList?.length ?? 0
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  glue.destroy()
  return { tables, ms: performance.now() - started }
}

const rows: string[][] = []
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

console.log(`benchmark: ${columns} columns/table, ${perSchema} tables/schema, concurrency ${concurrency}, AWS latency ${latencyMs} ms/call, service node ${nodeOptions || '(no flags)'}`)
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`)

const runs = [...sizes.map((size) => ({ size, viewLineage: false })), ...(sizes.includes(10_000) ? [{ size: 10_000, viewLineage: true }] : [])]
for (const { size, viewLineage } of runs) {
  const schemas = Math.max(1, Math.ceil(size / perSchema))
  const catalog = generateCatalog({ schemas, tablesPerSchema: Math.ceil(size / schemas), columnsPerTable: columns })
  const aws = await startFakeAws({ catalog, ...(latencyMs ? { latencyMs } : {}) })
  const service = await startService()
  await warmUp(service.url)
  const svc = await serviceIngest(service.url, aws.url, viewLineage)
  const counts = aws.counts()
  const rss = service.peakRssMb()
  await service.stop()
  aws.reset()
  const base = await baseline(aws.url)
  await aws.close()
  const calls = (counts['glue:GetDatabases'] ?? 0) + (counts['glue:GetTables'] ?? 0)
  const other = Object.entries(counts)
    .filter(([a]) => !a.startsWith('glue:'))
    .map(([a, n]) => `${a.split(':')[1]} ${n}`)
    .join(', ')
  const expectedCalls = schemas * Math.ceil(size / schemas / 100) + Math.ceil(schemas / 100)
  if (svc.tables !== size || base.tables !== size) throw new Error(`table counts differ: service ${svc.tables}, baseline ${base.tables}, expected ${size}`)
  rows.push([
    fmt(size) + (viewLineage ? ' + view lineage' : ''),
    fmt((svc.tables / svc.ms) * 1000),
    fmt((base.tables / base.ms) * 1000),
    fmt(base.ms / svc.ms, 2),
    `${fmt((calls / size) * 1000, 1)} (${fmt(calls)} ${calls === expectedCalls ? '=' : '≠'} ${fmt(expectedCalls)})${other ? ` + ${other}` : ''}`,
    fmt(rss),
  ])
}

const head = ['tables', 'service tables/s', 'raw SDK tables/s', 'ratio', 'Glue calls/1k tables (total = expected) + others', 'service peak RSS MB']
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padStart(widths[i]!)).join(' | ') + ' |'
if (rows.length > 0) {
  console.log(line(head))
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
  for (const r of rows) console.log(line(r))
}

// Concurrency under latency: 20 schemas × 500 tables with 50 ms per AWS call. With 20 columns a
// table the run is CPU-bound on a small machine; with 5 it shows how well the bound is used.
for (const cols of sizes.length > 0 ? [...new Set([columns, 5])] : []) {
  const schemas = 20
  const lat = 50
  const catalog = generateCatalog({ schemas, tablesPerSchema: 500, columnsPerTable: cols })
  const aws = await startFakeAws({ catalog, latencyMs: lat })
  const service = await startService()
  await warmUp(service.url)
  const svc = await serviceIngest(service.url, aws.url)
  await service.stop()
  await aws.close()
  const pages = schemas * 5
  const ideal = Math.ceil(pages / concurrency) * lat + lat // + the GetDatabases page
  console.log(
    `${cols === columns ? '\n' : ''}latency run: ${schemas} schemas × 500 tables × ${cols} columns, ${lat} ms/call, concurrency ${concurrency}: ${fmt(svc.ms)} ms ` +
      `for ${svc.tables} tables; ideal (⌈${pages} pages ÷ ${concurrency}⌉ × ${lat} ms + GetDatabases) ${fmt(ideal)} ms → ${fmt(svc.ms / ideal, 2)}× ideal`,
  )
}

// The sink: two ingests of the same catalog into the fake OpenMetadata server. Run 2 reads each schema's
// stored sourceHash in list pages and writes no unchanged table.
if (sinkTables > 0) {
  const schemas = Math.max(1, Math.ceil(sinkTables / perSchema))
  const catalog = generateCatalog({ schemas, tablesPerSchema: Math.ceil(sinkTables / schemas), columnsPerTable: columns })
  const aws = await startFakeAws({ catalog })
  const om = await startFakeOm()
  const service = await startService()
  const tableCalls = (from: number) => {
    const calls = om.requests.slice(from).filter((r) => r.path === '/api/v1/tables' || r.path.startsWith('/api/v1/tables/'))
    return { writes: calls.filter((r) => r.method === 'PUT').length, reads: calls.filter((r) => r.method === 'GET').length }
  }
  const run1 = await serviceIngest(service.url, aws.url, false, om)
  const one = tableCalls(0)
  const mark = om.requests.length
  const run2 = await serviceIngest(service.url, aws.url, false, om)
  const two = tableCalls(mark)
  await service.stop()
  await om.close()
  await aws.close()
  if (run1.tables !== sinkTables || run2.tables !== sinkTables) throw new Error(`sink runs streamed ${run1.tables} / ${run2.tables} tables, expected ${sinkTables}`)
  const bound = Math.ceil(sinkTables / HASH_PAGE_SIZE)
  console.log(
    `\nsink into the fake OpenMetadata server, ${fmt(sinkTables)} tables (${schemas} schemas):\n` +
      `  run 1 (new catalog):       ${fmt(one.writes)} table writes, ${fmt(one.reads)} table reads, ${fmt(run1.ms)} ms\n` +
      `  run 2 (unchanged catalog): ${fmt(two.writes)} table writes, ${fmt(two.reads)} table reads (bound ⌈${fmt(sinkTables)} / ${HASH_PAGE_SIZE}⌉ = ${bound}: ${two.reads <= bound ? 'within' : 'OVER'}), ${fmt(run2.ms)} ms\n` +
      `  upstream (per issue 11.5): one GET per table, ${fmt(sinkTables)} reads on run 2`,
  )
}
