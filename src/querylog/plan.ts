import type { AthenaConnectionT } from '../../schemas/athena-connection.js'
import type { DatabaseServiceQueryLineagePipelineT, QueryLogPipelineT, QueryLogSourceT } from '../../schemas/query-log.js'
import { BadInputError } from '../errors.js'
import { compileFilter, type NameFilter } from '../ingest/filters.js'

/** Athena's page and batch size limit (ListQueryExecutions MaxResults, BatchGetQueryExecution ids). */
export const ATHENA_QUERY_PAGE = 50

/** Everything a query-log run needs, resolved once from the request's source block. */
export interface QueryLogPlan {
  serviceName: string
  connection: AthenaConnectionT
  /** The OM database the Glue catalog (AwsDataCatalog) became: connection.databaseName or `default`. */
  glueDatabaseName: string
  pipeline: 'DatabaseUsage' | 'DatabaseLineage'
  queryLogDuration: number
  /** Queries submitted before this instant are out of the window (upstream: midnight UTC, queryLogDuration days back). */
  windowStart: Date
  /** At most this many query executions are read per workgroup. */
  resultLimit: number
  /** DatabaseLineage with processQueryLineage (default true). */
  emitLineage: boolean
  /** Lineage only: an edge is dropped when either end's database, schema or table is filtered out. */
  isDatabaseFiltered: NameFilter
  isSchemaFiltered: NameFilter
  isTableFiltered: NameFilter
  maxAttempts?: number
}

/** Midnight UTC, `days` days before `now` (upstream utils/helpers.py get_start_and_end). */
export function windowStartOf(days: number, now = new Date()): Date {
  const start = new Date(now.getTime() - days * 86_400_000)
  start.setUTCHours(0, 0, 0, 0)
  return start
}

/** The workflow a query-log request is: DatabaseLineage when its sourceConfig says so, else DatabaseUsage. */
export function pipelineOf(source: Pick<QueryLogSourceT, 'sourceConfig'>): QueryLogPlan['pipeline'] {
  return source.sourceConfig?.config?.type === 'DatabaseLineage' ? 'DatabaseLineage' : 'DatabaseUsage'
}

export function planQueryLog(source: QueryLogSourceT, now = new Date()): QueryLogPlan {
  const connection = source.serviceConnection.config
  const config: Partial<QueryLogPipelineT> = source.sourceConfig?.config ?? {}
  const pipeline = pipelineOf(source)
  if (config.queryLogFilePath) {
    // Upstream reads a CSV from the ingestion host's disk; a service must not read its own files for a caller.
    throw new BadInputError('body/sourceConfig/config/queryLogFilePath is not supported: this service reads the query history from Athena, never a file on its host')
  }
  const queryLogDuration = config.queryLogDuration ?? 1
  if (queryLogDuration < 0) throw new BadInputError('body/sourceConfig/config/queryLogDuration must be >= 0')
  const resultLimit = config.resultLimit ?? 1000
  if (resultLimit < 1) throw new BadInputError('body/sourceConfig/config/resultLimit must be >= 1')
  const lineage: Partial<DatabaseServiceQueryLineagePipelineT> = pipeline === 'DatabaseLineage' ? (config as DatabaseServiceQueryLineagePipelineT) : {}
  const pattern = (name: 'databaseFilterPattern' | 'schemaFilterPattern' | 'tableFilterPattern') => compileFilter(lineage[name], `body/sourceConfig/config/${name}`)
  return {
    serviceName: source.serviceName,
    connection,
    glueDatabaseName: connection.databaseName || 'default',
    pipeline,
    queryLogDuration,
    windowStart: windowStartOf(queryLogDuration, now),
    resultLimit,
    emitLineage: pipeline === 'DatabaseLineage' && lineage.processQueryLineage !== false,
    isDatabaseFiltered: pattern('databaseFilterPattern'),
    isSchemaFiltered: pattern('schemaFilterPattern'),
    isTableFiltered: pattern('tableFilterPattern'),
    ...(source.options?.maxAttempts ? { maxAttempts: source.options.maxAttempts } : {}),
  }
}
