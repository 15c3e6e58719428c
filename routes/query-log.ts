import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { QueryLogDocument, QueryLogSource } from '../schemas/query-log.js'
import { ErrorResponse } from '../schemas/responses.js'
import { collectQueryLogDocument } from '../src/querylog/document.js'
import { startQueryLog } from '../src/querylog/run.js'
import { prepareSink } from '../src/sink/index.js'
import { queryLogSinkExtension } from '../src/sink/usage-writer.js'
import { reportRun } from '../src/run-report.js'
import { abortOnClientGone } from './abort.js'
import { sendNdjson, wantsJson } from './ndjson.js'
import { sinkOptions } from './sink-options.js'

const queryLogRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/query-log',
    {
      schema: {
        tags: ['usage'],
        summary: 'Read the Athena query history as OpenMetadata queries, usage and lineage',
        description:
          'Body: the source block of an OpenMetadata usage (DatabaseUsage) or lineage (DatabaseLineage) workflow for Athena; ' +
          'serviceName is required. Reads every ENABLED workgroup (ListWorkGroups, ListQueryExecutions, BatchGetQueryExecution) ' +
          'back to queryLogDuration days (from midnight UTC), at most resultLimit executions per workgroup, without the queries ' +
          'OpenMetadata and dbt issued. Streams NDJSON (application/x-ndjson, the default): query records (TableQuery), lineage ' +
          'records (AddLineageRequest, DatabaseLineage only, from SUCCEEDED CTAS / INSERT / CREATE VIEW / MERGE …), usageSummary ' +
          'records (TableUsageCount), then the status line; or one JSON document with Accept: application/json. Errors before the ' +
          'first record are JSON errors; later failures (a workgroup that may not be read) are in the closing status line. ' +
          "With workflowConfig (and sink: metadata-rest) the run is also written to that OpenMetadata server as upstream's usage " +
          'and lineage workflows write it: DatabaseUsage → the queries (PUT /v1/queries, linked to the tables they used), the ' +
          'usage per table and day (POST /v1/usage/table/{id}), the joins (PUT /v1/tables/{id}/joins) and the usage percentiles; ' +
          'DatabaseLineage → the lineage edges. Only SUCCEEDED queries count; query literals are masked before they are stored. ' +
          'Each line then carries sink: {status, httpStatus, error?} and the status line a second StepSummary, sinkStatus.',
        body: QueryLogSource,
        produces: ['application/x-ndjson', 'application/json'],
        response: { 200: QueryLogDocument, 400: ErrorResponse, 401: ErrorResponse, 502: ErrorResponse, 504: ErrorResponse },
      },
    },
    async (request, reply) => {
      const signal = abortOnClientGone(reply)
      // workflowConfig (optional): the OpenMetadata server and its JWT are checked before any AWS call.
      const sink = await prepareSink(request.body, { ...sinkOptions(app, request.log, signal), extension: queryLogSinkExtension(request.body) })
      const started = await startQueryLog(request.body, {
        settings: app.serviceConfig.aws,
        signal,
        onWarning: (message) => request.log.warn({ warning: message }, 'query log warning'),
        onFailure: (name, error) => request.log.warn({ entity: name, error }, 'query log failure'),
      })
      const written = sink ? sink.write(started.records) : started.records
      const records = reportRun(written, { kind: 'queryLog', metrics: app.metrics, log: request.log })
      if (wantsJson(request.headers.accept)) return reply.send(await collectQueryLogDocument(records))
      return sendNdjson(reply, records)
    },
  )
}

export default queryLogRoute
