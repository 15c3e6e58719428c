/**
 * The OpenMetadata sink blocks of an ingestion workflow, as the workflow YAML has them beside `source`
 * (metadataIngestion/workflow.json): `sink: {type: metadata-rest, config: {}}` and
 * `workflowConfig: {openMetadataServerConfig: OpenMetadataConnection}`. Only what this service uses is
 * declared; OpenMetadataConnection's other settings are accepted and ignored (the server builds many of
 * them into the workflows it generates). The JWT is checked by code, so a missing one is a 400 naming
 * its full path rather than a generic schema line.
 */
import { Type, type Static } from 'typebox'

export const OpenMetadataServerConfig = Type.Object(
  {
    type: Type.Optional(Type.Literal('OpenMetadata', { description: 'Service type (always OpenMetadata).' })),
    hostPort: Type.String({
      description: "The OpenMetadata server's API URL, e.g. http://openmetadata:8585/api (entities are written under {hostPort}/v1/...).",
      minLength: 1,
    }),
    authProvider: Type.Optional(Type.String({ description: 'OpenMetadata Server Authentication Provider; only `openmetadata` (a bot JWT) is supported here.' })),
    securityConfig: Type.Optional(
      Type.Object({ jwtToken: Type.Optional(Type.String({ description: 'The bot JWT (a secret: never logged or echoed).' })) }, { title: 'OpenMetadataJWTClientConfig', additionalProperties: true }),
    ),
  },
  {
    title: 'OpenMetadataConnection',
    description: 'Where and as whom to write: entity/services/connections/metadata/openMetadataConnection.json (hostPort, authProvider, securityConfig.jwtToken are used).',
    additionalProperties: true,
  },
)

export const WorkflowConfig = Type.Object(
  {
    loggerLevel: Type.Optional(Type.String({ description: 'Accepted for compatibility; this service logs at LOG_LEVEL.' })),
    openMetadataServerConfig: OpenMetadataServerConfig,
  },
  {
    title: 'WorkflowConfig',
    description: 'The workflowConfig block of an OpenMetadata workflow. When present, every ingested record is also written to that server.',
    additionalProperties: true,
  },
)
export type WorkflowConfigT = Static<typeof WorkflowConfig>

export const SinkBlock = Type.Object(
  {
    type: Type.String({ description: 'Sink type; only metadata-rest (the OpenMetadata REST API) is supported.' }),
    config: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  {
    title: 'Sink',
    description: 'The sink block of an OpenMetadata workflow ({type: metadata-rest, config: {}}); needs workflowConfig.',
    additionalProperties: false,
  },
)
export type SinkBlockT = Static<typeof SinkBlock>

/** The optional properties a Source request body gains for writing into OpenMetadata. */
export const sinkProperties = {
  sink: Type.Optional(SinkBlock),
  workflowConfig: Type.Optional(WorkflowConfig),
}
