/**
 * What the OpenAPI document says about each operation beyond its route schema: a stable `operationId`, the
 * security it needs, and its request-body examples. Added here, in @fastify/swagger's `transform` hook, so the
 * route files stay HTTP only and the schemas Fastify validates with are never touched (the hook's copy feeds the
 * document alone). A route that declares its own `operationId` or `security` in its schema keeps it.
 */
import type { FastifySchema } from 'fastify'
import { requestExamples } from './openapi-examples.js'
import { routePolicy } from './security/route-policy.js'

type Security = Array<Record<string, string[]>>

/** Bearer token (AUTH_TOKEN) on /v1/*, and METRICS_TOKEN (else AUTH_TOKEN) on /metrics: src/security/route-policy.ts. */
const BEARER: Security = [{ bearer: [] }]
/** Basic credentials (AUTOMATION_USERNAME / AUTOMATION_PASSWORD) on the automation API (routes/automation.ts). */
const BASIC: Security = [{ basic: [] }]
/** Explicitly open: no credentials are asked for. */
const NONE: Security = []

/** Names clients generate code and Postman names requests from: changing one breaks them, so they are listed. */
const NAMED: Record<string, string> = {
  'GET /health': 'getHealth',
  'POST /v1/test-connection': 'testConnection',
  'POST /v1/databases': 'listDatabases',
  'POST /v1/ingest': 'ingest',
  'POST /v1/query-log': 'queryLog',
  'GET /metrics': 'getMetrics',
}
/** The automation API's operations, by path below AUTOMATION_PREFIX. */
const AUTOMATION_NAMED: Record<string, string> = {
  'GET /health': 'automationHealth',
  'GET /health-auth': 'automationHealthAuth',
  'POST /run_automation': 'runAutomation',
  'POST /deploy': 'deployPipeline',
  'POST /trigger': 'triggerPipeline',
  'GET /status': 'getPipelineStatus',
  'POST /enable': 'enablePipeline',
  'POST /disable': 'disablePipeline',
  'DELETE /delete': 'deletePipeline',
  'POST /kill': 'killPipeline',
  'GET /last_dag_logs': 'getPipelineLogs',
  'GET /ip': 'getPipelineHostIp',
}

/** camelCase of method and path words for a route not listed above: POST /v1/pipelines/:id/run → postV1PipelinesByIdRun. */
function derivedOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')
}

export interface OperationDoc {
  operationId: string
  security: Security
}

/**
 * The operationId and security of `method url`; `automationPrefix` is AUTOMATION_PREFIX. The security is read from
 * the route's policy (src/security/route-policy.ts), the one the service enforces, so the document cannot say
 * otherwise.
 */
export function operationDoc(method: string, url: string, automationPrefix: string): OperationDoc {
  const verb = method.toUpperCase()
  const auth = routePolicy(url, automationPrefix).auth
  const security = auth === 'basic' ? BASIC : auth === 'none' ? NONE : BEARER
  if (url.startsWith(`${automationPrefix}/`)) {
    const below = url.slice(automationPrefix.length)
    return { operationId: AUTOMATION_NAMED[`${verb} ${below}`] ?? derivedOperationId(method, `/automation${below}`), security }
  }
  return { operationId: NAMED[`${verb} ${url}`] ?? derivedOperationId(method, url), security }
}

type RouteSchema = FastifySchema & { operationId?: string; security?: Security; body?: unknown }

/**
 * @fastify/swagger `transform`: returns a copy of the route schema with operationId, security and, when the
 * operation has a body, its named examples (`x-examples` becomes the media type's `examples`). The body schema
 * is copied one level deep, never mutated: Fastify compiled its validator from the same object.
 */
export function openApiTransform(automationPrefix: string) {
  return ({ schema, url, route }: { schema: FastifySchema; url: string; route: { method: string | string[] } }) => {
    const method = Array.isArray(route.method) ? route.method[0]! : route.method
    // A route without a schema is documented too: it still gets its operationId and security.
    const given = (schema ?? {}) as RouteSchema
    const doc = operationDoc(method, url, automationPrefix)
    const operationId = given.operationId ?? doc.operationId
    const transformed: RouteSchema = { ...given, operationId, security: given.security ?? doc.security }
    const examples = requestExamples[operationId]
    if (examples && given.body && typeof given.body === 'object') {
      transformed.body = { ...given.body, 'x-examples': examples }
    }
    return { schema: transformed, url }
  }
}
