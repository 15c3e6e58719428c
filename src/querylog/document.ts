import type { QueryLogRecord, QueryLogTotals } from './records.js'

type Without<K extends QueryLogRecord['kind']> = Omit<Extract<QueryLogRecord, { kind: K }>, 'kind'>

export interface QueryLogDocument {
  queries: Without<'query'>[]
  lineage: Without<'lineage'>[]
  usage: Without<'usageSummary'>[]
  status: Extract<QueryLogRecord, { kind: 'status' }>['entity']
  sinkStatus?: Extract<QueryLogRecord, { kind: 'status' }>['entity']
  elapsedMs: number
  totals: QueryLogTotals
}

/** The whole query log as one JSON document (the Accept: application/json form): the records grouped by kind. */
export async function collectQueryLogDocument(records: AsyncIterable<QueryLogRecord>): Promise<QueryLogDocument> {
  const doc: Partial<QueryLogDocument> & Pick<QueryLogDocument, 'queries' | 'lineage' | 'usage'> = { queries: [], lineage: [], usage: [] }
  for await (const r of records) {
    switch (r.kind) {
      case 'query': {
        const { kind: _k, ...rest } = r
        doc.queries.push(rest)
        break
      }
      case 'lineage': {
        const { kind: _k, ...rest } = r
        doc.lineage.push(rest)
        break
      }
      case 'usageSummary': {
        const { kind: _k, ...rest } = r
        doc.usage.push(rest)
        break
      }
      case 'status': {
        // elapsedMs, totals and (with a sink) sinkStatus sit beside the StepSummary, as on the stream's line.
        const { kind: _k, entity, ...beside } = r
        Object.assign(doc, beside, { status: entity })
        break
      }
    }
  }
  return doc as QueryLogDocument
}
