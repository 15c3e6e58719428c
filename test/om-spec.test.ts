/** Sanity of the OpenMetadata spec validator (test/support/om-spec.ts): valid payloads pass, bad variants fail. */
import t from 'tap'
import { createRequire } from 'node:module'
import type { Ajv as AjvT } from 'ajv'
import type { FormatsPlugin } from 'ajv-formats'
import { Source } from '../schemas/requests.js'
import { assertOm, buildSpecSchemas, getOmAjv, OM_SPEC_DIR, omValidator, validateOm } from './support/om-spec.js'

const require = createRequire(import.meta.url)
const { Ajv } = require('ajv') as { Ajv: typeof AjvT }
const addFormats = require('ajv-formats') as FormatsPlugin

const ATHENA = {
  type: 'Athena',
  scheme: 'awsathena+rest',
  awsConfig: { awsRegion: 'eu-west-1', assumeRoleArn: 'arn:aws:iam::123456789012:role/om' },
  s3StagingDir: 's3://athena-results/om/',
  workgroup: 'primary',
  schemaFilterPattern: { includes: ['^sales'] },
  supportsMetadataExtraction: true,
  supportsUsageExtraction: true,
  supportsLineageExtraction: true,
  supportsDataDiff: true,
  supportsQueryComment: true,
  catalogId: '123456789012',
}
const TABLE_REF = { id: '6f1c2a3e-58a4-4d3b-9d43-2f3c0a1b2c3d', type: 'table', fullyQualifiedName: 'athena_prod.awsdatacatalog.sales.orders' }
const VIEW_REF = { id: '0b9c8d7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e', type: 'table', fullyQualifiedName: 'athena_prod.awsdatacatalog.sales.orders_v' }

interface Case {
  schema: string
  payload: unknown
}
const VALID: Record<string, Case> = {
  CreateTableRequest: {
    schema: 'api/data/createTable.json',
    payload: {
      name: 'orders',
      databaseSchema: 'athena_prod.awsdatacatalog.sales',
      tableType: 'External',
      columns: [
        { name: 'id', dataType: 'BIGINT', dataTypeDisplay: 'bigint' },
        { name: 'tags', dataType: 'ARRAY', arrayDataType: 'STRING', dataTypeDisplay: 'array<string>' },
      ],
    },
  },
  CreateDatabaseServiceRequest: {
    schema: 'api/services/createDatabaseService.json',
    payload: { name: 'athena_prod', serviceType: 'Athena', connection: { config: ATHENA } },
  },
  CreateDatabaseRequest: {
    schema: 'api/data/createDatabase.json',
    payload: { name: 'awsdatacatalog', service: 'athena_prod' },
  },
  CreateDatabaseSchemaRequest: {
    schema: 'api/data/createDatabaseSchema.json',
    payload: { name: 'sales', database: 'athena_prod.awsdatacatalog', description: 'Sales data' },
  },
  stepSummary: {
    schema: 'entity/services/ingestionPipelines/status.json#/definitions/stepSummary',
    payload: { name: 'Athena', records: 12, updated_records: 0, warnings: 1, errors: 0, filtered: 3 },
  },
  TestConnectionResult: {
    schema: 'entity/services/connections/testConnectionResult.json',
    payload: {
      lastUpdatedAt: 1767225600000,
      status: 'Successful',
      steps: [
        { name: 'CheckAccess', mandatory: true, passed: true, message: 'ok' },
        { name: 'GetViews', mandatory: false, passed: false, message: 'denied', errorLog: 'AccessDenied' },
      ],
    },
  },
  AddLineageRequest: {
    schema: 'api/lineage/addLineage.json',
    payload: {
      edge: {
        fromEntity: TABLE_REF,
        toEntity: VIEW_REF,
        lineageDetails: {
          source: 'ViewLineage',
          sqlQuery: 'CREATE VIEW orders_v AS SELECT id FROM orders',
          columnsLineage: [{ fromColumns: ['athena_prod.awsdatacatalog.sales.orders.id'], toColumn: 'athena_prod.awsdatacatalog.sales.orders_v.id' }],
        },
      },
    },
  },
  TestServiceConnectionRequest: {
    schema: 'entity/automations/testServiceConnection.json',
    payload: { connection: { config: ATHENA }, serviceType: 'Database', connectionType: 'Athena', serviceName: 'athena_prod' },
  },
  AthenaConnection: { schema: 'entity/services/connections/database/athenaConnection.json', payload: ATHENA },
  DatabaseServiceMetadataPipeline: {
    schema: 'metadataIngestion/databaseServiceMetadataPipeline.json',
    payload: {
      type: 'DatabaseMetadata',
      markDeletedTables: true,
      includeViews: true,
      ownerConfig: { default: 'data-team', database: { sales_db: ['alice', 'bob'] } },
      incremental: { enabled: false },
      tableFilterPattern: { excludes: ['^tmp_'] },
    },
  },
  TestConnectionDefinition: {
    schema: 'entity/services/connections/testConnectionDefinition.json',
    payload: JSON.parse(JSON.stringify(require(`${OM_SPEC_DIR}/testConnections/database/athena.json`))) as unknown,
  },
}

const INVALID: Record<string, Case & { why: RegExp }> = {
  'CreateTableRequest without name': {
    schema: 'api/data/createTable.json',
    payload: { databaseSchema: 'a.b.c', columns: [{ name: 'id', dataType: 'INT' }] },
    why: /name/,
  },
  'CreateTableRequest column without dataType': {
    schema: 'api/data/createTable.json',
    payload: { name: 't', databaseSchema: 'a.b.c', columns: [{ name: 'id' }] },
    why: /dataType/,
  },
  'CreateTableRequest with a bogus dataType': {
    schema: 'api/data/createTable.json',
    payload: { name: 't', databaseSchema: 'a.b.c', columns: [{ name: 'id', dataType: 'WIDGET' }] },
    why: /allowed values/,
  },
  'CreateDatabaseServiceRequest with serviceType Bogus': {
    schema: 'api/services/createDatabaseService.json',
    payload: { name: 'athena_prod', serviceType: 'Bogus', connection: { config: ATHENA } },
    why: /serviceType/,
  },
  'CreateDatabaseServiceRequest whose Athena config lacks awsRegion': {
    schema: 'api/services/createDatabaseService.json',
    payload: { name: 'athena_prod', serviceType: 'Athena', connection: { config: { ...ATHENA, awsConfig: {} } } },
    why: /oneOf|awsRegion/,
  },
  'CreateDatabaseServiceRequest with a name containing ::': {
    schema: 'api/services/createDatabaseService.json',
    payload: { name: 'a::b', serviceType: 'Athena' },
    why: /pattern/,
  },
  'CreateDatabaseRequest without service': {
    schema: 'api/data/createDatabase.json',
    payload: { name: 'awsdatacatalog' },
    why: /service/,
  },
  'CreateDatabaseSchemaRequest with owners (the stale copy has singular owner)': {
    schema: 'api/data/createDatabaseSchema.json',
    payload: { name: 'sales', database: 'athena_prod.awsdatacatalog', owners: [] },
    why: /additional/,
  },
  'stepSummary with records as a string': {
    schema: 'entity/services/ingestionPipelines/status.json#/definitions/stepSummary',
    payload: { name: 'Athena', records: '12' },
    why: /records/,
  },
  'TestConnectionResult with status Bogus': {
    schema: 'entity/services/connections/testConnectionResult.json',
    payload: { status: 'Bogus', steps: [] },
    why: /status/,
  },
  'TestConnectionResult step without passed': {
    schema: 'entity/services/connections/testConnectionResult.json',
    payload: { status: 'Failed', steps: [{ name: 'CheckAccess', mandatory: true }] },
    why: /passed/,
  },
  'AddLineageRequest without toEntity': {
    schema: 'api/lineage/addLineage.json',
    payload: { edge: { fromEntity: TABLE_REF } },
    why: /toEntity/,
  },
  'AddLineageRequest with an entity reference whose id is not a uuid': {
    schema: 'api/lineage/addLineage.json',
    payload: { edge: { fromEntity: { ...TABLE_REF, id: 'nope' }, toEntity: VIEW_REF } },
    why: /uuid/,
  },
  'AddLineageRequest with an unknown lineage source': {
    schema: 'api/lineage/addLineage.json',
    payload: { edge: { fromEntity: TABLE_REF, toEntity: VIEW_REF, lineageDetails: { source: 'Guesswork' } } },
    why: /source/,
  },
  'TestServiceConnectionRequest with serviceType Bogus': {
    schema: 'entity/automations/testServiceConnection.json',
    payload: { connection: { config: ATHENA }, serviceType: 'Bogus' },
    why: /serviceType/,
  },
  'DatabaseServiceMetadataPipeline with an unknown option': {
    schema: 'metadataIngestion/databaseServiceMetadataPipeline.json',
    payload: { type: 'DatabaseMetadata', includeFederatedCatalogs: true },
    why: /additional/,
  },
}

t.test('valid payloads validate', async (t) => {
  for (const [name, c] of Object.entries(VALID)) assertOm(t, c.schema, c.payload, name)
})

t.test('bad variants are rejected, with a message', async (t) => {
  for (const [name, c] of Object.entries(INVALID)) {
    const { valid, errors } = validateOm(c.schema, c.payload)
    t.notOk(valid, name)
    t.match(errors, c.why, `${name}: ${errors}`)
  }
})

t.test('assertOm reports through t.ok with the errors in the message', async (t) => {
  const calls: Array<[unknown, string | undefined]> = []
  const fake = { ok: (value: unknown, message?: string) => calls.push([value, message]) }
  t.equal(assertOm(fake, 'entity/services/connections/testConnectionResult.json', { steps: [] }, 'good'), true)
  t.equal(assertOm(fake, 'entity/services/connections/testConnectionResult.json', { status: 'Bogus', steps: [] }, 'bad'), false)
  t.same(calls[0], [true, 'good'])
  t.equal(calls[1]![0], false)
  t.match(calls[1]![1], /^bad: \/status must be equal to one of the allowed values/)
})

t.test('validators are cached; payloads are not mutated; undefined members vanish as on the wire', async (t) => {
  t.equal(omValidator('api/data/createTable.json'), omValidator('api/data/createTable.json'))
  t.equal(getOmAjv(), getOmAjv())
  const payload = { name: 'svc', serviceType: 'Athena', description: undefined }
  t.ok(validateOm('api/services/createDatabaseService.json', payload).valid)
  t.same(Object.keys(payload), ['name', 'serviceType', 'description'])
})

t.test('one Ajv2020 instance handles refs into both definitions and $defs, and draft-07 files', async (t) => {
  const ajv = getOmAjv()
  const viaDefinitions = ajv.compile({ definitions: { n: { type: 'integer', minimum: 1 } }, $ref: '#/definitions/n' })
  const viaDefs = ajv.compile({ $defs: { n: { type: 'integer', minimum: 1 } }, $ref: '#/$defs/n' })
  for (const [name, v] of [
    ['definitions', viaDefinitions],
    ['$defs', viaDefs],
  ] as const) {
    t.ok(v(3), `${name}: 3 valid`)
    t.notOk(v(0), `${name}: 0 invalid`)
    t.notOk(v('3'), `${name}: '3' invalid (no coercion)`)
  }
  // draft-07 file (testConnectionResult) and 2020-12 file (status.json) through the same instance: done above.
  const schemas = buildSpecSchemas()
  for (const [rel, schema] of schemas) {
    t.notOk(JSON.stringify(schema).includes('"$schema"'), `${rel}: $schema stripped`)
  }
})

t.test('stubs and spec patches follow the README', async (t) => {
  const schemas = buildSpecSchemas()
  t.same(schemas.get('entity/services/connections/database/bigQueryConnection.json'), { not: {} }, 'dangling connector stub')
  const pipeline = schemas.get('entity/services/pipelineService.json') as { not: unknown; definitions: Record<string, unknown> }
  t.same(pipeline.not, {}, 'pipelineService stub matches nothing')
  t.same(pipeline.definitions.pipelineServiceType, {}, 'plain ref target: anything')
  t.same(pipeline.definitions.pipelineConnection, { not: {} }, 'oneOf branch target: nothing')
  t.same((schemas.get('entity/data/database.json') as { definitions: Record<string, unknown> }).definitions.entityName, {})
  const athena = schemas.get('entity/services/connections/database/athenaConnection.json') as { properties: Record<string, unknown> }
  t.ok(athena.properties.catalogId, 'athenaConnection is the ui-resolved copy + catalogId')
  t.ok(athena.properties.supportsDataDiff, 'has the properties the stale copy lacks')
})

t.test('our Source, defaults applied as Fastify would, yields OM-valid sourceConfig and connection', async (t) => {
  const ajv = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false })
  addFormats(ajv)
  const check = ajv.compile(Source)
  const body = {
    type: 'athena',
    serviceName: 'athena_prod',
    serviceConnection: { config: { awsConfig: { awsRegion: 'eu-west-1' }, s3StagingDir: 's3://r/', workgroup: 'wg' } },
    sourceConfig: { config: { includeViews: false } },
    options: { includeFederatedCatalogs: true },
  }
  t.ok(check(body), ajv.errorsText(check.errors))
  t.equal(body.sourceConfig.config.includeViews, false)
  t.match(body.sourceConfig.config, { type: 'DatabaseMetadata', markDeletedTables: true, threads: 1 }, 'defaults')
  assertOm(t, 'metadataIngestion/databaseServiceMetadataPipeline.json', body.sourceConfig.config, 'sourceConfig.config')
  assertOm(t, 'entity/services/connections/database/athenaConnection.json', body.serviceConnection.config, 'config')
})
