import type { AddLineageRequest } from '../openmetadata/lineage.js'
import type { StepSummary } from '../openmetadata/om-types.js'
import type { TableQuery, TableUsageCount } from './om-types.js'

/** Final states of an Athena query execution (QUEUED / RUNNING ones are not history yet). */
export type FinalState = 'SUCCEEDED' | 'FAILED' | 'CANCELLED'

/**
 * One line of the query-log stream: each query (with the lineage it produced right after it), then the
 * usage summaries, and always last the status.
 */
export type QueryLogRecord =
  | { kind: 'query'; entity: TableQuery; queryExecutionId: string; workGroup: string; state: FinalState; statementType?: string }
  /** DatabaseLineage only; SUCCEEDED queries only; each (from, to) edge once, with the newest query's SQL. */
  | { kind: 'lineage'; entity: AddLineageRequest; queryExecutionId: string }
  /** One table on one day, counted over the SUCCEEDED queries. */
  | { kind: 'usageSummary'; entity: TableUsageCount }
  | { kind: 'status'; entity: StepSummary; elapsedMs: number; totals: QueryLogTotals }

/** Counts beside the StepSummary (a closed OpenMetadata shape). */
export interface QueryLogTotals {
  /** Workgroups read (ENABLED ones, or the connection's when ListWorkGroups is denied). */
  workGroups: number
  /** Query executions read from Athena (before any filter). */
  executions: number
  queries: number
  succeeded: number
  failed: number
  cancelled: number
  lineage: number
  usageSummaries: number
  /** Submitted before the window (`queryLogDuration` days back, from midnight UTC). */
  outsideWindow: number
  /** Issued by OpenMetadata itself or by dbt (their query header), dropped as upstream does. */
  openMetadataQueries: number
  dbtQueries: number
  /** Still QUEUED or RUNNING. */
  unfinished: number
  /** SUCCEEDED queries whose SQL could not be parsed (no usage, no lineage from them). */
  unparsed: number
}

export function emptyTotals(): QueryLogTotals {
  return {
    workGroups: 0,
    executions: 0,
    queries: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    lineage: 0,
    usageSummaries: 0,
    outsideWindow: 0,
    openMetadataQueries: 0,
    dbtQueries: 0,
    unfinished: 0,
    unparsed: 0,
  }
}
