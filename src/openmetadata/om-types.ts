/**
 * TypeScript shapes of the OpenMetadata payloads this service emits, transcribed from the JSON Schemas in
 * shared/openmetadata-spec/ (entity/data/table.json, api/data/createTable.json, api/data/createDatabase.json,
 * api/data/createDatabaseSchema.json, api/services/createDatabaseService.json,
 * entity/services/ingestionPipelines/status.json). Only the fields this service fills are declared; every
 * object there is closed (`additionalProperties: false`), so nothing outside these declarations may be added.
 */

/** entity/data/table.json#/definitions/dataType */
export const OM_DATA_TYPES = [
  'NUMBER',
  'TINYINT',
  'SMALLINT',
  'INT',
  'BIGINT',
  'BYTEINT',
  'BYTES',
  'FLOAT',
  'DOUBLE',
  'DECIMAL',
  'NUMERIC',
  'TIMESTAMP',
  'TIMESTAMPZ',
  'TIME',
  'DATE',
  'DATETIME',
  'INTERVAL',
  'STRING',
  'MEDIUMTEXT',
  'TEXT',
  'CHAR',
  'LONG',
  'VARCHAR',
  'BOOLEAN',
  'BINARY',
  'VARBINARY',
  'ARRAY',
  'BLOB',
  'LONGBLOB',
  'MEDIUMBLOB',
  'MAP',
  'STRUCT',
  'UNION',
  'SET',
  'GEOGRAPHY',
  'ENUM',
  'JSON',
  'UUID',
  'VARIANT',
  'GEOMETRY',
  'BYTEA',
  'AGGREGATEFUNCTION',
  'ERROR',
  'FIXED',
  'RECORD',
  'NULL',
  'SUPER',
  'HLLSKETCH',
  'PG_LSN',
  'PG_SNAPSHOT',
  'TSQUERY',
  'TXID_SNAPSHOT',
  'XML',
  'MACADDR',
  'TSVECTOR',
  'UNKNOWN',
  'CIDR',
  'INET',
  'CLOB',
  'ROWID',
  'LOWCARDINALITY',
  'YEAR',
  'POINT',
  'POLYGON',
  'TUPLE',
  'SPATIAL',
  'TABLE',
  'NTEXT',
  'IMAGE',
  'IPV4',
  'IPV6',
  'DATETIMERANGE',
  'HLL',
  'LARGEINT',
  'QUANTILE_STATE',
  'AGG_STATE',
  'BITMAP',
  'UINT',
  'BIT',
  'MONEY',
  'MEASURE HIDDEN',
  'MEASURE VISIBLE',
  'MEASURE',
  'KPI',
  'HEIRARCHY',
  'HIERARCHYID',
] as const
export type OmDataType = (typeof OM_DATA_TYPES)[number]

/** entity/data/table.json#/definitions/tableType */
export const OM_TABLE_TYPES = ['Regular', 'External', 'Dynamic', 'View', 'SecureView', 'MaterializedView', 'Iceberg', 'Local', 'Partitioned', 'Foreign', 'Transient', 'Stream', 'Stage'] as const
export type OmTableType = (typeof OM_TABLE_TYPES)[number]

/** entity/data/table.json#/definitions/fileFormat (note: no ORC, no Ion, no XML) */
export const OM_FILE_FORMATS = ['csv', 'csv.gz', 'tsv', 'avro', 'parquet', 'pq', 'pqt', 'parq', 'parquet.snappy', 'json', 'json.gz', 'json.zip', 'jsonl', 'jsonl.gz', 'jsonl.zip', 'MF4'] as const
export type OmFileFormat = (typeof OM_FILE_FORMATS)[number]

/** entity/data/table.json#/definitions/partitionIntervalTypes */
export const OM_PARTITION_INTERVAL_TYPES = ['TIME-UNIT', 'INTEGER-RANGE', 'INGESTION-TIME', 'COLUMN-VALUE', 'INJECTED', 'ENUM', 'OTHER'] as const
export type OmPartitionIntervalType = (typeof OM_PARTITION_INTERVAL_TYPES)[number]

/** type/tagLabel.json (required: tagFQN, source, labelType, state; closed) */
export interface TagLabel {
  /** `classification.tag`, each part quoted when it holds a `.` (fqn.ts). */
  tagFQN: string
  source: 'Classification' | 'Glossary'
  labelType: 'Manual' | 'Propagated' | 'Automated' | 'Derived' | 'Generated'
  state: 'Suggested' | 'Confirmed'
  name?: string
  displayName?: string
  description?: string
  reason?: string
}

/**
 * api/classification/createClassification.json (upstream; not in shared/openmetadata-spec): required name,
 * description; closed.
 */
export interface CreateClassificationRequest {
  name: string
  description: string
  displayName?: string
  mutuallyExclusive?: boolean
}

/**
 * api/classification/createTag.json (upstream; not in shared/openmetadata-spec): required name, description;
 * `classification` names the classification the tag belongs to; closed.
 */
export interface CreateTagRequest {
  classification: string
  name: string
  description: string
  displayName?: string
}

/** entity/data/table.json#/definitions/column (the subset this service fills) */
export interface OmColumn {
  name: string
  dataType: OmDataType
  arrayDataType?: OmDataType
  dataLength?: number
  /** entity/data/table.json#/definitions/constraint */
  constraint?: 'NULL' | 'NOT_NULL' | 'UNIQUE' | 'PRIMARY_KEY'
  precision?: number
  scale?: number
  dataTypeDisplay?: string
  description?: string
  ordinalPosition?: number
  children?: OmColumn[]
  /** Column tags (Lake Formation LF-tags on the column); src/openmetadata/tags.ts fills them. */
  tags?: TagLabel[]
}

/** entity/data/table.json#/definitions/partitionColumnDetails */
export interface OmPartitionColumnDetails {
  columnName: string
  intervalType: OmPartitionIntervalType
  interval?: string
}

/** entity/data/table.json#/definitions/tablePartition */
export interface OmTablePartition {
  columns: OmPartitionColumnDetails[]
}

/** api/data/createTable.json (the subset this service fills; required: name, columns, databaseSchema) */
export interface CreateTableRequest {
  name: string
  description?: string
  tableType?: OmTableType
  columns: OmColumn[]
  tablePartition?: OmTablePartition
  /** FQN of the database schema. */
  databaseSchema: string
  schemaDefinition?: string
  locationPath?: string
  fileFormat?: OmFileFormat
  /** Table tags (Lake Formation LF-tags on the table); src/openmetadata/tags.ts fills them. */
  tags?: TagLabel[]
  /** src/openmetadata/source-hash.ts, set where the ingest emits the record. */
  sourceHash?: string
}

/** api/data/createDatabase.json (required: name, service) */
export interface CreateDatabaseRequest {
  name: string
  /** FQN of the database service. */
  service: string
  description?: string
  sourceHash?: string
}

/** api/data/createDatabaseSchema.json (required: name, database) */
export interface CreateDatabaseSchemaRequest {
  name: string
  /** FQN of the database. */
  database: string
  description?: string
  /** The Glue database's LF-tags (the refreshed createDatabaseSchema.json has `tags`). */
  tags?: TagLabel[]
  sourceHash?: string
}

/** api/services/createDatabaseService.json (required: name, serviceType) */
export interface CreateDatabaseServiceRequest<C = Record<string, unknown>> {
  name: string
  serviceType: 'Athena'
  connection: { config: C }
  description?: string
}

/** entity/services/ingestionPipelines/status.json#/definitions/stackTraceError */
export interface StackTraceError {
  name: string
  error: string
  stackTrace?: string
}

/** entity/services/ingestionPipelines/status.json#/definitions/stepSummary */
export interface StepSummary {
  name: string
  records: number
  updated_records: number
  warnings: number
  errors: number
  filtered: number
  failures: StackTraceError[]
}
