import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Health } from '../schemas/responses.js'
import { VERSION } from '../src/version.js'

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    { schema: { tags: ['service'], summary: 'Liveness and version', response: { 200: Health } } },
    async () => ({ status: 'healthy' as const, version: VERSION }),
  )
}
export default health
