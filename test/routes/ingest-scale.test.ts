import { request as httpRequest } from 'node:http'
import t from 'tap'
import { generateCatalog, type Catalog } from '../support/catalog.js'
import { athenaConnection, startHarness } from '../support/harness.js'
import { invalidRecords, parseNdjson, type StreamRecord } from '../support/records.js'

type H = Awaited<ReturnType<typeof startHarness>>

const RETRYING = { aws: { maxAttempts: 6, requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000, queryWaitMs: 5_000 } }

function body(h: H, options: Record<string, unknown> = {}) {
  return { serviceName: 'svc', serviceConnection: { config: athenaConnection(h.aws) }, options }
}

async function ingest(h: H, options: Record<string, unknown> = {}) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/ingest', payload: body(h, options) })
  t.equal(res.statusCode, 200)
  return parseNdjson(res.body)
}

const tableFqns = (records: StreamRecord[]) => records.filter((r) => r.kind === 'table').map((r) => `${r.entity.databaseSchema}.${r.entity.name}`)

/** Schemas of different sizes, so concurrent readers finish out of order. */
function unevenCatalog(): Catalog {
  const catalog = generateCatalog({ schemas: 12, tablesPerSchema: 420, columnsPerTable: 4 })
  const sizes = [420, 3, 250, 0, 101, 99, 420, 1, 200, 150, 7, 300]
  catalog.glue[catalog.accountId]!.forEach((db, i) => (db.Tables.length = sizes[i]!))
  return catalog
}

t.test('20 % throttling and 1 % HTTP 500: every table of the sample arrives once', async (t) => {
  const h = await startHarness(t, { config: RETRYING })
  const clean = tableFqns(await ingest(h))
  h.aws.reset()
  h.aws.addFault({ action: 'glue:*', kind: 'throttle', rate: 0.2 })
  h.aws.addFault({ action: 'glue:*', kind: 'http500', rate: 0.01 })
  h.aws.addFault({ action: 'glue:*', kind: 'reset', rate: 0.02 })
  const records = await ingest(h)
  const got = tableFqns(records)
  t.same(got, clean, 'the same tables, in the same order')
  t.equal(new Set(got).size, got.length, 'no duplicates')
  t.equal(records.at(-1)!.entity.errors, 0)
  t.ok(h.aws.count('glue:GetTables') > 8, `faults forced retries (${h.aws.count('glue:GetTables')} GetTables calls for 8 pages)`)
})

t.test('20 % throttling and 1 % HTTP 500 on a 5,000-table catalog: every table, no duplicates', async (t) => {
  const h = await startHarness(t, { catalog: generateCatalog({ schemas: 10, tablesPerSchema: 500, columnsPerTable: 5 }), config: RETRYING })
  h.aws.addFault({ action: 'glue:*', kind: 'throttle', rate: 0.2 })
  h.aws.addFault({ action: 'glue:*', kind: 'http500', rate: 0.01 })
  const records = await ingest(h, { schemaConcurrency: 8 })
  const got = tableFqns(records)
  t.equal(got.length, 5000)
  t.equal(new Set(got).size, 5000, 'no duplicates')
  t.equal(records.at(-1)!.entity.errors, 0)
})

t.test('beyond the retry bound the schema becomes a failure and the ingest goes on', async (t) => {
  const h = await startHarness(t, { catalog: generateCatalog({ schemas: 3, tablesPerSchema: 150, columnsPerTable: 3 }) })
  h.aws.addFault({ action: 'glue:GetTables', kind: 'throttle', match: (b) => b.DatabaseName === 'schema_0001' })
  const records = await ingest(h, { maxAttempts: 3 })
  t.equal(h.aws.count('glue:GetTables') - 4, 3, 'the throttled page was tried exactly maxAttempts (3) times')
  const status = records.at(-1)!.entity
  t.equal(status.errors, 1)
  t.match(status.failures[0], { name: 'svc.default.schema_0001', error: /throttled/ })
  t.equal(tableFqns(records).length, 300, 'the other schemas are complete')
})

t.test('no per-table call: calls = ⌈tables/100⌉ per schema + GetDatabases pages', async (t) => {
  const h = await startHarness(t, { catalog: generateCatalog({ schemas: 130, tablesPerSchema: 101, columnsPerTable: 2 }) })
  const records = await ingest(h, { schemaConcurrency: 8 })
  t.equal(tableFqns(records).length, 130 * 101)
  const { 'lakeformation:ListLFTags': lf, ...glue } = h.aws.counts()
  t.same(glue, { 'glue:GetDatabases': 2, 'glue:GetTables': 130 * 2 }, 'Glue: no per-table call')
  t.equal(lf, 1, 'one LF-tag listing (this catalog has no LF-tags to search)')
})

t.test('under concurrency each schema comes before its tables, grouped, tables in Glue order', async (t) => {
  const h = await startHarness(t, { catalog: unevenCatalog() })
  h.aws.addFault({ action: 'glue:GetTables', kind: 'latency', ms: 15, rate: 0.5 })
  const records = await ingest(h, { schemaConcurrency: 8 })
  t.same(invalidRecords(records.slice(0, 50)), [])
  const schemas = records.filter((r) => r.kind === 'databaseSchema').map((r) => r.entity.name)
  t.same(
    schemas,
    Array.from({ length: 12 }, (_, i) => `schema_${String(i).padStart(4, '0')}`),
    'schemas in Glue order',
  )
  let current = ''
  const perSchema = new Map<string, string[]>()
  for (const r of records) {
    if (r.kind === 'databaseSchema') {
      t.notOk(perSchema.has(r.entity.name), `${r.entity.name} appears once`)
      current = r.entity.name
      perSchema.set(current, [])
    } else if (r.kind === 'table') {
      t.equal(r.entity.databaseSchema, `svc.default.${current}`)
      perSchema.get(current)!.push(r.entity.name)
    }
  }
  const sizes = [420, 3, 250, 0, 101, 99, 420, 1, 200, 150, 7, 300]
  for (const [i, name] of schemas.entries()) {
    const names = perSchema.get(name)!
    t.equal(names.length, sizes[i], `${name}: all of its tables`)
    t.same(names, [...names].sort(), `${name}: in Glue order`)
  }
})

/** Streams /v1/ingest from a real listening server; `onLine` decides when to stop reading. */
function streamIngest(url: string, payload: object, onLine: (n: number, req: ReturnType<typeof httpRequest>) => void) {
  return new Promise<number>((resolve, reject) => {
    let lines = 0
    const req = httpRequest(url + '/v1/ingest', { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        for (const c of chunk) if (c === '\n') onLine(++lines, req)
      })
      res.on('end', () => resolve(lines))
      res.on('close', () => resolve(lines))
    })
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(lines) : reject(err)))
    req.end(JSON.stringify(payload))
  })
}

t.test('a client that goes away stops the AWS calls; nothing is left running', async (t) => {
  const h = await startHarness(t, { catalog: generateCatalog({ schemas: 40, tablesPerSchema: 300, columnsPerTable: 4 }), latencyMs: 10 })
  const url = await h.app.listen({ port: 0, host: '127.0.0.1' })
  await streamIngest(url, body(h), (n, req) => {
    if (n === 300) req.destroy()
  })
  // Calls sent just before the client left may still be arriving: wait for the count to settle.
  let after = -1
  for (let i = 0; i < 40 && h.aws.count() !== after; i++) {
    after = h.aws.count()
    await new Promise((r) => setTimeout(r, 300))
  }
  await new Promise((r) => setTimeout(r, 600))
  t.equal(h.aws.count(), after, `no AWS call after the client left (${after} calls in all)`)
  t.ok(h.aws.count('glue:GetTables') < 40 * 3, 'far fewer than a full ingest would make (120 GetTables)')
  t.match(h.logs(), /client closed|aborted|premature/i, 'the log says the client left')
})

t.test('a slow client slows the reading: nothing piles up in memory', async (t) => {
  const h = await startHarness(t, { catalog: generateCatalog({ schemas: 60, tablesPerSchema: 1000, columnsPerTable: 20 }) })
  const url = await h.app.listen({ port: 0, host: '127.0.0.1' })
  let paused: ReturnType<typeof httpRequest> | undefined
  const done = streamIngest(url, body(h), (n, req) => {
    if (n === 50 && !paused) {
      paused = req
      ;(req as unknown as { res?: { pause(): void } }).res?.pause()
    }
  })
  // Wait until the read-ahead has filled (the count stops moving), however busy the machine is.
  let whilePaused = -1
  for (let i = 0; i < 40 && h.aws.count('glue:GetTables') !== whilePaused; i++) {
    whilePaused = h.aws.count('glue:GetTables')
    await new Promise((r) => setTimeout(r, 400))
  }
  await new Promise((r) => setTimeout(r, 500))
  t.equal(h.aws.count('glue:GetTables'), whilePaused, 'reading stopped while the client did not read')
  t.ok(whilePaused < 600 * 0.3, `only a bounded read-ahead: ${whilePaused} of 600 pages`)
  paused?.destroy()
  await done
})

t.test('progress is logged during a long ingest and the status line carries totals and elapsed time', async (t) => {
  const h = await startHarness(t, { catalog: generateCatalog({ schemas: 6, tablesPerSchema: 300, columnsPerTable: 3 }), latencyMs: 15, config: { progressIntervalMs: 40 } })
  const records = await ingest(h)
  const progress = h
    .logs()
    .split('\n')
    .filter((l) => l.includes('ingest progress'))
    .map((l) => JSON.parse(l).progress)
  t.ok(progress.length >= 2, `progress logged ${progress.length} times`)
  t.match(progress.at(-1), { schemasDone: 6, schemasTotal: 6, tables: 1800, tablesPerSecond: Number })
  const status = records.at(-1)!
  t.same(status.totals, { databases: 1, databaseSchemas: 6, tables: 1620, views: 180, lineage: 180, staleScopes: 6, tags: 0 })
  t.ok(status.elapsedMs! > 0)
})
