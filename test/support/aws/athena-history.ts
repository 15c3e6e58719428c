// Amazon Athena query history: ListQueryExecutions (ids of one workgroup, newest first, pages of at
// most 50) and BatchGetQueryExecution (details of 1–50 ids; unknown ids come back in
// UnprocessedQueryExecutionIds, not as an error). The history is the catalog's `queryHistory` plus
// every query started on the endpoint.
import type { QueryExecutionFixture } from '../catalog.js'
import { findWorkGroup, invalidRequest, workGroupNotFound } from './athena-catalog.js'
import { queryExecution } from './athena.js'
import { state } from './athena-queries.js'
import type { Ctx, Handler } from './context.js'
import { epochSeconds, maxResults, paginate, withEpochTimes } from './protocol.js'

/** BatchGetQueryExecution's limit, and ListQueryExecutions' largest page. */
export const QUERY_EXECUTION_BATCH = 50

interface HistoryEntry {
  id: string
  workGroup: string
  submittedMs: number
  execution: () => Record<string, unknown>
}

function submittedMs(value: unknown): number {
  return (epochSeconds(value) ?? 0) * 1000
}

/** Catalog history and live queries, newest first (ties: later entries first, as Athena lists the latest start first). */
function history(ctx: Ctx): HistoryEntry[] {
  const fromCatalog = (ctx.catalog.queryHistory ?? []).map((q: QueryExecutionFixture): HistoryEntry => ({
    id: q.QueryExecutionId,
    workGroup: q.WorkGroup,
    submittedMs: submittedMs(q.Status.SubmissionDateTime),
    execution: () => ({ ...q, Status: withEpochTimes(q.Status) }),
  }))
  const live = ctx.queries.all().map((r): HistoryEntry => ({
    id: r.id,
    workGroup: r.workGroup,
    submittedMs: r.submittedAt,
    execution: () => queryExecution(r, state(r)),
  }))
  return [...fromCatalog, ...live]
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.submittedMs - a.e.submittedMs || b.i - a.i)
    .map(({ e }) => e)
}

export const athenaHistoryHandlers: Record<string, Handler> = {
  ListQueryExecutions(ctx) {
    const b = ctx.body
    const wgName = typeof b.WorkGroup === 'string' && b.WorkGroup !== '' ? b.WorkGroup : 'primary'
    if (!findWorkGroup(ctx, wgName)) throw workGroupNotFound()
    // The API reference allows 0–50; a page of 0 is answered as the default page (50).
    const asked = maxResults(b.MaxResults, { default: QUERY_EXECUTION_BATCH, min: 0, max: QUERY_EXECUTION_BATCH, clamp: false, invalid: (m) => invalidRequest(m, 'INVALID_INPUT') })
    const max = asked === 0 ? QUERY_EXECUTION_BATCH : asked
    const ids = history(ctx)
      .filter((e) => e.workGroup === wgName)
      .map((e) => e.id)
    const invalid = () => invalidRequest('Invalid NextToken.', 'INVALID_INPUT')
    const { page, nextToken } = paginate(ids, { nextToken: b.NextToken, max, scope: `athena:ListQueryExecutions:${wgName}`, invalid })
    return { QueryExecutionIds: page, ...(nextToken ? { NextToken: nextToken } : {}) }
  },

  BatchGetQueryExecution(ctx) {
    const ids = ctx.body.QueryExecutionIds
    if (!Array.isArray(ids) || ids.length === 0) {
      throw invalidRequest("1 validation error detected: Value null at 'queryExecutionIds' failed to satisfy constraint: Member must not be null", 'INVALID_INPUT')
    }
    if (ids.length > QUERY_EXECUTION_BATCH) {
      throw invalidRequest(
        `1 validation error detected: Value '[${ids.join(', ')}]' at 'queryExecutionIds' failed to satisfy constraint: Member must have length less than or equal to ${QUERY_EXECUTION_BATCH}`,
        'INVALID_INPUT',
      )
    }
    const byId = new Map(history(ctx).map((e) => [e.id, e]))
    const failing = new Set(ctx.catalog.unprocessedQueryIds ?? [])
    const QueryExecutions: Array<Record<string, unknown>> = []
    const UnprocessedQueryExecutionIds: Array<Record<string, string>> = []
    for (const id of ids) {
      const entry = typeof id === 'string' ? byId.get(id) : undefined
      if (entry && failing.has(entry.id)) UnprocessedQueryExecutionIds.push({ QueryExecutionId: entry.id, ErrorCode: 'INTERNAL_ERROR', ErrorMessage: 'An internal error occurred.' })
      else if (entry) QueryExecutions.push(entry.execution())
      else UnprocessedQueryExecutionIds.push({ QueryExecutionId: String(id), ErrorCode: 'INVALID_INPUT', ErrorMessage: `QueryExecution ${String(id)} was not found` })
    }
    return { QueryExecutions, UnprocessedQueryExecutionIds }
  },
}
