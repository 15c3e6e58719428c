import { validateOm } from './om-spec.js'

/** The OpenMetadata schema each record kind of the ingest stream must satisfy. */
export const SCHEMA_OF_KIND: Record<string, string> = {
  databaseService: 'api/services/createDatabaseService.json',
  database: 'api/data/createDatabase.json',
  databaseSchema: 'api/data/createDatabaseSchema.json',
  table: 'api/data/createTable.json',
  status: 'entity/services/ingestionPipelines/status.json#/definitions/stepSummary',
}

export interface StreamRecord {
  kind: string
  entity: any
  elapsedMs?: number
  totals?: Record<string, number>
}

export function parseNdjson(body: string): StreamRecord[] {
  return body
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as StreamRecord)
}

/** Every record validated against its OM schema; returns the invalid ones with ajv's errors. */
export function invalidRecords(records: StreamRecord[]): string[] {
  const bad: string[] = []
  for (const r of records) {
    const schema = SCHEMA_OF_KIND[r.kind]
    if (!schema) {
      bad.push(`unknown kind ${r.kind}`)
      continue
    }
    const v = validateOm(schema, r.entity)
    if (!v.valid) bad.push(`${r.kind} ${r.entity?.name ?? ''}: ${v.errors}`)
  }
  return bad
}
