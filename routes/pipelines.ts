import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DagIdBody, DagIdQuery, HostIp, IngestionPipelineBody, LastLogs, LogsQuery, PipelineMessage, PipelineRunStatus, StatusQuery, TriggerBody } from '../schemas/pipelines.js'
import { ErrorResponse } from '../schemas/responses.js'
import { automationEnabled } from './automation-enabled.js'

/**
 * The pipeline part of the OpenMetadata managed APIs, under AUTOMATION_PREFIX beside health and run_automation
 * (routes/automation.ts), with the same Basic auth: the calls OpenMetadata's AirflowRESTClient makes to deploy,
 * run, watch and stop ingestion pipelines (src/pipelines/service.ts does the work). Paths, methods, bodies and
 * answers are the openmetadata-airflow-apis plugin's: POST deploy (IngestionPipeline), POST trigger / enable /
 * disable / kill ({dag_id}), GET status?dag_id&only_queued, GET last_dag_logs?dag_id&task_id&after,
 * DELETE delete?dag_id, GET ip.
 */
const pipelinesRoute: FastifyPluginAsyncTypebox = async (app) => {
  const { prefix } = app.serviceConfig.automation
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 502: ErrorResponse, 503: ErrorResponse, 504: ErrorResponse }
  const tags = ['pipelines']

  const enabled = automationEnabled(app.serviceConfig.automation)
  const service = () => app.pipelines()

  app.post(
    `${prefix}/deploy`,
    {
      schema: {
        tags,
        summary: 'Deploy (create or update) an Athena ingestion pipeline, as Airflow deploys its DAG',
        description:
          'Body: the IngestionPipeline entity OpenMetadata sends (a metadata, usage or lineage pipeline of an Athena database service). ' +
          "Before it is kept, the service checks the pipeline's type, its schedule (airflowConfig), and — with the pipeline's bot " +
          '(openMetadataServerConnection) — that the server answers and the service is an Athena one. Kept pipelines (their bot JWT ' +
          'encrypted with PIPELINE_SECRET_KEY) survive restarts; the schedule is armed at once.',
        body: IngestionPipelineBody,
        response: { 200: PipelineMessage, ...errors },
      },
      onRequest: enabled,
    },
    async (request) => (await service()).deploy(request.body),
  )

  app.post(
    `${prefix}/trigger`,
    {
      schema: { tags, summary: 'Queue a run of a deployed pipeline now', body: TriggerBody, response: { 200: PipelineMessage, ...errors } },
      onRequest: enabled,
    },
    async (request) => (await service()).trigger(request.body.dag_id),
  )

  app.get(
    `${prefix}/status`,
    {
      schema: {
        tags,
        summary: "A pipeline's last 10 runs as PipelineStatus, newest first (only the queued ones with only_queued=true, what OpenMetadata asks)",
        querystring: StatusQuery,
        response: { 200: Type.Array(PipelineRunStatus), ...errors },
      },
      onRequest: enabled,
    },
    async (request) => (await service()).status(request.query.dag_id, request.query.only_queued === 'true'),
  )

  app.post(`${prefix}/enable`, { schema: { tags, summary: "Resume a pipeline's schedule", body: DagIdBody, response: { 200: PipelineMessage, ...errors } }, onRequest: enabled }, async (request) =>
    (await service()).setEnabled(request.body.dag_id, true),
  )

  app.post(
    `${prefix}/disable`,
    {
      schema: { tags, summary: "Pause a pipeline's schedule (runs can still be triggered)", body: DagIdBody, response: { 200: PipelineMessage, ...errors } },
      onRequest: enabled,
    },
    async (request) => (await service()).setEnabled(request.body.dag_id, false),
  )

  app.delete(
    `${prefix}/delete`,
    {
      schema: { tags, summary: 'Delete a deployed pipeline, its runs and logs (a running run is killed first)', querystring: DagIdQuery, response: { 200: PipelineMessage, ...errors } },
      onRequest: enabled,
    },
    async (request) => (await service()).delete(request.query.dag_id),
  )

  app.post(
    `${prefix}/kill`,
    {
      schema: {
        tags,
        summary: "Stop a pipeline's queued and running runs: AWS calls and writes stop, the runs end failed",
        body: DagIdBody,
        response: { 200: PipelineMessage, ...errors },
      },
      onRequest: enabled,
    },
    async (request) => (await service()).kill(request.body.dag_id),
  )

  app.get(
    `${prefix}/last_dag_logs`,
    {
      schema: {
        tags,
        summary: "One page of the last run's own log",
        description: 'Answers {<task_id>: text, total: pages, after?: next page}; task_id is ingestion_task (metadata), usage_task or lineage_task.',
        querystring: LogsQuery,
        response: { 200: LastLogs, ...errors },
      },
      onRequest: enabled,
    },
    // The page is keyed by the task id (upstream's shape), which the schema's additionalProperties describes.
    async (request) =>
      (await (await service()).lastLogs(request.query.dag_id, request.query.task_id, request.query.after === undefined ? undefined : Number(request.query.after))) as { total: number; after?: number },
  )

  app.get(
    `${prefix}/ip`,
    { schema: { tags, summary: 'The address sources see this service connect from (PIPELINE_HOST_IP), for allowlists', response: { 200: HostIp, ...errors } }, onRequest: enabled },
    async () => (await service()).ip(),
  )
}

export default pipelinesRoute
