import t from 'tap'
import { routePolicy, UNMATCHED_POLICY } from '../../src/security/route-policy.js'

const PREFIX = '/api/v1/openmetadata'

t.test('every /v1 route: bearer, rate limited, no-store, shed; the expensive ones gated', async (t) => {
  for (const [url, gate] of [
    ['/v1/ingest', 'ingest'],
    ['/v1/databases', 'ingest'],
    ['/v1/query-log', 'ingest'],
    ['/v1/test-connection', 'testConnection'],
    ['/v1/anything-new', undefined],
    ['/v1', undefined],
  ] as const) {
    t.same(routePolicy(url, PREFIX), { auth: 'bearer', rateLimited: true, noStore: true, shed: true, ...(gate ? { gate } : {}) }, url)
  }
  t.same(routePolicy('/v10/x', PREFIX), { ...UNMATCHED_POLICY }, 'a prefix that only looks like /v1 is not /v1: it gets the default, the strictest policy')
})

t.test('the automation API under its prefix: Basic (only failures limited) except its health probe; run_automation gated', async (t) => {
  for (const prefix of [PREFIX, '/pluginsv2/api/v2/openmetadata']) {
    t.same(routePolicy(`${prefix}/run_automation`, prefix), { auth: 'basic', rateLimited: false, noStore: true, shed: true, gate: 'testConnection' })
    t.same(routePolicy(`${prefix}/health-auth`, prefix), { auth: 'basic', rateLimited: false, noStore: true, shed: true })
    t.same(routePolicy(`${prefix}/deploy`, prefix), { auth: 'basic', rateLimited: false, noStore: true, shed: true }, 'routes added later are protected too')
    t.same(routePolicy(`${prefix}/health`, prefix), { auth: 'none', rateLimited: false, noStore: true, shed: true })
  }
  t.equal(routePolicy(`${PREFIX}x/run_automation`, PREFIX).auth, 'bearer', 'only paths under the prefix take Basic; this one gets the default')
})

t.test('/health is never shed nor limited; /docs is public; a request that matched no route gets the strictest policy', async (t) => {
  t.same(routePolicy('/health', PREFIX), { auth: 'none', rateLimited: false, noStore: false, shed: false })
  t.same(routePolicy('/docs/static/*', PREFIX), { auth: 'none', rateLimited: false, noStore: false, shed: true })
  t.same(routePolicy('/docs', PREFIX), { auth: 'none', rateLimited: false, noStore: false, shed: true })
  // A route added later with no rule in route-policy.ts is protected, never open by accident.
  t.same(routePolicy('/admin/reload', PREFIX), { ...UNMATCHED_POLICY })
  t.same(routePolicy('/docsx', PREFIX), { ...UNMATCHED_POLICY }, 'only /docs and below are public')
  t.same(UNMATCHED_POLICY, { auth: 'bearer', rateLimited: true, noStore: true, shed: true })
  t.ok(Object.isFrozen(UNMATCHED_POLICY))
})
