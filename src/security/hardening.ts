/**
 * The service's protections, installed on the root Fastify instance by buildApp (before the routes, so
 * route files need nothing). Each is decided by the route the router matched (its RoutePolicy, set on
 * the route's config when it is registered: src/security/route-policy.ts), never by the raw request
 * target — `/%761/ingest` or `POST http://x/v1/ingest` matches /v1/ingest and gets exactly its policy.
 * In request order —
 *   onRequest  load shedding (503 + Retry-After) → rate limit (429) → credentials: bearer token or the
 *              automation API's Basic password, failed attempts limited per client (401, 429)
 *              → [route level] concurrency gate of ingests / test connections (503 + Retry-After)
 *   parsing    JSON only, UTF-8 only, body size limit (413), prototype poisoning refused (400)
 *   preHandler connection target guard: awsConfig.endPointURL / awsRegion (400), before any AWS call.
 *   onSend     cache-control: no-store where the policy says so.
 * Load shedding runs first so that an overloaded service spends nothing on a request it drops; the rate
 * limit runs before authentication so that token guessing is rate limited too.
 */
import { isUtf8 } from 'node:buffer'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, RawServerDefault } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Logger } from 'pino'
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import { bearerAccepted } from '../auth.js'
import { basicAccepted } from '../automation/basic-auth.js'
import type { ServiceConfig } from '../config.js'
import type { ServiceMetrics } from '../metrics.js'
import { ConcurrencyGate } from './concurrency-gate.js'
import { checkConnectionTargets } from './connection-guard.js'
import type { Resolver } from './endpoint-guard.js'
import { illFormedStringAt } from './well-formed.js'
import { routePolicy, UNMATCHED_POLICY, type RoutePolicy } from './route-policy.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set for every route when it is registered (installHardening's onRoute hook); route files never set it. */
    policy?: RoutePolicy
  }
}

/**
 * Deepest nesting a JSON body may have. OpenMetadata's connection and workflow objects nest a few levels;
 * a body nested thousands deep is an attack on every recursive function downstream (clones, serializers).
 */
export const MAX_BODY_DEPTH = 64

/** An error the error handler renders with its status and message. */
export function httpError(statusCode: number, message: string, code?: string): FastifyError {
  const err = new Error(message) as FastifyError
  err.statusCode = statusCode
  if (code) (err as { code: string }).code = code
  return err
}

/** The policy of the route this request matched; a request that matched none gets the strictest. */
const policyOf = (request: FastifyRequest): RoutePolicy => request.routeOptions.config.policy ?? UNMATCHED_POLICY

/** The concurrency gates installHardening creates; buildApp decorates the instance with them. */
export interface Gates {
  /** MAX_CONCURRENT_INGESTS: /v1/ingest, /v1/databases, /v1/query-log. */
  ingest: ConcurrencyGate
  /** MAX_CONCURRENT_TEST_CONNECTIONS: /v1/test-connection and the automation API's run_automation. */
  testConnection: ConcurrencyGate
}

// buildApp's instance: a plain HTTP server, its pino logger and the TypeBox provider.
type AppInstance = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger, TypeBoxTypeProvider>

export async function installHardening(app: AppInstance, config: ServiceConfig, metrics: ServiceMetrics, resolve?: Resolver): Promise<Gates> {
  const retryAfter = String(config.retryAfterSeconds)
  const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched'
  const startUp = startUpGrace(app, config.loadSampleIntervalMs)

  const onGateFull = (request: FastifyRequest) => metrics.rejected('concurrency', routeOf(request))
  const gates: Gates = {
    ingest: new ConcurrencyGate(config.maxConcurrentIngests),
    testConnection: new ConcurrencyGate(config.maxConcurrentTestConnections),
  }
  const gateHooks = {
    ingest: gateHook(
      gates.ingest,
      retryAfter,
      (max) => `Too many ingests running: at most ${max} ingests and database listings run at once (MAX_CONCURRENT_INGESTS); retry after ${retryAfter} s`,
      'TOO_MANY_INGESTS',
      onGateFull,
    ),
    testConnection: gateHook(
      gates.testConnection,
      retryAfter,
      (max) =>
        `Too many test connections running: at most ${max} test connections (POST /v1/test-connection and run_automation) run at once (MAX_CONCURRENT_TEST_CONNECTIONS); retry after ${retryAfter} s`,
      'TOO_MANY_TEST_CONNECTIONS',
      onGateFull,
    ),
  }
  // Every route gets its policy from the URL it is registered with; the hooks below read it back
  // from the matched route (request.routeOptions.config), so no spelling of a path changes it.
  app.addHook('onRoute', (route) => {
    const policy = routePolicy(route.url, config.automation.prefix)
    route.config = { ...route.config, policy }
    if (!policy.gate) return
    const existing = route.onRequest
    route.onRequest = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), gateHooks[policy.gate]]
  })

  // Load shedding, except where the route's policy exempts it (/health).
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    maxEventLoopUtilization: config.maxEventLoopUtilization,
    maxHeapUsedBytes: config.maxHeapUsedBytes,
    maxRssBytes: config.maxRssBytes,
    sampleInterval: config.loadSampleIntervalMs,
    // Utilization over the last sample interval; the default (since start) would count the start-up work for long.
    eventLoopUtilizationMode: 'interval',
    pressureHandler: (request, reply, type, value) => {
      if (!policyOf(request).shed) return undefined
      if (startUp.inSample(type)) return undefined
      metrics.rejected('shed', routeOf(request))
      request.log.warn({ type, value }, 'load shedding')
      void reply.header('retry-after', retryAfter)
      // A rejected promise is how the plugin passes an error on to the error handler.
      return Promise.reject(httpError(503, `The service is overloaded (${type} over its limit); retry after ${retryAfter} s`, 'OVERLOADED'))
    },
  })

  let failures: FailureLimiter | undefined
  if (config.rateLimitMax > 0 || config.authFailureLimit > 0) {
    await app.register(rateLimit, {
      global: false, // installed below as a global onRequest hook, so it runs before authentication
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowMs,
      allowList: (request) => !policyOf(request).rateLimited,
      errorResponseBuilder: (request, ctx) => {
        metrics.rejected('rate_limited', routeOf(request))
        return httpError(ctx.statusCode, `Rate limit exceeded: at most ${ctx.max} requests per ${config.rateLimitWindowMs} ms per client on /v1/*; retry in ${ctx.after}`, 'RATE_LIMITED')
      },
    })
    if (config.rateLimitMax > 0) app.addHook('onRequest', app.rateLimit())
    // Failed authentications only, on every route that takes credentials: OpenMetadata's server calls
    // the automation API often from one address, a password guesser fails often.
    if (config.authFailureLimit > 0) {
      failures = app.createRateLimit({ max: config.authFailureLimit, timeWindow: config.rateLimitWindowMs, allowList: () => false })
    }
  }

  const schemes = credentialSchemes(config)
  app.addHook('onRequest', async (request, reply) => {
    const scheme = schemes[policyOf(request).auth]
    if (!scheme) return
    if (failures) {
      // A client past its failures is refused before its credentials are checked: were a right guess
      // answered differently, the limit would not stop the guessing.
      const seen = await failures(request, { increment: false })
      if (!seen.isAllowed && seen.remaining === 0) {
        metrics.rejected('auth_failures', routeOf(request))
        throw tooManyFailures(reply, seen.max, seen.ttlInSeconds, config)
      }
    }
    if (scheme.accepts(request.headers.authorization)) return
    if (failures) await failures(request)
    // Same answer whether the header is missing, malformed or wrong.
    void reply.header('www-authenticate', scheme.challenge)
    throw httpError(401, scheme.message, 'UNAUTHORIZED')
  })

  installJsonParser(app)

  app.addHook('preHandler', async (request) => {
    const problem = await checkConnectionTargets(request.body, { allowlist: config.endpointAllowlist }, resolve)
    if (problem) throw problem
  })

  app.addHook('onSend', async (request, reply) => {
    if (policyOf(request).noStore) void reply.header('cache-control', 'no-store')
    void reply.header('x-content-type-options', 'nosniff')
  })
  return gates
}

type FailureLimiter = ReturnType<AppInstance['createRateLimit']>

interface CredentialScheme {
  accepts(header: string | undefined): boolean
  challenge: string
  message: string
}

/** The schemes that are switched on: bearer with AUTH_TOKEN set, metrics with METRICS_TOKEN or AUTH_TOKEN set, Basic with the automation credentials set. */
function credentialSchemes(config: ServiceConfig): Partial<Record<RoutePolicy['auth'], CredentialScheme>> {
  const schemes: Partial<Record<RoutePolicy['auth'], CredentialScheme>> = {}
  if (config.authTokens.length > 0) {
    schemes.bearer = {
      accepts: (header) => bearerAccepted(header, config.authTokens),
      challenge: 'Bearer',
      message: 'Missing or invalid bearer token',
    }
  }
  const metricsTokens = config.metricsTokens.length > 0 ? config.metricsTokens : config.authTokens
  if (metricsTokens.length > 0) {
    schemes.metrics = {
      accepts: (header) => bearerAccepted(header, metricsTokens),
      challenge: 'Bearer',
      message: `Missing or invalid bearer token for /metrics (${config.metricsTokens.length > 0 ? 'METRICS_TOKEN' : 'AUTH_TOKEN'})`,
    }
  }
  const { username, password } = config.automation
  // Without them the automation routes answer 503 (the API is off): routes/automation.ts.
  if (username && password) {
    schemes.basic = {
      accepts: (header) => basicAccepted(header, username, password),
      challenge: 'Basic realm="openmetadata-automation", charset="UTF-8"',
      message: 'Missing or invalid Basic credentials for the automation API',
    }
  }
  return schemes
}

function tooManyFailures(reply: FastifyReply, max: number, retryInSeconds: number, config: ServiceConfig): FastifyError {
  void reply.header('retry-after', String(Math.max(1, retryInSeconds)))
  return httpError(
    429,
    `Too many failed authentications: at most ${max} per ${config.rateLimitWindowMs} ms per client (AUTH_FAILURE_LIMIT); retry after ${Math.max(1, retryInSeconds)} s`,
    'AUTH_FAILURES',
  )
}

/**
 * The event-loop figures of the samples taken while the service started (schemas compiled, the SQL
 * grammar built: src/server.ts) measure the service's own start-up, not load: they shed nothing. A sample
 * covers the interval before it, so the first one wholly after `ready` is at most two intervals later.
 * Heap and RSS limits apply from the start.
 */
function startUpGrace(app: AppInstance, sampleIntervalMs: number) {
  let readyAt: number | undefined
  app.addHook('onReady', (done) => {
    readyAt = Date.now()
    done()
  })
  return {
    inSample(type: string): boolean {
      if (type !== 'eventLoopDelay' && type !== 'eventLoopUtilization') return false
      return readyAt === undefined || Date.now() < readyAt + 2 * Math.max(sampleIntervalMs, 10)
    },
  }
}

/** A route-level onRequest hook that holds a slot of `gate` until the response is over, or answers 503. */
function gateHook(gate: ConcurrencyGate, retryAfter: string, message: (max: number) => string, code: string, onFull: (request: FastifyRequest) => void): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const release = gate.tryAcquire()
    if (!release) {
      onFull(request)
      void reply.header('retry-after', retryAfter)
      throw httpError(503, message(gate.max), code)
    }
    // 'close' comes after 'finish' or on an aborted response; either way the slot is free again.
    reply.raw.once('finish', release)
    reply.raw.once('close', release)
  }
}

/**
 * JSON bodies only, and only as UTF-8 (RFC 8259 §8.1): invalid bytes are a 400 instead of being
 * silently replaced by U+FFFD in a name or a filter. `__proto__` and `constructor.prototype` keys are
 * refused (Fastify's secure parser, protoAction/constructorAction 'error') with a message that says so, and
 * so are strings that are not well-formed Unicode (./well-formed.ts).
 * Messages never quote the body (V8's JSON.parse messages do, and a body holds secrets).
 */
function installJsonParser(app: AppInstance): void {
  const secureParse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    const body = raw as Buffer
    if (!isUtf8(body)) return done(httpError(400, 'Request body is not valid UTF-8 (JSON bodies must be UTF-8 encoded)', 'INVALID_UTF8'), undefined)
    const text = body.toString('utf8')
    if (nestingExceeds(text, MAX_BODY_DEPTH)) {
      return done(httpError(400, `Request body nests objects/arrays deeper than ${MAX_BODY_DEPTH} levels`, 'TOO_DEEP'), undefined)
    }
    // eslint-disable-next-line @typescript-eslint/no-floating-promises -- called with a callback, Fastify's default parser answers through it and returns nothing
    secureParse(request, text, (err, value) => {
      if (!err) {
        const where = illFormedStringAt(text, value)
        if (!where) return done(null, value)
        return done(
          httpError(400, `${where} is not well-formed Unicode: it holds a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape); send text as UTF-8 or paired surrogates`, 'ILL_FORMED_UNICODE'),
          undefined,
        )
      }
      if (text.length === 0) return done(err, undefined) // "Body cannot be empty when content-type is set to 'application/json'"
      let plain = true
      try {
        JSON.parse(text)
      } catch (syntax) {
        plain = false
        const at = /position (\d+)/.exec(String((syntax as Error).message))
        done(httpError(400, `Request body is not valid JSON${at ? ` (error at position ${at[1]})` : ''}`, 'INVALID_JSON'), undefined)
      }
      if (plain) {
        done(httpError(400, 'Request body contains a forbidden key: "__proto__" or "constructor.prototype" (prototype poisoning)', 'FORBIDDEN_KEY'), undefined)
      }
    })
  })
}

/** True when JSON text opens more than `max` objects/arrays at once (a linear scan, before parsing). */
export function nestingExceeds(text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

/**
 * A message cut to `max` characters in its middle: the start names the field, the end says why, and
 * whatever a caller put in between (an 800 kB pattern) is not echoed back.
 */
export function boundedMessage(message: string, max = 1_000): string {
  if (message.length <= max) return message
  const keep = Math.floor((max - 40) / 2)
  return `${message.slice(0, keep)}…[${message.length - 2 * keep} characters left out]…${message.slice(-keep)}`
}

/** Messages for Fastify's own client errors that say what to do. */
export function clientErrorMessage(error: FastifyError, config: ServiceConfig): string | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `Request body is too large: the limit is ${config.bodyLimitBytes} bytes (BODY_LIMIT_BYTES)`
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Media Type: the request body must be JSON, sent with content-type: application/json'
    default:
      return undefined
  }
}
