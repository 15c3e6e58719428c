import type { Lineage, TableRef } from '../lineage/sql-lineage.js'
import { tableKey } from '../lineage/sql-lineage.js'
import { appendFqn, buildFqn } from '../openmetadata/fqn.js'
import { buildTableLineage, type AddLineageRequest, type ColumnLineage } from '../openmetadata/lineage.js'
import { omDatabaseOf, type QueryContext } from './table-query.js'

export interface LineageFilters {
  isDatabaseFiltered: (name: string) => boolean
  isSchemaFiltered: (name: string) => boolean
  isTableFiltered: (name: string) => boolean
}

/** A table's OM FQN (service.database.schema.table), or undefined when the SQL leaves its schema unknown or a name cannot be an FQN part. */
export function tableFqnOf(t: TableRef, ctx: QueryContext): string | undefined {
  if (!t.schema) return undefined
  try {
    return buildFqn(ctx.serviceName, omDatabaseOf(t.catalog, ctx), t.schema, t.table)
  } catch {
    return undefined
  }
}

function filtered(t: TableRef, ctx: QueryContext, f: LineageFilters): boolean {
  return f.isDatabaseFiltered(omDatabaseOf(t.catalog, ctx)) || (t.schema !== undefined && f.isSchemaFiltered(t.schema)) || f.isTableFiltered(t.table)
}

export interface QueryLineageEdges {
  edges: AddLineageRequest[]
  /** Edges dropped by the lineage config's filter patterns. */
  filtered: number
}

/**
 * Lineage edges of one statement, upstream's way (ingestion/lineage/sql_lineage.py): one edge per
 * (source table, target table), `source: QueryLineage`, the SQL in lineageDetails.sqlQuery and, on
 * each edge, the column lineage whose source columns are that edge's source table. Entities are
 * named by FQN only (ids are the OM server's). Self-edges are left out.
 */
export function queryLineageEdges(sql: string, lineage: Lineage, ctx: QueryContext, filters: LineageFilters): QueryLineageEdges {
  const edges: AddLineageRequest[] = []
  let dropped = 0
  for (const target of lineage.targets) {
    const toFqn = tableFqnOf(target, ctx)
    if (!toFqn) continue
    for (const source of lineage.sources) {
      const fromFqn = tableFqnOf(source, ctx)
      if (!fromFqn || fromFqn === toFqn) continue
      if (filtered(source, ctx, filters) || filtered(target, ctx, filters)) {
        dropped++
        continue
      }
      const columnsLineage: ColumnLineage[] = []
      for (const c of lineage.columns) {
        if (!c.target || tableKey(c.target) !== tableKey(target)) continue
        const from = c.fromColumns.filter((f) => tableKey(f.table) === tableKey(source)).map((f) => appendFqn(fromFqn, f.column))
        if (from.length === 0) continue
        columnsLineage.push({ fromColumns: from, toColumn: appendFqn(toFqn, c.toColumn), ...(c.function ? { function: c.function } : {}) })
      }
      edges.push(buildTableLineage(fromFqn, toFqn, { sqlQuery: sql, columnsLineage, source: 'QueryLineage' }))
    }
  }
  return { edges, filtered: dropped }
}

/** The key that makes an edge the same edge in OpenMetadata (it keeps one per from/to pair). */
export function edgeKey(edge: AddLineageRequest): string {
  return `${edge.edge.fromEntity.fullyQualifiedName}\u0000${edge.edge.toEntity.fullyQualifiedName}`
}
