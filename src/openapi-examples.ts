/**
 * The request-body examples of the OpenAPI document: what Swagger UI's "Try it out" pre-fills (a drop-down when
 * an operation has several) and what Postman/Insomnia import as request bodies. They are written for the local
 * sandbox (`npm run sandbox`: the service on 127.0.0.1:8080, the AWS-compatible endpoint on 127.0.0.1:4566 with its
 * documented key pair, which works nowhere else), so every one of them runs as it is there;
 * test/openapi.test.ts sends each one to a sandbox and checks the documented success.
 *
 * Each connection form is its own example: a body mixing them is a 400 (schemas/requests.ts, extractConnection).
 * Values an example cannot know (an OpenMetadata server and its bot JWT) are readable placeholders.
 */

/** The AWS side of `npm run sandbox` (test/support/sandbox.ts, scripts/sandbox.ts: SANDBOX_AWS_PORT, default 4566). */
export const SANDBOX_AWS = {
  endPointURL: 'http://127.0.0.1:4566',
  /** The sandbox's documented "valid" key pair: it signs requests to the sandbox only. */
  awsAccessKeyId: 'AKIASANDBOX000000001',
  awsSecretAccessKey: 'sandboxSecretKey/OnlyForTheLocalSandbox01',
  awsRegion: 'us-east-1',
  s3StagingDir: 's3://athena-results-123456789012/primary/',
  workgroup: 'primary',
} as const

/** Placeholders for the OpenMetadata server the sink and run_automation talk to. */
export const OM_PLACEHOLDERS = { hostPort: 'http://localhost:8585/api', jwtToken: '<ingestion-bot-jwt>' } as const

export interface ExampleObject {
  summary: string
  description?: string
  value: Record<string, unknown>
}

const SERVICE_NAME = 'athena_sandbox'

/** An AthenaConnection (OpenMetadata entity/services/connections/database/athenaConnection.json) for the sandbox. */
const athenaConnection = {
  type: 'Athena',
  awsConfig: {
    awsAccessKeyId: SANDBOX_AWS.awsAccessKeyId,
    awsSecretAccessKey: SANDBOX_AWS.awsSecretAccessKey,
    awsRegion: SANDBOX_AWS.awsRegion,
    endPointURL: SANDBOX_AWS.endPointURL,
  },
  s3StagingDir: SANDBOX_AWS.s3StagingDir,
  workgroup: SANDBOX_AWS.workgroup,
}

const ENDPOINT_NOTE = "The key pair and endPointURL are the sandbox's (npm run sandbox); against AWS, give your own keys (or none, for the " + 'default credential chain) and leave endPointURL out.'

/** A metadata source block whose filters keep the `sales` schema without one of its tables. */
const sourceWithFilters = {
  type: 'athena',
  serviceName: SERVICE_NAME,
  serviceConnection: { config: athenaConnection },
  sourceConfig: {
    config: {
      type: 'DatabaseMetadata',
      schemaFilterPattern: { includes: ['^sales$'], excludes: [] },
      tableFilterPattern: { includes: [], excludes: ['^customer_profiles$'] },
      includeViews: true,
    },
  },
}

const sinkBlocks = {
  sink: { type: 'metadata-rest', config: {} },
  workflowConfig: {
    openMetadataServerConfig: {
      hostPort: OM_PLACEHOLDERS.hostPort,
      authProvider: 'openmetadata',
      securityConfig: { jwtToken: OM_PLACEHOLDERS.jwtToken },
    },
  },
}

/** A usage or lineage workflow source block over the last day's queries. */
function queryLogSource(type: string, pipeline: string) {
  return {
    type,
    serviceName: SERVICE_NAME,
    serviceConnection: { config: athenaConnection },
    sourceConfig: { config: { type: pipeline, queryLogDuration: 1, resultLimit: 1000 } },
  }
}

const OM_NOTE = `Replace ${OM_PLACEHOLDERS.hostPort} with your OpenMetadata server's API URL and ${OM_PLACEHOLDERS.jwtToken} with its ingestion-bot JWT.`

/** Request-body examples by operationId (src/openapi-operations.ts names the operations). */
export const requestExamples: Record<string, Record<string, ExampleObject>> = {
  testConnection: {
    athenaConnection: {
      summary: 'Form (a): an AthenaConnection',
      description: ENDPOINT_NOTE,
      value: athenaConnection,
    },
    testServiceConnectionRequest: {
      summary: "Form (b): OpenMetadata's TestServiceConnectionRequest",
      description: `{connection: {config: AthenaConnection}} with its siblings, as OpenMetadata's server sends it. ${ENDPOINT_NOTE}`,
      value: { connection: { config: athenaConnection }, serviceType: 'Database', connectionType: 'Athena', serviceName: SERVICE_NAME },
    },
    serviceConnection: {
      summary: 'Form (c): {serviceConnection: {config}}, as in a workflow source block',
      description: ENDPOINT_NOTE,
      value: { serviceConnection: { config: athenaConnection } },
    },
  },
  listDatabases: {
    sourceWithFilters: {
      summary: 'A source block with schema and table filters',
      description: `Only the schemas matching ^sales$ (regular expressions, matched from the start, case-insensitive; excludes win). ${ENDPOINT_NOTE}`,
      value: sourceWithFilters,
    },
  },
  ingest: {
    sourceWithFilters: {
      summary: 'A source block with schema and table filters',
      description: `The sales schema without the customer_profiles table. ${ENDPOINT_NOTE}`,
      value: sourceWithFilters,
    },
    sink: {
      summary: 'The same source, also written to an OpenMetadata server (sink metadata-rest)',
      description: `Every record is PUT to the server; each line gains sink: {status, httpStatus}, the status line a sinkStatus. ${OM_NOTE} ${ENDPOINT_NOTE}`,
      value: { ...sourceWithFilters, ...sinkBlocks },
    },
  },
  queryLog: {
    usage: {
      summary: 'A usage workflow source (DatabaseUsage): queries and usage of the last day',
      description: ENDPOINT_NOTE,
      value: queryLogSource('athena-usage', 'DatabaseUsage'),
    },
    lineage: {
      summary: 'A lineage workflow source (DatabaseLineage): queries and the lineage they create',
      description: ENDPOINT_NOTE,
      value: queryLogSource('athena-lineage', 'DatabaseLineage'),
    },
  },
  runAutomation: {
    testConnectionWorkflow: {
      summary: "A TEST_CONNECTION workflow, as OpenMetadata's server posts it",
      description:
        `The run fetches the workflow by name from openMetadataServerConnection.hostPort and PATCHes each step's result to it, ` +
        `so the workflow must exist there (OpenMetadata creates it before it calls run_automation). ${OM_NOTE} ${ENDPOINT_NOTE}`,
      value: {
        id: '0b1e7c3a-6f1d-4c1e-9a53-2f4b8d7e5a10',
        name: 'test-connection-Athena-sandbox',
        workflowType: 'TEST_CONNECTION',
        status: 'Pending',
        request: { connection: { config: athenaConnection }, serviceType: 'Database', connectionType: 'Athena', serviceName: SERVICE_NAME },
        openMetadataServerConnection: {
          type: 'OpenMetadata',
          hostPort: OM_PLACEHOLDERS.hostPort,
          authProvider: 'openmetadata',
          securityConfig: { jwtToken: OM_PLACEHOLDERS.jwtToken },
        },
      },
    },
  },
  deployPipeline: {
    metadataPipeline: {
      summary: "A metadata pipeline of an Athena service, daily at 02:00 UTC, as OpenMetadata's server deploys it",
      description:
        `The service named in service.name must exist in OpenMetadata with an Athena connection the bot may read: deploy reads it with the bot JWT. ` +
        `Runs read the catalog with that connection and write to the server. ${OM_NOTE}`,
      value: {
        id: '6a0d7a52-3b8e-4c55-8a0f-1f2e3d4c5b6a',
        name: 'athena_sandbox_metadata_Xz9Ab',
        fullyQualifiedName: `${SERVICE_NAME}.athena_sandbox_metadata_Xz9Ab`,
        pipelineType: 'metadata',
        sourceConfig: { config: { type: 'DatabaseMetadata', includeTables: true, includeViews: true, markDeletedTables: true } },
        airflowConfig: { scheduleInterval: '0 2 * * *', pipelineTimezone: 'UTC', retries: 1, retryDelay: 300, pausePipeline: false },
        service: { id: '2f4b8d7e-5a10-4c1e-9a53-0b1e7c3a6f1d', type: 'databaseService', name: SERVICE_NAME, fullyQualifiedName: SERVICE_NAME },
        openMetadataServerConnection: { type: 'OpenMetadata', hostPort: OM_PLACEHOLDERS.hostPort, authProvider: 'openmetadata', securityConfig: { jwtToken: OM_PLACEHOLDERS.jwtToken } },
        loggerLevel: 'INFO',
        enabled: true,
      },
    },
  },
  triggerPipeline: { runNow: { summary: 'Run the deployed pipeline now', value: { dag_id: 'athena_sandbox_metadata_Xz9Ab' } } },
  enablePipeline: { resume: { summary: "Resume the pipeline's schedule", value: { dag_id: 'athena_sandbox_metadata_Xz9Ab' } } },
  disablePipeline: { pause: { summary: "Pause the pipeline's schedule", value: { dag_id: 'athena_sandbox_metadata_Xz9Ab' } } },
  killPipeline: { stop: { summary: "Stop the pipeline's queued and running runs", value: { dag_id: 'athena_sandbox_metadata_Xz9Ab' } } },
}
