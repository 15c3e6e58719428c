import type { IngestRecord, IngestTotals } from './records.js'

type EntityOf<K extends IngestRecord['kind']> = Extract<IngestRecord, { kind: K }>['entity']

export interface IngestDocument {
  databaseService: EntityOf<'databaseService'>
  databases: EntityOf<'database'>[]
  databaseSchemas: EntityOf<'databaseSchema'>[]
  tables: EntityOf<'table'>[]
  status: EntityOf<'status'>
  elapsedMs: number
  totals: IngestTotals
}

/** The whole ingest as one JSON document (the Accept: application/json form of the stream). */
export async function collectIngestDocument(records: AsyncIterable<IngestRecord>): Promise<IngestDocument> {
  const doc: Partial<IngestDocument> & Pick<IngestDocument, 'databases' | 'databaseSchemas' | 'tables'> = {
    databases: [],
    databaseSchemas: [],
    tables: [],
  }
  for await (const r of records) {
    switch (r.kind) {
      case 'databaseService': doc.databaseService = r.entity; break
      case 'database': doc.databases.push(r.entity); break
      case 'databaseSchema': doc.databaseSchemas.push(r.entity); break
      case 'table': doc.tables.push(r.entity); break
      case 'status': doc.status = r.entity; doc.elapsedMs = r.elapsedMs; doc.totals = r.totals; break
    }
  }
  return doc as IngestDocument
}


