import type { QueryExecution } from '@aws-sdk/client-athena'
import type { FinalState } from './records.js'
import type { TableQuery } from './om-types.js'

/** OpenMetadata's dialect name for Athena (upstream lineage/models.py Dialect.ATHENA). */
export const ATHENA_DIALECT = 'athena'

/** Athena's name for the Glue data catalog; any other catalog is federated. */
export const GLUE_CATALOG = 'awsdatacatalog'

export interface QueryContext {
  serviceName: string
  glueDatabaseName: string
}

/** The OM database a catalog became: the Glue catalog is connection.databaseName (or `default`); others keep their name, as ingest names them. */
export function omDatabaseOf(catalog: string | undefined, ctx: QueryContext): string {
  return !catalog || catalog.toLowerCase() === GLUE_CATALOG ? ctx.glueDatabaseName : catalog
}

/** `2024-06-01 10:00:00+00:00`: upstream's `SubmissionDateTime.isoformat(" ", "seconds")` for a UTC time. */
export function upstreamTime(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}+00:00`
}

/**
 * One Athena execution as an OpenMetadata TableQuery, as upstream's athena/usage.py builds it: query,
 * startTime (submission), analysisDate (submission), duration (TotalExecutionTimeInMillis, in ms as
 * current upstream), aborted (CANCELLED), dialect, serviceName; no userName (Athena records none).
 * Beyond upstream: endTime is the completion (upstream repeats the submission), databaseName and
 * databaseSchema come from the execution's context, query_type is Athena's statement type, and
 * exclude_usage marks a query that did not succeed (upstream drops those instead).
 */
export function tableQueryOf(q: QueryExecution, state: FinalState, ctx: QueryContext): TableQuery {
  const submittedAt = q.Status?.SubmissionDateTime
  const completedAt = q.Status?.CompletionDateTime
  const type = q.SubstatementType ?? q.StatementType
  const duration = q.Statistics?.TotalExecutionTimeInMillis
  const schema = q.QueryExecutionContext?.Database
  return {
    query: q.Query ?? '',
    ...(type ? { query_type: type } : {}),
    ...(submittedAt ? { startTime: upstreamTime(submittedAt), analysisDate: submittedAt.toISOString() } : {}),
    ...(completedAt ? { endTime: upstreamTime(completedAt) } : {}),
    aborted: state === 'CANCELLED',
    serviceName: ctx.serviceName,
    databaseName: omDatabaseOf(q.QueryExecutionContext?.Catalog, ctx),
    ...(schema ? { databaseSchema: schema } : {}),
    ...(duration !== undefined ? { duration } : {}),
    dialect: ATHENA_DIALECT,
    ...(state !== 'SUCCEEDED' ? { exclude_usage: true } : {}),
  }
}
