/**
 * The query log's writes to OpenMetadata, as upstream's usage workflow makes them (ingestion/bulksink/
 * metadata_usage.py MetadataUsageBulkSink, with the ometa table and query mixins):
 *
 *  - each `usageSummary` record (a TableUsageCount: one table, one day) → the table by FQN
 *    (`GET /v1/tables/name/{fqn}?fields=columns`), then `POST /v1/usage/table/{id}` with a UsageRequest
 *    `{date, count}` (`publish_table_usage`), then its equality joins as TableJoins (`PUT /v1/tables/{id}/joins`,
 *    `publish_frequently_joined_with`; a joined column whose table or column the server lacks is left out,
 *    as upstream leaves it), then its queries (`ingest_entity_queries_data`): each query's literals are
 *    masked first (`mask_query`, src/lineage/mask-query.ts); each distinct masked text is one Query entity,
 *    named by the server with the MD5 of its text under the service (`<service>.<md5>`,
 *    QueryRepository.prepare). It is looked up by that name; created with `PUT /v1/queries` (a
 *    CreateQueryRequest whose queryUsedIn is the table) when missing, else linked to the table by
 *    `PUT /v1/queries/{id}/usage` unless its queryUsedIn has it already (as upstream's bulk path: a rerun
 *    adds nothing, and a PUT of the query would replace the links other tables gave it);
 *  - after every write, `POST /v1/usage/compute.percentile/table/{today}` then `…/database/{today}`, as
 *    the bulk sink's close() does.
 *
 * Which queries count is decided upstream of here (src/querylog/run.ts): SUCCEEDED ones only, without
 * OpenMetadata's and dbt's own (athena/usage.py, query_parser.py). Only a DatabaseUsage run writes usage;
 * in a DatabaseLineage run the usage records are skipped (upstream's lineage workflow writes lineage only:
 * running both must not count a day twice). `query` records are not written themselves: their SQL reaches
 * the server with the usage of the tables it used, as upstream's TableUsageCount.sqlQueries carries it.
 * A table unknown to the server is a failure of that record (named in the sink status), never a stop.
 * Lineage records go through writer.ts like the ingest's.
 */
import { createHash } from 'node:crypto'
import type { QueryLogSourceT } from '../../schemas/query-log.js'
import { maskQuery } from '../lineage/mask-query.js'
import { appendFqn, buildFqn, quoteFqnPart } from '../openmetadata/fqn.js'
import type { CreateQueryRequest, TableUsageCount } from '../querylog/om-types.js'
import { pipelineOf } from '../querylog/plan.js'
import type { SinkContext, SinkExtension } from './extension.js'
import { isResponse, type SinkOutcome } from './writer.js'
import { pathPart } from './om-client.js'

type Ref = { id: string; type: string }
type TableEntity = Ref & { columns: string[] }

interface StoredQuery {
  id: string
  /** Ids of the entities the server (or this run) has the query used in. */
  usedIn: Set<string>
}

/** The sink extension of one query-log request. */
export function queryLogSinkExtension(source: Pick<QueryLogSourceT, 'sourceConfig'>): SinkExtension {
  return new UsageWriter(pipelineOf(source) === 'DatabaseUsage')
}

/** Upstream's query name: the MD5 of the text, hex (the server's EntityUtil.hash). */
export function queryChecksum(sql: string): string {
  return createHash('md5').update(sql, 'utf8').digest('hex')
}

const isOutcome = (x: Ref | StoredQuery | SinkOutcome): x is SinkOutcome => 'status' in x

/** A column of the table by name, as upstream's get_column_fqn matches it (case-insensitively). */
const columnOf = (table: TableEntity, name: string) => table.columns.find((c) => c.toLowerCase() === name.toLowerCase())

class UsageWriter implements SinkExtension {
  private readonly tables = new Map<string, Promise<TableEntity | SinkOutcome>>()
  private readonly queries = new Map<string, Promise<StoredQuery | SinkOutcome>>()
  private published = 0

  constructor(private readonly writeUsage: boolean) {}

  handles(kind: string): boolean {
    return kind === 'usageSummary' || kind === 'query'
  }

  async write(record: { kind: string; entity: unknown }, ctx: SinkContext): Promise<SinkOutcome> {
    const skipped = (reason: string): SinkOutcome => ({ status: 'skipped', httpStatus: null, error: reason })
    if (!this.writeUsage) return skipped('a DatabaseLineage run writes lineage only; queries and usage are written by a DatabaseUsage run')
    if (record.kind === 'usageSummary') return this.usage(record.entity as TableUsageCount, ctx)
    return (record as { state?: string }).state === 'SUCCEEDED'
      ? skipped('a query reaches OpenMetadata with the usage of the tables it used (usageSummary records)')
      : skipped("only SUCCEEDED queries count, as in upstream's Athena usage source")
  }

  async finish(ctx: SinkContext): Promise<void> {
    if (this.published === 0) return
    const date = new Date().toISOString().slice(0, 10)
    for (const entity of ['table', 'database']) {
      const name = `usage percentiles of ${entity} on ${date}`
      const res = await ctx.limit(() => ctx.send(name, 'POST', `/v1/usage/compute.percentile/${entity}/${date}`))
      if (isResponse(res) && (res.status < 200 || res.status >= 300)) ctx.fail(name, res.status, ctx.message(res))
    }
  }

  private async usage(u: TableUsageCount, ctx: SinkContext): Promise<SinkOutcome> {
    const label = `${u.databaseSchema ? `${u.databaseSchema}.` : ''}${u.table}`
    if (!u.databaseSchema) {
      return ctx.fail(
        `usage of ${label} on ${u.date}`,
        null,
        `the SQL names table ${u.table} without its schema (and the query ran without a default one): it cannot be matched to an OpenMetadata table`,
      )
    }
    let fqn: string
    try {
      fqn = buildFqn(u.serviceName, u.databaseName ?? 'default', u.databaseSchema, u.table)
    } catch (err) {
      return ctx.fail(`usage of ${label} on ${u.date}`, null, (err as Error).message)
    }
    const name = `usage of ${fqn} on ${u.date}`
    const table = await this.table(fqn, ctx)
    if (isOutcome(table)) {
      // No answer at all was already counted by send; an answer (404 above all) is this record's failure.
      if (table.httpStatus === null) return table
      const why = table.httpStatus === 404 ? `table ${fqn} does not exist in OpenMetadata: ingest the catalog first (POST /v1/ingest with the same serviceName)` : (table.error ?? 'not resolved')
      return ctx.fail(name, table.httpStatus, why)
    }
    const res = await ctx.limit(() => ctx.send(name, 'POST', `/v1/usage/table/${pathPart(table.id, 'the table id OpenMetadata returned')}`, { body: { date: u.date, count: u.count } }))
    if (!isResponse(res)) return res
    if (res.status < 200 || res.status >= 300) return ctx.fail(name, res.status, ctx.message(res))
    this.published++
    ctx.written()

    const failures: string[] = []
    const joins = await this.joins(u, table, fqn, ctx)
    if (joins) failures.push(`joins: ${joins.error ?? 'not written'}`)
    const seen = new Set<string>()
    for (const q of u.sqlQueries ?? []) {
      const masked = maskQuery(q.query)
      if (seen.has(masked)) continue
      seen.add(masked)
      const linked = await this.linkQuery({ ...q, query: masked }, table, fqn, ctx)
      if (linked) failures.push(linked.error ?? 'not written')
    }
    if (failures.length > 0) {
      return { status: 'failed', httpStatus: res.status, error: `usage written, but ${failures.length} of its joins and queries not; the first: ${failures[0]}` }
    }
    return { status: 'written', httpStatus: res.status }
  }

  /** A table by FQN with its column names, once per run; a failed outcome (not counted) when the server lacks it. */
  private table(fqn: string, ctx: SinkContext): Promise<TableEntity | SinkOutcome> {
    let found = this.tables.get(fqn)
    if (!found) {
      found = (async (): Promise<TableEntity | SinkOutcome> => {
        const res = await ctx.limit(() => ctx.send(fqn, 'GET', `/v1/tables/name/${pathPart(fqn, 'the table')}`, { query: { fields: 'columns' } }))
        if (!isResponse(res)) return res
        const e = res.json as { id?: unknown; columns?: Array<{ name?: unknown }> } | undefined
        if (res.status === 200 && typeof e?.id === 'string') return { id: e.id, type: 'table', columns: (e.columns ?? []).map((c) => String(c.name)) }
        return { status: 'failed', httpStatus: res.status, error: res.status === 404 ? `table ${fqn} does not exist in OpenMetadata` : `looking up table ${fqn}: ${ctx.message(res)}` }
      })()
      this.tables.set(fqn, found)
    }
    return found
  }

  /** `schema.table` of a join (TableColumn.table) as a table FQN in the usage's database. */
  private joinedTableFqn(u: TableUsageCount, name: string): string | undefined {
    const dot = name.indexOf('.')
    const schema = dot > 0 ? name.slice(0, dot) : u.databaseSchema
    if (!schema) return undefined
    try {
      return buildFqn(u.serviceName, u.databaseName ?? 'default', schema, dot > 0 ? name.slice(dot + 1) : name)
    } catch {
      return undefined
    }
  }

  /** The day's equality joins of the table as one TableJoins; a failure (counted) is returned. */
  private async joins(u: TableUsageCount, table: TableEntity, fqn: string, ctx: SinkContext): Promise<SinkOutcome | undefined> {
    const byColumn = new Map<string, Map<string, number>>()
    for (const j of u.joins ?? []) {
      const own = j.tableColumn?.column ? columnOf(table, j.tableColumn.column) : undefined
      if (!own) continue
      for (const w of j.joinedWith ?? []) {
        const otherFqn = w.table && w.column ? this.joinedTableFqn(u, w.table) : undefined
        const other = otherFqn ? await this.table(otherFqn, ctx) : undefined
        const column = other && !isOutcome(other) ? columnOf(other, w.column!) : undefined
        if (!column) continue
        const counts = byColumn.get(own) ?? new Map<string, number>()
        const key = appendFqn(otherFqn!, column)
        counts.set(key, (counts.get(key) ?? 0) + 1)
        byColumn.set(own, counts)
      }
    }
    if (byColumn.size === 0) return undefined
    const body = {
      startDate: u.date,
      columnJoins: [...byColumn].map(([columnName, counts]) => ({
        columnName,
        joinedWith: [...counts].map(([fullyQualifiedName, joinCount]) => ({ fullyQualifiedName, joinCount })),
      })),
      directTableJoins: [],
    }
    const name = `joins of ${fqn} on ${u.date}`
    const res = await ctx.limit(() => ctx.send(name, 'PUT', `/v1/tables/${pathPart(table.id, 'the table id OpenMetadata returned')}/joins`, { body }))
    if (!isResponse(res)) return res
    if (res.status < 200 || res.status >= 300) return ctx.fail(name, res.status, ctx.message(res))
    return undefined
  }

  /** The query used in the table: found or created once per run, then linked. A failure (counted) is returned. */
  private async linkQuery(q: CreateQueryRequest, table: Ref, tableFqn: string, ctx: SinkContext): Promise<SinkOutcome | undefined> {
    const queryFqn = appendFqn(quoteFqnPart(q.service), queryChecksum(q.query))
    let pending = this.queries.get(queryFqn)
    if (!pending) {
      pending = this.findOrCreate(q, queryFqn, table, ctx)
      this.queries.set(queryFqn, pending)
    }
    const stored = await pending
    if (isOutcome(stored)) return stored
    if (stored.usedIn.has(table.id)) return undefined
    stored.usedIn.add(table.id)
    const name = `query ${queryFqn} used in ${tableFqn}`
    const res = await ctx.limit(() => ctx.send(name, 'PUT', `/v1/queries/${pathPart(stored.id, 'the query id OpenMetadata returned')}/usage`, { body: [{ id: table.id, type: 'table' }] }))
    if (!isResponse(res)) return res
    if (res.status < 200 || res.status >= 300) {
      stored.usedIn.delete(table.id)
      return ctx.fail(name, res.status, ctx.message(res))
    }
    return undefined
  }

  private async findOrCreate(q: CreateQueryRequest, queryFqn: string, table: Ref, ctx: SinkContext): Promise<StoredQuery | SinkOutcome> {
    const name = `query ${queryFqn}`
    const found = await ctx.limit(() => ctx.send(name, 'GET', `/v1/queries/name/${pathPart(queryFqn, 'the query')}`, { query: { fields: 'queryUsedIn' } }))
    if (!isResponse(found)) return found
    const existing = found.json as { id?: unknown; queryUsedIn?: Array<{ id?: unknown }> } | undefined
    if (found.status === 200 && typeof existing?.id === 'string') {
      return { id: existing.id, usedIn: new Set((existing.queryUsedIn ?? []).map((r) => String(r.id))) }
    }
    if (found.status !== 404) return ctx.fail(name, found.status, `looking it up: ${ctx.message(found)}`)
    const body: CreateQueryRequest & { queryUsedIn: Ref[] } = { ...q, queryUsedIn: [{ id: table.id, type: 'table' }] }
    const res = await ctx.limit(() => ctx.send(name, 'PUT', '/v1/queries', { body }))
    if (!isResponse(res)) return res
    const created = res.json as { id?: unknown } | undefined
    if ((res.status !== 200 && res.status !== 201) || typeof created?.id !== 'string') return ctx.fail(name, res.status, ctx.message(res))
    return { id: created.id, usedIn: new Set([table.id]) }
  }
}
