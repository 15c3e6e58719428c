// Issue 10 §2: a user-supplied filter pattern must not stall the service. Filters run in-process once per name,
// where a regex cannot be interrupted; on a backtracking engine `(.{0,9}){13}!` took 13 s on one 17-character
// name and /health stopped answering. Over a real listening server: while an ingest whose table filters are
// catastrophic for backtracking runs over a catalog of long table names, /health keeps answering.
import t from 'tap'
import { loadSampleCatalog, type GlueTable } from '../support/catalog.js'
import { athenaConnection, startHarness } from '../support/harness.js'
import { invalidRecords, parseNdjson } from '../support/records.js'

/** The liveness bound the issue asks for; not a speed assertion. */
const HEALTH_BOUND_MS = 2_000
const TABLES = 400

function longTable(name: string): GlueTable {
  return {
    Name: name,
    TableType: 'EXTERNAL_TABLE',
    StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }], Location: `s3://long-names-123456789012/${name.slice(-8)}/` },
  }
}

t.test('/health answers within 2 s while an ingest with catastrophic filter patterns runs', async (t) => {
  const catalog = loadSampleCatalog()
  // Half the names have a "!" within 13 × 9 characters of the start ((.{0,9}){13}! matches), half none at all.
  const tables = Array.from({ length: TABLES }, (_, i) => longTable(i % 2 === 0 ? `${'a'.repeat(100)}!${i}` : `${'a'.repeat(240)}${i}`))
  catalog.glue[catalog.accountId]!.push({ Name: 'long_names', Tables: tables })
  // Every AWS answer a little late, so that the ingest is still running while /health is asked.
  const h = await startHarness(t, { catalog, latencyMs: 20 })
  const url = await h.app.listen({ port: 0, host: '127.0.0.1' })

  const body = {
    serviceName: 'athena_prod',
    serviceConnection: { config: athenaConnection(h.aws) },
    sourceConfig: {
      config: {
        type: 'DatabaseMetadata',
        schemaFilterPattern: { includes: ['long_names'] },
        tableFilterPattern: { includes: ['(.{0,9}){13}!'], excludes: ['(a+)+$', '(a|aa)+$', '(\\w*)*x', '(x+x+)+y', '.*.*.*.*='] },
      },
    },
  }
  let finished = false
  const ingest = fetch(`${url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then(async (res) => ({ status: res.status, text: await res.text() }))
    .finally(() => (finished = true))

  const waits: number[] = []
  const statuses = new Set<number>()
  while (!finished) {
    const started = Date.now()
    const res = await fetch(`${url}/health`)
    waits.push(Date.now() - started)
    statuses.add(res.status)
    await new Promise((r) => setTimeout(r, 50))
  }
  // Enough samples that the bound says something about the whole ingest, not one lucky moment.
  t.ok(waits.length >= 5, `/health was asked ${waits.length} times while the ingest ran (at least 5)`)
  t.same([...statuses], [200], '/health answered 200')
  t.same(
    waits.filter((ms) => ms > HEALTH_BOUND_MS),
    [],
    `every /health answered within ${HEALTH_BOUND_MS} ms`,
  )

  const { status, text } = await ingest
  t.equal(status, 200, text.slice(0, 300))
  const records = parseNdjson(text)
  t.same(invalidRecords(records), [], 'every record valid against the OpenMetadata schema')
  const kept = records.filter((r) => r.kind === 'table').map((r) => r.entity.name as string)
  t.same(
    kept.sort(),
    tables
      .filter((_, i) => i % 2 === 0)
      .map((x) => x.Name)
      .sort(),
    'the filters gave the right answer: the names with an early "!"',
  )
  const statusLine = records.at(-1)!
  t.equal(statusLine.kind, 'status')
  t.equal(statusLine.entity.failures.length, 0)
})
