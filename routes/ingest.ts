import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Source } from '../schemas/requests.js'
import { IngestDocument } from '../schemas/openmetadata.js'
import { ErrorResponse } from '../schemas/responses.js'
import { collectIngestDocument } from '../src/ingest/document.js'
import { startIngest } from '../src/ingest/run.js'
import { prepareSink } from '../src/sink/index.js'
import { reportRun } from '../src/run-report.js'
import { abortOnClientGone } from './abort.js'
import { sendNdjson, wantsJson } from './ndjson.js'
import { sinkOptions } from './sink-options.js'

const ingestRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/ingest',
    {
      schema: {
        tags: ['metadata'],
        summary: 'Ingest the Athena catalog as OpenMetadata entities',
        description:
          'Body: the source block of an OpenMetadata ingestion workflow; serviceName is required. Streams NDJSON ' +
          '(application/x-ndjson, the default) or answers one JSON document with Accept: application/json. ' +
          'Errors before the first record are JSON errors; later failures are in the closing status line. With workflowConfig ' +
          '(and sink: metadata-rest) every record is also written to that OpenMetadata server; each line then carries ' +
          'sink: {status, httpStatus, error?} and the status line a second StepSummary, sinkStatus.',
        body: Source,
        produces: ['application/x-ndjson', 'application/json'],
        response: { 200: IngestDocument, 400: ErrorResponse, 401: ErrorResponse, 502: ErrorResponse, 504: ErrorResponse },
      },
    },
    async (request, reply) => {
      const signal = abortOnClientGone(reply)
      // workflowConfig (optional): the OpenMetadata server and its JWT are checked before any AWS call.
      const sink = await prepareSink(request.body, sinkOptions(app, request.log, signal))
      const started = await startIngest(request.body, undefined, {
        settings: app.serviceConfig.aws,
        signal,
        withTables: true,
        onProgress: (p) => request.log.info({ progress: p }, 'ingest progress'),
        progressEveryMs: app.serviceConfig.progressIntervalMs,
        onWarning: (message) => request.log.warn({ warning: message }, 'ingest warning'),
        onFailure: (name, error) => request.log.warn({ entity: name, error }, 'ingest failure'),
      })
      const written = sink ? sink.write(started.records) : started.records
      const records = reportRun(written, { kind: 'ingest', metrics: app.metrics, log: request.log })
      if (wantsJson(request.headers.accept)) return reply.send(await collectIngestDocument(records, app.serviceConfig.maxJsonDocumentRecords))
      return sendNdjson(reply, records)
    },
  )
}

export default ingestRoute
