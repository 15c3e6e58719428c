import { randomUUID } from 'node:crypto'
import type { Writable } from 'node:stream'
import Fastify, { type FastifyError } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import pino from 'pino'
import health from '../routes/health.js'
import testConnection from '../routes/test-connection.js'
import databases from '../routes/databases.js'
import ingestRoute from '../routes/ingest.js'
import { bearerAccepted } from './auth.js'
import { loadConfig, type ServiceConfig } from './config.js'
import { loggerOptions } from './logging.js'
import { openApiInfo } from './openapi-info.js'

declare module 'fastify' {
  interface FastifyInstance {
    serviceConfig: ServiceConfig
  }
}

export interface BuildAppOptions {
  config?: Partial<ServiceConfig>
  /** Where log lines go (tests capture them); default stdout. `false` silences logging. */
  logStream?: Writable | false
}

/** One Fastify instance for server, tests, demo and bench: plugins, swagger, error handler, routes. */
export async function buildApp(options: BuildAppOptions = {}) {
  const config: ServiceConfig = { ...loadConfig(), ...options.config }
  const logger =
    options.logStream === false
      ? pino({ level: 'silent' })
      : pino(loggerOptions(config.logLevel), options.logStream ?? process.stdout)

  const app = Fastify({
    loggerInstance: logger,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID()
    },
    // No type coercion: a number where a string belongs is a 400, not silently "42". No stripping
    // of unknown properties: they are a 400 naming the property, as OpenMetadata's closed schemas mean.
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('serviceConfig', config)
  // Bodies are JSON only: any other media type is a 415 that says so.
  app.removeContentTypeParser('text/plain')
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  if (config.authTokens.length > 0) {
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/v1/')) return
      if (!bearerAccepted(request.headers.authorization, config.authTokens)) {
        // Same answer whether the header is missing, malformed or wrong.
        return reply.status(401).send({ statusCode: 401, error: 'Unauthorized', message: 'Missing or invalid bearer token' })
      }
    })
  }

  await app.register(swagger, { openapi: openApiInfo })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.setErrorHandler((error: FastifyError & { code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: error.code, message: error.message }, 'request rejected')
    const message = status === 500 ? 'Internal error: the service failed unexpectedly; see its log for request ' + request.id : error.message
    void reply.status(status).send({ statusCode: status, error: httpReason(status), message })
  })
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `Route ${request.method} ${request.url} not found` })
  })

  await app.register(health)
  await app.register(testConnection)
  await app.register(databases)
  await app.register(ingestRoute)
  return app
}

function httpReason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
    406: 'Not Acceptable', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
    500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  }
  return reasons[status] ?? 'Error'
}

export type App = Awaited<ReturnType<typeof buildApp>>
