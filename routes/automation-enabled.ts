import type { FastifyReply } from 'fastify'
import type { AutomationSettings } from '../src/automation/settings.js'

/**
 * The onRequest hook of every automation route (routes/automation.ts, routes/pipelines.ts): without
 * AUTOMATION_USERNAME and AUTOMATION_PASSWORD the API is off, and says how to turn it on.
 */
export function automationEnabled(settings: Pick<AutomationSettings, 'username' | 'password'>) {
  return async (_request: unknown, reply: FastifyReply) => {
    if (!settings.username || !settings.password) {
      return reply.status(503).send({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'The automation API is disabled: set AUTOMATION_USERNAME and AUTOMATION_PASSWORD to enable it',
      })
    }
  }
}
