// Graceful shutdown: in process (closeGracefully on a listening app) and for real (SIGTERM to the
// server process, started from the TypeScript sources with tap's loader, so no build is needed).
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import t from 'tap'
import { closeGracefully, CUT_BY_SHUTDOWN } from '../src/shutdown.js'
import { startFakeAws, type FakeAws } from './support/aws-endpoint.js'
import { startServerProcess } from './support/server-process.js'
import { generateCatalog } from './support/catalog.js'
import { athenaConnection, startHarness } from './support/harness.js'
import { parseNdjson, type StreamRecord } from './support/records.js'

function source(aws: FakeAws) {
  return { serviceName: 'athena_prod', serviceConnection: { config: athenaConnection(aws) } }
}

interface Streamed {
  response: Promise<IncomingMessage>
  /** Resolves with the whole body once the response ended (or the socket closed). */
  body: Promise<string>
  /** Resolves when the first bytes of the body arrived. */
  firstBytes: Promise<void>
}

function post(port: number, path: string, body: object): Streamed {
  let gotFirst!: () => void
  const firstBytes = new Promise<void>((r) => (gotFirst = r))
  let resolveRes!: (r: IncomingMessage) => void
  let rejectRes!: (e: unknown) => void
  const response = new Promise<IncomingMessage>((res, rej) => ((resolveRes = res), (rejectRes = rej)))
  const bodyText = new Promise<string>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      resolveRes(res)
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        text += d
        gotFirst()
      })
      res.on('end', () => resolve(text))
      res.on('close', () => resolve(text))
    })
    req.on('error', (e) => {
      rejectRes(e)
      resolve('')
    })
    req.end(JSON.stringify(body))
  })
  return { response, body: bodyText, firstBytes }
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** A fake AWS whose Glue database listing takes 800 ms (everything else answers at once). */
async function slowListing(): Promise<FakeAws> {
  const aws = await startFakeAws()
  aws.addFault({ action: 'glue:GetDatabases', kind: 'latency', ms: 800 })
  return aws
}

/** Whether a new TCP connection to the port is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => resolve(false))
  })
}

function statusOf(records: StreamRecord[]): StreamRecord {
  const last = records.at(-1)
  if (last?.kind !== 'status') throw new Error(`the stream does not end with a status line: ${JSON.stringify(last)?.slice(0, 200)}`)
  return last
}

t.test('in process: running requests have the grace period; ingests still running then end with a status line saying they were cut', async (t) => {
  // Slow AWS, little CPU: the ingest takes ~100 schemas / 4 at once × 300 ms ≈ 7.5 s.
  const h = await startHarness(t, { catalog: generateCatalog({ schemas: 100, tablesPerSchema: 20, columnsPerTable: 2 }), latencyMs: 300 })
  // A second AWS endpoint whose catalog listing is slow: the listing sent to it is still running when
  // the shutdown begins, and ends well within the grace period.
  const slow = await slowListing()
  t.teardown(() => slow.close())
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (h.app.server.address() as AddressInfo).port
  const long = post(port, '/v1/ingest', source(h.aws))
  await long.firstBytes
  const short = post(port, '/v1/databases', source(slow))
  void short.response.then((r) => r.statusCode !== 200 && short.body.then((b) => t.fail(`the listing answered ${r.statusCode} ${b}`)))
  await until(() => slow.count('glue:GetDatabases') > 0, 'the listing to be running')

  const started = Date.now()
  const closed = closeGracefully(h.app, { graceMs: 3_000, forceAfterMs: 2_000 })
  await new Promise((r) => setTimeout(r, 50))
  t.equal(await accepts(port), false, 'no new connection is accepted once the shutdown began')

  t.equal((await short.response).statusCode, 200, 'a request that ends within the grace period completes')
  t.same(JSON.parse(await short.body).status.failures, [])

  const longRecords = parseNdjson(await long.body)
  const status = statusOf(longRecords)
  t.match(status.entity.failures, [{ name: 'athena_prod', error: new RegExp(`^${CUT_BY_SHUTDOWN} \\(the service is shutting down: its 3000 ms grace period`) }])
  t.ok(status.entity.errors >= 1)
  t.ok(longRecords.filter((r) => r.kind === 'table').length < 100 * 20, 'the long ingest was cut short')
  await closed
  const elapsed = Date.now() - started
  t.ok(elapsed >= 2_950 && elapsed < 8_000, `closed ${elapsed} ms after the shutdown began`)
  t.equal(h.app.ingestGate.inUse, 0)
})

t.test('the server process: SIGTERM stops accepting, lets short requests finish, cuts long ingests with a status line, exits 0', async (t) => {
  const aws = await startFakeAws({ catalog: generateCatalog({ schemas: 100, tablesPerSchema: 20, columnsPerTable: 2 }), latencyMs: 300 })
  const slow = await slowListing()
  t.teardown(() => Promise.all([aws.close(), slow.close()]))
  const server = await startServerProcess(t, {
    LOG_LEVEL: 'info',
    AUTH_TOKEN: '',
    SHUTDOWN_GRACE_MS: '3000',
    // The loader compiles the AWS SDK's lazily loaded modules on first use, blocking the event loop
    // for a second or more: load shedding would answer 503 to the requests this test needs.
    MAX_EVENT_LOOP_DELAY_MS: '0',
  })
  const { port, exited } = server

  const long = post(port, '/v1/ingest', source(aws))
  await long.firstBytes
  const short = post(port, '/v1/databases', source(slow))
  void short.response.then((r) => r.statusCode !== 200 && short.body.then((b) => t.fail(`the listing answered ${r.statusCode} ${b}`)))
  await until(() => slow.count('glue:GetDatabases') > 0, 'the listing to be running')
  const signalled = Date.now()
  server.kill('SIGTERM')
  await new Promise((r) => setTimeout(r, 300))
  t.equal(await accepts(port), false, 'no new connection is accepted after SIGTERM')

  t.equal((await short.response).statusCode, 200, 'a listing running at SIGTERM completes within the grace period')
  t.same(JSON.parse(await short.body).status.failures, [])
  const longRecords = parseNdjson(await long.body)
  const status = statusOf(longRecords)
  t.match(status.entity.failures, [{ error: /^Ingest cut short: the service is shutting down/ }], 'the long ingest ends with a status line marked cut')
  t.ok(longRecords.filter((r) => r.kind === 'table').length < 100 * 20, 'and is incomplete')
  const code = await exited
  const tookMs = Date.now() - signalled
  t.equal(code, 0, 'exit code 0')
  t.ok(tookMs >= 2_900 && tookMs < 12_000, `exited ${tookMs} ms after SIGTERM (grace 3000 ms)`)
  t.match(server.output(), /shutting down: no new connections/)
  t.match(server.output(), /shutdown grace period over: cutting the requests still running/)
})
