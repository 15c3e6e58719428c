/**
 * A small OpenMetadata server for the tests: the REST calls this service makes, answered the way the real
 * server answers them, and nothing else.
 *
 *  - `GET /api/v1/system/version` is open (as the real JwtFilter leaves it); every other call needs
 *    `Authorization: Bearer <token>` (401 `{code, message}` otherwise);
 *  - `GET /api/v1/system/version` answers `version` (default 2.0.0; settable);
 *  - `PUT /api/v1/services/databaseServices | databases | databaseSchemas | tables`: the body is validated
 *    against vendor/openmetadata-spec (400 `{code, message}` like the real server's), the parent must
 *    exist (404), the entity is stored by FQN (computed the OpenMetadata way, src/openmetadata/fqn.ts):
 *    201 when created, 200 when updated (same id, version + 0.1). A PUT that would change the stored
 *    connection of an existing database service is refused (403), as the brief says the real server
 *    refuses it to the (non-admin) ingestion bot: the stored connection never changes;
 *  - `GET /api/v1/<collection>/name/<fqn>`, `GET /api/v1/users/loggedInUser`;
 *  - `PUT /api/v1/lineage` (AddLineageRequest with ids);
 *  - `/api/v1/tables | databaseSchemas | databases/deleteStale` (BulkDeleteStaleRequest) as the server of
 *    `version` serves it: DELETE from 2.0 (PUT answers 405), PUT before (DELETE answers 405); a DELETE without
 *    a body is a 400 (upstream: a proxy that strips it must not read as "nothing seen"); an unknown scope
 *    deletes nothing (200), as upstream's EntityStaleDeletion; recursive soft-deletes the children too;
 *  - lists with cursor paging, `limit`, `after` and `fields` (only the base fields — id, name,
 *    fullyQualifiedName, version, deleted — plus the fields asked for, e.g. `sourceHash`, as the real list
 *    endpoints answer): `GET /api/v1/tables?databaseSchema|database|service=…`,
 *    `GET /api/v1/databaseSchemas?database=…`, `GET /api/v1/databases?service=…`;
 *  - `DELETE /api/v1/tables | databaseSchemas | databases/<id>` and `DELETE /api/v1/<collection>/name/<fqn>`
 *    (soft delete; hardDelete=true removes);
 *  - usage, queries and joins (`POST /api/v1/usage/…`, `PUT /api/v1/queries`, `PUT /api/v1/tables/<id>/joins`, …):
 *    fake-om-usage.ts, its state in `usageApi`;
 *  - ingestion pipelines and their PipelineStatus (fake-om-pipelines.ts, its state in `pipelinesApi`);
 *  - automation workflows: `GET /api/v1/automations/workflows/name/<name>` and
 *    `PATCH /api/v1/automations/workflows/<id>` (JSON Patch add/replace, application/json-patch+json; a
 *    `/response` value must be a valid TestConnectionResult of the server's generation, `testConnectionSchema`),
 *    every PATCH body kept in order.
 *
 * Faults on demand: `unauthorized` (every authenticated call 401), `deleteStaleMissing` (the endpoint 404s,
 * as on servers that never had it), `failNext({status, times, retryAfter?})` (429 / 5xx for the next matching
 * writes), `reject(name, message)` (400 for the entity of that name), `hostilePaging` (`oversized`: pages fifty
 * times longer than asked for; `ignoreScope`: lists ignore their scope filter; otherwise every list answers a
 * full page and a cursor: `repeatCursor` the same one each time, `endless` a new one each time).
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { appendFqn, quoteFqnPart } from '../../src/openmetadata/fqn.js'
import { createFakePipelinesApi, handlePipelinesApi, type FakePipelinesApi } from './fake-om-pipelines.js'
import { createFakeUsageApi, handleUsageApi, type FakeUsageApi } from './fake-om-usage.js'
import { validateOm } from './om-spec.js'
import { validateTestConnectionResult } from './test-connection-spec.js'

export const FAKE_OM_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.fake-ingestion-bot-jwt.c2lnbmF0dXJl'
export const FAKE_OM_VERSION = '2.0.0'

export interface StoredEntity {
  id: string
  type: string
  fqn: string
  /** The create request as received. */
  request: Record<string, any>
  version: number
  deleted: boolean
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  status: number
  body?: unknown
}

export interface Fault {
  status: number
  times: number
  retryAfter?: string
  /** Which requests it applies to (default: PUT). */
  match?: (method: string, path: string) => boolean
}

export interface FakeOm {
  /** hostPort: `http://127.0.0.1:<port>/api`. */
  url: string
  token: string
  entities: Map<string, StoredEntity>
  /** Successful entity PUTs, in arrival order: [type, fqn, status]. */
  writes: Array<{ type: string; fqn: string; status: number }>
  lineage: Array<{ fromEntity: any; toEntity: any; body: any }>
  workflows: Map<string, Record<string, any>>
  /** Every PATCH of an automation workflow, in order. */
  patches: Array<{ id: string; body: any }>
  usageApi: FakeUsageApi
  /** Ingestion pipelines and the PipelineStatus PUTs of their runs (fake-om-pipelines.ts). */
  pipelinesApi: FakePipelinesApi
  requests: RecordedRequest[]
  unauthorized: boolean
  /** What /v1/system/version answers; from 2.0 deleteStale is DELETE, before it PUT. */
  version: string
  deleteStaleMissing: boolean
  hostilePaging?: 'repeatCursor' | 'endless' | 'oversized' | 'ignoreScope'
  /** Delay before each answer (to observe concurrency). */
  delayMs: number
  /** Most requests being handled at once, so far. */
  maxInFlight: number
  failNext(f: Fault): void
  reject(name: string, message: string): void
  /** Stores an entity as if it had been created earlier (returns it). */
  seed(type: string, request: Record<string, any>): StoredEntity
  addWorkflow(wf: Record<string, any>): void
  byFqn: (type: string, fqn: string) => StoredEntity | undefined
  close(): Promise<void>
}

interface Kind {
  type: string
  /** The spec file to validate against; undefined where the spec subset has none (checked by `check`). */
  schema?: string
  check?: (e: any) => string | undefined
  fqn: (e: any) => string
  parent?: (e: any) => [type: string, fqn: string]
}

const KINDS: Record<string, Kind> = {
  'services/databaseServices': { type: 'databaseService', schema: 'api/services/createDatabaseService.json', fqn: (e) => quoteFqnPart(e.name) },
  databases: {
    type: 'database',
    schema: 'api/data/createDatabase.json',
    fqn: (e) => appendFqn(e.service, e.name),
    parent: (e) => ['databaseService', e.service],
  },
  databaseSchemas: {
    type: 'databaseSchema',
    schema: 'api/data/createDatabaseSchema.json',
    fqn: (e) => appendFqn(e.database, e.name),
    parent: (e) => ['database', e.database],
  },
  tables: {
    type: 'table',
    schema: 'api/data/createTable.json',
    fqn: (e) => appendFqn(e.databaseSchema, e.name),
    parent: (e) => ['databaseSchema', e.databaseSchema],
  },
  // createClassification.json / createTag.json are not in the spec subset: the server's required fields are checked.
  classifications: {
    type: 'classification',
    check: (e) => (typeof e?.name === 'string' && typeof e?.description === 'string' ? undefined : 'name and description are required'),
    fqn: (e) => quoteFqnPart(e.name),
  },
  tags: {
    type: 'tag',
    check: (e) => (typeof e?.name === 'string' && typeof e?.description === 'string' && typeof e?.classification === 'string' ? undefined : 'name, description and classification are required'),
    fqn: (e) => appendFqn(quoteFqnPart(e.classification), e.name),
    parent: (e) => ['classification', quoteFqnPart(e.classification)],
  },
}

/** Every tagFQN a create request carries, on the entity and its columns at any depth. */
function tagFqnsOf(e: any): string[] {
  const out: string[] = (e?.tags ?? []).map((l: any) => l.tagFQN)
  const walk = (cols: any[] | undefined) =>
    cols?.forEach((c) => {
      out.push(...(c.tags ?? []).map((l: any) => l.tagFQN))
      walk(c.children)
    })
  walk(e?.columns)
  return out
}
const TYPE_OF_COLLECTION: Record<string, string> = Object.fromEntries(Object.entries(KINDS).map(([c, k]) => [c, k.type]))

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

interface TapLike {
  teardown(fn: () => unknown): void
}

export interface FakeOmOptions {
  token?: string
  /** What /v1/system/version reports (default FAKE_OM_VERSION). */
  version?: string
  /**
   * The TestConnectionResult a PATCHed `/response` is checked against: `legacy` (default) is the vendored file, as
   * servers before upstream PR #28793 have it; `current` adds that PR's step fields (test-connection-spec.ts).
   */
  testConnectionSchema?: 'legacy' | 'current'
}

export async function startFakeOm(t?: TapLike, opts: FakeOmOptions = {}): Promise<FakeOm> {
  const token = opts.token ?? FAKE_OM_TOKEN
  const entities = new Map<string, StoredEntity>()
  const faults: Fault[] = []
  const rejections = new Map<string, string>()
  const key = (type: string, fqn: string) => `${type}:${fqn}`

  const om: FakeOm = {
    url: '',
    token,
    entities,
    writes: [],
    lineage: [],
    workflows: new Map(),
    patches: [],
    usageApi: createFakeUsageApi(),
    pipelinesApi: createFakePipelinesApi(),
    requests: [],
    unauthorized: false,
    version: opts.version ?? FAKE_OM_VERSION,
    deleteStaleMissing: false,
    delayMs: 0,
    maxInFlight: 0,
    failNext: (f) => faults.push({ ...f }),
    reject: (name, message) => rejections.set(name, message),
    seed(type, request) {
      const kind = Object.values(KINDS).find((k) => k.type === type)!
      const stored: StoredEntity = { id: randomUUID(), type, fqn: kind.fqn(request), request, version: 0.1, deleted: false }
      entities.set(key(type, stored.fqn), stored)
      return stored
    },
    addWorkflow: (wf) => void om.workflows.set(wf.id, structuredClone(wf)),
    byFqn: (type, fqn) => entities.get(key(type, fqn)),
    close: async () => {},
  }

  const view = (s: StoredEntity) => ({ ...s.request, id: s.id, fullyQualifiedName: s.fqn, version: s.version, deleted: s.deleted })
  const byId = (id: string) => [...entities.values()].find((e) => e.id === id)

  function takeFault(method: string, path: string): Fault | undefined {
    const f = faults.find((x) => x.times > 0 && (x.match ? x.match(method, path) : method === 'PUT'))
    if (f) f.times--
    return f
  }

  function validated(schema: string, body: unknown): any {
    const v = validateOm(schema, body)
    if (!v.valid) throw new HttpError(400, `[${v.errors}]`)
    return body
  }

  async function handle(method: string, path: string, query: URLSearchParams, headers: IncomingMessage['headers'], body: unknown): Promise<[number, unknown]> {
    if (!path.startsWith('/api/v1/')) throw new HttpError(404, `HTTP 404 Not Found`)
    const rest = path.slice('/api/v1/'.length)
    if (method === 'GET' && rest === 'system/version') return [200, { version: om.version, revision: 'f4ke', timestamp: 1767225600000 }]

    const auth = headers.authorization
    if (!auth) throw new HttpError(401, 'Not Authorized! Token not present')
    if (om.unauthorized || auth !== `Bearer ${token}`) throw new HttpError(401, 'Not Authorized! Invalid token')

    const fault = takeFault(method, path)
    if (fault) throw new HttpError(fault.status, fault.status === 429 ? 'Too many requests' : 'Internal server error', fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {})

    if (method === 'GET' && rest === 'users/loggedInUser') return [200, { id: '00000000-0000-4000-8000-000000000001', name: 'ingestion-bot', isBot: true }]

    // Entities: create or update.
    if (method === 'PUT' && KINDS[rest]) {
      const kind = KINDS[rest]
      const e = kind.schema ? validated(kind.schema, body) : body
      const problem = kind.check?.(e)
      if (problem) throw new HttpError(400, `[${problem}]`)
      // As the real server: a tag label must name an existing tag.
      for (const tagFqn of tagFqnsOf(e)) {
        if (!entities.has(key('tag', tagFqn))) throw new HttpError(404, `tag instance for ${tagFqn} not found`)
      }
      const rejection = rejections.get(e.name)
      if (rejection) throw new HttpError(400, rejection)
      if (kind.parent) {
        const [ptype, pfqn] = kind.parent(e)
        const parent = entities.get(key(ptype, pfqn))
        if (!parent || parent.deleted) throw new HttpError(404, `${ptype} instance for ${pfqn} not found`)
      }
      const fqn = kind.fqn(e)
      const existing = entities.get(key(kind.type, fqn))
      if (existing && kind.type === 'databaseService' && JSON.stringify(existing.request.connection) !== JSON.stringify(e.connection)) {
        throw new HttpError(403, `ingestion-bot is not allowed to change the connection of the existing databaseService ${fqn}`)
      }
      let status: number
      let stored: StoredEntity
      if (existing) {
        stored = { ...existing, request: e, version: Math.round((existing.version + 0.1) * 10) / 10, deleted: false }
        status = 200
      } else {
        stored = { id: randomUUID(), type: kind.type, fqn, request: e, version: 0.1, deleted: false }
        status = 201
      }
      entities.set(key(kind.type, fqn), stored)
      om.writes.push({ type: kind.type, fqn, status })
      return [status, view(stored)]
    }

    const byName = /^(services\/databaseServices|databases|databaseSchemas|tables|classifications|tags)\/name\/(.+)$/.exec(rest)
    if (byName && (method === 'GET' || method === 'DELETE')) {
      const type = TYPE_OF_COLLECTION[byName[1]!]!
      const fqn = decodeURIComponent(byName[2]!)
      const found = entities.get(key(type, fqn))
      if (!found || (found.deleted && query.get('include') !== 'all')) throw new HttpError(404, `${type} instance for ${fqn} not found`)
      if (method === 'DELETE') found.deleted = true
      return [200, view(found)]
    }

    if (method === 'PUT' && rest === 'lineage') {
      const req = validated('api/lineage/addLineage.json', body)
      for (const end of [req.edge.fromEntity, req.edge.toEntity]) {
        if (!byId(end.id)) throw new HttpError(404, `${end.type} instance for ${end.id} not found`)
      }
      om.lineage.push({ fromEntity: req.edge.fromEntity, toEntity: req.edge.toEntity, body: req })
      return [200, {}]
    }

    const deleteStale = /^(tables|databaseSchemas|databases)\/deleteStale$/.exec(rest)
    if (deleteStale && (method === 'PUT' || method === 'DELETE')) {
      const served = Number(/^(\d+)/.exec(om.version)?.[1] ?? 0) >= 2 ? 'DELETE' : 'PUT'
      if (om.deleteStaleMissing) throw new HttpError(404, 'HTTP 404 Not Found')
      if (method !== served) throw new HttpError(405, 'HTTP 405 Method Not Allowed')
      if (body === undefined) throw new HttpError(400, 'deleteStale needs a BulkDeleteStaleRequest body')
      const req = validated('type/bulkDeleteStaleRequest.json', body)
      const collection = deleteStale[1]!
      const scopes: Record<string, string[]> = {
        tables: ['databaseSchema', 'database', 'service', 'databaseService'],
        databaseSchemas: ['database', 'service', 'databaseService'],
        databases: ['service', 'databaseService'],
      }
      if (!scopes[collection]!.includes(req.scopeEntityType)) throw new HttpError(400, `Unsupported scopeEntityType '${req.scopeEntityType}' for deleteStale`)
      const scopeType = req.scopeEntityType === 'service' ? 'databaseService' : req.scopeEntityType
      const seen = new Set<string>(req.seenFqns)
      const type = TYPE_OF_COLLECTION[collection]!
      const scopeExists = entities.has(key(scopeType, req.scopeFqn))
      const stale = seen.size === 0 || !scopeExists ? [] : live(type).filter((x) => x.fqn.startsWith(`${req.scopeFqn}.`) && !seen.has(x.fqn))
      if (!req.dryRun) for (const x of stale) softDelete(x, req.recursive !== false)
      return [
        200,
        {
          dryRun: req.dryRun === true,
          status: 'success',
          numberOfRowsProcessed: stale.length,
          numberOfRowsPassed: stale.length,
          numberOfRowsFailed: 0,
          successRequest: stale.map((x) => ({ request: x.fqn, status: 200 })),
          failedRequest: [],
        },
      ]
    }

    const list = /^(tables|databaseSchemas|databases)$/.exec(rest)
    if (method === 'GET' && list) {
      const type = TYPE_OF_COLLECTION[list[1]!]!
      const limit = Number(query.get('limit') ?? 10)
      const fields = (query.get('fields') ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
      if (om.hostilePaging === 'oversized') {
        // One page fifty times longer than asked for, inside the scope asked about, and no end.
        const prefix = query.get('databaseSchema') ?? query.get('database') ?? quoteFqnPart(query.get('service') ?? 'svc')
        const junk = Array.from({ length: limit * 50 }, (_, i) => ({ id: randomUUID(), name: `ghost_${i}`, fullyQualifiedName: `${prefix}.ghost_${i}`, version: 0.1, deleted: false }))
        return [200, { data: junk, paging: { total: 1e9 } }]
      }
      if (om.hostilePaging && om.hostilePaging !== 'ignoreScope') {
        const n = om.requests.filter((r) => r.path === path).length
        const junk = Array.from({ length: limit }, (_, i) => ({ id: randomUUID(), name: `ghost${n}_${i}`, fullyQualifiedName: `ghost.${n}.${i}`, version: 0.1, deleted: false }))
        return [200, { data: junk, paging: { total: 1e9, after: om.hostilePaging === 'repeatCursor' ? 'c2FtZQ==' : Buffer.from(String(n + 1)).toString('base64') } }]
      }
      const after = Number(query.get('after') ? Buffer.from(query.get('after')!, 'base64').toString() : 0)
      const schema = query.get('databaseSchema')
      const database = query.get('database')
      const service = query.get('service')
      let scope: (x: StoredEntity) => boolean = () => true
      if (om.hostilePaging === 'ignoreScope') scope = () => true
      else if (schema) scope = (x) => x.fqn.startsWith(`${schema}.`)
      else if (database) scope = (x) => x.fqn.startsWith(`${database}.`)
      else if (service) scope = (x) => x.fqn.startsWith(`${quoteFqnPart(service)}.`)
      const all = live(type)
        .filter(scope)
        .sort((a, b) => a.fqn.localeCompare(b.fqn))
      const page = all.slice(after, after + limit)
      const next = after + limit < all.length ? Buffer.from(String(after + limit)).toString('base64') : undefined
      const listed = (x: StoredEntity) => ({
        id: x.id,
        name: x.request.name,
        fullyQualifiedName: x.fqn,
        version: x.version,
        deleted: x.deleted,
        ...Object.fromEntries(fields.filter((f) => x.request[f] !== undefined).map((f) => [f, x.request[f]])),
      })
      return [200, { data: page.map(listed), paging: { total: all.length, ...(next ? { after: next } : {}) } }]
    }

    const deleteById = /^(tables|databaseSchemas|databases)\/([0-9a-f-]{36})$/.exec(rest)
    if (method === 'DELETE' && deleteById) {
      const type = TYPE_OF_COLLECTION[deleteById[1]!]!
      const found = byId(deleteById[2]!)
      if (!found || found.type !== type) throw new HttpError(404, `${type} instance for ${deleteById[2]} not found`)
      if (query.get('hardDelete') === 'true') entities.delete(key(type, found.fqn))
      else softDelete(found, query.get('recursive') === 'true')
      return [200, view(found)]
    }

    const wfByName = /^automations\/workflows\/name\/(.+)$/.exec(rest)
    if (method === 'GET' && wfByName) {
      const name = decodeURIComponent(wfByName[1]!)
      const wf = [...om.workflows.values()].find((w) => w.name === name)
      if (!wf) throw new HttpError(404, `workflow instance for ${name} not found`)
      return [200, wf]
    }
    const wfById = /^automations\/workflows\/([0-9a-f-]{36})$/.exec(rest)
    if (wfById && (method === 'GET' || method === 'PATCH')) {
      const wf = om.workflows.get(wfById[1]!)
      if (!wf) throw new HttpError(404, `workflow instance for ${wfById[1]} not found`)
      if (method === 'GET') return [200, wf]
      if (!String(headers['content-type'] ?? '').startsWith('application/json-patch+json')) {
        throw new HttpError(415, 'HTTP 415 Unsupported Media Type')
      }
      om.patches.push({ id: wfById[1]!, body })
      applyPatch(wf, body, opts.testConnectionSchema ?? (atLeast(om.version, '1.14.0') ? 'current' : 'legacy'))
      return [200, wf]
    }
    const pipelineAnswer = handlePipelinesApi(om.pipelinesApi, (s, m) => new HttpError(s, m), method, rest, body)
    if (pipelineAnswer) return pipelineAnswer
    const usage = handleUsageApi(om.usageApi, { byId, byFqn: om.byFqn, error: (s, m) => new HttpError(s, m) }, method, rest, query, body)
    if (usage) return usage
    throw new HttpError(404, `HTTP 404 Not Found`)
  }

  function live(type: string): StoredEntity[] {
    return [...entities.values()].filter((e) => e.type === type && !e.deleted)
  }

  /** Soft delete; recursive: the entities under it (by FQN) too. */
  function softDelete(entity: StoredEntity, recursive: boolean): void {
    entity.deleted = true
    if (recursive) for (const e of entities.values()) if (e.fqn.startsWith(`${entity.fqn}.`) && e.type !== 'tag') e.deleted = true
  }

  let inFlight = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    inFlight++
    om.maxInFlight = Math.max(om.maxInFlight, inFlight)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake-om')
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 }
      const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        const send = () => {
          inFlight--
          record.status = status
          om.requests.push(record)
          res.writeHead(status, { 'content-type': 'application/json', ...headers })
          res.end(JSON.stringify(payload))
        }
        if (om.delayMs > 0) setTimeout(send, om.delayMs)
        else send()
      }
      try {
        body = text ? JSON.parse(text) : undefined
        record.body = body
      } catch {
        return reply(400, { code: 400, message: 'Unable to process JSON' })
      }
      handle(record.method, url.pathname, url.searchParams, req.headers, body).then(
        ([status, payload]) => reply(status, payload),
        (err: unknown) => {
          if (err instanceof HttpError) return reply(err.status, { code: err.status, message: err.message }, err.headers)
          reply(500, { code: 500, message: String((err as Error)?.message ?? err) })
        },
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  om.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`
  om.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  t?.teardown(() => om.close())
  return om
}

/** JSON Patch (RFC 6902) add/replace, which is all the runner sends; the `/response` value is checked. */
function applyPatch(doc: Record<string, any>, ops: unknown, resultShape: 'legacy' | 'current'): void {
  if (!Array.isArray(ops)) throw new HttpError(400, 'A JSON Patch must be an array of operations')
  for (const op of ops as Array<{ op?: string; path?: string; value?: unknown }>) {
    if (op.op !== 'add' && op.op !== 'replace') throw new HttpError(400, `Unsupported JSON Patch operation ${op.op}`)
    if (typeof op.path !== 'string' || !op.path.startsWith('/')) throw new HttpError(400, `Invalid JSON Patch path ${op.path}`)
    if (op.path === '/response') {
      const v = validateTestConnectionResult(resultShape, op.value)
      if (!v.valid) throw new HttpError(400, `[response ${v.errors}]`)
    }
    if (op.path === '/status' && !['Pending', 'Successful', 'Failed', 'Running'].includes(op.value as string)) {
      throw new HttpError(400, `[status must be one of Pending, Successful, Failed, Running]`)
    }
    const parts = op.path
      .slice(1)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    let node: any = doc
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null) {
        if (op.op === 'replace') throw new HttpError(400, `JSON Patch path ${op.path} does not exist`)
        node[part] = {}
      }
      node = node[part]
    }
    const last = parts.at(-1)!
    if (op.op === 'replace' && !(last in node)) throw new HttpError(400, `JSON Patch path ${op.path} does not exist`)
    node[last] = structuredClone(op.value)
  }
}

/** x.y.z ≥ x.y.z, numerically (the fake's own comparison: upstream's step fields came after 1.13). */
function atLeast(version: string, min: string): boolean {
  const a = version.split('.').map((n) => parseInt(n, 10) || 0)
  const b = min.split('.').map((n) => parseInt(n, 10) || 0)
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  return true
}
