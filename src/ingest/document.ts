import { ServiceError } from '../errors.js'
import type { IngestRecord, IngestTotals } from './records.js'

type EntityOf<K extends IngestRecord['kind']> = Extract<IngestRecord, { kind: K }>['entity']

export interface IngestDocument {
  databaseService: EntityOf<'databaseService'>
  classifications: EntityOf<'classification'>[]
  tags: EntityOf<'tag'>[]
  databases: EntityOf<'database'>[]
  databaseSchemas: EntityOf<'databaseSchema'>[]
  tables: EntityOf<'table'>[]
  lineage: EntityOf<'lineage'>[]
  staleScopes: EntityOf<'staleScope'>[]
  status: EntityOf<'status'>
  elapsedMs: number
  totals: IngestTotals
}

/** Where each kind of record goes in the document. */
const LIST_OF_KIND = {
  classification: 'classifications',
  tag: 'tags',
  database: 'databases',
  databaseSchema: 'databaseSchemas',
  table: 'tables',
  lineage: 'lineage',
  staleScope: 'staleScopes',
} as const

/**
 * The whole ingest as one JSON document (the Accept: application/json form of the stream), each kind
 * in its list in stream order. It is held in memory, so it is refused (406, before any byte is sent)
 * past `maxRecords`: large catalogs stream.
 */
export async function collectIngestDocument(records: AsyncIterable<IngestRecord>, maxRecords = Infinity): Promise<IngestDocument> {
  let n = 0
  const lists = { classifications: [], tags: [], databases: [], databaseSchemas: [], tables: [], lineage: [], staleScopes: [] } as Record<string, unknown[]>
  const doc: Record<string, unknown> = { databaseService: undefined, ...lists }
  for await (const r of records) {
    if (++n > maxRecords) {
      throw new ServiceError(
        406,
        `The catalog has more than ${maxRecords} records, too many for one Accept: application/json document (MAX_JSON_DOCUMENT_RECORDS). Ask for the NDJSON stream instead (Accept: application/x-ndjson), which has no such limit.`,
      )
    }
    if (r.kind === 'databaseService') doc.databaseService = r.entity
    else if (r.kind === 'status') {
      // elapsedMs, totals and (with a sink) sinkStatus sit beside the StepSummary, as on the stream's line.
      const { kind: _kind, entity, ...beside } = r
      Object.assign(doc, beside, { status: entity })
    } else lists[LIST_OF_KIND[r.kind]]!.push(r.entity)
  }
  return doc as unknown as IngestDocument
}
