import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ErrorResponse } from '../schemas/responses.js'

const metricsRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['service'],
        summary: 'Prometheus metrics',
        description:
          'Prometheus text exposition format (version 0.0.4): HTTP requests by route and status with durations, ' +
          'ingests and query-log runs in progress, records emitted by kind, sink writes by outcome, AWS call attempts ' +
          'by operation and outcome, refused requests (shed, rate limited), and the Node.js process metrics. ' +
          'Takes Authorization: Bearer METRICS_TOKEN when that is set, else AUTH_TOKEN when that is set; never shed or rate limited.',
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'Prometheus text format' }), 401: ErrorResponse },
      },
    },
    async (_request, reply) => {
      const text = await app.metrics.scrape()
      return reply.type(app.metrics.contentType).send(text)
    },
  )
}

export default metricsRoute
