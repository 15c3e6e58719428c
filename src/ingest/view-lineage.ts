import { extractLineage } from '../lineage/sql-lineage.js'
import type { TableRef } from '../lineage/table-ref.js'
import { appendFqn, buildFqn } from '../openmetadata/fqn.js'
import { buildTableLineage, type AddLineageRequest, type ColumnLineage } from '../openmetadata/lineage.js'
import { toCreateViewStatement } from '../openmetadata/view.js'

export interface ViewContext {
  serviceName: string
  /** The OM database the view's catalog became, and its schema. */
  databaseName: string
  schemaName: string
  /** The OM database that the Glue catalog (AwsDataCatalog) became. */
  glueDatabaseName: string
}

/** The Glue catalog's names as Athena SQL spells them. */
const GLUE_CATALOG = 'awsdatacatalog'

/** An OM table FQN for a table the SQL names: its catalog picks the OM database, defaulting to the view's. */
function fqnOf(ref: TableRef, ctx: ViewContext): string {
  const database = !ref.catalog ? ctx.databaseName : ref.catalog === GLUE_CATALOG ? ctx.glueDatabaseName : ref.catalog
  return appendFqn(buildFqn(ctx.serviceName, database), ref.schema ?? ctx.schemaName, ref.table)
}

function safeFqnOf(ref: TableRef, ctx: ViewContext): string | undefined {
  try {
    return fqnOf(ref, ctx)
  } catch {
    return undefined
  }
}

/**
 * Lineage edges from every table a view reads to the view, parsed from its SQL (no query runs).
 * Column lineage goes on the edge of the source table it reads. SQL that cannot be parsed is a
 * warning, never a failure: the view itself was ingested.
 */
export function viewLineage(sql: string, view: { name: string; fqn: string }, ctx: ViewContext): { edges: AddLineageRequest[]; warning?: string } {
  const viewFqn = view.fqn
  let parsed: ReturnType<typeof extractLineage>
  try {
    // As a CREATE VIEW the statement has a target, so the parser can say which source column makes which view column.
    parsed = extractLineage(toCreateViewStatement(sql, ctx.schemaName, view.name), { defaultCatalog: GLUE_CATALOG, defaultSchema: ctx.schemaName })
  } catch (err) {
    return { edges: [], warning: `${viewFqn}: view SQL could not be parsed for lineage: ${(err as Error).message}` }
  }
  if ('error' in parsed) return { edges: [], warning: `${viewFqn}: view SQL could not be parsed for lineage: ${parsed.error}` }
  const edges: AddLineageRequest[] = []
  const seen = new Set<string>()
  for (const source of parsed.sources) {
    const sourceFqn = safeFqnOf(source, ctx)
    if (!sourceFqn || seen.has(sourceFqn) || sourceFqn === viewFqn) continue
    seen.add(sourceFqn)
    const columnsLineage: ColumnLineage[] = []
    for (const c of parsed.columns ?? []) {
      const from = c.fromColumns.filter((f) => safeFqnOf(f.table, ctx) === sourceFqn).map((f) => appendFqn(sourceFqn, f.column))
      if (from.length === 0) continue
      columnsLineage.push({ fromColumns: from, toColumn: appendFqn(viewFqn, c.toColumn), ...(c.function ? { function: c.function } : {}) })
    }
    edges.push(buildTableLineage(sourceFqn, viewFqn, { sqlQuery: sql, columnsLineage, source: 'ViewLineage' }))
  }
  return { edges }
}
