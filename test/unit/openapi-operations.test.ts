import t from 'tap'
import { operationDoc, openApiTransform } from '../../src/openapi-operations.js'
import { requestExamples } from '../../src/openapi-examples.js'

const PREFIX = '/api/v1/openmetadata'

t.test('a route added later gets a derived camelCase operationId and the security of its prefix', async (t) => {
  t.same(operationDoc('POST', '/v1/pipelines/:id/run', PREFIX), { operationId: 'postV1PipelinesByIdRun', security: [{ bearer: [] }] })
  t.same(operationDoc('POST', `${PREFIX}/csrf-token`, PREFIX), { operationId: 'postAutomationCsrfToken', security: [{ basic: [] }] })
  t.same(operationDoc('POST', `${PREFIX}/deploy`, PREFIX), { operationId: 'deployPipeline', security: [{ basic: [] }] }, 'the pipeline operations are named')
  t.same(operationDoc('GET', '/metrics', PREFIX), { operationId: 'getMetrics', security: [{ bearer: [] }] }, 'METRICS_TOKEN, else AUTH_TOKEN')
  t.same(operationDoc('GET', '/status', PREFIX), { operationId: 'getStatus', security: [{ bearer: [] }] }, 'a route with no rule of its own is protected, as the service protects it')
  t.same(operationDoc('GET', '/health', PREFIX), { operationId: 'getHealth', security: [] }, 'open routes say so')
})

t.test('the automation operations follow AUTOMATION_PREFIX', async (t) => {
  const prefix = '/airflow/api'
  t.same(operationDoc('GET', `${prefix}/health`, prefix), { operationId: 'automationHealth', security: [] })
  t.same(operationDoc('GET', `${prefix}/health-auth`, prefix), { operationId: 'automationHealthAuth', security: [{ basic: [] }] })
  t.same(operationDoc('POST', `${prefix}/run_automation`, prefix), { operationId: 'runAutomation', security: [{ basic: [] }] })
  t.equal(operationDoc('GET', `${PREFIX}/health`, prefix).operationId, 'getApiV1OpenmetadataHealth', 'the default prefix is nothing special then')
})

t.test('the transform documents a copy: the schema Fastify validates with is not touched', async (t) => {
  const body = { type: 'object', properties: { a: { type: 'string' } } }
  const schema = { tags: ['connection'], body }
  const before = structuredClone(schema)
  const out = openApiTransform(PREFIX)({ schema, url: '/v1/test-connection', route: { method: 'POST' } })
  t.same(schema, before, 'the route schema is unchanged')
  t.notOk('x-examples' in body)
  t.match(out.schema, { operationId: 'testConnection', security: [{ bearer: [] }], tags: ['connection'] })
  t.same((out.schema as { body: Record<string, unknown> }).body['x-examples'], requestExamples.testConnection)
})

t.test("a route's own operationId and security win", async (t) => {
  const schema = { operationId: 'scrapeMetrics', security: [{ bearer: [] }] }
  const out = openApiTransform(PREFIX)({ schema, url: '/metrics', route: { method: 'GET' } })
  t.match(out.schema, { operationId: 'scrapeMetrics', security: [{ bearer: [] }] })
})

t.test('a route without a schema is still named and secured', async (t) => {
  const out = openApiTransform(PREFIX)({ schema: undefined as never, url: '/v1/things', route: { method: ['GET', 'HEAD'] } })
  t.same(out.schema, { operationId: 'getV1Things', security: [{ bearer: [] }] })
})
