// Query executions and their state machine: QUEUED on the first GetQueryExecution, RUNNING on the
// second, then SUCCEEDED or FAILED; CANCELLED when stopped before that.
import { randomUUID } from 'node:crypto'
import type { SqlOutcome } from './sql.js'

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED'

export interface QueryRecord {
  id: string
  query: string
  workGroup: string
  /** The full result object location (`<OutputLocation>/<id>.csv`). */
  outputLocation: string
  context?: { Database?: string; Catalog?: string }
  clientRequestToken?: string
  statementType: string
  substatementType?: string
  outcome: SqlOutcome
  submittedAt: number
  completedAt?: number
  polls: number
  cancelled: boolean
}

export class QueryStore {
  private readonly byId = new Map<string, QueryRecord>()
  private readonly byToken = new Map<string, string>()

  create(r: Omit<QueryRecord, 'id' | 'submittedAt' | 'polls' | 'cancelled' | 'outputLocation'> & { outputBase: string }): QueryRecord {
    const id = randomUUID()
    const { outputBase, ...rest } = r
    const record: QueryRecord = {
      ...rest,
      id,
      outputLocation: `${outputBase.replace(/\/+$/, '')}/${id}.${r.statementType === 'DML' ? 'csv' : 'txt'}`,
      submittedAt: Date.now(),
      polls: 0,
      cancelled: false,
    }
    this.byId.set(id, record)
    if (r.clientRequestToken) this.byToken.set(r.clientRequestToken, id)
    return record
  }

  get(id: unknown): QueryRecord | undefined {
    return typeof id === 'string' ? this.byId.get(id) : undefined
  }

  /** Every query started on the endpoint, in start order. */
  all(): QueryRecord[] {
    return [...this.byId.values()]
  }

  byClientToken(token: unknown): QueryRecord | undefined {
    return typeof token === 'string' ? this.get(this.byToken.get(token)) : undefined
  }

  /** One GetQueryExecution: advances the state machine, returns the state now. */
  poll(r: QueryRecord): QueryState {
    if (!isFinal(state(r))) r.polls++
    const s = state(r)
    if (isFinal(s)) r.completedAt ??= Date.now()
    return s
  }

  stop(r: QueryRecord): void {
    if (isFinal(state(r))) return
    r.cancelled = true
    r.completedAt = Date.now()
  }
}

/** The state without advancing it. */
export function state(r: QueryRecord): QueryState {
  if (r.cancelled) return 'CANCELLED'
  if (r.polls <= 1) return 'QUEUED'
  if (r.polls === 2) return 'RUNNING'
  return r.outcome.kind === 'rows' ? 'SUCCEEDED' : 'FAILED'
}

export function isFinal(s: QueryState): boolean {
  return s === 'SUCCEEDED' || s === 'FAILED' || s === 'CANCELLED'
}
