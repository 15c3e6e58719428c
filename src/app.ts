import { randomUUID } from 'node:crypto'
import type { Writable } from 'node:stream'
import Fastify, { type FastifyError, type FastifyReply } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import pino from 'pino'
import health from '../routes/health.js'
import testConnection from '../routes/test-connection.js'
import databases from '../routes/databases.js'
import ingestRoute from '../routes/ingest.js'
import automationRoute from '../routes/automation.js'
import pipelinesRoute from '../routes/pipelines.js'
import { PipelineRuntime } from './pipelines/runtime.js'
import type { PipelineService } from './pipelines/service.js'
import queryLogRoute from '../routes/query-log.js'
import metricsRoute from '../routes/metrics.js'
import { loadConfig, type ServiceConfig } from './config.js'
import { loggerOptions } from './logging.js'
import { createServiceMetrics, type ServiceMetrics } from './metrics.js'
import { openApiInfo, withThisInstanceFirst } from './openapi-info.js'
import { openApiTransform } from './openapi-operations.js'
import { pathOfTarget } from './request-target.js'
import type { ConcurrencyGate } from './security/concurrency-gate.js'
import type { Resolver } from './security/endpoint-guard.js'
import { boundedMessage, clientErrorMessage, installHardening } from './security/hardening.js'
import { createShutdownControl, SHUTTING_DOWN_MESSAGE, type ShutdownControl } from './shutdown.js'
import { schemaErrorFormatter } from './validation-errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    serviceConfig: ServiceConfig
    /** Graceful shutdown state; its `signal` fires when running requests must stop (src/shutdown.ts). */
    shutdown: ShutdownControl
    /** Slots of MAX_CONCURRENT_INGESTS (src/security/concurrency-gate.ts). */
    ingestGate: ConcurrencyGate
    /** Slots of MAX_CONCURRENT_TEST_CONNECTIONS: /v1/test-connection and run_automation. */
    testConnectionGate: ConcurrencyGate
    /** This instance's Prometheus registry and the functions that record into it (src/metrics.ts). */
    metrics: ServiceMetrics
    /** The deployed-pipelines service, opened on first use or at start when a store exists (src/pipelines/runtime.ts). */
    pipelines: () => Promise<PipelineService>
  }
}

export interface BuildAppOptions {
  config?: Partial<ServiceConfig>
  /** Where log lines go (tests capture them); default stdout. `false` silences logging. */
  logStream?: Writable | false
  /** How the endpoint guard resolves host names (tests); default the system resolver. */
  resolve?: Resolver
}

/** One Fastify instance for server, tests, demo and bench: plugins, swagger, error handler, routes. */
export async function buildApp(options: BuildAppOptions = {}) {
  const merged: ServiceConfig = { ...loadConfig(), ...options.config }
  const metrics = createServiceMetrics()
  // The AWS and OpenMetadata clients' own guard applies the same allowlist as the request-time check.
  const allowlist = { endpointAllowlist: merged.endpointAllowlist }
  const config: ServiceConfig = {
    ...merged,
    // Every AWS client any route creates reports its calls to this instance's metrics.
    aws: { ...merged.aws, ...allowlist, observe: metrics.awsCall },
    openMetadataSink: { ...merged.openMetadataSink, ...allowlist },
  }
  const logger = options.logStream === false ? pino({ level: 'silent' }) : pino(loggerOptions(config.logLevel), options.logStream ?? process.stdout)

  const app = Fastify({
    loggerInstance: logger,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID()
    },
    // No type coercion: a number where a string belongs is a 400, not silently "42". No stripping
    // of unknown properties: they are a 400 naming the property, as OpenMetadata's closed schemas mean.
    // `verbose` gives the formatter the schema of a failed object, to name the property an unknown one was meant to be.
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false, verbose: true } },
    schemaErrorFormatter,
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    // Node reads requestTimeout when the server is created (Fastify sets it afterwards, too late) and
    // enforces it when it checks its connections (every 30 s by default): check often enough that a
    // request trickling in (slowloris) is cut close to the configured time.
    http: serverTimeouts(config.requestTimeoutMs),
    connectionTimeout: config.connectionTimeoutMs,
    // Requests that arrive while the server drains are answered by the hook below (our error shape,
    // Retry-After; /health its readiness answer), not by Fastify's bare 503.
    return503OnClosing: false,
    // A hop count n trusts the n nearest proxies (Fastify's types do not list the number form).
    trustProxy: typeof config.trustProxy === 'number' ? hopsTrusted(config.trustProxy) : config.trustProxy,
    // A target the router cannot decode (bad percent-encoding) matches no route and reaches no handler.
    // Fastify's own answer would quote the whole target, query (?token=…) included.
    frameworkErrors: (error, request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400
      const path = boundedMessage(pathOfTarget(request.url), 200)
      // Fastify types this reply with the route generics of no route in particular.
      void (reply as FastifyReply).status(status).send({ statusCode: status, error: httpReason(status), message: `Request path ${path} is not valid: check its percent-encoding` })
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('serviceConfig', config)
  app.decorate('shutdown', createShutdownControl())
  app.decorate('metrics', metrics)
  // First of all hooks: once a graceful shutdown began, no new work starts (running requests go on).
  app.addHook('onRequest', async (request, reply) => {
    if (!app.shutdown.started || request.routeOptions.url === '/health') return
    void reply.header('connection', 'close').header('retry-after', String(config.retryAfterSeconds))
    void reply.status(503).send({ statusCode: 503, error: 'Service Unavailable', message: SHUTTING_DOWN_MESSAGE })
    return reply
  })
  // Labelled by the matched route pattern, never the raw URL (one series per route, whatever is sent).
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
  })
  // Bodies are JSON only: any other media type is a 415 that says so.
  app.removeContentTypeParser('text/plain')
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  // Load shedding, rate limit, credentials, concurrency gates, JSON/UTF-8 parsing, outbound guard.
  const gates = await installHardening(app, config, metrics, options.resolve)
  app.decorate('ingestGate', gates.ingest)
  app.decorate('testConnectionGate', gates.testConnection)
  const pipelines = new PipelineRuntime(
    config.pipelines,
    { aws: config.aws, om: config.openMetadataSink, endpointAllowlist: config.endpointAllowlist, metrics, progressIntervalMs: config.progressIntervalMs },
    app.log.child({ component: 'pipelines' }),
  )
  app.decorate('pipelines', () => pipelines.service())
  // Schedules resume at start when pipelines were deployed before; a store that cannot be opened stops the start.
  app.addHook('onReady', async () => {
    if (pipelines.hasStore) await pipelines.service()
  })
  app.addHook('onClose', async () => pipelines.close())

  await app.register(swagger, { openapi: openApiInfo, transform: openApiTransform(config.automation.prefix) })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { persistAuthorization: true },
    // The UI's "Try it out" goes to the instance serving it first; importers get openapi.yaml's servers.
    transformSpecification: withThisInstanceFirst,
  })

  app.setErrorHandler((error: FastifyError & { code?: string }, request, reply) => {
    let status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    let message = status === 500 ? 'Internal error: the service failed unexpectedly; see its log for request ' + request.id : (clientErrorMessage(error, config) ?? error.message)
    if (app.shutdown.signal.aborted && status >= 500) {
      // Work cut by a shutdown (its AWS calls aborted) is the shutdown's doing, not AWS's nor a bug.
      status = 503
      message = SHUTTING_DOWN_MESSAGE
      void reply.header('retry-after', String(config.retryAfterSeconds))
    }
    message = boundedMessage(message)
    if (status >= 500 && status !== 503) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: error.code, message }, 'request rejected')
    void reply.status(status).send({ statusCode: status, error: httpReason(status), message })
  })
  app.setNotFoundHandler((request, reply) => {
    const path = boundedMessage(pathOfTarget(request.url), 200)
    void reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `Route ${request.method} ${path} not found` })
  })

  await app.register(health)
  await app.register(testConnection)
  await app.register(databases)
  await app.register(ingestRoute)
  await app.register(automationRoute)
  await app.register(pipelinesRoute)
  await app.register(queryLogRoute)
  await app.register(metricsRoute)
  return app
}

function serverTimeouts(requestTimeoutMs: number) {
  if (requestTimeoutMs <= 0) return {}
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(requestTimeoutMs / 4))),
  }
}

function hopsTrusted(hops: number) {
  return (_address: string, hop: number) => hop < hops
}

function httpReason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    406: 'Not Acceptable',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  }
  return reasons[status] ?? 'Error'
}

export type App = Awaited<ReturnType<typeof buildApp>>
