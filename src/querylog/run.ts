import type { QueryExecution } from '@aws-sdk/client-athena'
import type { QueryLogSourceT } from '../../schemas/query-log.js'
import type { AwsCallSettings } from '../config.js'
import { createAwsClients } from '../aws/clients.js'
import { classifyAwsError, type ClassifiedAwsError } from '../aws/errors.js'
import { awsFailureAsServiceError, describeAwsFailure, type Operation } from '../athena/diagnose.js'
import { ServiceError } from '../errors.js'
import { extractLineage, isLineage } from '../lineage/sql-lineage.js'
import { StepTracker } from '../openmetadata/status.js'
import { executionPages, HistoryCallError, listEnabledWorkGroups, submitted, type HistoryOperation } from './history.js'
import { edgeKey, queryLineageEdges } from './lineage.js'
import { queryOrigin } from './markers.js'
import { planQueryLog, type QueryLogPlan } from './plan.js'
import { emptyTotals, type FinalState, type QueryLogRecord } from './records.js'
import { GLUE_CATALOG, tableQueryOf, type QueryContext } from './table-query.js'
import { UsageSummary } from './usage.js'

export interface QueryLogOptions {
  settings: AwsCallSettings
  signal?: AbortSignal
  /** Told each warning (counted in the status; StepSummary has no room for their text). */
  onWarning?: (message: string) => void
  /** Told each failure as it is counted (a workgroup that may not be read). */
  onFailure?: (name: string, error: string) => void
  now?: () => Date
}

export const STEP_NAME = 'Athena'

/** Errors that every further call would repeat: the run stops (before the first record: a JSON error). */
const FATAL = new Set<ClassifiedAwsError['kind']>(['expiredCredentials', 'invalidCredentials', 'missingCredentials', 'unreachable', 'timeout', 'aborted'])

// diagnose.ts's Operation lists the catalog reads' calls; its explanations use the name as text only.
const asOperation = (op: HistoryOperation): Operation => op

export interface StartedQueryLog {
  /** The records, first one included; Athena has already answered. */
  records: AsyncGenerator<QueryLogRecord>
}

/**
 * Starts a query-log run and waits for its first record, which comes only after Athena answered
 * (the workgroup listing and the first page of history): a failure there is a ServiceError with an
 * HTTP status and a plain message, so the route can answer a clean error before committing to a stream.
 */
export async function startQueryLog(source: QueryLogSourceT, opts: QueryLogOptions): Promise<StartedQueryLog> {
  const plan = planQueryLog(source, opts.now?.() ?? new Date())
  const settings = plan.maxAttempts ? { ...opts.settings, maxAttempts: plan.maxAttempts } : opts.settings
  const iterator = queryLog(plan, { ...opts, settings })
  let first: IteratorResult<QueryLogRecord>
  try {
    first = await iterator.next()
  } catch (err) {
    throw toServiceError(err, plan)
  }
  async function* records(): AsyncGenerator<QueryLogRecord> {
    if (!first.done) yield first.value
    yield* iterator
  }
  return { records: records() }
}

/**
 * The query history of every enabled workgroup as OpenMetadata records. Nothing is yielded before
 * Athena answered; a credentials or network failure before the first record is thrown. Afterwards, and
 * for any error confined to one workgroup (access denied on it, throttling), the failure is a
 * `failures` entry of the status and the run goes on.
 */
export async function* queryLog(plan: QueryLogPlan, opts: QueryLogOptions): AsyncGenerator<QueryLogRecord> {
  const started = Date.now()
  const clients = createAwsClients(plan.connection.awsConfig, opts.settings)
  const tracker = new StepTracker(STEP_NAME)
  const totals = emptyTotals()
  const ctx: QueryContext = { serviceName: plan.serviceName, glueDatabaseName: plan.glueDatabaseName }
  const usage = new UsageSummary(ctx)
  const edgesSeen = new Set<string>()
  const signal = opts.signal
  const listing = { ...(signal ? { signal } : {}), ...(opts.settings.paging ? { paging: opts.settings.paging } : {}) }
  let begun = false
  const fail = (name: string, error: string) => {
    tracker.fail(name, error)
    opts.onFailure?.(name, error)
  }
  const warn = (message: string) => {
    tracker.warning()
    opts.onWarning?.(message)
  }

  try {
    let workGroups: string[]
    try {
      workGroups = await listEnabledWorkGroups(clients.athena, listing)
    } catch (err) {
      // Upstream, too, reads the default workgroup when it may not list them (query_parser.py get_work_groups).
      if (!(err instanceof HistoryCallError) || classifyAwsError(err.cause).kind !== 'accessDenied') throw err
      warn(`${explain(err, plan)}; reading only the connection's workgroup "${plan.connection.workgroup}"`)
      workGroups = [plan.connection.workgroup]
    }
    totals.workGroups = workGroups.length
    for (const workGroup of workGroups) {
      if (signal?.aborted) break
      try {
        const pages = executionPages(clients.athena, workGroup, {
          limit: plan.resultLimit,
          ...listing,
          keepGoing: (page) => page.executions.every((q) => submitted(q) >= plan.windowStart.getTime()),
        })
        for await (const page of pages) {
          for (const u of page.unprocessed) {
            fail(`query ${u.QueryExecutionId ?? '?'} (workgroup ${workGroup})`, `BatchGetQueryExecution could not read it: ${u.ErrorCode ?? ''} ${u.ErrorMessage ?? ''}`.trim())
          }
          for (const q of page.executions) {
            for (const record of queryRecords(q, workGroup)) {
              begun = true
              yield record
            }
            // Parsing SQL is synchronous (a few ms a statement): let other requests in between statements.
            await new Promise<void>((resolve) => setImmediate(resolve))
          }
        }
      } catch (err) {
        if (!(err instanceof HistoryCallError)) throw err
        const kind = classifyAwsError(err.cause).kind
        if (FATAL.has(kind)) throw err
        fail(`workgroup ${workGroup}`, explain(err, plan))
      }
    }
  } catch (err) {
    if (!begun && !signal?.aborted) throw err
    fail(plan.serviceName, err instanceof HistoryCallError ? explain(err, plan) : err instanceof Error ? err.message : String(err))
  } finally {
    clients.destroy()
  }

  for (const entity of usage.summaries()) {
    totals.usageSummaries++
    tracker.record()
    yield { kind: 'usageSummary', entity }
  }
  if (signal?.aborted) fail(plan.serviceName, `The query log was cut short: ${(signal.reason as Error)?.message ?? 'request aborted'}`)
  yield { kind: 'status', entity: tracker.summary(), elapsedMs: Date.now() - started, totals }

  /** One execution: dropped (counted), or its query record followed by its lineage records. */
  function* queryRecords(q: QueryExecution, workGroup: string): Generator<QueryLogRecord> {
    totals.executions++
    if (submitted(q) < plan.windowStart.getTime()) {
      totals.outsideWindow++
      tracker.filter()
      return
    }
    const state = q.Status?.State
    if (state !== 'SUCCEEDED' && state !== 'FAILED' && state !== 'CANCELLED') {
      totals.unfinished++
      tracker.filter()
      return
    }
    const sql = q.Query ?? ''
    const origin = queryOrigin(sql)
    if (origin !== 'user') {
      if (origin === 'openMetadata') totals.openMetadataQueries++
      else totals.dbtQueries++
      tracker.filter()
      return
    }
    const finalState: FinalState = state
    totals.queries++
    if (finalState === 'SUCCEEDED') totals.succeeded++
    else if (finalState === 'FAILED') totals.failed++
    else totals.cancelled++
    tracker.record()
    yield {
      kind: 'query',
      entity: tableQueryOf(q, finalState, ctx),
      queryExecutionId: q.QueryExecutionId ?? '',
      workGroup,
      state: finalState,
      ...(q.StatementType ? { statementType: q.StatementType } : {}),
    }
    // A query that did not succeed read and wrote nothing: no usage, no lineage (upstream keeps SUCCEEDED only).
    if (finalState !== 'SUCCEEDED') return
    const lineage = extractLineage(sql, {
      defaultCatalog: q.QueryExecutionContext?.Catalog ?? GLUE_CATALOG,
      ...(q.QueryExecutionContext?.Database ? { defaultSchema: q.QueryExecutionContext.Database } : {}),
    })
    if (!isLineage(lineage)) {
      totals.unparsed++
      warn(`query ${q.QueryExecutionId}: SQL not parsed for usage and lineage: ${lineage.error}`)
      return
    }
    const submittedAt = q.Status?.SubmissionDateTime ?? new Date(0)
    const durationMs = q.Statistics?.TotalExecutionTimeInMillis
    usage.add(lineage, {
      sql,
      ...(q.SubstatementType || q.StatementType ? { type: (q.SubstatementType ?? q.StatementType)! } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
      submitted: submittedAt,
    })
    if (!plan.emitLineage || lineage.targets.length === 0) return
    const { edges, filtered } = queryLineageEdges(sql, lineage, ctx, plan)
    tracker.filter(filtered)
    for (const edge of edges) {
      // Newest first: the first query that makes an edge is its latest, and its SQL the one kept.
      const key = edgeKey(edge)
      if (edgesSeen.has(key)) continue
      edgesSeen.add(key)
      totals.lineage++
      tracker.record()
      yield { kind: 'lineage', entity: edge, queryExecutionId: q.QueryExecutionId ?? '' }
    }
  }
}

function historyContext(err: HistoryCallError, plan: QueryLogPlan) {
  return {
    operation: asOperation(err.operation),
    workgroup: err.workGroup ?? plan.connection.workgroup,
    region: plan.connection.awsConfig.awsRegion,
    ...(plan.connection.awsConfig.endPointURL ? { endpoint: plan.connection.awsConfig.endPointURL } : {}),
  }
}

function explain(err: HistoryCallError, plan: QueryLogPlan): string {
  return describeAwsFailure(err.cause, historyContext(err, plan)).message
}

/** A failure before the first record as an HTTP error: 400 for what the request got wrong, 502/504 for AWS. */
function toServiceError(err: unknown, plan: QueryLogPlan): Error {
  if (err instanceof ServiceError) return err
  if (!(err instanceof HistoryCallError)) return err as Error
  return awsFailureAsServiceError(err.cause, historyContext(err, plan))
}
