// Helpers of the query-log tests: calling the route, validating its records against OpenMetadata's
// schemas, and the sample history's expectations computed from the fixture (times are relative to now).
import type { QueryExecutionFixture } from '../support/catalog.js'
import { athenaConnection, type Harness } from '../support/harness.js'
import { validateOm } from '../support/om-spec.js'
import { parseNdjson as parseLines, withResolvedIds, type StreamRecord } from '../support/records.js'

/** A line of the query-log stream: `{kind, entity}` plus the query and lineage records' own fields. */
export interface QueryLogLine extends StreamRecord {
  queryExecutionId?: string
  workGroup?: string
  state?: string
  statementType?: string
}

export function parseNdjson(body: string): QueryLogLine[] {
  return parseLines(body)
}

/** The OpenMetadata schema of each query-log record kind. */
export const QUERY_LOG_SCHEMA: Record<string, string> = {
  query: 'type/tableQuery.json#/definitions/tableQuery',
  lineage: 'api/lineage/addLineage.json',
  usageSummary: 'type/tableUsageCount.json',
  status: 'entity/services/ingestionPipelines/status.json#/definitions/stepSummary',
}

/** Every record against its schema (lineage with the ids a writer resolves from the FQNs); the invalid ones. */
export function invalidQueryLogRecords(records: QueryLogLine[]): string[] {
  const bad: string[] = []
  for (const r of records) {
    const schema = QUERY_LOG_SCHEMA[r.kind]
    if (!schema) {
      bad.push(`unknown kind ${r.kind}`)
      continue
    }
    const v = validateOm(schema, r.kind === 'lineage' ? withResolvedIds(r.entity) : r.entity)
    if (!v.valid) bad.push(`${r.kind}: ${v.errors}`)
  }
  return bad
}

export function queryLogBody(h: Harness, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    serviceName: 'athena_prod',
    serviceConnection: { config: athenaConnection(h.aws) },
    sourceConfig: { config },
    ...extra,
  }
}

export async function postQueryLog(h: Harness, body: unknown, headers: Record<string, string> = {}) {
  return h.app.inject({ method: 'POST', url: '/v1/query-log', payload: body as Record<string, unknown>, headers })
}

/** Midnight UTC `days` days ago, as upstream computes the window's start. */
export function windowStart(days: number, now = Date.now()): number {
  const d = new Date(now - days * 86_400_000)
  d.setUTCHours(0, 0, 0, 0)
  return d.getTime()
}

export function submittedMs(q: QueryExecutionFixture): number {
  const v = q.Status.SubmissionDateTime
  return v instanceof Date ? v.getTime() : typeof v === 'number' ? v * 1000 : Date.parse(v)
}

/** The fixture queries a run with this window should return as query records (OM/dbt and disabled workgroups dropped). */
export function expectedQueries(history: QueryExecutionFixture[], days: number): QueryExecutionFixture[] {
  const start = windowStart(days)
  return history.filter((q) => q.WorkGroup !== 'disabled_wg' && submittedMs(q) >= start && !q.Query.startsWith('/* {"app": "OpenMetadata"') && !q.Query.startsWith('/* {"app": "dbt"'))
}

export function byKind(records: QueryLogLine[], kind: string): QueryLogLine[] {
  return records.filter((r) => r.kind === kind)
}

/** `from → to` of each lineage record. */
export function edgeNames(records: QueryLogLine[]): string[] {
  return byKind(records, 'lineage')
    .map((r) => `${r.entity.edge.fromEntity.fullyQualifiedName} -> ${r.entity.edge.toEntity.fullyQualifiedName}`)
    .sort()
}
