import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Health } from '../schemas/responses.js'
import { VERSION } from '../src/version.js'

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['service'],
        summary: 'Readiness and version',
        description:
          'Never needs credentials, never shed or rate limited. 200 {"status":"healthy"} while the instance takes work; ' +
          '503 {"status":"shutting down"} once a graceful shutdown began (a load balancer or Kubernetes readiness probe then ' +
          'sends new work elsewhere). The server listens only once its start-up work is done, so a probe never sees a starting instance.',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      if (app.shutdown.started) {
        void reply.header('retry-after', String(app.serviceConfig.retryAfterSeconds))
        return reply.status(503).send({ status: 'shutting down' as const, version: VERSION })
      }
      return { status: 'healthy' as const, version: VERSION }
    },
  )
}
export default health
