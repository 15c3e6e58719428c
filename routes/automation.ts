import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AutomationTriggered, AutomationWorkflow, PipelineServiceHealth } from '../schemas/automation.js'
import { ErrorResponse } from '../schemas/responses.js'
import { automationEnabled } from './automation-enabled.js'
import { runAutomationWorkflow } from '../src/automation/runner.js'

/**
 * The part of the OpenMetadata managed APIs (the Airflow plugin's REST API) that OpenMetadata's server
 * uses for test connections, under AUTOMATION_PREFIX (default /api/v1/openmetadata, one of the paths
 * OpenMetadata's AirflowRESTClient probes): `GET health`, `GET health-auth` (its version detection) and
 * `POST run_automation`. Basic auth with AUTOMATION_USERNAME / AUTOMATION_PASSWORD (OpenMetadata's
 * AIRFLOW_USERNAME / AIRFLOW_PASSWORD) on every route but `health`, checked (and failures limited) by
 * the route policy of src/security/hardening.ts; without them every route answers 503.
 */
const automationRoute: FastifyPluginAsyncTypebox = async (app) => {
  const settings = app.serviceConfig.automation
  const { prefix } = settings
  const health = { status: 'healthy' as const, version: settings.reportedVersion }
  const errors = { 401: ErrorResponse, 503: ErrorResponse }

  const enabled = automationEnabled(settings)

  app.get(
    `${prefix}/health`,
    {
      schema: { tags: ['automation'], summary: 'Pipeline-service health (no auth), as the managed APIs answer it', response: { 200: PipelineServiceHealth, 503: ErrorResponse } },
      onRequest: enabled,
    },
    async () => health,
  )

  app.get(
    `${prefix}/health-auth`,
    {
      schema: {
        tags: ['automation'],
        summary: 'Pipeline-service health behind Basic auth (OpenMetadata detects the API with it)',
        response: { 200: PipelineServiceHealth, ...errors },
      },
      onRequest: enabled,
    },
    async () => health,
  )

  app.post(
    `${prefix}/run_automation`,
    {
      schema: {
        tags: ['automation'],
        summary: "Run an OpenMetadata automation workflow (Athena test connection), PATCHing each step's result back",
        description:
          'Body: the automation Workflow OpenMetadata posts (workflowType TEST_CONNECTION, request a TestServiceConnectionRequest ' +
          'for Athena, openMetadataServerConnection with hostPort and securityConfig.jwtToken). After each finished step the ' +
          'TestConnectionResult is PATCHed to {hostPort}/v1/automations/workflows/{id}; the answer comes when the run is done. ' +
          'A server that cannot be reached, refuses the JWT, does not know the workflow or does not store a PATCH is a 502 ' +
          '(504 when it does not answer the first check in time): the 200 means every result was stored.',
        body: AutomationWorkflow,
        response: { 200: AutomationTriggered, 400: ErrorResponse, 502: ErrorResponse, 504: ErrorResponse, ...errors },
      },
      onRequest: enabled,
    },
    async (request) => {
      return runAutomationWorkflow(request.body, {
        aws: app.serviceConfig.aws,
        om: app.serviceConfig.openMetadataSink,
        endpointAllowlist: app.serviceConfig.endpointAllowlist,
        log: request.log,
      })
    },
  )
}

export default automationRoute
