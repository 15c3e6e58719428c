import t from 'tap'
import { appendFqn, quoteFqnPart } from '../../src/openmetadata/fqn.js'
import { startFakeOm, type FakeOm } from '../support/fake-om.js'
import { athenaConnection, startHarness, TEST_SECRETS } from '../support/harness.js'
import { validateOm } from '../support/om-spec.js'
import { invalidRecords, parseNdjson, type StreamRecord } from '../support/records.js'

type H = Awaited<ReturnType<typeof startHarness>>

/** Fast retries so the fault tests take milliseconds; the bound (4 attempts) is the production default. */
const SINK = { concurrency: 8, maxAttempts: 4, requestTimeoutMs: 5_000, retryBaseMs: 5, maxRetryDelayMs: 2_000 }
const JWT_PATH = 'workflowConfig/openMetadataServerConfig/securityConfig/jwtToken'

async function setup(t: { teardown(fn: () => unknown): void }) {
  const h = await startHarness(t, { config: { openMetadataSink: SINK } })
  const om = await startFakeOm(t)
  return { h, om }
}

function body(h: H, om: FakeOm, opts: { jwt?: string | null; hostPort?: string; schemas?: string[]; extra?: Record<string, unknown> } = {}) {
  const server: Record<string, unknown> = { hostPort: opts.hostPort ?? om.url, authProvider: 'openmetadata' }
  if (opts.jwt !== null) server.securityConfig = { jwtToken: opts.jwt ?? om.token }
  return {
    type: 'athena',
    serviceName: 'athena_prod',
    serviceConnection: { config: athenaConnection(h.aws) },
    ...(opts.schemas ? { sourceConfig: { config: { type: 'DatabaseMetadata', schemaFilterPattern: { includes: opts.schemas } } } } : {}),
    sink: { type: 'metadata-rest', config: {} },
    workflowConfig: { loggerLevel: 'INFO', openMetadataServerConfig: server },
    ...opts.extra,
  }
}

async function ingest(h: H, payload: object, accept?: string) {
  return h.app.inject({ method: 'POST', url: '/v1/ingest', payload, headers: accept ? { accept } : {} })
}

/** The FQN the OpenMetadata server gives the entity of a stream record. */
function fqnOf(r: StreamRecord): [type: string, fqn: string] {
  const e = r.entity
  if (r.kind === 'classification') return ['classification', quoteFqnPart(e.name)]
  if (r.kind === 'tag') return ['tag', appendFqn(quoteFqnPart(e.classification), e.name)]
  if (r.kind === 'databaseService') return ['databaseService', quoteFqnPart(e.name)]
  if (r.kind === 'database') return ['database', appendFqn(e.service, e.name)]
  if (r.kind === 'databaseSchema') return ['databaseSchema', appendFqn(e.database, e.name)]
  return ['table', appendFqn(e.databaseSchema, e.name)]
}

const ENTITY_KINDS = new Set(['classification', 'tag', 'databaseService', 'database', 'databaseSchema', 'table'])
const entityLines = (records: StreamRecord[]) => records.filter((r) => r.kind !== 'status') as Array<StreamRecord & { sink: any }>
const entitiesOnly = (records: StreamRecord[]) => entityLines(records).filter((r) => ENTITY_KINDS.has(r.kind))
const statusLine = (records: StreamRecord[]) => records.at(-1) as StreamRecord & { sinkStatus: any }

t.test('a full ingest of the sample catalog lands every entity in OpenMetadata, parents first, as streamed', async (t) => {
  const { h, om } = await setup(t)
  const res = await ingest(h, body(h, om))
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const records = parseNdjson(res.body)
  const lines = entityLines(records)
  const entities = entitiesOnly(records)
  const tagging = entities.filter((r) => r.kind === 'classification' || r.kind === 'tag').length
  t.equal(tagging, 3 + 8, "the sample's LF-tags: 3 classifications, 8 tags")
  t.equal(entities.length - tagging, 1 + 1 + 5 + 260, 'service, database, 5 schemas, 260 tables')
  t.same(invalidRecords(records), [], 'entity stays a pure OpenMetadata payload (sink sits beside it)')
  t.ok(
    entities.every((r) => r.sink.status === 'written' && r.sink.httpStatus === 201),
    'every entity line says written, 201',
  )
  t.ok(
    lines.every((r) => r.sink.status === 'written'),
    'lineage and stale scopes too',
  )
  t.notOk(
    lines.some((r) => 'sink' in r.entity),
    'no sink field inside entity',
  )

  // The server stored exactly what the stream carries, under the FQN OpenMetadata computes; the service was
  // created with the connection as the request gave it (the server encrypts secrets), the stream's has none.
  t.equal(om.entities.size, entities.length)
  let same = 0
  for (const r of entities) {
    const [type, fqn] = fqnOf(r)
    const config = r.entity.connection?.config
    const expected =
      r.kind === 'databaseService' ? { ...r.entity, connection: { config: { ...config, awsConfig: { ...config.awsConfig, awsSecretAccessKey: TEST_SECRETS.secretAccessKey } } } } : r.entity
    if (t.same(om.byFqn(type, fqn)?.request, expected, `${type} ${fqn} stored as streamed`)) same++
  }
  t.equal(same, entities.length)
  t.equal(entities[0]!.entity.connection.config.awsConfig.awsSecretAccessKey, undefined, 'the stream carries no secret')
  t.notOk(res.body.includes(TEST_SECRETS.secretAccessKey), 'nowhere in the answer')
  t.ok(
    entities.filter((r) => r.kind === 'table').every((r) => /^[0-9a-f]{32}$/.test(r.entity.sourceHash)),
    'every table carries its sourceHash',
  )
  // Parents before children, in the order the server saw the writes.
  const position = new Map(om.writes.map((w, i) => [`${w.type}:${w.fqn}`, i]))
  const parentOf: Record<string, (e: any) => string> = {
    database: (e) => `databaseService:${quoteFqnPart(e.service)}`,
    databaseSchema: (e) => `database:${e.database}`,
    table: (e) => `databaseSchema:${e.databaseSchema}`,
  }
  let ordered = true
  for (const stored of om.entities.values()) {
    const parent = parentOf[stored.type]?.(stored.request)
    if (parent && !(position.get(parent)! < position.get(`${stored.type}:${stored.fqn}`)!)) ordered = false
  }
  t.ok(ordered, 'every entity was written after its parent')
  t.ok(om.writes.every((w) => w.status === 201))

  // Lineage: ends named by FQN in the stream, sent with the ids the server gave them.
  const lineage = lines.filter((r) => r.kind === 'lineage')
  t.equal(om.lineage.length, lineage.length)
  t.ok(lineage.length > 0, 'the sample has view lineage')
  for (const [i, r] of lineage.entries()) {
    const sent = om.lineage.find(
      (l) => l.toEntity.id === om.byFqn('table', r.entity.edge.toEntity.fullyQualifiedName)?.id && l.fromEntity.id === om.byFqn('table', r.entity.edge.fromEntity.fullyQualifiedName)?.id,
    )
    t.ok(sent, `lineage ${i} sent with both ids`)
    t.same(sent?.body.edge.lineageDetails, r.entity.edge.lineageDetails)
  }
  // Stale scopes went to the server's deleteStale endpoint, after the tables.
  const scopes = lines.filter((r) => r.kind === 'staleScope')
  const staleCalls = om.requests.filter((r) => r.path === '/api/v1/tables/deleteStale')
  t.equal(staleCalls.length, scopes.length)
  t.ok(scopes.every((r) => r.sink.httpStatus === 200 && Array.isArray(r.sink.deleted) && r.sink.deleted.length === 0))

  const status = statusLine(records)
  t.equal(status.entity.errors, 0, JSON.stringify(status.entity.failures))
  t.same(status.sinkStatus, { name: 'OpenMetadata', records: entities.length + lineage.length, updated_records: 0, warnings: 0, errors: 0, filtered: 0, failures: [] })
  t.ok(validateOm('entity/services/ingestionPipelines/status.json#/definitions/stepSummary', status.sinkStatus).valid, 'sinkStatus is a StepSummary')
  t.notOk(h.logs().includes(om.token), 'the JWT is not in the log')
  t.notOk(res.body.includes(om.token), 'nor in the answer')
})

t.test('a second run over an unchanged catalog: the service is left alone, no table is rewritten, the rest updates in place', async (t) => {
  const { h, om } = await setup(t)
  await ingest(h, body(h, om))
  const ids = new Map([...om.entities].map(([k, v]) => [k, v.id]))
  const count = om.entities.size
  const before = om.requests.length
  const res = await ingest(h, body(h, om))
  const records = parseNdjson(res.body)
  const run2 = om.requests.slice(before)
  t.equal(om.entities.size, count, 'no duplicate')
  t.ok(
    [...om.entities].every(([k, v]) => ids.get(k) === v.id),
    'same ids',
  )
  const stored = [...om.entities.values()]
  t.ok(
    stored.filter((e) => e.type === 'table' || e.type === 'databaseService').every((e) => e.version === 0.1),
    'service and tables: not written again',
  )
  t.ok(
    stored.filter((e) => e.type !== 'table' && e.type !== 'databaseService').every((e) => e.version === 0.2),
    'the others updated in place',
  )
  t.equal(run2.filter((r) => r.method === 'PUT' && (r.path === '/api/v1/tables' || r.path === '/api/v1/services/databaseServices')).length, 0, '0 table writes, no service write')
  const reads = run2.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/tables'))
  t.same([...new Set(reads.map((r) => r.path))], ['/api/v1/tables'], 'no GET per table: list pages only')
  t.equal(reads.length, 4, 'one page per schema with tables (the sample has 4, none over 1000 tables, and one empty schema)')
  const tables = entitiesOnly(records).filter((r) => r.kind === 'table')
  t.ok(tables.length === 260 && tables.every((r) => r.sink.status === 'unchanged' && r.sink.httpStatus === null), 'every table line: unchanged')
  t.same(entitiesOnly(records)[0]!.sink, { status: 'unchanged', httpStatus: 200 }, 'the service line: unchanged')
  t.equal(statusLine(records).sinkStatus.updated_records, count - 260 - 1)
  t.equal(statusLine(records).sinkStatus.errors, 0)
  t.ok(
    entityLines(records)
      .filter((r) => r.kind === 'lineage')
      .every((r) => r.sink.status === 'written'),
    'lineage still lands',
  )
})

t.test('an existing service with another connection is never overwritten (its stored secret stays)', async (t) => {
  const { h, om } = await setup(t)
  const theirs = { config: { ...athenaConnection(h.aws), awsConfig: { ...athenaConnection(h.aws).awsConfig, awsSecretAccessKey: 'the-users-own-working-secret' } } }
  om.seed('databaseService', { name: 'athena_prod', serviceType: 'Athena', connection: theirs })
  const records = parseNdjson((await ingest(h, body(h, om, { schemas: ['^sales$'] }))).body)
  t.same(entitiesOnly(records)[0]!.sink, { status: 'unchanged', httpStatus: 200 })
  t.same(om.byFqn('databaseService', 'athena_prod')!.request.connection, theirs, 'the stored connection is untouched')
  t.equal(om.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/v1/services/')).length, 0, 'nothing but a lookup was sent for it')
  t.equal(statusLine(records).sinkStatus.errors, 0, 'and the ingest went on under it')
})

t.test('a table the server rejects is a reported failure; the rest lands', async (t) => {
  const { h, om } = await setup(t)
  const message = 'Invalid column name found: [orders_enriched.total] (test rejection)'
  om.reject('orders_enriched', message)
  const res = await ingest(h, body(h, om))
  const records = parseNdjson(res.body)
  const rejected = entityLines(records).find((r) => r.entity.name === 'orders_enriched')!
  t.same(rejected.sink, { status: 'failed', httpStatus: 400, error: message })
  const status = statusLine(records)
  const fqn = 'athena_prod.default.sales.orders_enriched'
  t.same(status.entity.failures[0], { name: fqn, error: message }, 'the status line names the FQN with the server message')
  const lineage = entityLines(records).filter((r) => r.kind === 'lineage')
  t.ok(lineage.length > 0 && lineage.every((r) => r.sink.status === 'failed' && /not sent: .*orders_enriched was not written/.test(r.sink.error)), 'the view lineage ending at it is not sent')
  t.same(
    status.entity.failures.slice(1).map((f: any) => f.name),
    lineage.map((r) => `lineage ${r.entity.edge.fromEntity.fullyQualifiedName} -> ${fqn}`),
  )
  t.equal(status.entity.errors, 1 + lineage.length)
  t.equal(status.sinkStatus.errors, 1 + lineage.length)
  t.same(status.sinkStatus.failures, status.entity.failures)
  t.equal(om.entities.size, entitiesOnly(records).length - 1, 'every other entity was written')
  t.equal(om.byFqn('table', fqn), undefined)

  // The JSON document form carries the failure too.
  const doc = (await ingest(h, body(h, om), 'application/json')).json()
  t.same(doc.status.failures[0], { name: fqn, error: message })
})

t.test('a rejected schema: its tables are reported and never sent', async (t) => {
  const { h, om } = await setup(t)
  om.reject('sales', 'Entity name sales is reserved (test rejection)')
  const records = parseNdjson((await ingest(h, body(h, om, { schemas: ['^sales$', '^lakehouse$'] }))).body)
  const sales = entityLines(records).filter((r) => r.kind === 'table' && r.entity.databaseSchema === 'athena_prod.default.sales')
  t.equal(sales.length, 5)
  t.ok(sales.every((r) => r.sink.status === 'failed' && r.sink.httpStatus === null && /parent athena_prod\.default\.sales was not written/.test(r.sink.error)))
  t.notOk(
    om.requests.some((r) => r.method === 'PUT' && (r.body as any)?.databaseSchema === 'athena_prod.default.sales'),
    'no PUT for them',
  )
  t.ok(
    entityLines(records)
      .filter((r) => r.entity.databaseSchema === 'athena_prod.default.lakehouse')
      .every((r) => r.sink.status === 'written'),
  )
  const lineage = entityLines(records).filter((r) => r.kind === 'lineage')
  t.ok(
    lineage.every((r) => r.sink.status === 'failed'),
    'lineage between its tables is not sent either',
  )
  const scope = entityLines(records).find((r) => r.kind === 'staleScope' && r.entity.scopeFqn.endsWith('.sales'))!
  t.equal(scope.sink.status, 'failed', "the schema's stale-table scope is not sent either")
  // om.reject matches by name: the LF tag domain.sales is refused as well
  t.equal(statusLine(records).sinkStatus.errors, 6 + lineage.length + 1 + 1, 'the schema, its 5 tables, their lineage, the scope, and the tag named sales')
})

t.test('JWT missing or wrong, server unreachable or refused: a clean error before any AWS call', async (t) => {
  const { h, om } = await setup(t)
  const cases: Array<{ name: string; payload: object; status: number; message: RegExp }> = [
    { name: 'no jwtToken', payload: body(h, om, { jwt: null }), status: 400, message: new RegExp(`body/${JWT_PATH} is required`) },
    { name: 'empty jwtToken', payload: body(h, om, { jwt: '' }), status: 400, message: new RegExp(`body/${JWT_PATH} is required`) },
    {
      name: 'wrong jwtToken',
      payload: body(h, om, { jwt: 'eyJ.wrong-token-value.sig' }),
      status: 502,
      message: /rejected workflowConfig\.openMetadataServerConfig\.securityConfig\.jwtToken \(HTTP 401: Not Authorized! Invalid token\)/,
    },
    { name: 'unreachable', payload: body(h, om, { hostPort: 'http://127.0.0.1:9/api' }), status: 502, message: /not reachable \(workflowConfig\.openMetadataServerConfig\.hostPort\)/ },
    { name: 'not an OpenMetadata API', payload: body(h, om, { hostPort: om.url.replace(/\/api$/, '/nope') }), status: 502, message: /answered HTTP 404/ },
    { name: 'metadata address', payload: body(h, om, { hostPort: 'http://169.254.169.254/api' }), status: 400, message: /hostPort is refused/ },
    { name: 'not http', payload: body(h, om, { hostPort: 'file:///etc/passwd' }), status: 400, message: /must use http or https/ },
    {
      name: 'other auth provider',
      payload: { ...body(h, om), workflowConfig: { openMetadataServerConfig: { hostPort: om.url, authProvider: 'google', securityConfig: { jwtToken: 'x' } } } },
      status: 400,
      message: /authProvider must be 'openmetadata'/,
    },
    { name: 'other sink', payload: { ...body(h, om), sink: { type: 'file', config: {} } }, status: 400, message: /body\/sink\/type must be 'metadata-rest'/ },
    { name: 'sink without workflowConfig', payload: { ...body(h, om), workflowConfig: undefined }, status: 400, message: /workflowConfig\/openMetadataServerConfig is required/ },
  ]
  for (const c of cases) {
    const res = await ingest(h, c.payload)
    t.equal(res.statusCode, c.status, `${c.name}: ${res.body}`)
    t.match(res.json().message, c.message, c.name)
    t.match(res.headers['content-type'], /application\/json/, `${c.name}: a JSON error, not a stream`)
    t.equal(h.aws.count(), 0, `${c.name}: no AWS call`)
  }
  t.equal(om.writes.length, 0, 'nothing was written')
  t.notOk(h.logs().includes('wrong-token-value'), 'the wrong token is not logged')
  t.notOk(h.logs().includes(TEST_SECRETS.secretAccessKey))
})

t.test('429 and 500 are retried (Retry-After honoured) and then succeed', async (t) => {
  const { h, om } = await setup(t)
  // The service write meets two 429s, the table writes three 500s: all within the 4 attempts of each call.
  om.failNext({ status: 429, times: 2, retryAfter: '0' })
  om.failNext({ status: 500, times: 3, match: (method, path) => method === 'PUT' && path === '/api/v1/tables' })
  const records = parseNdjson((await ingest(h, body(h, om, { schemas: ['^sales$'] }))).body)
  t.ok(
    entityLines(records).every((r) => r.sink.status === 'written'),
    'all written in the end',
  )
  t.equal(om.requests.filter((r) => r.status === 429).length, 2)
  t.equal(om.requests.filter((r) => r.status === 500).length, 3)
  t.equal(statusLine(records).sinkStatus.errors, 0)
  t.equal(om.entities.size, entitiesOnly(records).length)
})

t.test('server failures beyond the retry bound are reported, never silent', async (t) => {
  const { h, om } = await setup(t)
  om.failNext({ status: 503, times: 1_000, match: (method, path) => method === 'PUT' && path === '/api/v1/tables' })
  const records = parseNdjson((await ingest(h, body(h, om, { schemas: ['^sales$'] }))).body)
  const tables = entityLines(records).filter((r) => r.kind === 'table')
  t.equal(tables.length, 5)
  t.ok(tables.every((r) => r.sink.status === 'failed' && r.sink.httpStatus === 503 && r.sink.error === 'Internal server error'))
  t.equal(om.requests.filter((r) => r.method === 'PUT' && r.path === '/api/v1/tables').length, 5 * SINK.maxAttempts, 'each table tried maxAttempts times')
  const status = statusLine(records)
  const lineage = entityLines(records).filter((r) => r.kind === 'lineage')
  t.equal(status.entity.errors, 5 + lineage.length, 'the 5 tables and the lineage between them')
  const tableFailures = status.entity.failures.filter((f: any) => !f.name.startsWith('lineage '))
  t.same(tableFailures.map((f: any) => f.name).sort(), tables.map((r) => `athena_prod.default.sales.${r.entity.name}`).sort())
  t.ok(
    tableFailures.every((f: any) => f.error === 'Internal server error'),
    'with the server message',
  )
  t.equal(status.sinkStatus.errors, 5 + lineage.length)
  t.equal(status.sinkStatus.records, 3 + 11, 'service, database, schema and the 3 classifications and 8 tags were written')
})
