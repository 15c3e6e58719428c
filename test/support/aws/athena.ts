// Amazon Athena query operations (JSON 1.1, X-Amz-Target AmazonAthena.<Action>):
// StartQueryExecution, GetQueryExecution, GetQueryResults, StopQueryExecution; plus the metadata
// operations from athena-catalog.ts and the query history (ListQueryExecutions,
// BatchGetQueryExecution) from athena-history.ts.
import type { GlueColumn } from '../catalog.js'
import { athenaCatalogHandlers, DEFAULT_ENGINE, findWorkGroup, invalidRequest, workGroupNotFound } from './athena-catalog.js'
import { isFinal, state, type QueryRecord, type QueryState } from './athena-queries.js'
import { athenaHistoryHandlers } from './athena-history.js'
import type { Ctx, Handler } from './context.js'
import { findGlueDatabase, findGlueTable } from './glue.js'
import { maxResults, paginate, sameName, withEpochTimes } from './protocol.js'
import { analyse, type SqlOutcome, type TableLookup } from './sql.js'

/** Athena's messages for a missing and a malformed output location (AthenaErrorCode INVALID_INPUT). */
export const NO_OUTPUT_LOCATION = 'No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.'

/** The StateChangeReason of a query whose results could not be written to the output location. */
export function outputDeniedReason(location: string): string {
  return (
    `Access denied when writing output to url: ${location} . Please ensure you are allowed to access the S3 bucket. ` +
    'If you are encrypting query results with KMS key, please ensure you are allowed to access your KMS key'
  )
}

function notFound(id: unknown): never {
  throw invalidRequest(`QueryExecution ${String(id)} was not found`, 'QUERY_EXECUTION_NOT_FOUND')
}

function record(ctx: Ctx): QueryRecord {
  const id = ctx.body.QueryExecutionId
  if (typeof id !== 'string' || id === '') {
    throw invalidRequest("1 validation error detected: Value null at 'queryExecutionId' failed to satisfy constraint: Member must not be null", 'INVALID_INPUT')
  }
  return ctx.queries.get(id) ?? notFound(id)
}

/** Resolves a FROM reference against the data catalogs, as Athena would with the query context. */
function lookupTable(ctx: Ctx, context: { Catalog?: string; Database?: string } | undefined, parts: string[]): TableLookup {
  const catalogName = parts.length === 3 ? parts[0]! : (context?.Catalog ?? 'AwsDataCatalog')
  const dbName = parts.length >= 2 ? parts[parts.length - 2]! : (context?.Database ?? 'default')
  const tableName = parts[parts.length - 1]!
  const dc = ctx.catalog.dataCatalogs.find((c) => sameName(c.Name, catalogName))
  if (!dc) return { missing: 'catalog', name: catalogName.toLowerCase() }
  const qualified = `${catalogName.toLowerCase()}.${dbName}.${tableName}`
  let columns: GlueColumn[] | undefined
  if (dc.Type === 'GLUE') {
    const db = findGlueDatabase(ctx.catalog.glue[dc.Parameters?.['catalog-id'] ?? ctx.catalog.accountId] ?? [], dbName)
    if (!db) return { missing: 'schema', name: `${catalogName.toLowerCase()}.${dbName}` }
    const t = findGlueTable(db, tableName)
    if (t) columns = [...(t.StorageDescriptor?.Columns ?? []), ...(t.PartitionKeys ?? [])]
  } else {
    const db = dc.databases?.find((d) => sameName(d.Name, dbName))
    if (!db) return { missing: 'schema', name: `${catalogName.toLowerCase()}.${dbName}` }
    const t = db.tables.find((x) => sameName(x.Name, tableName))
    if (t) columns = [...(t.Columns ?? []), ...(t.PartitionKeys ?? [])]
  }
  return columns ? { columns } : { missing: 'table', name: qualified }
}

function startQueryExecution(ctx: Ctx) {
  const b = ctx.body
  const query = b.QueryString
  if (typeof query !== 'string' || query.length === 0) {
    throw invalidRequest(
      `1 validation error detected: Value ${query === '' ? "''" : 'null'} at 'queryString' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      'INVALID_INPUT',
    )
  }
  const context = b.QueryExecutionContext as { Catalog?: string; Database?: string } | undefined
  const token = typeof b.ClientRequestToken === 'string' ? b.ClientRequestToken : undefined
  const earlier = ctx.queries.byClientToken(token)
  if (earlier) {
    const sameCall = earlier.query === query && earlier.context?.Database === context?.Database
    if (!sameCall) throw invalidRequest('Idempotent parameters do not match', 'IDEMPOTENT_PARAMETER_MISMATCH')
    return { QueryExecutionId: earlier.id }
  }

  const wgName = typeof b.WorkGroup === 'string' && b.WorkGroup !== '' ? b.WorkGroup : 'primary'
  const wg = findWorkGroup(ctx, wgName)
  if (!wg) throw workGroupNotFound()
  if (wg.State === 'DISABLED') throw invalidRequest(`WorkGroup ${wg.Name} is disabled.`, 'INVALID_INPUT')

  const wgLocation = wg.Configuration?.ResultConfiguration?.OutputLocation
  const asked = b.ResultConfiguration?.OutputLocation as string | undefined
  const location = wg.Configuration?.EnforceWorkGroupConfiguration && wgLocation ? wgLocation : (asked ?? wgLocation)
  if (!location) throw invalidRequest(NO_OUTPUT_LOCATION, 'INVALID_INPUT')
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(location)) throw invalidRequest('outputLocation is not a valid S3 path.', 'INVALID_INPUT')

  const analysis = analyse(query, (parts) => lookupTable(ctx, context, parts))
  const r = ctx.queries.create({
    query,
    workGroup: wg.Name,
    outputBase: location,
    ...(context ? { context } : {}),
    ...(token ? { clientRequestToken: token } : {}),
    statementType: analysis.statementType,
    ...(analysis.substatementType ? { substatementType: analysis.substatementType } : {}),
    outcome: analysis.outcome,
  })
  const denied = (ctx.catalog.deniedS3Prefixes ?? []).some((p) => r.outputLocation.startsWith(p))
  if (denied && r.outcome.kind === 'rows') {
    r.outcome = { kind: 'failed', errorName: 'PERMISSION_DENIED', message: outputDeniedReason(r.outputLocation), errorType: 401 }
  }
  return { QueryExecutionId: r.id }
}

function statistics(r: QueryRecord, s: QueryState) {
  const queued = 87
  if (s === 'QUEUED') return { TotalExecutionTimeInMillis: queued, QueryQueueTimeInMillis: queued, DataScannedInBytes: 0 }
  const engine = s === 'RUNNING' ? 120 : 412
  return {
    EngineExecutionTimeInMillis: engine,
    DataScannedInBytes: 0,
    TotalExecutionTimeInMillis: queued + engine + 39,
    QueryQueueTimeInMillis: queued,
    ServicePreProcessingTimeInMillis: 21,
    QueryPlanningTimeInMillis: 35,
    ServiceProcessingTimeInMillis: 18,
    ResultReuseInformation: { ReusedPreviousResult: false },
  }
}

export function queryExecution(r: QueryRecord, s: QueryState) {
  const status: Record<string, unknown> = { State: s, SubmissionDateTime: new Date(r.submittedAt) }
  if (isFinal(s)) status.CompletionDateTime = new Date(r.completedAt ?? Date.now())
  if (s === 'FAILED' && r.outcome.kind === 'failed') {
    status.StateChangeReason = r.outcome.message
    status.AthenaError = { ErrorCategory: 2, ErrorType: r.outcome.errorType, Retryable: false, ErrorMessage: r.outcome.message }
  }
  if (s === 'CANCELLED') status.StateChangeReason = 'Query cancelled by user'
  return {
    QueryExecutionId: r.id,
    Query: r.query,
    StatementType: r.statementType,
    ...(r.substatementType ? { SubstatementType: r.substatementType } : {}),
    ResultConfiguration: { OutputLocation: r.outputLocation },
    ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
    QueryExecutionContext: r.context ?? {},
    Status: withEpochTimes(status),
    Statistics: statistics(r, s),
    WorkGroup: r.workGroup,
    EngineVersion: DEFAULT_ENGINE,
  }
}

function resultRows(outcome: Extract<SqlOutcome, { kind: 'rows' }>) {
  const header = { Data: outcome.columns.map((c) => ({ VarCharValue: c.name })) }
  const data = outcome.rows.map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) }))
  return [header, ...data]
}

export const athenaHandlers: Record<string, Handler> = {
  ...athenaCatalogHandlers,
  ...athenaHistoryHandlers,

  StartQueryExecution: startQueryExecution,

  GetQueryExecution(ctx) {
    const r = record(ctx)
    return { QueryExecution: queryExecution(r, ctx.queries.poll(r)) }
  },

  GetQueryResults(ctx) {
    const r = record(ctx)
    const s = state(r)
    if (s === 'QUEUED' || s === 'RUNNING') throw invalidRequest(`Query has not yet finished. Current state: ${s}`, 'INVALID_QUERY_EXECUTION_STATE')
    if (s === 'CANCELLED') throw invalidRequest('Could not find results', 'RESULT_NOT_FOUND')
    if (s === 'FAILED' || r.outcome.kind !== 'rows') throw invalidRequest('Query did not finish successfully. Final query state: FAILED', 'INVALID_QUERY_EXECUTION_STATE')
    const max = maxResults(ctx.body.MaxResults, { default: 1000, min: 1, max: 1000, clamp: false, invalid: (m) => invalidRequest(m, 'INVALID_INPUT') })
    const invalid = () => invalidRequest('Invalid NextToken.', 'INVALID_INPUT')
    const { page, nextToken } = paginate(resultRows(r.outcome), { nextToken: ctx.body.NextToken, max, scope: `athena:GetQueryResults:${r.id}`, invalid })
    const columnInfo = r.outcome.columns.map((c) => ({
      CatalogName: 'hive',
      SchemaName: '',
      TableName: '',
      Name: c.name,
      Label: c.name,
      Type: c.type,
      Precision: c.precision,
      Scale: c.scale,
      Nullable: 'UNKNOWN',
      CaseSensitive: c.caseSensitive,
    }))
    return { UpdateCount: 0, ResultSet: { Rows: page, ResultSetMetadata: { ColumnInfo: columnInfo } }, ...(nextToken ? { NextToken: nextToken } : {}) }
  },

  StopQueryExecution(ctx) {
    ctx.queries.stop(record(ctx))
    return {}
  },
}
