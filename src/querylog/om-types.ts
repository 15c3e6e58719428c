/**
 * The OpenMetadata shapes of the query history, transcribed from shared/openmetadata-spec:
 * type/tableQuery.json#/definitions/tableQuery (open; `dialect` and `exclude_usage` are current
 * upstream's, duration in milliseconds), type/tableUsageCount.json (closed) and api/data/createQuery.json
 * (closed). Only the fields this service fills are declared.
 */

/** TableQuery: one query of the history. */
export interface TableQuery {
  query: string
  /** Athena's SubstatementType (SELECT, INSERT, CREATE_TABLE_AS_SELECT, …), else its StatementType. */
  query_type?: string
  /** Athena records no user: left out, as upstream's Athena source does. */
  userName?: string
  startTime?: string
  endTime?: string
  /** ISO 8601 date-time of the submission. */
  analysisDate?: string
  aborted?: boolean
  serviceName: string
  databaseName?: string
  databaseSchema?: string
  /** Milliseconds (Athena's TotalExecutionTimeInMillis). */
  duration?: number
  dialect?: string
  exclude_usage?: boolean
}

/** CreateQueryRequest, as TableUsageCount.sqlQueries holds them (`query` and `service` required). */
export interface CreateQueryRequest {
  query: string
  query_type?: string
  duration?: number
  dialect?: string
  /** Epoch milliseconds of the submission. */
  queryDate?: number
  service: string
}

export interface TableColumn {
  table?: string
  column?: string
}

export interface TableColumnJoin {
  tableColumn?: TableColumn
  joinedWith?: TableColumn[]
}

/** TableUsageCount: a table's use on one day (required: table, date, serviceName). */
export interface TableUsageCount {
  table: string
  /** YYYY-MM-DD (UTC). */
  date: string
  databaseName?: string
  databaseSchema?: string
  count: number
  serviceName: string
  sqlQueries?: CreateQueryRequest[]
  joins?: TableColumnJoin[]
}
