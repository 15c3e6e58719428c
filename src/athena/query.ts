import { type AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand, StopQueryExecutionCommand, type QueryExecutionState } from '@aws-sdk/client-athena'

export interface QueryRun {
  queryExecutionId: string
  state: QueryExecutionState | 'TIMED_OUT'
  stateChangeReason?: string
  /** Which Athena call the run was in when it ended, for error attribution. */
  polls: number
}

export interface RunQueryOptions {
  sql: string
  workgroup?: string
  outputLocation?: string
  catalog?: string
  /** Give up (and stop the query) after this long. */
  maxWaitMs: number
  signal?: AbortSignal
  /** First poll delay; doubles up to maxPollMs. */
  firstPollMs?: number
  maxPollMs?: number
}

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED'])

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the AbortSignal convention: reject with the reason the caller aborted with
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the AbortSignal convention: reject with the reason the caller aborted with
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Starts a query and polls it to a final state (QUEUED → RUNNING → SUCCEEDED/FAILED/CANCELLED) with
 * exponential back-off, bounded by maxWaitMs; a query still running then is stopped and reported
 * as TIMED_OUT. AWS errors from Start/Get propagate to the caller.
 */
export async function runQuery(athena: AthenaClient, opts: RunQueryOptions): Promise<QueryRun> {
  const started = await athena.send(
    new StartQueryExecutionCommand({
      QueryString: opts.sql,
      ...(opts.workgroup ? { WorkGroup: opts.workgroup } : {}),
      ...(opts.outputLocation ? { ResultConfiguration: { OutputLocation: opts.outputLocation } } : {}),
      ...(opts.catalog ? { QueryExecutionContext: { Catalog: opts.catalog } } : {}),
    }),
    { abortSignal: opts.signal },
  )
  const id = started.QueryExecutionId!
  const deadline = Date.now() + opts.maxWaitMs
  let delay = opts.firstPollMs ?? 100
  let polls = 0
  for (;;) {
    const got = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: opts.signal })
    polls++
    const status = got.QueryExecution?.Status
    const state = status?.State
    if (state && FINAL.has(state)) {
      return { queryExecutionId: id, state, polls, ...(status?.StateChangeReason ? { stateChangeReason: status.StateChangeReason } : {}) }
    }
    if (Date.now() + delay > deadline) {
      // Best effort: a query left running costs the user money.
      await athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined)
      return { queryExecutionId: id, state: 'TIMED_OUT', polls }
    }
    await sleep(delay, opts.signal)
    delay = Math.min(delay * 2, opts.maxPollMs ?? 1_000)
  }
}
