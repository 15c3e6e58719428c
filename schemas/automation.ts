/**
 * The body OpenMetadata's server POSTs to a pipeline service's `run_automation` (AirflowRESTClient
 * `runAutomationsWorkflow`: the automation `Workflow` entity as JSON, entity/automations/workflow.json).
 * Closed where this service depends on a field, open elsewhere: the server serialises the whole entity
 * (owners, version, href, changeDescription, domains, …) and newer servers add fields, which must not
 * turn a test connection into a 400. The connector-specific part (`request.connection.config`) is checked
 * by the runner: a non-Athena connection is a 400 naming its type, an Athena one is validated against
 * AthenaConnection.
 */
import { Type, type Static } from 'typebox'
import { OpenMetadataServerConfig } from './sink.js'

export const AutomationTestConnectionRequest = Type.Object(
  {
    connection: Type.Object(
      {
        config: Type.Object(
          { type: Type.Optional(Type.String({ description: 'Connector type, e.g. Athena.' })) },
          { additionalProperties: true, description: 'The connector configuration (an AthenaConnection here).' },
        ),
      },
      { additionalProperties: true },
    ),
    serviceType: Type.Optional(Type.String({ description: 'Type of service such as Database.' })),
    connectionType: Type.Optional(Type.String({ description: 'Type of the connection to test, e.g. Athena.' })),
    serviceName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    secretsManagerProvider: Type.Optional(Type.String()),
    ingestionRunner: Type.Optional(Type.String()),
  },
  {
    title: 'TestServiceConnectionRequest',
    description: 'entity/automations/testServiceConnection.json',
    additionalProperties: true,
  },
)

export const AutomationWorkflow = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Unique identifier of this workflow instance.' }),
    name: Type.String({ minLength: 1, maxLength: 256, description: 'Name of the workflow.' }),
    displayName: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    fullyQualifiedName: Type.Optional(Type.String()),
    workflowType: Type.Enum(['TEST_CONNECTION', 'REVERSE_INGESTION'], { type: 'string', description: 'Type of the workflow.' }),
    status: Type.Optional(Type.Enum(['Pending', 'Successful', 'Failed', 'Running'], { type: 'string' })),
    request: AutomationTestConnectionRequest,
    response: Type.Optional(Type.Unknown()),
    openMetadataServerConnection: OpenMetadataServerConfig,
  },
  {
    title: 'Workflow',
    description:
      'An OpenMetadata automation workflow (entity/automations/workflow.json) of type TEST_CONNECTION whose request is a ' +
      'TestServiceConnectionRequest for Athena; openMetadataServerConnection says where the result is PATCHed back.',
    additionalProperties: true,
  },
)
export type AutomationWorkflowT = Static<typeof AutomationWorkflow>

export const AutomationTriggered = Type.Object(
  { message: Type.String({ description: 'Workflow [<name>] has been triggered.' }) },
  { title: 'AutomationTriggered', description: 'As the OpenMetadata managed APIs answer run_automation.' },
)

export const PipelineServiceHealth = Type.Object(
  {
    status: Type.Literal('healthy'),
    version: Type.String({ description: 'Compared (x.y.z) by OpenMetadata with its own version; see AUTOMATION_REPORTED_VERSION.' }),
  },
  { title: 'PipelineServiceHealth' },
)
