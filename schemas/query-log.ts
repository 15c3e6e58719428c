/**
 * Query history (`POST /v1/query-log`): OpenMetadata's usage and lineage workflow configs, the request
 * body and the JSON answer.
 *
 * `sourceConfig.config` is OpenMetadata's `DatabaseServiceQueryUsagePipeline` (metadataIngestion/
 * databaseServiceQueryUsagePipeline.json, `type: DatabaseUsage`) or `DatabaseServiceQueryLineagePipeline`
 * (.../databaseServiceQueryLineagePipeline.json, `type: DatabaseLineage`), property for property, closed.
 * Which one is decided by `type` with if/then/else, not anyOf (see schemas/requests.ts on why anyOf makes
 * useless 400s): `type: DatabaseLineage` selects the lineage config, anything else (or no type) the usage config.
 */
import { Type, type Static } from 'typebox'
import { filterPatternProperty } from './athena-connection.js'
import { AthenaServiceConnection, entityName } from './requests.js'
import { StepSummary } from './openmetadata.js'
import { sinkProperties } from './sink.js'

function flag(title: string, description: string, dflt: boolean) {
  return Type.Optional(Type.Boolean({ title, description, default: dflt }))
}
function integer(title: string, description: string, dflt: number, extra: Record<string, number> = {}) {
  return Type.Optional(Type.Integer({ title, description, default: dflt, ...extra }))
}
function text(title: string, description: string, dflt?: string) {
  return Type.Optional(Type.String({ title, description, ...(dflt !== undefined ? { default: dflt } : {}) }))
}

/** OpenMetadata `DatabaseServiceQueryUsagePipeline` — every property of the spec file, same defaults. */
export const DatabaseServiceQueryUsagePipeline = Type.Object(
  {
    type: Type.Optional(Type.Enum(['DatabaseUsage'], { description: 'Pipeline type', type: 'string', default: 'DatabaseUsage' })),
    queryLogDuration: integer('Query Log Duration', 'Configuration to tune how far we want to look back in query logs to process usage data.', 1),
    stageFileLocation: text('Stage File Location', 'Temporary file name to store the query logs before processing. Absolute file path required.', '/tmp/query_log'),
    filterCondition: text('Filter Condition', 'Configuration the condition to filter the query history.'),
    resultLimit: integer('Result Limit', 'Configuration to set the limit for query logs', 1000),
    queryLogFilePath: text('Query Log File Path', 'Configuration to set the file path for query logs'),
    processQueryCostAnalysis: flag('Process Query Cost', 'Configuration to process query cost', true),
  },
  {
    title: 'DatabaseServiceQueryUsagePipeline',
    description: 'DatabaseService Query Usage Pipeline Configuration.',
    additionalProperties: false,
  },
)
export type DatabaseServiceQueryUsagePipelineT = Static<typeof DatabaseServiceQueryUsagePipeline>

/** OpenMetadata `DatabaseServiceQueryLineagePipeline` — every property of the spec file, same defaults. */
export const DatabaseServiceQueryLineagePipeline = Type.Object(
  {
    type: Type.Optional(Type.Enum(['DatabaseLineage'], { description: 'Pipeline type', type: 'string', default: 'DatabaseLineage' })),
    queryLogDuration: integer('Query Log Duration', 'Configuration to tune how far we want to look back in query logs to process lineage data.', 1),
    queryLogFilePath: text('Query Log File Path', 'Configuration to set the file path for query logs'),
    resultLimit: integer('Result Limit', 'Configuration to set the limit for query logs', 1000),
    parsingTimeoutLimit: integer('Parsing Timeout Limit', 'Configuration to set the timeout for parsing the query in seconds.', 300),
    filterCondition: text('Filter Condition', 'Configuration the condition to filter the query history.'),
    schemaFilterPattern: Type.Optional(filterPatternProperty('Schema Filter Pattern', 'Regex to only fetch tables or databases that matches the pattern.')),
    tableFilterPattern: Type.Optional(filterPatternProperty('Table Filter Pattern', 'Regex exclude tables or databases that matches the pattern.')),
    databaseFilterPattern: Type.Optional(filterPatternProperty('Database Filter Pattern', 'Regex to only fetch databases that matches the pattern.')),
    storedProcedureFilterPattern: Type.Optional(filterPatternProperty('Stored Procedure Filter Pattern', 'Regex to only fetch stored procedures that matches the pattern.')),
    overrideViewLineage: flag('Override View Lineage', "Set the 'Override View Lineage' toggle to control whether to override the existing view lineage.", false),
    processViewLineage: flag('Process View Lineage', "Set the 'Process View Lineage' toggle to control whether to process view lineage.", true),
    processQueryLineage: flag('Process Query Lineage', "Set the 'Process Query Lineage' toggle to control whether to process query lineage.", true),
    processStoredProcedureLineage: flag('Process Stored Procedure Lineage', "Set the 'Process Stored ProcedureLog Lineage' toggle to control whether to process stored procedure lineage.", true),
    threads: integer('Number of Threads', 'Number of Threads to use in order to parallelize lineage ingestion.', 1, { minimum: 1 }),
    processCrossDatabaseLineage: flag(
      'Process Cross Database Lineage',
      "Set the 'Process Cross Database Lineage' toggle to control whether to process table lineage across different databases.",
      false,
    ),
    crossDatabaseServiceNames: Type.Optional(
      Type.Array(Type.String(), {
        title: 'Cross Database Service Names',
        description: "Set 'Cross Database Service Names' to process lineage with the database.",
      }),
    ),
    enableTempTableLineage: flag('Enable Temp Table Lineage', 'Handle Lineage for Snowflake Temporary and Transient Tables. ', false),
    incrementalLineageProcessing: flag('Incremental Lineage Processing', "Set the 'Incremental Lineage Processing' toggle to control whether to process lineage incrementally.", true),
  },
  {
    title: 'DatabaseServiceQueryLineagePipeline',
    description: 'DatabaseService Query Lineage Pipeline Configuration.',
    additionalProperties: false,
  },
)
export type DatabaseServiceQueryLineagePipelineT = Static<typeof DatabaseServiceQueryLineagePipeline>

export type QueryLogPipelineT = DatabaseServiceQueryUsagePipelineT | DatabaseServiceQueryLineagePipelineT

/** `type: DatabaseLineage` → the lineage config; otherwise the usage config (its `type` is optional upstream too). */
export const QueryLogPipeline = Type.Unsafe<QueryLogPipelineT>({
  title: 'QueryLogPipeline',
  description: 'DatabaseServiceQueryUsagePipeline (type DatabaseUsage, the default) or DatabaseServiceQueryLineagePipeline (type DatabaseLineage).',
  type: 'object',
  if: { type: 'object', required: ['type'], properties: { type: { const: 'DatabaseLineage' } } },
  then: DatabaseServiceQueryLineagePipeline,
  else: DatabaseServiceQueryUsagePipeline,
})

export const QueryLogOptions = Type.Object(
  {
    maxAttempts: Type.Optional(
      Type.Integer({
        description: 'Attempts per AWS call for this request (throttling, 5xx and connection resets are retried with back-off and jitter); the service default (AWS_MAX_ATTEMPTS) applies when absent.',
        minimum: 1,
        maximum: 20,
      }),
    ),
  },
  {
    title: 'QueryLogOptions',
    description: "Options of this service, not part of OpenMetadata's workflow source block (which is closed).",
    additionalProperties: false,
  },
)

/** Request body: an OpenMetadata usage or lineage workflow `source` block for Athena, plus our `options`. */
export const QueryLogSource = Type.Object(
  {
    type: Type.Optional(
      Type.Enum(['athena', 'athena-usage', 'athena-lineage'], {
        description: 'Type of the source connector (OpenMetadata workflow source.type: athena-usage, athena-lineage, or athena).',
        type: 'string',
      }),
    ),
    serviceName: entityName('Name of the OpenMetadata database service the queries ran against.'),
    serviceConnection: AthenaServiceConnection,
    sourceConfig: Type.Optional(
      Type.Object(
        { config: Type.Optional(QueryLogPipeline) },
        {
          title: 'SourceConfig',
          description: 'Workflow sourceConfig: a DatabaseUsage or DatabaseLineage pipeline (default: DatabaseUsage with its defaults).',
          additionalProperties: false,
        },
      ),
    ),
    options: Type.Optional(QueryLogOptions),
    ...sinkProperties,
  },
  {
    title: 'QueryLogSource',
    description:
      "The source block of an OpenMetadata usage or lineage workflow for Athena ({type?, serviceName, serviceConnection: {config: AthenaConnection}, sourceConfig?: {config?: DatabaseUsage | DatabaseLineage pipeline}}), plus `options`: this service's own options, NOT part of OpenMetadata's (closed) source block; plus the workflow's optional `sink` and `workflowConfig` blocks (schemas/sink.ts): with them a DatabaseUsage run writes the queries, the table usage and the usage percentiles to that OpenMetadata server, a DatabaseLineage run the lineage.",
    additionalProperties: false,
  },
)
export type QueryLogSourceT = Static<typeof QueryLogSource>

// ---------------------------------------------------------------------------------------------------------------
// The answer (JSON form)
// ---------------------------------------------------------------------------------------------------------------

const open = { additionalProperties: true }

export const TableQuery = Type.Object(
  {
    query: Type.String(),
    query_type: Type.Optional(Type.String({ description: "Athena's SubstatementType (SELECT, INSERT, CREATE_TABLE_AS_SELECT …), else its StatementType" })),
    startTime: Type.Optional(Type.String()),
    endTime: Type.Optional(Type.String()),
    analysisDate: Type.Optional(Type.String({ format: 'date-time' })),
    aborted: Type.Optional(Type.Boolean()),
    serviceName: Type.String(),
    databaseName: Type.Optional(Type.String()),
    databaseSchema: Type.Optional(Type.String()),
    duration: Type.Optional(Type.Number({ description: 'TotalExecutionTimeInMillis (milliseconds)' })),
    dialect: Type.Optional(Type.String()),
    exclude_usage: Type.Optional(Type.Boolean()),
  },
  { title: 'TableQuery', description: 'OpenMetadata type/tableQuery.json#/definitions/tableQuery', ...open },
)

const QueryRecordFields = {
  queryExecutionId: Type.String(),
  workGroup: Type.String(),
  state: Type.String({ description: 'SUCCEEDED, FAILED or CANCELLED' }),
  statementType: Type.Optional(Type.String({ description: 'DDL, DML or UTILITY' })),
}

export const QueryLogDocument = Type.Object(
  {
    queries: Type.Array(Type.Object({ ...QueryRecordFields, entity: TableQuery }, open)),
    lineage: Type.Array(Type.Object({ queryExecutionId: Type.String(), entity: Type.Object({}, { ...open, description: 'AddLineageRequest (api/lineage/addLineage.json), entities by FQN' }) }, open)),
    usage: Type.Array(Type.Object({ entity: Type.Object({}, { ...open, description: 'TableUsageCount (type/tableUsageCount.json)' }) }, open)),
    status: StepSummary,
    sinkStatus: Type.Optional(StepSummary),
    elapsedMs: Type.Integer(),
    totals: Type.Object({}, open),
  },
  {
    title: 'QueryLogDocument',
    description:
      'The query history as one JSON document (Accept: application/json): the NDJSON records grouped by kind, without `kind`. ' +
      'The default answer is NDJSON (application/x-ndjson): `query` records (a TableQuery plus queryExecutionId, workGroup, state), ' +
      '`lineage` records (AddLineageRequest; DatabaseLineage only), `usageSummary` records (TableUsageCount), and last the `status` line. ' +
      "With workflowConfig each item also carries sink: {status, httpStatus, error?} and the document sinkStatus, the OpenMetadata sink's own StepSummary.",
    ...open,
  },
)
