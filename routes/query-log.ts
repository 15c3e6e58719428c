import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { QueryLogDocument, QueryLogSource } from '../schemas/query-log.js'
import { ErrorResponse } from '../schemas/responses.js'
import { collectQueryLogDocument } from '../src/querylog/document.js'
import { startQueryLog } from '../src/querylog/run.js'
import { abortOnClientGone } from './abort.js'
import { sendNdjson, wantsJson } from './ndjson.js'

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
          'first record are JSON errors; later failures (a workgroup that may not be read) are in the closing status line.',
        body: QueryLogSource,
        produces: ['application/x-ndjson', 'application/json'],
        response: { 200: QueryLogDocument, 400: ErrorResponse, 401: ErrorResponse, 502: ErrorResponse, 504: ErrorResponse },
      },
    },
    async (request, reply) => {
      const started = await startQueryLog(request.body, {
        settings: app.serviceConfig.aws,
        signal: abortOnClientGone(reply),
        onWarning: (message) => request.log.warn({ warning: message }, 'query log warning'),
      })
      if (wantsJson(request.headers.accept)) return reply.send(await collectQueryLogDocument(started.records))
      return sendNdjson(reply, started.records)
    },
  )
}

export default queryLogRoute
