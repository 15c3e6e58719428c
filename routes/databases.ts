import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Source } from '../schemas/requests.js'
import { DatabasesAnswer } from '../schemas/openmetadata.js'
import { ErrorResponse } from '../schemas/responses.js'
import { listDatabases } from '../src/ingest/run.js'
import { abortOnClientGone } from './abort.js'

const databases: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/databases',
    {
      schema: {
        tags: ['metadata'],
        summary: 'List the databases and schemas an ingest would create',
        description:
          'Body: the source block of an OpenMetadata ingestion workflow (serviceName defaults to "athena"). ' +
          'Answers the CreateDatabaseServiceRequest (connection without secrets), CreateDatabaseRequests and ' +
          'CreateDatabaseSchemaRequests after databaseFilterPattern / schemaFilterPattern.',
        body: Source,
        response: { 200: DatabasesAnswer, 400: ErrorResponse, 401: ErrorResponse, 502: ErrorResponse, 504: ErrorResponse },
      },
    },
    async (request, reply) => listDatabases(request.body, { settings: app.serviceConfig.aws, signal: abortOnClientGone(reply) }),
  )
}
export default databases
