import type { Lineage, TableRef } from '../lineage/sql-lineage.js'
import { tableKey } from '../lineage/sql-lineage.js'
import type { CreateQueryRequest, TableColumnJoin, TableUsageCount } from './om-types.js'
import { ATHENA_DIALECT, omDatabaseOf, type QueryContext } from './table-query.js'

interface Entry {
  count: TableUsageCount
  joins: Map<string, TableColumnJoin>
}

/** `schema.table` (or `table`), the way upstream's parser names a table in joins. */
function joinTableName(t: TableRef): string {
  return t.schema ? `${t.schema}.${t.table}` : t.table
}

/**
 * Table usage per table and day over the SUCCEEDED queries, in OpenMetadata's TableUsageCount shape (what
 * upstream's TableUsageStage writes for the usage bulk sink): a count, the day's queries as
 * CreateQueryRequests, and the equality joins seen with other tables' columns. Every table a query
 * reads or writes is used by it.
 */
export class UsageSummary {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly ctx: QueryContext) {}

  add(lineage: Lineage, query: { sql: string; type?: string; durationMs?: number; submitted: Date }): void {
    const date = query.submitted.toISOString().slice(0, 10)
    const request: CreateQueryRequest = {
      query: query.sql,
      ...(query.type ? { query_type: query.type } : {}),
      ...(query.durationMs !== undefined ? { duration: query.durationMs } : {}),
      dialect: ATHENA_DIALECT,
      queryDate: query.submitted.getTime(),
      service: this.ctx.serviceName,
    }
    const tables = new Map<string, TableRef>()
    for (const t of [...lineage.sources, ...lineage.targets]) tables.set(tableKey(t), t)
    for (const [key, t] of tables) {
      const entry = this.entry(key, t, date)
      entry.count.count += 1
      entry.count.sqlQueries!.push(request)
    }
    for (const [a, b] of lineage.joins) {
      this.join(a.table, a.column, b.table, b.column, date)
      this.join(b.table, b.column, a.table, a.column, date)
    }
  }

  summaries(): TableUsageCount[] {
    return [...this.entries.values()].map((e) => ({ ...e.count, joins: [...e.joins.values()] }))
  }

  private entry(key: string, t: TableRef, date: string): Entry {
    const id = `${key}\u0000${date}`
    let e = this.entries.get(id)
    if (!e) {
      e = {
        count: {
          table: t.table,
          date,
          databaseName: omDatabaseOf(t.catalog, this.ctx),
          ...(t.schema ? { databaseSchema: t.schema } : {}),
          count: 0,
          serviceName: this.ctx.serviceName,
          sqlQueries: [],
        },
        joins: new Map(),
      }
      this.entries.set(id, e)
    }
    return e
  }

  private join(table: TableRef, column: string, other: TableRef, otherColumn: string, date: string): void {
    const e = this.entries.get(`${tableKey(table)}\u0000${date}`)
    if (!e) return
    const name = joinTableName(table)
    const key = `${name}\u0000${column}`
    const j = e.joins.get(key) ?? { tableColumn: { table: name, column }, joinedWith: [] }
    const withName = joinTableName(other)
    if (!j.joinedWith!.some((c) => c.table === withName && c.column === otherColumn)) j.joinedWith!.push({ table: withName, column: otherColumn })
    e.joins.set(key, j)
  }
}
