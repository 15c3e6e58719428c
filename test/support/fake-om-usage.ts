/**
 * The fake OpenMetadata server's usage and queries API (hooked from fake-om.ts), answered as the real
 * server's UsageResource / QueryResource and QueryRepository answer them:
 *
 *  - `POST /api/v1/usage/{entity}/{id}`: body DailyCount `{count ≥ 0, date}` (type/dailyCount.json, the
 *    type UsageResource declares; 400 otherwise); the entity must exist with that type and not be deleted
 *    (404); the count is added to that day's, as CollectionDAO.UsageDAO.insertOrUpdateCount does
 *    (201, an EntityUsage);
 *  - `POST /api/v1/usage/compute.percentile/{entity}/{date}`: 201 with no body; an entity type without
 *    usage or a date that is not YYYY-MM-DD is a 400;
 *  - `PUT /api/v1/queries`: CreateQueryRequest (api/data/createQuery.json; 400); `service` must name an
 *    existing database service and each `queryUsedIn` reference an existing entity of its type (404).
 *    Without a `name` the query is named by the MD5 of its text (QueryRepository.prepare), its FQN is
 *    `<service FQN>.<name>`; 201 when created, 200 when updated (a given queryUsedIn replaces the stored
 *    one, as QueryUpdater does);
 *  - `GET /api/v1/queries/name/{fqn}`: `queryUsedIn` only with `?fields=queryUsedIn` (the server leaves
 *    relation fields out unless asked);
 *  - `PUT /api/v1/queries/{id}/usage`: body a list of EntityReference, each to an existing entity (404);
 *    the references are added to queryUsedIn (201);
 *  - `PUT /api/v1/tables/{id}/joins`: TableJoins (table.json#/definitions/tableJoins; 400), as
 *    TableRepository.addJoins checks it: startDate within the last 30 days (400), each columnName a column
 *    of the table (400), each joinedWith FQN a column of an existing table (404 / 400); kept in `joins`.
 */
import { createHash, randomUUID } from 'node:crypto'
import { appendFqn, buildFqn, splitFqn, unquoteFqnPart } from '../../src/openmetadata/fqn.js'
import { validateOm } from './om-spec.js'

export interface StoredQuery {
  id: string
  name: string
  fqn: string
  /** The last CreateQueryRequest received for it. */
  request: Record<string, any>
  /** Ids of the entities the query is used in, in the order they were linked. */
  usedIn: string[]
  version: number
}

export interface FakeUsageApi {
  /** Entity id → date (YYYY-MM-DD) → count. */
  usage: Map<string, Map<string, number>>
  /** Query FQN → query. */
  queries: Map<string, StoredQuery>
  /** Every percentile computation asked for, in order. */
  percentiles: Array<{ entity: string; date: string }>
  /** Table id → the TableJoins received for it, in order. */
  joins: Map<string, any[]>
}

/** What the handlers need from the fake server: its entities by id and by type + FQN, and its error type. */
export interface FakeOmState {
  byId(id: string): { id: string; type: string; fqn: string; deleted: boolean; request: Record<string, any> } | undefined
  byFqn(type: string, fqn: string): { id: string; type: string; fqn: string; deleted: boolean } | undefined
  error(status: number, message: string): Error
}

/** Entity types whose usage the server keeps (UsageRepository). */
const USAGE_TYPES = new Set(['table', 'database', 'databaseSchema', 'dashboard', 'chart', 'mlmodel'])
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

export function createFakeUsageApi(): FakeUsageApi {
  return { usage: new Map(), queries: new Map(), percentiles: [], joins: new Map() }
}

/**
 * Answers a usage or queries call (`rest` is the path after /api/v1/), or returns undefined when the path
 * is none of theirs. Errors are thrown as `state.error(status, message)`.
 */
export function handleUsageApi(api: FakeUsageApi, state: FakeOmState, method: string, rest: string, query: URLSearchParams, body: unknown): [number, unknown] | undefined {
  const fail = (status: number, message: string) => state.error(status, message)
  const valid = (schema: string, payload: unknown) => {
    const v = validateOm(schema, payload)
    if (!v.valid) throw fail(400, `[${v.errors}]`)
  }
  const existing = (type: string, id: string) => {
    const e = state.byId(id)
    if (!e || e.deleted || e.type !== type) throw fail(404, `${type} instance for ${id} not found`)
    return e
  }
  const ref = (id: string) => {
    const e = state.byId(id)!
    return { id: e.id, type: e.type, name: e.request.name, fullyQualifiedName: e.fqn }
  }

  const percentile = /^usage\/compute\.percentile\/([^/]+)\/([^/]+)$/.exec(rest)
  if (method === 'POST' && percentile) {
    const [, entity, date] = percentile as unknown as [string, string, string]
    if (!USAGE_TYPES.has(entity)) throw fail(400, `Invalid entity type ${entity}`)
    if (!/^\d{4}-\d\d-\d\d$/.test(date) || Number.isNaN(Date.parse(date))) throw fail(400, `Invalid date ${date}: expected yyyy-MM-dd`)
    api.percentiles.push({ entity, date })
    return [201, undefined]
  }

  const usage = new RegExp(`^usage/([^/]+)/(${UUID})$`).exec(rest)
  if (method === 'POST' && usage) {
    const [, type, id] = usage as unknown as [string, string, string]
    if (!USAGE_TYPES.has(type)) throw fail(400, `Invalid entity type ${type}`)
    valid('type/dailyCount.json', body)
    const daily = body as { date: string; count: number }
    existing(type, id)
    const days = api.usage.get(id) ?? new Map<string, number>()
    days.set(daily.date, (days.get(daily.date) ?? 0) + daily.count)
    api.usage.set(id, days)
    return [201, { entity: ref(id), usage: [{ date: daily.date, dailyStats: { count: days.get(daily.date), percentileRank: 0 } }] }]
  }

  if (method === 'PUT' && rest === 'queries') {
    valid('api/data/createQuery.json', body)
    const req = body as Record<string, any>
    const service = state.byFqn('databaseService', req.service)
    if (!service || service.deleted) throw fail(404, `databaseService instance for ${req.service} not found`)
    const usedIn: Array<{ id: string; type: string }> | undefined = req.queryUsedIn
    for (const r of usedIn ?? []) existing(r.type, r.id)
    const name: string = req.name ?? createHash('md5').update(req.query, 'utf8').digest('hex')
    const fqn = appendFqn(service.fqn, name)
    const before = api.queries.get(fqn)
    const stored: StoredQuery = before
      ? { ...before, request: req, usedIn: usedIn ? usedIn.map((r) => r.id) : before.usedIn, version: Math.round((before.version + 0.1) * 10) / 10 }
      : { id: randomUUID(), name, fqn, request: req, usedIn: (usedIn ?? []).map((r) => r.id), version: 0.1 }
    api.queries.set(fqn, stored)
    return [before ? 200 : 201, view(stored, true)]
  }

  const byName = /^queries\/name\/(.+)$/.exec(rest)
  if (method === 'GET' && byName) {
    const fqn = decodeURIComponent(byName[1]!)
    const found = api.queries.get(fqn)
    if (!found) throw fail(404, `query instance for ${fqn} not found`)
    const fields = (query.get('fields') ?? '').split(',').map((f) => f.trim())
    return [200, view(found, fields.includes('queryUsedIn'))]
  }

  const link = new RegExp(`^queries/(${UUID})/usage$`).exec(rest)
  if (method === 'PUT' && link) {
    const found = [...api.queries.values()].find((q) => q.id === link[1])
    if (!found) throw fail(404, `query instance for ${link[1]} not found`)
    if (!Array.isArray(body)) throw fail(400, '[body must be a list of entity references]')
    body.forEach((r, i) => {
      const v = validateOm('type/entityReference.json', r)
      if (!v.valid) throw fail(400, `[${i}: ${v.errors}]`)
    })
    for (const r of body as Array<{ id: string; type: string }>) existing(r.type, r.id)
    for (const r of body as Array<{ id: string }>) if (!found.usedIn.includes(r.id)) found.usedIn.push(r.id)
    return [201, { entity: view(found, true) }]
  }
  const joins = new RegExp(`^tables/(${UUID})/joins$`).exec(rest)
  if (method === 'PUT' && joins) {
    valid('entity/data/table.json#/definitions/tableJoins', body)
    const req = body as { startDate: string; columnJoins?: Array<{ columnName: string; joinedWith?: Array<{ fullyQualifiedName: string }> }> }
    const table = existing('table', joins[1]!)
    const age = (Date.now() - Date.parse(req.startDate)) / 86_400_000
    if (!(age >= -1 && age < 30)) throw fail(400, 'Date range can only include past 30 days starting today')
    const hasColumn = (t: { request: Record<string, any> }, name: string) => (t.request.columns ?? []).some((c: any) => c.name === name)
    for (const cj of req.columnJoins ?? []) {
      if (!hasColumn(table, cj.columnName)) throw fail(400, `Invalid column name ${cj.columnName}`)
      for (const w of cj.joinedWith ?? []) {
        let parts: string[]
        try {
          parts = splitFqn(w.fullyQualifiedName).map(unquoteFqnPart)
        } catch (err) {
          throw fail(400, (err as Error).message)
        }
        const otherFqn = buildFqn(...parts.slice(0, -1))
        const other = state.byFqn('table', otherFqn)
        if (!other || other.deleted) throw fail(404, `table instance for ${otherFqn} not found`)
        if (!hasColumn(state.byId(other.id)!, parts.at(-1)!)) throw fail(400, `Invalid column name ${w.fullyQualifiedName}`)
      }
    }
    api.joins.set(table.id, [...(api.joins.get(table.id) ?? []), req])
    return [200, { ...table.request, id: table.id, fullyQualifiedName: table.fqn }]
  }
  return undefined

  function view(q: StoredQuery, withUsedIn: boolean) {
    const { queryUsedIn: _sent, ...rest } = q.request
    return {
      ...rest,
      id: q.id,
      name: q.name,
      fullyQualifiedName: q.fqn,
      checksum: createHash('md5').update(q.request.query, 'utf8').digest('hex'),
      version: q.version,
      ...(withUsedIn ? { queryUsedIn: q.usedIn.map(ref) } : {}),
    }
  }
}
