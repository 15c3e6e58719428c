import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Source } from '../schemas/requests.js'
import { IngestDocument } from '../schemas/openmetadata.js'
import { ErrorResponse } from '../schemas/responses.js'
import type { IngestRecord } from '../src/ingest/records.js'
import { collectIngestDocument } from '../src/ingest/document.js'
import { startIngest } from '../src/ingest/run.js'
import { prepareSink } from '../src/sink/index.js'
import { abortOnClientGone } from './abort.js'

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
      const sink = await prepareSink(request.body, {
        settings: app.serviceConfig.openMetadataSink,
        signal,
        endpointAllowlist: app.serviceConfig.endpointAllowlist,
        onFailure: (entity, error, httpStatus) => request.log.warn({ entity, httpStatus, error }, 'OpenMetadata sink: not written'),
      })
      const started = await startIngest(request.body, undefined, {
        settings: app.serviceConfig.aws,
        signal,
        withTables: true,
        onProgress: (p) => request.log.info({ progress: p }, 'ingest progress'),
        progressEveryMs: app.serviceConfig.progressIntervalMs,
        onWarning: (message) => request.log.warn({ warning: message }, 'ingest warning'),
      })
      const records = sink ? sink.write(started.records) : started.records
      if (wantsJson(request.headers.accept)) return reply.send(await collectIngestDocument(records))
      // A stream bypasses the response serializer; the 200 schema describes the JSON form.
      return reply.type('application/x-ndjson').send(Readable.from(ndjson(records)) as never)
    },
  )
}

async function* ndjson(records: AsyncIterable<IngestRecord>): AsyncGenerator<string> {
  for await (const record of records) yield JSON.stringify(record) + '\n'
}

/** JSON only when the client prefers it over NDJSON; NDJSON is the default (also for * / *). */
function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase())
  return types.includes('application/json') && !types.includes('application/x-ndjson')
}

export default ingestRoute
