/**
 * Writes an ingest's record stream into an OpenMetadata server, as OpenMetadata's `metadata-rest` sink
 * does (create-or-update by PUT, parents first), and yields every record again with its outcome:
 *
 *   {kind, entity, sink: {status: 'written' | 'failed' | 'skipped', httpStatus, error?, deleted?}}
 *
 * `entity` stays the pure OpenMetadata payload. Records are yielded in the order they came (so the
 * stream keeps parents before children); writes run concurrently up to a bound, but a record waits for
 * its parent's write and is not sent at all when that failed. The closing `status` record waits for
 * every write; its StepSummary gains the sink's failures (errors + failures[]), and a second StepSummary
 * named `OpenMetadata`, the sink's own step as OpenMetadata's workflows report it, goes beside it as
 * `sinkStatus`. Nothing here throws once the stream runs: a failure is an outcome.
 *
 * Kinds: databaseService → looked up by name and created (PUT, with the connection as the request gave it,
 * secrets included: the server encrypts them) only when missing, never changed (upstream's overwrite=False);
 * database → PUT /v1/databases, databaseSchema → PUT /v1/databaseSchemas, table → PUT /v1/tables unless the
 * server already stores the table with the same sourceHash (read per schema in list pages, `unchanged`, as
 * upstream's topology runner skips it), lineage → PUT /v1/lineage (ends named by type + FQN are resolved to
 * ids), staleScope → `/v1/<collection>/deleteStale` (BulkDeleteStaleRequest; the collection follows the
 * scope, see openmetadata/stale.ts): DELETE on servers from 2.0 (what they serve), PUT on older ones, and on
 * those without the endpoint list-and-soft-delete. Other kinds are `skipped`.
 *
 * Every paging loop against the server is bounded: a repeated cursor, a page limit and a time limit each
 * stop it (a server that pages forever must not make the run grow without end).
 */
import { appendFqn, quoteFqnPart, unquoteFqnPart } from '../openmetadata/fqn.js'
import type { StepSummary } from '../openmetadata/om-types.js'
import { DEFAULT_MAX_FAILURES, StepTracker } from '../openmetadata/status.js'
import { scrubSecrets } from '../aws/errors.js'
import type { SinkContext, SinkExtension } from './extension.js'
import { createLimit } from './limit.js'
import { OmUnreachableError, pathPart, serverMessage, type OmClient, type OmResponse } from './om-client.js'

export const SINK_STEP_NAME = 'OpenMetadata'
/** Page size of the stale-entity listing (fallback path). */
export const STALE_PAGE_SIZE = 100
/** Page size of the stored-hash listing (the list endpoint allows up to 1,000,000; only ids, FQNs and hashes come back). */
export const HASH_PAGE_SIZE = 1000
/** Stored hashes read per schema at most; tables beyond are simply written. */
export const HASH_LIST_MAX_TABLES = 100_000
/** Default time limit of one listing (OM_SINK_LIST_TIME_LIMIT_MS). */
export const DEFAULT_LIST_TIME_LIMIT_MS = 120_000

export interface SinkOutcome {
  /** unchanged: the server already holds it as it is (nothing written). */
  status: 'written' | 'unchanged' | 'failed' | 'skipped'
  /** The server's answer to the (last) call; null when nothing was sent or nothing came back. */
  httpStatus: number | null
  error?: string
  /** staleScope only: FQNs of the tables soft-deleted (with dryRun: that would be). */
  deleted?: string[]
}

export interface SinkFields {
  sink?: SinkOutcome
  sinkStatus?: StepSummary
}

interface AnyRecord {
  kind: string
  entity: unknown
}

export interface WriterOptions {
  /** Writes in flight at once. */
  concurrency: number
  /** Records held back waiting for their outcome before the reader pauses (default 8 × concurrency). */
  window?: number
  /** A line for the log for each failure (never carries the JWT). */
  onFailure?: (name: string, error: string, httpStatus: number | null) => void
  /** The server's version (/v1/system/version): chooses the deleteStale method. */
  serverVersion?: string
  /** The request's serviceConnection.config, secrets included: what a missing service is created with. */
  serviceConnection?: unknown
  /** Time limit of one paged listing (default DEFAULT_LIST_TIME_LIMIT_MS). */
  listTimeLimitMs?: number
  /** Writes further kinds (the query log's usage: usage-writer.ts); its finish runs before the status line. */
  extension?: SinkExtension
}

interface EntityKind {
  path: string
  type: string
  /** The FQN of the record's entity, and of its parent (undefined: no parent). */
  fqns(entity: Record<string, unknown>): { fqn: string; parent?: string }
}

const ENTITY_KINDS: Record<string, EntityKind> = {
  databaseService: {
    path: '/v1/services/databaseServices',
    type: 'databaseService',
    fqns: (e) => ({ fqn: quoteFqnPart(String(e.name)) }),
  },
  database: { path: '/v1/databases', type: 'database', fqns: (e) => ({ fqn: appendFqn(String(e.service), String(e.name)), parent: String(e.service) }) },
  databaseSchema: {
    path: '/v1/databaseSchemas',
    type: 'databaseSchema',
    fqns: (e) => ({ fqn: appendFqn(String(e.database), String(e.name)), parent: String(e.database) }),
  },
  table: {
    path: '/v1/tables',
    type: 'table',
    fqns: (e) => ({ fqn: appendFqn(String(e.databaseSchema), String(e.name)), parent: String(e.databaseSchema) }),
  },
  // LF-tag keys and values: created before the entities whose tag labels name them.
  classification: { path: '/v1/classifications', type: 'classification', fqns: (e) => ({ fqn: quoteFqnPart(String(e.name)) }) },
  tag: {
    path: '/v1/tags',
    type: 'tag',
    fqns: (e) => {
      const classification = quoteFqnPart(String(e.classification))
      return { fqn: appendFqn(classification, String(e.name)), parent: classification }
    },
  },
}

/** Entity type → REST collection, for resolving lineage ends named by FQN. */
const COLLECTIONS: Record<string, string> = {
  table: 'tables',
  database: 'databases',
  databaseSchema: 'databaseSchemas',
  databaseService: 'services/databaseServices',
  pipeline: 'pipelines',
  dashboard: 'dashboards',
  dashboardDataModel: 'dashboard/datamodels',
  topic: 'topics',
  mlmodel: 'mlmodels',
  container: 'containers',
  storedProcedure: 'storedProcedures',
  searchIndex: 'searchIndexes',
  apiEndpoint: 'apiEndpoints',
}

/** Scope entity type → the collection cleaned and its list filter (openmetadata/stale.ts). */
const STALE_TARGETS: Record<string, { collection: string; type: string; filter: 'databaseSchema' | 'database' | 'service' }> = {
  databaseSchema: { collection: 'tables', type: 'table', filter: 'databaseSchema' },
  database: { collection: 'databaseSchemas', type: 'databaseSchema', filter: 'database' },
  databaseService: { collection: 'databases', type: 'database', filter: 'service' },
  service: { collection: 'databases', type: 'database', filter: 'service' },
}

const ok = (o: SinkOutcome) => o.status === 'written' || o.status === 'unchanged'

/** deleteStale is DELETE from 2.0 (upstream BulkApi / TableResource at 2.0.0-release); earlier builds served PUT. */
export function servesDeleteStaleByDelete(version: string | undefined): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '')
  return m !== null && Number(m[1]) >= 2
}

interface StoredTable {
  id?: string
  sourceHash?: string
}

export async function* writeToOpenMetadata<R extends AnyRecord>(records: AsyncIterable<R>, client: OmClient, opts: WriterOptions): AsyncGenerator<R & SinkFields> {
  const sink = new SinkState(client, opts)
  const window = opts.window ?? Math.max(8, opts.concurrency * 8)
  const queue: Array<{ record: R; outcome: Promise<SinkOutcome>; done: boolean }> = []
  const release = async (): Promise<R & SinkFields> => {
    const head = queue.shift()!
    return { ...head.record, sink: await head.outcome }
  }
  try {
    for await (const record of records) {
      if (record.kind === 'status') {
        while (queue.length > 0) yield await release()
        await sink.finish()
        yield sink.withStatus(record)
        continue
      }
      const item = { record, outcome: sink.start(record), done: false }
      void item.outcome.then(() => (item.done = true))
      queue.push(item)
      while (queue.length > 0 && (queue[0]!.done || queue.length > window)) yield await release()
    }
    while (queue.length > 0) yield await release()
  } finally {
    await sink.idle()
  }
}

class SinkState {
  private readonly tracker = new StepTracker(SINK_STEP_NAME)
  /** FQN → the outcome of its write (children wait on it). */
  private readonly writes = new Map<string, Promise<SinkOutcome>>()
  /** `type:fqn` → id, from the server's answers. */
  private readonly ids = new Map<string, string>()
  private readonly inFlight = new Set<Promise<SinkOutcome>>()
  private readonly limit: ReturnType<typeof createLimit>
  /** Schema FQN → its tables as the server stores them (FQN → id, sourceHash); the last few schemas only. */
  private readonly storedTables = new Map<string, Promise<Map<string, StoredTable>>>()
  private readonly context: SinkContext

  constructor(
    private readonly client: OmClient,
    private readonly opts: WriterOptions,
  ) {
    this.limit = createLimit(Math.max(1, opts.concurrency))
    this.context = {
      client,
      limit: (task) => this.limit(task),
      send: (name, method, path, req = {}) => this.send(name, method, path, req),
      fail: (name, httpStatus, error) => this.fail(name, httpStatus, error),
      written: () => this.tracker.record(),
      message: (res) => this.message(res),
    }
  }

  async finish(): Promise<void> {
    await this.idle()
    await this.opts.extension?.finish?.(this.context).catch((err: unknown) => void this.fail('sink', null, this.describe(err)))
  }

  start(record: AnyRecord): Promise<SinkOutcome> {
    // Each kind turns its own errors into a failure named after its entity; this is the last resort.
    const task = this.dispatch(record).catch((err: unknown) => this.fail(`${record.kind} record`, null, this.describe(err)))
    this.inFlight.add(task)
    void task.finally(() => this.inFlight.delete(task))
    return task
  }

  async idle(): Promise<void> {
    await Promise.all([...this.inFlight])
  }

  withStatus<R extends AnyRecord>(record: R): R & SinkFields {
    const sinkStatus = this.tracker.summary()
    const source = record.entity as StepSummary
    const entity: StepSummary = {
      ...source,
      errors: source.errors + sinkStatus.errors,
      failures: [...source.failures, ...sinkStatus.failures].slice(0, Math.max(DEFAULT_MAX_FAILURES, source.failures.length)),
    }
    return { ...record, entity, sinkStatus }
  }

  private dispatch(record: AnyRecord): Promise<SinkOutcome> {
    if (this.opts.extension?.handles(record.kind)) return this.opts.extension.write(record, this.context)
    const entity = (record.entity ?? {}) as Record<string, unknown>
    if (record.kind === 'databaseService') return this.ensureService(entity)
    const kind = ENTITY_KINDS[record.kind]
    if (kind) return this.putEntity(kind, entity)
    if (record.kind === 'lineage') return this.lineage(entity)
    if (record.kind === 'staleScope') return this.staleScope(entity)
    return Promise.resolve({ status: 'skipped', httpStatus: null, error: `records of kind ${record.kind} are not written to OpenMetadata` })
  }

  /**
   * The database service: created (with the connection as given) only when the server does not have it;
   * an existing one is never sent anything, as its stored connection and secrets are the user's.
   */
  private ensureService(entity: Record<string, unknown>): Promise<SinkOutcome> {
    const kind = ENTITY_KINDS.databaseService!
    const fqn = kind.fqns(entity).fqn
    const outcome = this.limit(async (): Promise<SinkOutcome> => {
      const found = await this.send(fqn, 'GET', `${kind.path}/name/${pathPart(fqn, `the ${kind.type}`)}`, {})
      if (!isResponse(found)) return found
      const id = (found.json as { id?: unknown } | undefined)?.id
      if (found.status === 200) {
        if (typeof id === 'string') this.ids.set(`${kind.type}:${fqn}`, id)
        return { status: 'unchanged', httpStatus: 200 }
      }
      if (found.status !== 404) return this.fail(fqn, found.status, `looking up the database service ${fqn}: ${this.message(found)}`)
      const connection = this.opts.serviceConnection
      const body = connection !== undefined ? { ...entity, connection: { config: connection } } : entity
      return this.sendPut(kind, fqn, body)
    }).catch((err: unknown) => this.fail(fqn, null, this.describe(err)))
    this.writes.set(fqn, outcome)
    return outcome
  }

  private putEntity(kind: EntityKind, entity: Record<string, unknown>): Promise<SinkOutcome> {
    let fqn: string
    let parent: string | undefined
    try {
      ;({ fqn, parent } = kind.fqns(entity))
    } catch (err) {
      return Promise.resolve(this.fail(`${kind.type} ${String(entity.name)}`, null, this.describe(err)))
    }
    const parentWrite = parent !== undefined ? this.writes.get(parent) : undefined
    // Tag labels name tags this run may still be writing: the server refuses a label whose tag it lacks.
    const tagWrites = tagFqnsOf(entity).flatMap((t) => this.writes.get(`tag:${t}`) ?? [])
    const outcome = (async (): Promise<SinkOutcome> => {
      if (parentWrite && !ok(await parentWrite)) {
        return this.fail(fqn, null, `not sent: its parent ${parent} was not written to OpenMetadata`)
      }
      await Promise.all(tagWrites)
      if (kind.type === 'table' && typeof entity.sourceHash === 'string' && parent !== undefined) {
        const stored = (await this.tablesOf(parent)).get(fqn)
        if (stored?.sourceHash === entity.sourceHash) {
          if (stored.id) this.ids.set(`table:${fqn}`, stored.id)
          return { status: 'unchanged', httpStatus: null }
        }
      }
      return this.limit(() => this.sendPut(kind, fqn, entity))
    })().catch((err: unknown) => this.fail(fqn, null, this.describe(err)))
    this.writes.set(kind.type === 'tag' ? `tag:${fqn}` : fqn, outcome)
    return outcome
  }

  private async sendPut(kind: EntityKind, fqn: string, body: Record<string, unknown>): Promise<SinkOutcome> {
    const res = await this.send(fqn, 'PUT', kind.path, { body })
    if (!isResponse(res)) return res
    if (res.status !== 200 && res.status !== 201) return this.fail(fqn, res.status, this.message(res))
    const id = (res.json as { id?: unknown } | undefined)?.id
    if (typeof id === 'string') this.ids.set(`${kind.type}:${fqn}`, id)
    this.tracker.record()
    if (res.status === 200) this.tracker.updated()
    return { status: 'written', httpStatus: res.status }
  }

  /**
   * The tables of a schema as the server stores them, read once in list pages with `fields=sourceHash`
   * (TableResource FIELDS has it; upstream's topology runner lists the same way), instead of one GET per
   * table. Only an optimisation: a listing that fails or stops early leaves the rest to be written.
   */
  private tablesOf(schemaFqn: string): Promise<Map<string, StoredTable>> {
    let listing = this.storedTables.get(schemaFqn)
    if (!listing) {
      listing = this.listStoredTables(schemaFqn)
      this.storedTables.set(schemaFqn, listing)
      // Schemas come one after another: keep the last few.
      if (this.storedTables.size > 4) this.storedTables.delete(this.storedTables.keys().next().value!)
    }
    return listing
  }

  private async listStoredTables(schemaFqn: string): Promise<Map<string, StoredTable>> {
    const tables = new Map<string, StoredTable>()
    const listed = await this.listPages(
      '/v1/tables',
      { databaseSchema: schemaFqn, fields: 'sourceHash' },
      HASH_PAGE_SIZE,
      Math.ceil(HASH_LIST_MAX_TABLES / HASH_PAGE_SIZE),
      (page: Array<{ id?: string; fullyQualifiedName?: string; sourceHash?: string }>) => {
        for (const t of page) {
          // Only the schema's own tables: anything else the server lists is not this listing's to keep.
          if (typeof t.fullyQualifiedName === 'string' && t.fullyQualifiedName.startsWith(`${schemaFqn}.`))
            tables.set(t.fullyQualifiedName, { ...(t.id ? { id: t.id } : {}), ...(t.sourceHash ? { sourceHash: t.sourceHash } : {}) })
        }
      },
    )
    if (!listed.complete) this.tracker.warning()
    return tables
  }

  /**
   * A bounded cursor listing: stops on a repeated cursor, after maxPages pages, or past the time limit,
   * and says which (complete: false) instead of going on. Never throws.
   */
  private async listPages<T>(
    path: string,
    query: Record<string, string>,
    pageSize: number,
    maxPages: number,
    onPage: (data: T[]) => void,
  ): Promise<{ complete: true } | { complete: false; httpStatus: number | null; reason: string }> {
    const deadline = Date.now() + (this.opts.listTimeLimitMs ?? DEFAULT_LIST_TIME_LIMIT_MS)
    const cursors = new Set<string>()
    let after: string | undefined
    for (let pages = 0; ; pages++) {
      if (pages >= maxPages) return { complete: false, httpStatus: null, reason: `the listing did not end within ${maxPages} pages of ${pageSize}` }
      if (Date.now() > deadline) return { complete: false, httpStatus: null, reason: `the listing did not end within ${this.opts.listTimeLimitMs ?? DEFAULT_LIST_TIME_LIMIT_MS} ms` }
      let res: OmResponse
      try {
        res = await this.limit(() => this.client.request('GET', path, { query: { ...query, limit: pageSize, after } }))
      } catch (err) {
        if (err instanceof OmUnreachableError) return { complete: false, httpStatus: null, reason: `the OpenMetadata server did not answer: ${this.describe(err)}` }
        throw err
      }
      if (res.status !== 200) return { complete: false, httpStatus: res.status, reason: this.message(res) }
      const page = res.json as { data?: T[]; paging?: { after?: string } } | undefined
      const data = Array.isArray(page?.data) ? page.data : []
      // A page longer than asked for would make what the listing holds (and what a clean-up deletes) the server's
      // choice, not a bound of this run's.
      if (data.length > pageSize) return { complete: false, httpStatus: 200, reason: `the server answered ${data.length} entries for a page of ${pageSize}` }
      onPage(data)
      after = page?.paging?.after || undefined
      if (!after) return { complete: true }
      if (cursors.has(after)) return { complete: false, httpStatus: 200, reason: 'the server answered a cursor it had already given (paging loop)' }
      cursors.add(after)
    }
  }

  private lineage(entity: Record<string, unknown>): Promise<SinkOutcome> {
    const edge = entity.edge as Record<string, unknown> | undefined
    const ends = [edge?.fromEntity, edge?.toEntity] as Array<Record<string, unknown> | undefined>
    const label = (ref: Record<string, unknown> | undefined) => shown(ref?.fullyQualifiedName ?? ref?.id ?? '?')
    const name = `lineage ${label(ends[0])} -> ${label(ends[1])}`
    if (!edge || ends.some((ref) => !ref || typeof ref.type !== 'string' || (typeof ref.id !== 'string' && typeof ref.fullyQualifiedName !== 'string'))) {
      return Promise.resolve(this.fail(name, null, 'a lineage edge needs fromEntity and toEntity, each with type and fullyQualifiedName (or id)'))
    }
    const deps = ends
      .map((ref) => (typeof ref!.fullyQualifiedName === 'string' ? ([ref!.fullyQualifiedName, this.writes.get(ref!.fullyQualifiedName)] as const) : undefined))
      .filter((d): d is readonly [string, Promise<SinkOutcome>] => d !== undefined && d[1] !== undefined)
    return (async (): Promise<SinkOutcome> => {
      for (const [fqn, dep] of deps) {
        if (!ok(await dep)) return this.fail(name, null, `not sent: ${fqn} was not written to OpenMetadata`)
      }
      return this.limit(async () => {
        const refs: Array<{ id: string; type: string }> = []
        for (const ref of ends) {
          const resolved = await this.resolve(ref!)
          if ('status' in resolved) return this.fail(name, resolved.httpStatus, resolved.error ?? 'unresolved')
          refs.push(resolved)
        }
        const body = { ...entity, edge: { ...edge, fromEntity: refs[0], toEntity: refs[1] } }
        const res = await this.send(name, 'PUT', '/v1/lineage', { body })
        if (!isResponse(res)) return res
        if (res.status < 200 || res.status >= 300) return this.fail(name, res.status, this.message(res))
        this.tracker.record()
        return { status: 'written', httpStatus: res.status }
      })
    })().catch((err: unknown) => this.fail(name, null, this.describe(err)))
  }

  /** A lineage end as `{id, type}`: its id if given, else from this run's writes, else looked up by FQN. */
  private async resolve(ref: Record<string, unknown>): Promise<{ id: string; type: string } | SinkOutcome> {
    const type = String(ref.type)
    if (typeof ref.id === 'string') return { id: ref.id, type }
    const fqn = String(ref.fullyQualifiedName)
    const known = this.ids.get(`${type}:${fqn}`)
    if (known) return { id: known, type }
    const collection = COLLECTIONS[type]
    if (!collection) return { status: 'failed', httpStatus: null, error: `cannot resolve a lineage end of type ${type} by name` }
    const res = await this.send(fqn, 'GET', `/v1/${collection}/name/${pathPart(fqn, `the ${type}`)}`, {})
    if (!isResponse(res)) return res
    const id = (res.json as { id?: unknown } | undefined)?.id
    if (res.status === 200 && typeof id === 'string') {
      this.ids.set(`${type}:${fqn}`, id)
      return { id, type }
    }
    const why = res.status === 404 ? `${type} ${fqn} does not exist in OpenMetadata` : `looking up ${type} ${fqn}: ${this.message(res)}`
    return { status: 'failed', httpStatus: res.status, error: why }
  }

  private staleScope(entity: Record<string, unknown>): Promise<SinkOutcome> {
    const scopeFqn = shown(entity.scopeFqn ?? '')
    const target = STALE_TARGETS[shown(entity.scopeEntityType ?? '')]
    const name = `stale ${target?.collection ?? 'entities'} of ${shown(entity.scopeEntityType ?? 'scope')} ${scopeFqn}`
    if (!target) {
      return Promise.resolve(this.fail(name, null, `scopeEntityType ${String(entity.scopeEntityType)} is not supported by the stale clean-up (databaseSchema, database or databaseService)`))
    }
    // Barrier, as upstream flushes its sink before deleting: everything written so far is settled first.
    const before = [...this.writes.values()]
    const scopeWrite = this.writes.get(scopeFqn)
    return (async (): Promise<SinkOutcome> => {
      await Promise.all(before)
      // A scope this run could not write is not one to clean up from.
      if (scopeWrite && !ok(await scopeWrite)) return this.fail(name, null, `not sent: ${scopeFqn} was not written to OpenMetadata`)
      const path = `/v1/${target.collection}/deleteStale`
      if (servesDeleteStaleByDelete(this.opts.serverVersion)) {
        return this.limit(async () => this.staleResult(name, await this.send(name, 'DELETE', path, { body: entity })))
      }
      const res = await this.limit(() => this.send(name, 'PUT', path, { body: entity }))
      if (isResponse(res) && (res.status === 404 || res.status === 405)) return this.legacyDeleteStale(entity, target, name)
      return this.staleResult(name, res)
    })().catch((err: unknown) => this.fail(name, null, this.describe(err)))
  }

  /** A BulkOperationResult: what was deleted, and a failure when the server could not delete some. */
  private staleResult(name: string, res: OmResponse | SinkOutcome): SinkOutcome {
    if (!isResponse(res)) return res
    if (res.status < 200 || res.status >= 300) return this.fail(name, res.status, this.message(res))
    const result = (res.json ?? {}) as { successRequest?: Array<{ request?: unknown }>; failedRequest?: Array<{ request?: unknown; message?: unknown }> }
    const deleted = (result.successRequest ?? []).map((r) => String(r.request))
    const failed = result.failedRequest ?? []
    if (failed.length > 0) {
      const first = failed[0]!
      return {
        ...this.fail(name, res.status, `${failed.length} stale entit${failed.length === 1 ? 'y' : 'ies'} could not be deleted, e.g. ${String(first.request)}: ${shown(first.message ?? 'no message')}`),
        deleted,
      }
    }
    return { status: 'written', httpStatus: res.status, deleted }
  }

  /**
   * Servers without deleteStale: list the scope and soft-delete what the run did not see, as upstream's
   * legacy path does. Never on an empty seenFqns (the server's rule too), and never on a listing that did
   * not complete: its page limit follows from what the run wrote in the scope.
   */
  private async legacyDeleteStale(entity: Record<string, unknown>, target: (typeof STALE_TARGETS)[string], name: string): Promise<SinkOutcome> {
    const seen = new Set(Array.isArray(entity.seenFqns) ? entity.seenFqns.map(String) : [])
    if (seen.size === 0) {
      this.tracker.warning()
      return { status: 'skipped', httpStatus: null, error: 'seenFqns is empty: a scope is never emptied', deleted: [] }
    }
    const scopeValue = target.filter === 'service' ? unquoteFqnPart(String(entity.scopeFqn)) : String(entity.scopeFqn)
    const stale: Array<{ id: string; fqn: string }> = []
    // The scope holds what the run wrote plus what went away since: allow 4× that and a margin of 1,000.
    const maxPages = Math.ceil((4 * seen.size + 1000) / STALE_PAGE_SIZE) + 1
    const listed = await this.listPages(`/v1/${target.collection}`, { [target.filter]: scopeValue }, STALE_PAGE_SIZE, maxPages, (page: Array<{ id?: string; fullyQualifiedName?: string }>) => {
      // Only entities inside the scope are candidates, whatever else the server lists.
      const inScope = (fqn: string) => fqn.startsWith(`${String(entity.scopeFqn)}.`)
      for (const e of page) if (e.id && e.fullyQualifiedName && inScope(e.fullyQualifiedName) && !seen.has(e.fullyQualifiedName)) stale.push({ id: e.id, fqn: e.fullyQualifiedName })
    })
    if (!listed.complete) {
      return this.fail(name, listed.httpStatus, `listing the ${target.collection} of ${String(entity.scopeFqn)}: ${listed.reason}; nothing was deleted`)
    }
    if (entity.dryRun === true) return { status: 'written', httpStatus: 200, deleted: stale.map((s) => s.fqn) }
    const deleted: string[] = []
    let lastFailure: { status: number | null; error: string } | undefined
    for (const one of stale) {
      const res = await this.limit(() =>
        this.send(one.fqn, 'DELETE', `/v1/${target.collection}/${pathPart(one.id, 'the id OpenMetadata listed')}`, {
          query: { hardDelete: entity.hardDelete === true, recursive: entity.recursive !== false },
        }),
      )
      if (!isResponse(res)) {
        lastFailure = { status: res.httpStatus, error: res.error ?? 'not deleted' }
        continue
      }
      if (res.status >= 200 && res.status < 300) deleted.push(one.fqn)
      else {
        const message = this.message(res)
        this.fail(one.fqn, res.status, `soft-deleting the stale ${target.type}: ${message}`)
        lastFailure = { status: res.status, error: message }
      }
    }
    if (lastFailure) {
      return {
        status: 'failed',
        httpStatus: lastFailure.status,
        error: `${stale.length - deleted.length} of ${stale.length} stale ${target.type}(s) could not be deleted: ${lastFailure.error}`,
        deleted,
      }
    }
    return { status: 'written', httpStatus: 200, deleted }
  }

  /** One call; a server that does not answer becomes a failed outcome (counted) instead of an exception. */
  private async send(name: string, method: string, path: string, req: Parameters<OmClient['request']>[2]): Promise<OmResponse | SinkOutcome> {
    try {
      return await this.client.request(method, path, req)
    } catch (err) {
      if (err instanceof OmUnreachableError) return this.fail(name, null, `the OpenMetadata server did not answer: ${this.describe(err)}`)
      throw err
    }
  }

  private fail(name: string, httpStatus: number | null, error: string): SinkOutcome {
    this.tracker.fail(name, error)
    this.opts.onFailure?.(name, error, httpStatus)
    return { status: 'failed', httpStatus, error }
  }

  private message(res: OmResponse): string {
    return this.describe(serverMessage(res))
  }

  /** A message without secrets: the JWT, and the AWS secrets of the connection a missing service is created with (a server may echo its body). */
  private describe(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err)
    return scrubSecrets(text, [this.client.target.jwtToken, ...connectionSecrets(this.opts.serviceConnection)])
  }
}

function connectionSecrets(connection: unknown): string[] {
  const aws = (connection as { awsConfig?: { awsSecretAccessKey?: unknown; awsSessionToken?: unknown } } | undefined)?.awsConfig
  return [aws?.awsSecretAccessKey, aws?.awsSessionToken].filter((v): v is string => typeof v === 'string' && v !== '')
}

export function isResponse(x: OmResponse | SinkOutcome): x is OmResponse {
  return typeof (x as OmResponse).text === 'string' && typeof (x as OmResponse).attempts === 'number'
}

/** The tagFQNs of an entity's labels and its columns' (nested children included). */
function tagFqnsOf(entity: Record<string, unknown>): string[] {
  const out: string[] = []
  const labels = (x: unknown) => ((x as { tags?: Array<{ tagFQN?: unknown }> })?.tags ?? []).forEach((l) => typeof l.tagFQN === 'string' && out.push(l.tagFQN))
  const walk = (cols: unknown) =>
    (Array.isArray(cols) ? cols : []).forEach((c) => {
      labels(c)
      walk((c as { children?: unknown }).children)
    })
  labels(entity)
  walk(entity.columns)
  return out
}

/** A value from an entity or an answer, for a message: a string as it is, anything else as JSON (not "[object Object]"). */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
}
