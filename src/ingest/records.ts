import type {
  CreateDatabaseRequest,
  CreateDatabaseSchemaRequest,
  CreateDatabaseServiceRequest,
  CreateClassificationRequest,
  CreateTableRequest,
  CreateTagRequest,
  StepSummary,
} from '../openmetadata/om-types.js'
import type { AddLineageRequest } from '../openmetadata/lineage.js'
import type { BulkDeleteStaleRequest } from '../openmetadata/stale.js'

/** One line of the ingest stream: parents always come before their children, `status` always last. */
export type IngestRecord =
  | { kind: 'databaseService'; entity: CreateDatabaseServiceRequest }
  /** LF-tag keys and values, before any entity that carries them (OpenMetadata must know a tag to attach it). */
  | { kind: 'classification'; entity: CreateClassificationRequest }
  | { kind: 'tag'; entity: CreateTagRequest }
  | { kind: 'database'; entity: CreateDatabaseRequest }
  | { kind: 'databaseSchema'; entity: CreateDatabaseSchemaRequest }
  | { kind: 'table'; entity: CreateTableRequest }
  /** After both ends of the edge; entities named by FQN (ids are the server's). */
  | { kind: 'lineage'; entity: AddLineageRequest }
  /** After a schema's last table, only when its listing completed without any error. */
  | { kind: 'staleScope'; entity: BulkDeleteStaleRequest }
  | { kind: 'status'; entity: StepSummary; elapsedMs: number; totals: IngestTotals }

export type EntityRecord = Exclude<IngestRecord, { kind: 'status' }>

/** Counts by kind, beside the StepSummary (which is a closed OpenMetadata shape). */
export interface IngestTotals {
  databases: number
  databaseSchemas: number
  tables: number
  views: number
  lineage: number
  staleScopes: number
  tags: number
}
