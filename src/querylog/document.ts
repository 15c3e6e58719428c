import type { QueryLogRecord, QueryLogTotals } from './records.js'

type Without<K extends QueryLogRecord['kind']> = Omit<Extract<QueryLogRecord, { kind: K }>, 'kind'>

export interface QueryLogDocument {
  queries: Without<'query'>[]
  lineage: Without<'lineage'>[]
  usage: Without<'usageSummary'>[]
  status: Extract<QueryLogRecord, { kind: 'status' }>['entity']
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
      case 'status':
        doc.status = r.entity
        doc.elapsedMs = r.elapsedMs
        doc.totals = r.totals
        break
    }
  }
  return doc as QueryLogDocument
}
