/**
 * What protects a route, decided once per registered route from the URL it was registered with.
 * Requests get the policy of the route the router matched, never one derived from their raw target:
 * `/%761/ingest`, `POST http://x/v1/ingest` and `/v1/ingest?…` all match /v1/ingest, so they all get
 * its policy — whatever spelling reaches a handler has passed that handler's policy (issue 10 §1).
 */
export interface RoutePolicy {
  /**
   * The credentials demanded: AUTH_TOKEN bearer tokens, the automation API's Basic password, the metrics
   * scraper's bearer token (METRICS_TOKEN, else AUTH_TOKEN), or none.
   */
  auth: 'bearer' | 'basic' | 'metrics' | 'none'
  /**
   * Every request counts toward RATE_LIMIT_MAX. Failed authentications count toward AUTH_FAILURE_LIMIT
   * on every route that demands credentials, whatever this says.
   */
  rateLimited: boolean
  /** `cache-control: no-store` on every answer (answers carry connection details and catalog metadata). */
  noStore: boolean
  /** Refused with 503 when the service is overloaded. */
  shed: boolean
  /** The concurrency gate whose slot a request holds while it runs. */
  gate?: 'ingest' | 'testConnection'
}

/**
 * A request no route matched (it can only reach the 404 handler), and the fallback for a route registered
 * without a policy: the strictest policy. With AUTH_TOKEN set an unknown path answers 401 without the token
 * (404 with it), so an unauthenticated caller learns nothing about which paths or spellings exist.
 */
export const UNMATCHED_POLICY: RoutePolicy = Object.freeze({ auth: 'bearer', rateLimited: true, noStore: true, shed: true })

/** Expensive /v1 routes: each holds AWS connections, a catalog's pages and a response stream while it runs. */
const INGEST_ROUTES = ['/v1/ingest', '/v1/databases', '/v1/query-log']

/** The policy of a route registered at `url` (its registered path, e.g. /v1/ingest; no query). */
export function routePolicy(url: string, automationPrefix: string): RoutePolicy {
  if (url === '/health') {
    // A liveness probe failing under load would get a busy (but working) instance restarted, which
    // only moves its load elsewhere: never shed, never limited.
    return { auth: 'none', rateLimited: false, noStore: false, shed: false }
  }
  if (url === '/metrics') {
    // Prometheus must see an overload, not be told 503/429 by it: never shed, never rate limited (one
    // scraper, a request every few seconds). Failed tokens still count toward AUTH_FAILURE_LIMIT.
    return { auth: 'metrics', rateLimited: false, noStore: true, shed: false }
  }
  if (url === '/v1' || url.startsWith('/v1/')) {
    const gate = INGEST_ROUTES.includes(url) ? 'ingest' : url === '/v1/test-connection' ? 'testConnection' : undefined
    return { auth: 'bearer', rateLimited: true, noStore: true, shed: true, ...(gate ? { gate } : {}) }
  }
  if (url.startsWith(`${automationPrefix}/`)) {
    // OpenMetadata's server calls these (one client, frequent calls): only its failed logins are limited.
    // `health` is the managed APIs' unauthenticated probe; every other route takes the Basic password.
    if (url === `${automationPrefix}/health`) return { auth: 'none', rateLimited: false, noStore: true, shed: true }
    const gate = url === `${automationPrefix}/run_automation` ? 'testConnection' : undefined
    return { auth: 'basic', rateLimited: false, noStore: true, shed: true, ...(gate ? { gate } : {}) }
  }
  if (url === '/docs' || url.startsWith('/docs/')) {
    // Swagger UI, its assets and the OpenAPI document: public, cacheable.
    return { auth: 'none', rateLimited: false, noStore: false, shed: true }
  }
  // A route added later without a rule here is protected until someone decides otherwise, never open by accident.
  return UNMATCHED_POLICY
}
