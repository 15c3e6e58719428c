/**
 * The bodies and answers of the pipeline-service routes OpenMetadata's AirflowRESTClient calls (deploy, trigger,
 * status, enable, disable, delete, kill, last_dag_logs, ip), shaped as the openmetadata-airflow-apis plugin takes
 * and answers them. The deployed entity is OpenMetadata's IngestionPipeline
 * (entity/services/ingestionPipelines/ingestionPipeline.json): closed where this service depends on a field, open
 * elsewhere (the server serialises the whole entity and newer servers add fields). What an Athena pipeline must
 * be (its type, its service, its schedule) is checked by the service layer, which names the field.
 */
import { Type, type Static } from 'typebox'
import { OpenMetadataServerConfig } from './sink.js'

const EntityReference = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'The service id.' })),
    type: Type.String({ description: 'The entity type of the service; databaseService here.' }),
    name: Type.Optional(Type.String({ description: 'The service name (its FQN).' })),
    fullyQualifiedName: Type.Optional(Type.String()),
  },
  { title: 'EntityReference', additionalProperties: true },
)

export const AirflowConfig = Type.Object(
  {
    scheduleInterval: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Cron (5 fields) or an Airflow preset (@daily …); absent or null: runs only when triggered.' })),
    startDate: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'No scheduled run before it (ISO date-time).' })),
    endDate: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'No scheduled run after it (ISO date-time).' })),
    pipelineTimezone: Type.Optional(Type.String({ description: 'IANA time zone the cron is read in (default UTC).' })),
    pipelineCatchup: Type.Optional(Type.Boolean()),
    pausePipeline: Type.Optional(Type.Boolean({ description: 'Deployed paused (no scheduled run until enabled).' })),
    retries: Type.Optional(Type.Integer({ description: 'Further attempts after a failed run.' })),
    retryDelay: Type.Optional(Type.Integer({ description: 'Seconds between a failed attempt and the next.' })),
    maxActiveRuns: Type.Optional(Type.Integer()),
    workflowTimeout: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  },
  { title: 'AirflowConfig', additionalProperties: true },
)

export const IngestionPipelineBody = Type.Object(
  {
    id: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, maxLength: 256, description: 'The pipeline name; its DAG id is the name with every character outside [0-9a-zA-Z-_] replaced by _.' }),
    fullyQualifiedName: Type.Optional(Type.String({ description: '<service>.<name>: where run statuses are reported.' })),
    pipelineType: Type.String({ description: 'metadata, usage or lineage (the Athena pipelines this service runs).' }),
    sourceConfig: Type.Object({ config: Type.Optional(Type.Object({ type: Type.Optional(Type.String()) }, { additionalProperties: true })) }, { additionalProperties: true }),
    airflowConfig: AirflowConfig,
    service: EntityReference,
    openMetadataServerConnection: OpenMetadataServerConfig,
    loggerLevel: Type.Optional(Type.String()),
    enabled: Type.Optional(Type.Boolean()),
    deployed: Type.Optional(Type.Boolean()),
  },
  {
    title: 'IngestionPipeline',
    description:
      'The IngestionPipeline entity OpenMetadata deploys (entity/services/ingestionPipelines/ingestionPipeline.json): a metadata, usage or lineage ' +
      'pipeline of an Athena database service, with the bot connection (openMetadataServerConnection) the runs use.',
    additionalProperties: true,
  },
)
export type IngestionPipelineBodyT = Static<typeof IngestionPipelineBody>

export const DagIdBody = Type.Object(
  { dag_id: Type.String({ minLength: 1, maxLength: 256, description: "The pipeline's name (OpenMetadata sends IngestionPipeline.name)." }) },
  { title: 'DagId', additionalProperties: true },
)

export const TriggerBody = Type.Object(
  {
    dag_id: Type.String({ minLength: 1, maxLength: 256, description: "The pipeline's name." }),
    conf: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Accepted and ignored: only applications take a conf.' })),
  },
  { title: 'TriggerRequest', additionalProperties: true },
)

const DAG_ID_EXAMPLE = 'athena_sandbox_metadata_Xz9Ab'

export const DagIdQuery = Type.Object({ dag_id: Type.String({ minLength: 1, maxLength: 256, examples: [DAG_ID_EXAMPLE] }) }, { additionalProperties: true })

export const StatusQuery = Type.Object(
  {
    dag_id: Type.String({ minLength: 1, maxLength: 256, examples: [DAG_ID_EXAMPLE] }),
    only_queued: Type.Optional(Type.String({ examples: ['true'], description: 'true: only the queued runs (what the server asks for).' })),
  },
  { additionalProperties: true },
)

export const LogsQuery = Type.Object(
  {
    dag_id: Type.String({ minLength: 1, maxLength: 256, examples: [DAG_ID_EXAMPLE] }),
    task_id: Type.String({ minLength: 1, maxLength: 64, examples: ['ingestion_task'], description: 'ingestion_task (metadata), usage_task or lineage_task.' }),
    after: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: 'Page cursor the previous answer gave.' })),
  },
  { additionalProperties: true },
)

export const PipelineMessage = Type.Object({ message: Type.String() }, { title: 'PipelineServiceMessage', description: 'As the OpenMetadata managed APIs answer.' })

export const PipelineRunStatus = Type.Object(
  {
    runId: Type.String(),
    pipelineState: Type.Enum(['queued', 'success', 'failed', 'running', 'partialSuccess'], { type: 'string' }),
    startDate: Type.Optional(Type.Integer({ description: 'ms since epoch' })),
    timestamp: Type.Integer({ description: 'The logical date (schedule slot or trigger time), ms since epoch.' }),
    endDate: Type.Optional(Type.Integer()),
  },
  { title: 'PipelineStatus', description: 'entity/services/ingestionPipelines/ingestionPipeline.json#/definitions/pipelineStatus', additionalProperties: false },
)

export const LastLogs = Type.Object(
  {
    total: Type.Integer({ description: 'Pages of this log.' }),
    after: Type.Optional(Type.Integer({ description: 'Cursor of the next page, when there is one.' })),
  },
  { title: 'LastDagLogs', description: '{<task_id>: one page of the last run log, total, after?}', additionalProperties: Type.Union([Type.String(), Type.Integer()]) },
)

export const HostIp = Type.Object({ ip: Type.String({ description: 'PIPELINE_HOST_IP, or unknown (this service does not ask a public IP service).' }) }, { title: 'HostIp' })
