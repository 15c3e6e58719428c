/**
 * Reading Athena's query history: enabled workgroups (ListWorkGroups, paged), then per workgroup the
 * execution ids (ListQueryExecutions, newest first, pages of at most 50) and their details
 * (BatchGetQueryExecution, 50 ids a call), as upstream's Athena usage/lineage sources do.
 */
import {
  AthenaClient,
  BatchGetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  ListWorkGroupsCommand,
  type QueryExecution,
  type UnprocessedQueryExecutionId,
} from '@aws-sdk/client-athena'
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

/** Names of the ENABLED workgroups (upstream keeps State == ENABLED only), every page. */
export async function listEnabledWorkGroups(athena: AthenaClient, signal?: AbortSignal): Promise<string[]> {
  const names: string[] = []
  let token: string | undefined
  do {
    const out = await call('athena:ListWorkGroups', undefined, () =>
      athena.send(new ListWorkGroupsCommand({ MaxResults: ATHENA_QUERY_PAGE, ...(token ? { NextToken: token } : {}) }), { abortSignal: signal }),
    )
    for (const wg of out.WorkGroups ?? []) if (wg.Name && wg.State?.toUpperCase() === 'ENABLED') names.push(wg.Name)
    token = out.NextToken || undefined
  } while (token)
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
export async function* executionPages(
  athena: AthenaClient,
  workGroup: string,
  opts: { limit: number; signal?: AbortSignal; keepGoing: (page: ExecutionPage) => boolean },
): AsyncGenerator<ExecutionPage> {
  let token: string | undefined
  let read = 0
  do {
    const max = Math.min(ATHENA_QUERY_PAGE, opts.limit - read)
    if (max <= 0) return
    const listed = await call('athena:ListQueryExecutions', workGroup, () =>
      athena.send(new ListQueryExecutionsCommand({ WorkGroup: workGroup, MaxResults: max, ...(token ? { NextToken: token } : {}) }), {
        abortSignal: opts.signal,
      }),
    )
    const ids = (listed.QueryExecutionIds ?? []).slice(0, max)
    read += ids.length
    const page: ExecutionPage = { executions: [], unprocessed: [] }
    for (let i = 0; i < ids.length; i += ATHENA_QUERY_PAGE) {
      const batch = ids.slice(i, i + ATHENA_QUERY_PAGE)
      const out = await call('athena:BatchGetQueryExecution', workGroup, () =>
        athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: batch }), { abortSignal: opts.signal }),
      )
      page.executions.push(...(out.QueryExecutions ?? []))
      page.unprocessed.push(...(out.UnprocessedQueryExecutionIds ?? []))
    }
    // BatchGetQueryExecution does not promise the order of the ids it was given.
    page.executions.sort((a, b) => submitted(b) - submitted(a))
    yield page
    token = listed.NextToken || undefined
    if (!opts.keepGoing(page)) return
  } while (token)
}

export function submitted(q: QueryExecution): number {
  return q.Status?.SubmissionDateTime?.getTime() ?? 0
}
