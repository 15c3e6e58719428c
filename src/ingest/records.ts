import type {
  CreateDatabaseRequest,
  CreateDatabaseSchemaRequest,
  CreateDatabaseServiceRequest,
  CreateTableRequest,
  StepSummary,
} from '../openmetadata/om-types.js'

/** One line of the ingest stream: parents always come before their children, `status` always last. */
export type IngestRecord =
  | { kind: 'databaseService'; entity: CreateDatabaseServiceRequest }
  | { kind: 'database'; entity: CreateDatabaseRequest }
  | { kind: 'databaseSchema'; entity: CreateDatabaseSchemaRequest }
  | { kind: 'table'; entity: CreateTableRequest }
  | { kind: 'status'; entity: StepSummary; elapsedMs: number; totals: IngestTotals }

export type EntityRecord = Exclude<IngestRecord, { kind: 'status' }>

/** Counts by kind, beside the StepSummary (which is a closed OpenMetadata shape). */
export interface IngestTotals {
  databases: number
  databaseSchemas: number
  tables: number
  views: number
}
