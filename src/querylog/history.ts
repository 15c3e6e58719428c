/**
 * Reading Athena's query history: enabled workgroups (ListWorkGroups, paged), then per workgroup the
 * execution ids (ListQueryExecutions, newest first, pages of at most 50) and their details
 * (BatchGetQueryExecution, 50 ids a call), as upstream's Athena usage/lineage sources do.
 */
import { type AthenaClient, BatchGetQueryExecutionCommand, ListQueryExecutionsCommand, ListWorkGroupsCommand, type QueryExecution, type UnprocessedQueryExecutionId } from '@aws-sdk/client-athena'
import { boundedPages, ListingStoppedError, type ListingScope, type PagingLimits } from '../aws/paging.js'
import { ATHENA_QUERY_PAGE } from './plan.js'

/** The query-history calls, named in failure explanations (and the IAM action they need). */
export type HistoryOperation = 'athena:ListWorkGroups' | 'athena:ListQueryExecutions' | 'athena:BatchGetQueryExecution'

/** An AWS error, with the call that got it and the workgroup it was about. */
export class HistoryCallError extends Error {
  constructor(
    readonly operation: HistoryOperation,
    readonly workGroup: string | undefined,
    override readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause))
    this.name = 'HistoryCallError'
  }
}

async function call<T>(operation: HistoryOperation, workGroup: string | undefined, f: () => Promise<T>): Promise<T> {
  try {
    return await f()
  } catch (err) {
    throw new HistoryCallError(operation, workGroup, err)
  }
}

/** The bounded pages of one history listing; every failure, the bound's included, carries the call and workgroup. */
async function* historyPages<P extends { NextToken?: string | undefined }>(
  operation: HistoryOperation,
  workGroup: string | undefined,
  paging: PagingLimits | undefined,
  fetch: (token: string | undefined) => Promise<P>,
): AsyncGenerator<P> {
  try {
    yield* boundedPages(
      operation,
      paging,
      (token) => call(operation, workGroup, () => fetch(token)),
      (page) => page.NextToken,
    )
  } catch (err) {
    throw err instanceof ListingStoppedError ? new HistoryCallError(operation, workGroup, err) : err
  }
}

/** Names of the ENABLED workgroups (upstream keeps State == ENABLED only), every page. */
export async function listEnabledWorkGroups(athena: AthenaClient, scope: ListingScope = {}): Promise<string[]> {
  const names: string[] = []
  const pages = historyPages('athena:ListWorkGroups', undefined, scope.paging, (token) =>
    athena.send(new ListWorkGroupsCommand({ MaxResults: ATHENA_QUERY_PAGE, ...(token ? { NextToken: token } : {}) }), { abortSignal: scope.signal }),
  )
  for await (const out of pages) for (const wg of out.WorkGroups ?? []) if (wg.Name && wg.State?.toUpperCase() === 'ENABLED') names.push(wg.Name)
  return names
}

export interface ExecutionPage {
  executions: QueryExecution[]
  unprocessed: UnprocessedQueryExecutionId[]
}

/**
 * A workgroup's executions, page by page, newest first, at most `limit` of them. `keepGoing(page)`
 * decides after each page whether the next one is read (the caller stops once a page reaches past
 * its time window: the listing is newest first, so every later page is older still).
 */
export async function* executionPages(athena: AthenaClient, workGroup: string, opts: ListingScope & { limit: number; keepGoing: (page: ExecutionPage) => boolean }): AsyncGenerator<ExecutionPage> {
  let read = 0
  if (opts.limit <= 0) return
  const listings = historyPages('athena:ListQueryExecutions', workGroup, opts.paging, (token) =>
    athena.send(new ListQueryExecutionsCommand({ WorkGroup: workGroup, MaxResults: Math.min(ATHENA_QUERY_PAGE, opts.limit - read), ...(token ? { NextToken: token } : {}) }), {
      abortSignal: opts.signal,
    }),
  )
  for await (const listed of listings) {
    const max = Math.min(ATHENA_QUERY_PAGE, opts.limit - read)
    const ids = (listed.QueryExecutionIds ?? []).slice(0, max)
    read += ids.length
    const page: ExecutionPage = { executions: [], unprocessed: [] }
    for (let i = 0; i < ids.length; i += ATHENA_QUERY_PAGE) {
      const batch = ids.slice(i, i + ATHENA_QUERY_PAGE)
      const out = await call('athena:BatchGetQueryExecution', workGroup, () => athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: batch }), { abortSignal: opts.signal }))
      page.executions.push(...(out.QueryExecutions ?? []))
      page.unprocessed.push(...(out.UnprocessedQueryExecutionIds ?? []))
    }
    // BatchGetQueryExecution does not promise the order of the ids it was given.
    page.executions.sort((a, b) => submitted(b) - submitted(a))
    yield page
    if (!opts.keepGoing(page) || read >= opts.limit) return
  }
}

export function submitted(q: QueryExecution): number {
  return q.Status?.SubmissionDateTime?.getTime() ?? 0
}
