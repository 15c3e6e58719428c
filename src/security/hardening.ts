/**
 * The service's protections, installed on the root Fastify instance by buildApp (before the routes, so
 * route files need nothing): in request order —
 *   onRequest  load shedding (503 + Retry-After) → rate limit on /v1/* (429) → bearer token (401)
 *              → [route level, /v1/ingest and /v1/databases] concurrency gate (503 + Retry-After)
 *   parsing    JSON only, UTF-8 only, body size limit (413), prototype poisoning refused (400)
 *   preHandler connection target guard: awsConfig.endPointURL / awsRegion (400), before any AWS call.
 * Load shedding runs first so that an overloaded service spends nothing on a request it drops; the rate
 * limit runs before authentication so that token guessing is rate limited too.
 */
import { isUtf8 } from 'node:buffer'
import type { FastifyError, FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import { bearerAccepted } from '../auth.js'
import type { ServiceConfig } from '../config.js'
import { ConcurrencyGate } from './concurrency-gate.js'
import { checkConnectionTargets } from './connection-guard.js'
import type { Resolver } from './endpoint-guard.js'
import { illFormedStringAt } from './well-formed.js'

/**
 * Deepest nesting a JSON body may have. OpenMetadata's connection and workflow objects nest a few levels;
 * a body nested thousands deep is an attack on every recursive function downstream (clones, serializers).
 */
export const MAX_BODY_DEPTH = 64

/** Routes whose requests hold a slot of the concurrency gate for as long as they run. */
export const GATED_ROUTES = ['/v1/ingest', '/v1/databases', '/v1/query-log']

/** An error the error handler renders with its status and message. */
export function httpError(statusCode: number, message: string, code?: string): FastifyError {
  const err = new Error(message) as FastifyError
  err.statusCode = statusCode
  if (code) (err as { code: string }).code = code
  return err
}

const isV1 = (request: FastifyRequest) => request.url.startsWith('/v1/')

// buildApp's instance has a pino logger and the TypeBox provider: accept any instance.
type AnyFastify = FastifyInstance<any, any, any, any, any>

export async function installHardening(app: AnyFastify, config: ServiceConfig, resolve?: Resolver): Promise<ConcurrencyGate> {
  const retryAfter = String(config.retryAfterSeconds)

  // Load shedding. /health is exempt: a liveness probe failing under load would get a busy (but
  // working) instance restarted, which only moves its load elsewhere.
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    maxEventLoopUtilization: config.maxEventLoopUtilization,
    maxHeapUsedBytes: config.maxHeapUsedBytes,
    maxRssBytes: config.maxRssBytes,
    sampleInterval: config.loadSampleIntervalMs,
    pressureHandler: (request, reply, type, value) => {
      if (request.url.split('?')[0] === '/health') return undefined
      request.log.warn({ type, value }, 'load shedding')
      void reply.header('retry-after', retryAfter)
      // A rejected promise is how the plugin passes an error on to the error handler.
      return Promise.reject(httpError(503, `The service is overloaded (${type} over its limit); retry after ${retryAfter} s`, 'OVERLOADED'))
    },
  })

  if (config.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: false, // installed below as a global onRequest hook, so it runs before authentication
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowMs,
      allowList: (request) => !isV1(request),
      errorResponseBuilder: (_request, ctx) =>
        httpError(
          ctx.statusCode,
          `Rate limit exceeded: at most ${ctx.max} requests per ${config.rateLimitWindowMs} ms per client on /v1/*; retry in ${ctx.after}`,
          'RATE_LIMITED',
        ),
    })
    app.addHook('onRequest', app.rateLimit())
  }

  if (config.authTokens.length > 0) {
    app.addHook('onRequest', async (request, reply) => {
      if (!isV1(request)) return
      if (!bearerAccepted(request.headers.authorization, config.authTokens)) {
        // Same answer whether the header is missing, malformed or wrong.
        void reply.header('www-authenticate', 'Bearer')
        throw httpError(401, 'Missing or invalid bearer token', 'UNAUTHORIZED')
      }
    })
  }

  const gate = new ConcurrencyGate(config.maxConcurrentIngests)
  const acquireSlot: onRequestHookHandler = async (request, reply) => {
    const release = gate.tryAcquire()
    if (!release) {
      void reply.header('retry-after', retryAfter)
      throw httpError(
        503,
        `Too many ingests running: at most ${gate.max} ingests and database listings run at once (MAX_CONCURRENT_INGESTS); retry after ${retryAfter} s`,
        'TOO_MANY_INGESTS',
      )
    }
    // 'close' comes after 'finish' or on an aborted response; either way the slot is free again.
    reply.raw.once('finish', release)
    reply.raw.once('close', release)
  }
  app.addHook('onRoute', (route) => {
    if (!GATED_ROUTES.includes(route.url)) return
    const existing = route.onRequest
    route.onRequest = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), acquireSlot]
  })

  installJsonParser(app)

  app.addHook('preHandler', async (request) => {
    const problem = await checkConnectionTargets(request.body, { allowlist: config.endpointAllowlist }, resolve)
    if (problem) throw problem
  })

  app.addHook('onSend', async (request, reply) => {
    // Answers carry connection details and catalog metadata: no cache may keep them.
    if (isV1(request)) void reply.header('cache-control', 'no-store')
    void reply.header('x-content-type-options', 'nosniff')
  })
  return gate
}

/**
 * JSON bodies only, and only as UTF-8 (RFC 8259 §8.1): invalid bytes are a 400 instead of being
 * silently replaced by U+FFFD in a name or a filter. `__proto__` and `constructor.prototype` keys are
 * refused (Fastify's secure parser, protoAction/constructorAction 'error') with a message that says so, and
 * so are strings that are not well-formed Unicode (./well-formed.ts).
 * Messages never quote the body (V8's JSON.parse messages do, and a body holds secrets).
 */
function installJsonParser(app: AnyFastify): void {
  const secureParse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    const body = raw as Buffer
    if (!isUtf8(body)) return done(httpError(400, 'Request body is not valid UTF-8 (JSON bodies must be UTF-8 encoded)', 'INVALID_UTF8'), undefined)
    const text = body.toString('utf8')
    if (nestingExceeds(text, MAX_BODY_DEPTH)) {
      return done(httpError(400, `Request body nests objects/arrays deeper than ${MAX_BODY_DEPTH} levels`, 'TOO_DEEP'), undefined)
    }
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
      if (c === 0x5c) i++ // backslash: skip the escaped character
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
