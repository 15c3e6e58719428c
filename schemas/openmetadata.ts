/**
 * OpenMetadata payloads as this service emits them, for the OpenAPI document and the response
 * serializer. Their authoritative definitions are OpenMetadata's JSON Schemas (tests validate every
 * payload against ../shared/openmetadata-spec); here each object stays open (additionalProperties)
 * so the serializer never drops a field the spec allows and this summary does not list.
 */
import { Type } from 'typebox'

const open = { additionalProperties: true }

export const OmColumn = Type.Object(
  {
    name: Type.String(),
    dataType: Type.String({ description: 'OpenMetadata dataType enum, e.g. STRING, DECIMAL, STRUCT, ARRAY' }),
    dataTypeDisplay: Type.Optional(Type.String({ description: 'The raw Hive/Glue type' })),
    arrayDataType: Type.Optional(Type.String()),
    dataLength: Type.Optional(Type.Integer()),
    precision: Type.Optional(Type.Integer()),
    scale: Type.Optional(Type.Integer()),
    description: Type.Optional(Type.String()),
    ordinalPosition: Type.Optional(Type.Integer()),
    children: Type.Optional(Type.Array(Type.Object({}, open), { description: 'Nested columns (same shape)' })),
  },
  { title: 'Column', description: 'OpenMetadata table column (entity/data/table.json#/definitions/column)', ...open },
)

export const CreateTableRequest = Type.Object(
  {
    name: Type.String(),
    tableType: Type.Optional(Type.String({ description: 'Regular, External, Iceberg, View, …' })),
    description: Type.Optional(Type.String()),
    columns: Type.Array(OmColumn),
    databaseSchema: Type.String({ description: 'FQN of the schema: service.database.schema' }),
    tablePartition: Type.Optional(Type.Object({}, open)),
    schemaDefinition: Type.Optional(Type.String({ description: "A view's SQL" })),
    locationPath: Type.Optional(Type.String()),
    fileFormat: Type.Optional(Type.String()),
  },
  { title: 'CreateTableRequest', description: 'OpenMetadata api/data/createTable.json', ...open },
)

export const CreateDatabaseServiceRequest = Type.Object(
  {
    name: Type.String(),
    serviceType: Type.Literal('Athena'),
    connection: Type.Object({ config: Type.Object({}, { ...open, description: 'The AthenaConnection, secrets removed' }) }, open),
  },
  { title: 'CreateDatabaseServiceRequest', description: 'OpenMetadata api/services/createDatabaseService.json', ...open },
)

export const CreateDatabaseRequest = Type.Object(
  { name: Type.String(), service: Type.String({ description: 'FQN of the service' }), description: Type.Optional(Type.String()) },
  { title: 'CreateDatabaseRequest', description: 'OpenMetadata api/data/createDatabase.json', ...open },
)

export const CreateDatabaseSchemaRequest = Type.Object(
  { name: Type.String(), database: Type.String({ description: 'FQN of the database' }), description: Type.Optional(Type.String()) },
  { title: 'CreateDatabaseSchemaRequest', description: 'OpenMetadata api/data/createDatabaseSchema.json', ...open },
)

export const StepSummary = Type.Object(
  {
    name: Type.String(),
    records: Type.Integer(),
    updated_records: Type.Integer(),
    warnings: Type.Integer(),
    errors: Type.Integer(),
    filtered: Type.Integer(),
    failures: Type.Array(Type.Object({ name: Type.String(), error: Type.String(), stackTrace: Type.Optional(Type.String()) }, open)),
  },
  { title: 'StepSummary', description: 'OpenMetadata ingestion status step (status.json#/definitions/stepSummary)', ...open },
)

export const DatabasesAnswer = Type.Object(
  {
    databaseService: CreateDatabaseServiceRequest,
    databases: Type.Array(CreateDatabaseRequest),
    databaseSchemas: Type.Array(CreateDatabaseSchemaRequest),
    status: Type.Optional(StepSummary),
  },
  { title: 'DatabasesAnswer', description: 'What an ingest would create above the tables, after the database and schema filters.' },
)

export const IngestDocument = Type.Object(
  {
    databaseService: CreateDatabaseServiceRequest,
    databases: Type.Array(CreateDatabaseRequest),
    databaseSchemas: Type.Array(CreateDatabaseSchemaRequest),
    tables: Type.Array(CreateTableRequest),
    classifications: Type.Array(Type.Object({}, open), { description: 'CreateClassificationRequest per LF-tag key' }),
    tags: Type.Array(Type.Object({}, open), { description: 'CreateTagRequest per LF-tag value' }),
    lineage: Type.Array(Type.Object({}, open), { description: 'AddLineageRequest, entities named by type and fullyQualifiedName' }),
    staleScopes: Type.Array(Type.Object({}, open), { description: 'BulkDeleteStaleRequest per cleanly listed schema' }),
    status: StepSummary,
    elapsedMs: Type.Integer(),
    totals: Type.Object({}, open),
  },
  {
    title: 'IngestDocument',
    description:
      'The ingest as one JSON document (Accept: application/json). The default answer is NDJSON (application/x-ndjson): ' +
      'one {"kind","entity"} object per line — databaseService, database, databaseSchema, table … and last a status line ' +
      'whose entity is a StepSummary (with elapsedMs and totals beside it).',
    ...open,
  },
)
