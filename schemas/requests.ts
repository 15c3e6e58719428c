/**
 * Request bodies.
 *
 * ## ConnectionInput — why one flat object and not an anyOf of the three forms
 *
 * We accept an Athena connection in three forms:
 *   (a) the AthenaConnection itself                              `{ awsConfig, s3StagingDir, workgroup, ... }`
 *   (b) OpenMetadata's TestServiceConnectionRequest              `{ connection: { config: AthenaConnection }, serviceType?, ... }`
 *   (c) a workflow-style wrapper                                 `{ serviceConnection: { config: AthenaConnection } }`
 *
 * An `anyOf` of the three would answer every mistake with ajv's useless "body must match a schema in anyOf"
 * (Fastify runs ajv with `allErrors: false`, so only the branch errors that happen to be collected, plus that line, come
 * back), and with Fastify's `removeAdditional: true` an anyOf is actively harmful: the first branch strips the
 * properties it does not know *before* failing, so later branches see a mutilated body.
 *
 * So ConnectionInput is ONE closed object whose properties are the union of the three forms:
 *   - `connection` and `serviceConnection` (each `{config: AthenaConnection}`, closed),
 *   - the TestServiceConnectionRequest siblings (`serviceType`, `connectionType`, `serviceName`,
 *     `secretsManagerProvider`, `ingestionRunner`, mirroring entity/automations/testServiceConnection.json),
 *   - every AthenaConnection property, optional and WITHOUT `default` (ajv `useDefaults` would otherwise write
 *     `type: "Athena"`, `supports*: true`, ... into the root of forms (b)/(c) and make them look like form (a)),
 * plus one conditional: `if` neither `connection` nor `serviceConnection` is present, `else` the root must have
 * AthenaConnection's required properties.
 *
 * With `allErrors: false` (Fastify's default, and src/app.ts's) ajv stops at the first error and reports it with its
 * full instance path, so a mistake inside any form names the field (messages checked with a real Fastify instance):
 *   `body/connection/config/awsConfig must have required property 'awsRegion'`
 *   `body/serviceConnection/config/awsConfig must have required property 'awsRegion'`
 *   `body/awsConfig must have required property 'awsRegion'`
 *   `body/serviceConnection/config/s3StagingDir must match format "uri"`
 *   `body must have required property 'workgroup'`            (form (a) without workgroup; the `else` branch)
 *   `body must NOT have additional properties`                 (only with `removeAdditional: false`, as src/app.ts has;
 *                                                               Fastify's default `true` silently drops them instead)
 * ajv evaluates `if/else` before `properties`, and `else` is not a "composite" rule, so with `allErrors: false` its
 * first error ends validation: no `must match "else" schema` line follows. (With `allErrors: true` it would; the
 * `schemaErrorFormatter` of src/validation-errors.ts drops such lines.)
 *
 * What JSON Schema cannot say cleanly (exactly one form; the TestServiceConnectionRequest siblings only with
 * `connection`; `connectionType` must be Athena) is checked by `extractConnection`, which throws a
 * `ConnectionInputError` (HTTP 400) naming the offending field. It also applies AthenaConnection's defaults to form (a),
 * since the schema had to leave them out of the root.
 *
 * ## Source — the `source` block of an OpenMetadata ingestion workflow, plus our `options`
 *
 * `WorkflowSource` is exactly OpenMetadata's block (`type`, `serviceName`, `serviceConnection`, `sourceConfig` with
 * a DatabaseServiceMetadataPipeline). OpenMetadata's source block is closed, so our service options cannot hide in it:
 * `Source` (the request body) is WorkflowSource plus one extra top-level property `options`, which is ours, not
 * OpenMetadata's; `toWorkflowSource` strips it again.
 */
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { BadInputError } from '../src/errors.js'
import { AthenaConnection, type AthenaConnectionT, athenaConnectionProperties, filterPatternProperty } from './athena-connection.js'
import { sinkProperties } from './sink.js'

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------------------------

/** OpenMetadata `entityName` (type/basic.json#/definitions/entityName), with a property-specific description. */
export function entityName(description = 'Name that identifies an entity.') {
  return Type.String({ description, minLength: 1, maxLength: 256, pattern: '^((?!::).)*$' })
}
export const EntityName = entityName()

/** security/secrets/secretsManagerProvider.json */
export const SecretsManagerProvider = Type.Enum(['db', 'managed-aws', 'aws', 'managed-aws-ssm', 'aws-ssm', 'managed-azure-kv', 'azure-kv', 'in-memory', 'gcp', 'kubernetes'], {
  title: 'Secrets Manager Provider',
  description: 'OpenMetadata Secrets Manager Provider. Make sure to configure the same secrets manager providers as the ones configured on the OpenMetadata server. (Upstream default: db.)',
  type: 'string',
})

/** `{config: AthenaConnection}` — OpenMetadata's databaseConnection narrowed to Athena. */
export const AthenaServiceConnection = Type.Object(
  { config: AthenaConnection },
  {
    title: 'DatabaseConnection',
    description: "Database Connection (OpenMetadata's databaseConnection, narrowed to an AthenaConnection config).",
    additionalProperties: false,
  },
)
export type AthenaServiceConnectionT = Static<typeof AthenaServiceConnection>

// ---------------------------------------------------------------------------------------------------------------
// ConnectionInput
// ---------------------------------------------------------------------------------------------------------------

function withoutDefault<T extends TSchema>(schema: T): T {
  const copy = Value.Clone(schema) as T & { default?: unknown }
  delete copy.default
  return copy
}

type AthenaProps = typeof athenaConnectionProperties
type PartialAthena = Type.TPartial<Type.TObject<AthenaProps>>
/** AthenaConnection's properties, all optional and without their (root-level) defaults; see the file comment. */
const bareConnectionProperties = Object.fromEntries(Object.entries(athenaConnectionProperties).map(([key, schema]) => [key, Type.Optional(withoutDefault(schema))])) as PartialAthena['properties']

/** Keys of TestServiceConnectionRequest besides `connection` (entity/automations/testServiceConnection.json). */
export const TEST_SERVICE_CONNECTION_SIBLINGS = ['serviceType', 'connectionType', 'serviceName', 'secretsManagerProvider', 'ingestionRunner'] as const

/** The AthenaConnection property names (the keys that make a body form (a)). */
export const ATHENA_CONNECTION_KEYS = Object.keys(athenaConnectionProperties) as (keyof AthenaProps)[]

export const ConnectionInput = Type.Object(
  {
    connection: Type.Optional(
      Type.Object(
        { config: AthenaConnection },
        {
          title: 'DatabaseConnection',
          description: 'Connection object (TestServiceConnectionRequest form).',
          additionalProperties: false,
        },
      ),
    ),
    serviceType: Type.Optional(
      Type.Enum(['Database'], {
        description: "Type of service such as Database, Dashboard, Messaging, etc. (OpenMetadata's serviceType enum, narrowed to Database.)",
        type: 'string',
      }),
    ),
    connectionType: Type.Optional(
      Type.String({
        description: 'Type of the connection to test such as Snowflake, MySQL, Looker, etc. Must be Athena here.',
      }),
    ),
    serviceName: Type.Optional(entityName('Optional value that identifies this service name.')),
    secretsManagerProvider: Type.Optional(SecretsManagerProvider),
    ingestionRunner: Type.Optional(Type.String({ description: 'Optional value of the ingestion runner name responsible for running the test' })),
    serviceConnection: Type.Optional(
      Type.Object(
        { config: AthenaConnection },
        {
          title: 'DatabaseConnection',
          description: 'Service connection object (workflow form).',
          additionalProperties: false,
        },
      ),
    ),
    ...bareConnectionProperties,
  },
  {
    title: 'ConnectionInput',
    description:
      'An Athena connection in exactly one of three forms: (a) an AthenaConnection; (b) a TestServiceConnectionRequest ' +
      '{connection: {config: AthenaConnection}, serviceType?, connectionType?, serviceName?, secretsManagerProvider?, ' +
      'ingestionRunner?}; (c) {serviceConnection: {config: AthenaConnection}}. Without connection/serviceConnection the ' +
      "body itself is the AthenaConnection (form (a)) and needs AthenaConnection's required properties.",
    additionalProperties: false,
    if: { anyOf: [{ required: ['connection'] }, { required: ['serviceConnection'] }] },
    else: { type: 'object', required: [...(AthenaConnection.required as string[])] },
  },
)
export type ConnectionInputT = Static<typeof ConnectionInput>

/** The request is not exactly one well-formed connection form; `field` is the offending path, e.g. `body/serviceType`. */
export class ConnectionInputError extends BadInputError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Returns the AthenaConnection carried by a ConnectionInput body (with AthenaConnection's defaults applied), or throws
 * a ConnectionInputError naming the field when no form or more than one form is present, or when a
 * TestServiceConnectionRequest-only field is used outside that form. Pure: does not mutate `body`.
 */
export function extractConnection(body: ConnectionInputT): AthenaConnectionT {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ConnectionInputError('body', 'body must be object')
  }
  const record = body as Record<string, unknown>
  const bareKeys = ATHENA_CONNECTION_KEYS.filter((k) => record[k] !== undefined)
  const forms: string[] = []
  if (record.connection !== undefined) forms.push('body/connection')
  if (record.serviceConnection !== undefined) forms.push('body/serviceConnection')
  if (bareKeys.length > 0) forms.push(`body/${bareKeys[0]}`)

  if (forms.length > 1) {
    throw new ConnectionInputError(
      forms[1]!,
      `${forms[1]} conflicts with ${forms[0]}: give the Athena connection in exactly one form ` + '(an AthenaConnection body, {connection:{config}} or {serviceConnection:{config}})',
    )
  }
  if (record.connection === undefined) {
    const sibling = TEST_SERVICE_CONNECTION_SIBLINGS.find((k) => record[k] !== undefined)
    if (sibling !== undefined) {
      throw new ConnectionInputError(`body/${sibling}`, `body/${sibling} is only allowed together with body/connection (TestServiceConnectionRequest form)`)
    }
  } else if (record.connectionType !== undefined && record.connectionType !== 'Athena') {
    throw new ConnectionInputError('body/connectionType', `body/connectionType must be 'Athena' (this service tests Athena connections only), got ${JSON.stringify(record.connectionType)}`)
  }

  let candidate: unknown
  let path: string
  if (record.connection !== undefined) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- narrowed to `{} | null`, which has no `config`: tsc needs the cast
    candidate = (record.connection as { config?: unknown } | null)?.config
    path = 'body/connection/config'
  } else if (record.serviceConnection !== undefined) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- narrowed to `{} | null`, which has no `config`: tsc needs the cast
    candidate = (record.serviceConnection as { config?: unknown } | null)?.config
    path = 'body/serviceConnection/config'
  } else {
    if (bareKeys.length === 0) {
      throw new ConnectionInputError('body', "body must have required property 's3StagingDir' (or give body/connection/config or body/serviceConnection/config)")
    }
    candidate = Object.fromEntries(bareKeys.map((k) => [k, record[k]]))
    path = 'body'
  }
  if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) {
    throw new ConnectionInputError(path, `${path} must be object`)
  }
  const connection = Value.Default(AthenaConnection, Value.Clone(candidate)) as AthenaConnectionT
  for (const required of AthenaConnection.required as string[]) {
    if ((connection as Record<string, unknown>)[required] === undefined) {
      throw new ConnectionInputError(`${path}/${required}`, `${path} must have required property '${required}'`)
    }
  }
  return connection
}

// ---------------------------------------------------------------------------------------------------------------
// DatabaseServiceMetadataPipeline (metadataIngestion/databaseServiceMetadataPipeline.json)
// ---------------------------------------------------------------------------------------------------------------

const OwnerValue = Type.Union(
  [
    Type.String({ description: 'Single owner (user or team name/email)' }),
    Type.Array(Type.String(), {
      description: 'Multiple owners (must be all users OR single team, cannot mix)',
      minItems: 1,
    }),
  ],
  {
    description: 'Single owner or list of owners. Business rules: multiple users allowed, only ONE team allowed, users and teams are mutually exclusive.',
  },
)

function ownerLevel(description: string, single: string, map: string) {
  return Type.Optional(
    Type.Union([Type.String({ description: single }), Type.Unsafe<Record<string, string | string[]>>({ type: 'object', description: map, additionalProperties: OwnerValue })], { description }),
  )
}

/** type/ownerConfig.json */
export const OwnerConfig = Type.Object(
  {
    default: Type.Optional(
      Type.String({
        description: 'Default owner applied to all entities when no specific owner is configured (user or team name/email)',
      }),
    ),
    service: Type.Optional(Type.String({ description: 'Owner for the service level' })),
    database: ownerLevel(
      'Owner for database entities. Can be a single owner for all databases, or a map of database names to owner(s).',
      'Single owner (user or team) for all databases',
      'Map of database names to their owner(s)',
    ),
    databaseSchema: ownerLevel(
      'Owner for schema entities. Can be a single owner for all schemas, or a map of schema FQNs to owner(s).',
      'Single owner (user or team) for all schemas',
      'Map of schema names/FQNs to their owner(s)',
    ),
    table: ownerLevel(
      'Owner for table entities. Can be a single owner for all tables, or a map of table FQNs to owner(s).',
      'Single owner (user or team) for all tables',
      'Map of table names/FQNs to their owner(s)',
    ),
    enableInheritance: Type.Optional(
      Type.Boolean({
        description: "Enable child entities to inherit owner from parent entities when they don't have a specific owner configured",
        default: true,
      }),
    ),
  },
  {
    title: 'Hierarchical Owner Configuration',
    description: 'Advanced configuration for managing owners at multiple hierarchy levels (Service, Database, Schema, Table) with custom mappings and inheritance rules.',
    additionalProperties: false,
  },
)

export const IncrementalMetadataExtraction = Type.Object(
  {
    enabled: Type.Boolean({
      title: 'Enabled',
      description: 'If True, enables Metadata Extraction to be incremental',
      default: false,
    }),
    lookbackDays: Type.Optional(
      Type.Integer({
        title: 'Successful Pipeline Run Lookback Days',
        description: 'Number os days to search back for a successful pipeline run. The timestamp of the last found successful pipeline run will be used as a base to search for updated entities.',
        default: 7,
      }),
    ),
    safetyMarginDays: Type.Optional(
      Type.Integer({
        title: 'Safety Margin Days',
        description: 'Number of days to add to the last successful pipeline run timestamp to search for updated entities.',
        default: 1,
      }),
    ),
  },
  {
    title: 'Incremental Metadata Extraction Configuration',
    description: 'Use incremental Metadata extraction after the first execution. This is commonly done by getting the changes from Audit tables on the supporting databases.',
    additionalProperties: false,
  },
)

function flag(title: string, description: string, dflt: boolean) {
  return Type.Optional(Type.Boolean({ title, description, default: dflt }))
}
function integer(title: string, description: string, dflt: number, extra: Record<string, number> = {}) {
  return Type.Optional(Type.Integer({ title, description, default: dflt, ...extra }))
}

/** OpenMetadata `DatabaseServiceMetadataPipeline` — every property of the spec file, same defaults. */
export const DatabaseServiceMetadataPipeline = Type.Object(
  {
    type: Type.Optional(
      Type.Enum(['DatabaseMetadata'], {
        description: 'Pipeline type',
        type: 'string',
        default: 'DatabaseMetadata',
      }),
    ),
    markDeletedTables: flag(
      'Mark Deleted Tables',
      'This is an optional configuration for enabling soft deletion of tables. When this option is enabled, only tables that have been deleted from the source will be soft deleted, and this will apply solely to the schema that is currently being ingested via the pipeline. Any related entities such as test suites or lineage information that were associated with those tables will also be deleted.',
      true,
    ),
    markDeletedStoredProcedures: flag(
      'Mark Deleted Stored Procedures',
      'Optional configuration to soft delete stored procedures in OpenMetadata if the source stored procedures are deleted. Also, if the stored procedures is deleted, all the associated entities like lineage, etc., with that stored procedures will be deleted',
      true,
    ),
    markDeletedSchemas: flag(
      'Mark Deleted Schemas',
      'Optional configuration to soft delete schemas in OpenMetadata if the source schemas are deleted. Also, if the schema is deleted, all the associated entities like tables, views, stored procedures, lineage, etc., with that schema will be deleted',
      false,
    ),
    markDeletedDatabases: flag(
      'Mark Deleted Databases',
      'Optional configuration to soft delete databases in OpenMetadata if the source databases are deleted. Also, if the database is deleted, all the associated entities like schemas, tables, views, stored procedures, lineage, etc., with that database will be deleted',
      false,
    ),
    includeTables: flag('Include Tables', 'Optional configuration to turn off fetching metadata for tables.', true),
    includeViews: flag('Include Views', 'Optional configuration to turn off fetching metadata for views.', true),
    includeTags: flag('Include Tags', 'Optional configuration to toggle the tags ingestion.', true),
    includeOwners: flag(
      'Include Owners',
      "Set the 'Include Owners' toggle to control whether to include owners to the ingested entity if the owner email matches with a user stored in the OM server as part of metadata ingestion. If the ingested entity already exists and has an owner, the owner will not be overwritten.",
      false,
    ),
    ownerConfig: Type.Optional(OwnerConfig),
    includeStoredProcedures: flag('Include Stored Procedures', 'Optional configuration to toggle the Stored Procedures ingestion.', true),
    includeDDL: flag('Include DDL Statements', 'Optional configuration to toggle the DDL Statements ingestion.', false),
    overrideMetadata: flag(
      'Override Metadata',
      "Set the 'Override Metadata' toggle to control whether to override the existing metadata in the OpenMetadata server with the metadata fetched from the source. If the toggle is set to true, the metadata fetched from the source will override the existing metadata in the OpenMetadata server. If the toggle is set to false, the metadata fetched from the source will not override the existing metadata in the OpenMetadata server. This is applicable for fields like description, tags, owner and displayName",
      false,
    ),
    queryLogDuration: integer('Query Log Duration', 'Configuration to tune how far we want to look back in query logs to process Stored Procedures results.', 1),
    queryParsingTimeoutLimit: integer('Query Parsing Timeout Limit', 'Configuration to set the timeout for parsing the query in seconds.', 300),
    useFqnForFiltering: flag('Use FQN For Filtering', 'Regex will be applied on fully qualified name (e.g service_name.db_name.schema_name.table_name) instead of raw name (e.g. table_name)', false),
    schemaFilterPattern: Type.Optional(filterPatternProperty('Schema Filter Pattern', 'Regex to only include/exclude schemas that matches the pattern.')),
    tableFilterPattern: Type.Optional(filterPatternProperty('Table Filter Pattern', 'Regex to only include/exclude tables that matches the pattern.')),
    databaseFilterPattern: Type.Optional(filterPatternProperty('Database Filter Pattern', 'Regex to only include/exclude databases that matches the pattern.')),
    storedProcedureFilterPattern: Type.Optional(filterPatternProperty('Stored Procedure Filter Pattern', 'Regex to only include/exclude stored procedures that matches the pattern.')),
    threads: integer('Number of Threads', 'Number of Threads to use in order to parallelize Table ingestion.', 1),
    incremental: Type.Optional(IncrementalMetadataExtraction),
    extractJsonSchema: flag(
      'Extract JSON Schema',
      'Extract JSON schema from JSON columns by sampling data. This requires SELECT permission on the tables. If disabled or if SELECT fails, JSON columns will be ingested without schema information.',
      false,
    ),
    jsonSchemaSampleSize: integer(
      'JSON Schema Sample Size',
      'Number of rows to sample for inferring JSON schema. A larger sample size provides more accurate schema inference but increases query time.',
      10,
      { minimum: 1, maximum: 1000 },
    ),
  },
  {
    title: 'DatabaseServiceMetadataPipeline',
    description: 'DatabaseService Metadata Pipeline Configuration.',
    additionalProperties: false,
  },
)
export type DatabaseServiceMetadataPipelineT = Static<typeof DatabaseServiceMetadataPipeline>

// ---------------------------------------------------------------------------------------------------------------
// Source
// ---------------------------------------------------------------------------------------------------------------

/** Our service options (not OpenMetadata's): the `options` property of a Source request body. */
export const SourceOptions = Type.Object(
  {
    includeFederatedCatalogs: Type.Optional(
      Type.Boolean({
        description: 'Also ingest the federated/S3 Tables data catalogs registered in Athena, not only the Glue Data Catalog.',
        default: false,
      }),
    ),
    schemaConcurrency: Type.Optional(
      Type.Integer({
        description: 'How many schemas are read from AWS in parallel (the service default applies when absent).',
        minimum: 1,
        maximum: 32,
      }),
    ),
    storageServiceName: Type.Optional(
      Type.String({
        description:
          'Name of the OpenMetadata storage service (S3) holding the tables\' data: when set, each table with an S3 location gets a lineage edge from its container (storageService.bucket."path") to the table.',
        minLength: 1,
        maxLength: 256,
      }),
    ),
    includeViewLineage: Type.Optional(
      Type.Boolean({
        description: "Emit lineage from the tables a view reads to the view, parsed from the view's SQL (default true).",
        default: true,
      }),
    ),
    maxAttempts: Type.Optional(
      Type.Integer({
        description: 'Attempts per AWS call for this request (throttling, 5xx and connection resets are retried with back-off and jitter); the service default (AWS_MAX_ATTEMPTS) applies when absent.',
        minimum: 1,
        maximum: 20,
      }),
    ),
  },
  {
    title: 'SourceOptions',
    description: "Options of this service, not part of OpenMetadata's workflow source block (which is closed): they sit next to it.",
    additionalProperties: false,
  },
)
export type SourceOptionsT = Static<typeof SourceOptions>

const workflowSourceProperties = {
  type: Type.Optional(
    Type.Enum(['athena'], {
      description: 'Type of the source connector (OpenMetadata workflow source.type); always athena here.',
      type: 'string',
    }),
  ),
  serviceName: Type.Optional(entityName('Name of the OpenMetadata database service the entities belong to.')),
  serviceConnection: AthenaServiceConnection,
  sourceConfig: Type.Optional(
    Type.Object(
      { config: Type.Optional(DatabaseServiceMetadataPipeline) },
      {
        title: 'SourceConfig',
        description: 'Workflow sourceConfig; only the DatabaseMetadata pipeline is supported.',
        additionalProperties: false,
      },
    ),
  ),
}

/** The `source` block of an OpenMetadata ingestion workflow for Athena, exactly as OpenMetadata has it. */
export const WorkflowSource = Type.Object(workflowSourceProperties, {
  title: 'WorkflowSource',
  description: 'The source block of an OpenMetadata metadata ingestion workflow for Athena.',
  additionalProperties: false,
})
export type WorkflowSourceT = Static<typeof WorkflowSource>

/**
 * Request body of ingestion: OpenMetadata's workflow `source` block plus our own optional `options` (a property
 * OpenMetadata does not have; strip it with `toWorkflowSource` before handing the block to OpenMetadata).
 */
export const Source = Type.Object(
  { ...workflowSourceProperties, options: Type.Optional(SourceOptions), ...sinkProperties },
  {
    title: 'Source',
    description:
      "The source block of an OpenMetadata metadata ingestion workflow for Athena ({type?, serviceName?, serviceConnection: {config: AthenaConnection}, sourceConfig?: {config?: DatabaseServiceMetadataPipeline}}), plus `options`: this service's own options, which are NOT part of OpenMetadata's (closed) source block; plus the workflow's optional `sink` and `workflowConfig` blocks (schemas/sink.ts): with them every record is also written to that OpenMetadata server.",
    additionalProperties: false,
  },
)
export type SourceT = Static<typeof Source>

/** The OpenMetadata workflow source block of a Source body (drops our `options` and the workflow's sink blocks). */
export function toWorkflowSource(source: SourceT): WorkflowSourceT {
  const { options: _options, sink: _sink, workflowConfig: _workflowConfig, ...rest } = source
  return rest
}
