import { createHash } from 'node:crypto'
import { validateOm } from './om-spec.js'

/** The OpenMetadata schema each record kind of the ingest stream must satisfy. */
export const SCHEMA_OF_KIND: Record<string, string> = {
  databaseService: 'api/services/createDatabaseService.json',
  database: 'api/data/createDatabase.json',
  databaseSchema: 'api/data/createDatabaseSchema.json',
  table: 'api/data/createTable.json',
  lineage: 'api/lineage/addLineage.json',
  staleScope: 'type/bulkDeleteStaleRequest.json',
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
    if (r.kind === 'classification' || r.kind === 'tag') {
      // createClassification.json / createTag.json are not in the spec subset: check what the server requires.
      const e = r.entity ?? {}
      const ok = typeof e.name === 'string' && typeof e.description === 'string' && (r.kind === 'classification' || typeof e.classification === 'string')
      if (!ok) bad.push(`${r.kind} ${e.name ?? ''}: needs name, description${r.kind === 'tag' ? ', classification' : ''}`)
      continue
    }
    const schema = SCHEMA_OF_KIND[r.kind]
    if (!schema) {
      bad.push(`unknown kind ${r.kind}`)
      continue
    }
    const v = validateOm(schema, r.kind === 'lineage' ? withResolvedIds(r.entity) : r.entity)
    if (!v.valid) bad.push(`${r.kind} ${r.entity?.name ?? ''}: ${v.errors}`)
  }
  return bad
}

/**
 * A lineage record names its entities by type and FQN only (ids are the OpenMetadata server's); a
 * writer resolves each FQN to the entity's id before sending it. This fills ids the way that
 * resolution would (a stable UUID per FQN) so the rest of the payload is validated as sent.
 */
export function withResolvedIds(entity: any): any {
  const resolve = (ref: any) => ({ ...ref, id: uuidOf(`${ref.type}:${ref.fullyQualifiedName}`) })
  return { ...entity, edge: { ...entity.edge, fromEntity: resolve(entity.edge.fromEntity), toEntity: resolve(entity.edge.toEntity) } }
}

function uuidOf(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
