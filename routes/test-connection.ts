import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ConnectionInput, extractConnection } from '../schemas/requests.js'
import { ErrorResponse, TestConnectionResult } from '../schemas/responses.js'
import { runTestConnection } from '../src/ingest/test-connection.js'
import { abortOnClientGone } from './abort.js'

const testConnection: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/test-connection',
    {
      schema: {
        tags: ['connection'],
        summary: "Run OpenMetadata's Athena test-connection steps",
        description:
          'Accepts an AthenaConnection, a TestServiceConnectionRequest ({connection:{config}}) or {serviceConnection:{config}}. ' + 'AWS failures are failed steps in a 200 answer, not HTTP errors.',
        body: ConnectionInput,
        response: { 200: TestConnectionResult, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const connection = extractConnection(request.body)
      const body = request.body as { connection?: unknown; serviceConnection?: unknown }
      const where = body.connection !== undefined ? 'body/connection/config' : body.serviceConnection !== undefined ? 'body/serviceConnection/config' : 'body'
      return runTestConnection(connection, { settings: app.serviceConfig.aws, signal: abortOnClientGone(reply) }, where)
    },
  )
}
export default testConnection
