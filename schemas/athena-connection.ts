/**
 * TypeBox mirrors of OpenMetadata's Athena connection contract.
 *
 * Sources (see /work/shared/openmetadata-spec/README.md):
 *  - `AwsCredentials`   ← security/credentials/awsCredentials.json (field for field, same titles/descriptions).
 *  - `FilterPattern`    ← type/filterPattern.json#/definitions/filterPattern (upstream's `default: null` on the two
 *                         arrays is dropped: a null default would be injected by ajv `useDefaults` and then fail
 *                         `type: array`).
 *  - `AthenaConnection` ← ui-resolved/connections/database/athenaConnection.json (the UI's dereferenced copy of current
 *                         upstream; the stored entity/.../athenaConnection.json is stale), property by property, plus
 *                         the optional `catalogId` that upstream PR #25356 (Jan 2026) added after that copy was made.
 *
 * The schemas carry no `$id` (Fastify would try to register them) but do carry a `title` so OpenAPI shows names.
 * test/schema-parity.test.ts proves the parity with the spec files (names, required, types, enums, formats, defaults,
 * additionalProperties, titles and descriptions where upstream has them).
 *
 * Deliberate deviations from upstream (all documented on the property too):
 *  - `connectionArguments`: upstream's `additionalProperties` is `{".{1,}": {"type": "string"}}`, i.e. a schema made
 *    of one unknown keyword, which validators treat as `{}` (anything). We state that honestly as
 *    `additionalProperties: true` (an object of arbitrary values).
 *  - `sampleDataStorageConfig.config`: upstream is `oneOf [ {closed empty object}, dataStorageConfig (open object, all
 *    properties optional) ]`, which REJECTS `{}` (both branches match) and whose inner defaults are never applied
 *    (ajv ignores defaults under oneOf). We use the single open object with the dataStorageConfig properties (no
 *    defaults, so an empty config stays "no sample data storage"), which accepts everything upstream accepts plus `{}`.
 *    Its `storageConfig` keeps upstream's two choices, as an anyOf whose "OpenMetadata Storage" branch is written
 *    `maxProperties: 0` instead of `additionalProperties: false`: same meaning, but immune to Fastify's
 *    `removeAdditional: true`, which would otherwise strip any object down to `{}` inside that branch and let it match;
 *    and its AWS branch has no `default` on assumeRoleSessionName (ajv in strict mode, as Fastify runs it, refuses a
 *    default under anyOf: "strict mode: default is ignored").
 */
import { Type, type Static } from 'typebox'

// ---------------------------------------------------------------------------------------------------------------
// AWS credentials (security/credentials/awsCredentials.json)
// ---------------------------------------------------------------------------------------------------------------

const awsCredentialsProperties = {
  awsAccessKeyId: Type.Optional(Type.String({ title: 'AWS Access Key ID', description: 'AWS Access key ID.' })),
  awsSecretAccessKey: Type.Optional(Type.String({ title: 'AWS Secret Access Key', description: 'AWS Secret Access Key.', format: 'password' })),
  awsRegion: Type.String({ title: 'AWS Region', description: 'AWS Region' }),
  awsSessionToken: Type.Optional(Type.String({ title: 'AWS Session Token', description: 'AWS Session Token.' })),
  endPointURL: Type.Optional(Type.String({ title: 'Endpoint URL', description: 'EndPoint URL for the AWS', format: 'uri' })),
  profileName: Type.Optional(Type.String({ title: 'Profile Name', description: 'The name of a profile to create the boto session.' })),
  assumeRoleArn: Type.Optional(
    Type.String({
      title: 'Role Arn for Assume Role',
      description: 'The Amazon Resource Name (ARN) of the role to assume. Required Field in case of Assume Role',
    }),
  ),
  assumeRoleSessionName: Type.Optional(
    Type.String({
      title: 'Role Session Name for Assume Role',
      description:
        'An identifier for the assumed role session. Use the role session name to uniquely identify a session when the same role is assumed by different principals or for different reasons. Required Field in case of Assume Role',
      default: 'OpenMetadataSession',
    }),
  ),
  assumeRoleSourceIdentity: Type.Optional(
    Type.String({
      title: 'Source Identity for Assume Role',
      description: 'The Amazon Resource Name (ARN) of the role to assume. Optional Field in case of Assume Role',
    }),
  ),
}

/** OpenMetadata `AWSCredentials` (security/credentials/awsCredentials.json). */
export const AwsCredentials = Type.Object(awsCredentialsProperties, {
  title: 'AWSCredentials',
  description: 'AWS credentials configs.',
  additionalProperties: false,
})
export type AwsCredentialsT = Static<typeof AwsCredentials>

// ---------------------------------------------------------------------------------------------------------------
// Filter pattern (type/filterPattern.json#/definitions/filterPattern)
// ---------------------------------------------------------------------------------------------------------------

const filterPatternProperties = {
  includes: Type.Optional(
    Type.Array(Type.String(), {
      description: 'List of strings/regex patterns to match and include only database entities that match.',
    }),
  ),
  excludes: Type.Optional(
    Type.Array(Type.String(), {
      description: 'List of strings/regex patterns to match and exclude only database entities that match.',
    }),
  ),
}

/** OpenMetadata `FilterPattern`: regexes to include/exclude entities by name. */
export const FilterPattern = Type.Object(filterPatternProperties, {
  title: 'FilterPattern',
  description: 'Regex to only fetch entities that matches the pattern.',
  additionalProperties: false,
})
export type FilterPatternT = Static<typeof FilterPattern>

/** A FilterPattern with the title/description a given property has upstream. */
export function filterPatternProperty(title: string, description: string) {
  return Type.Object(filterPatternProperties, { title, description, additionalProperties: false })
}

// ---------------------------------------------------------------------------------------------------------------
// Sample data storage (entity/services/connections/connectionBasicType.json#/definitions/sampleDataStorageConfig)
// ---------------------------------------------------------------------------------------------------------------

/** `dataStorageConfig` (simplified `config` of `sampleDataStorageConfig`; see the file comment). */
export const SampleDataStorageConfigConfig = Type.Object(
  {
    bucketName: Type.Optional(Type.String({ title: 'Bucket Name', description: 'Bucket Name' })),
    prefix: Type.Optional(Type.String({ title: 'Prefix', description: 'Prefix of the data source.' })),
    filePathPattern: Type.Optional(
      Type.String({
        title: 'File Path Pattern',
        description:
          'Provide the pattern of the path where the generated sample data file needs to be stored. ' +
          'Upstream default: {service_name}/{database_name}/{database_schema_name}/{table_name}/sample_data.parquet',
      }),
    ),
    overwriteData: Type.Optional(
      Type.Boolean({
        title: 'Overwrite Sample Data',
        description: 'When this field enabled a single parquet file will be created to store sample data, otherwise we will create a new file per day. Upstream default: true',
      }),
    ),
    storageConfig: Type.Optional(
      Type.Union([
        Type.Object({}, { title: 'OpenMetadata Storage', maxProperties: 0 }),
        Type.Object(
          {
            ...awsCredentialsProperties,
            // ajv (strict, as Fastify runs it) refuses a `default` under anyOf, where it is never applied anyway.
            assumeRoleSessionName: Type.Optional(
              Type.String({
                title: 'Role Session Name for Assume Role',
                description:
                  'An identifier for the assumed role session. Use the role session name to uniquely identify a session when the same role is assumed by different principals or for different reasons. Required Field in case of Assume Role. Upstream default: OpenMetadataSession',
              }),
            ),
          },
          { title: 'AWS S3 Storage Config', description: 'AWS credentials configs.', additionalProperties: false },
        ),
      ]),
    ),
  },
  {
    title: 'Sample Data Storage Config',
    description:
      'Storage config to store sample data. An empty object means "No Sample Data Storage Config". ' +
      "Simplified from upstream's oneOf (which rejects {}); upstream defaults are listed in the descriptions, not applied.",
  },
)

export const SampleDataStorageConfig = Type.Object(
  { config: Type.Optional(SampleDataStorageConfigConfig) },
  {
    title: 'Storage Config for Sample Data',
    description: 'Storage config to store sample data',
    additionalProperties: false,
  },
)
export type SampleDataStorageConfigT = Static<typeof SampleDataStorageConfig>

// ---------------------------------------------------------------------------------------------------------------
// AthenaConnection (ui-resolved/connections/database/athenaConnection.json + catalogId)
// ---------------------------------------------------------------------------------------------------------------

export const ConnectionOptions = Type.Unsafe<Record<string, string>>({
  title: 'Connection Options',
  description: 'Additional connection options to build the URL that can be sent to service during the connection.',
  type: 'object',
  additionalProperties: { type: 'string' },
})

export const ConnectionArguments = Type.Unsafe<Record<string, unknown>>({
  title: 'Connection Arguments',
  description:
    'Additional connection arguments such as security or protocol configs that can be sent to service during connection. ' +
    '(Any values: upstream\'s additionalProperties schema `{".{1,}": {...}}` constrains nothing.)',
  type: 'object',
  additionalProperties: true,
})

function supportsFlag(title: string, description: string) {
  return Type.Optional(Type.Boolean({ title, description, default: true }))
}

/**
 * The properties of `AthenaConnection`, in upstream order, exported so that request schemas can reuse them
 * (e.g. the flattened ConnectionInput in schemas/requests.ts).
 */
export const athenaConnectionProperties = {
  type: Type.Optional(Type.Enum(['Athena'], { title: 'Service Type', description: 'Service Type', type: 'string', default: 'Athena' })),
  scheme: Type.Optional(
    Type.Enum(['awsathena+rest'], {
      title: 'Connection Scheme',
      description: 'SQLAlchemy driver scheme options.',
      type: 'string',
      default: 'awsathena+rest',
    }),
  ),
  awsConfig: Type.Object(awsCredentialsProperties, {
    title: 'AWS Credentials Configuration',
    description: 'AWS credentials configs.',
    additionalProperties: false,
  }),
  s3StagingDir: Type.String({
    title: 'S3 Staging Directory',
    description: 'S3 Staging Directory. Example: s3://postgres/input/',
    format: 'uri',
  }),
  workgroup: Type.String({ title: 'Athena Workgroup', description: 'Athena workgroup.' }),
  databaseName: Type.Optional(
    Type.String({
      title: 'Database Name',
      description: 'Optional name to give to the database in OpenMetadata. If left blank, we will use default as the database name.',
    }),
  ),
  connectionOptions: Type.Optional(ConnectionOptions),
  connectionArguments: Type.Optional(ConnectionArguments),
  schemaFilterPattern: Type.Optional(filterPatternProperty('Default Schema Filter Pattern', 'Regex to only include/exclude schemas that matches the pattern.')),
  tableFilterPattern: Type.Optional(filterPatternProperty('Default Table Filter Pattern', 'Regex to only include/exclude tables that matches the pattern.')),
  databaseFilterPattern: Type.Optional(filterPatternProperty('Default Database Filter Pattern', 'Regex to only include/exclude databases that matches the pattern.')),
  supportsMetadataExtraction: supportsFlag('Supports Metadata Extraction', 'Supports Metadata Extraction.'),
  supportsDBTExtraction: supportsFlag('Supports DBT Extraction', 'Supports DBT Extraction.'),
  supportsProfiler: supportsFlag('Supports Profiler', 'Supports Profiler'),
  supportsQueryComment: supportsFlag('Supports Query Comment', 'For Database Services using SQLAlchemy, True to enable running a comment for all queries run from OpenMetadata.'),
  supportsUsageExtraction: supportsFlag('Supports Usage Extraction', 'Supports Usage Extraction.'),
  supportsLineageExtraction: supportsFlag('Supports Lineage Extraction', 'Supports Lineage Extraction.'),
  supportsDataDiff: supportsFlag('Supports Data Diff Extraction.', 'Supports the data diff data qualty specification.'),
  sampleDataStorageConfig: Type.Optional(SampleDataStorageConfig),
  catalogId: Type.Optional(
    Type.String({
      title: 'Catalog ID',
      description:
        'Optional data catalog to read from instead of the default Glue Data Catalog: the catalog ID of a cross-account ' +
        'Glue Data Catalog or of an S3 Tables catalog. Passed as CatalogId to Glue/Lake Formation calls and as the ' +
        "catalog of Athena queries. Added by upstream OpenMetadata PR #25356 (Jan 2026); not in the spec's ui-resolved copy.",
    }),
  ),
}

/** Property names that exist only in our schema, not in the spec's ui-resolved copy (see README: PR #25356). */
export const ATHENA_CONNECTION_EXTRA_PROPERTIES = ['catalogId'] as const

/** OpenMetadata `AthenaConnection` (current upstream, incl. `catalogId`). */
export const AthenaConnection = Type.Object(athenaConnectionProperties, {
  title: 'AthenaConnection',
  description: 'AWS Athena Connection Config',
  additionalProperties: false,
})
export type AthenaConnectionT = Static<typeof AthenaConnection>
