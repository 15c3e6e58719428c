/**
 * Parity of our TypeBox schemas with the OpenMetadata spec (../shared/openmetadata-spec), property by property, and
 * proof that the spec validator (test/support/om-spec.ts) both accepts realistic payloads and rejects wrong ones.
 */
import t, { type Test } from 'tap'
import { createRequire } from 'node:module'
import type { Ajv as AjvT } from 'ajv'
import type { FormatsPlugin } from 'ajv-formats'
import { Value } from 'typebox/value'
import { AthenaConnection, ATHENA_CONNECTION_EXTRA_PROPERTIES, AwsCredentials, FilterPattern } from '../schemas/athena-connection.js'
import { ConnectionInput, DatabaseServiceMetadataPipeline, Source } from '../schemas/requests.js'
import { TestConnectionResult } from '../schemas/responses.js'
import { readSpecJson, validateOm } from './support/om-spec.js'
import { currentResultSchema } from './support/test-connection-spec.js'

type Schema = Record<string, unknown>
const require = createRequire(import.meta.url)
const { Ajv } = require('ajv') as { Ajv: typeof AjvT }
const addFormats = require('ajv-formats') as FormatsPlugin

const UI_ATHENA = 'ui-resolved/connections/database/athenaConnection.json'
const AWS_CREDENTIALS = 'security/credentials/awsCredentials.json'
const METADATA_PIPELINE = 'metadataIngestion/databaseServiceMetadataPipeline.json'
const TEST_CONNECTION_RESULT = 'entity/services/connections/testConnectionResult.json'

/** An ajv configured like Fastify's (strict, coerceTypes 'array', useDefaults, ajv-formats), with allErrors off. */
function fastifyLikeAjv(): AjvT {
  const ajv = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false })
  addFormats(ajv)
  return ajv
}

/** Resolves a (file-relative) `$ref` inside the spec folder; returns the target schema and its file. */
function deref(file: string, schema: Schema): { schema: Schema; file: string } {
  let current = { schema, file }
  for (let i = 0; i < 10 && typeof current.schema.$ref === 'string'; i++) {
    const url = new URL(current.schema.$ref, `https://om.local/${current.file}`)
    const targetFile = url.pathname.slice(1)
    let target: unknown = readSpecJson(targetFile)
    for (const part of url.hash.replace(/^#\/?/, '').split('/').filter(Boolean)) target = (target as Schema)[part]
    // Keywords next to $ref (title/description/default) refine the target.
    const { $ref: _ref, ...siblings } = current.schema
    current = { schema: { ...(target as Schema), ...siblings }, file: targetFile }
  }
  return current
}

const KEYWORDS = ['type', 'enum', 'format', 'default', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern'] as const

/**
 * Compares `ours` with upstream `theirs` recursively: the keywords above, `required` (as sets), `additionalProperties`
 * when either side has a boolean, property names, `items`, and titles/descriptions where upstream has them.
 */
function compareSchemas(t: Test, ours: Schema, theirsRaw: Schema, where: string, opts: { file: string; text?: boolean; skip?: string[] }): void {
  const { schema: theirs, file } = deref(opts.file, theirsRaw)
  if ((opts.skip ?? []).includes(where)) return
  for (const k of KEYWORDS) {
    if (k === 'default' && theirs[k] === null) {
      t.equal(ours[k], undefined, `${where}: upstream default null is not copied`)
      continue
    }
    t.same(ours[k], theirs[k], `${where}: same ${k}`)
  }
  if (opts.text !== false) {
    if (theirs.title !== undefined) t.equal(ours.title, theirs.title, `${where}: same title`)
    if (theirs.description !== undefined) t.equal(ours.description, theirs.description, `${where}: same description`)
  }
  const req = (s: Schema) => [...((s.required as string[] | undefined) ?? [])].sort()
  t.same(req(ours), req(theirs), `${where}: same required`)
  if (typeof theirs.additionalProperties === 'boolean' || typeof ours.additionalProperties === 'boolean') {
    t.equal(ours.additionalProperties, theirs.additionalProperties, `${where}: same additionalProperties`)
  } else if (theirs.additionalProperties !== undefined) {
    compareSchemas(t, ours.additionalProperties as Schema, theirs.additionalProperties as Schema, `${where}/*`, {
      ...opts,
      file,
    })
  }
  if (theirs.properties !== undefined || ours.properties !== undefined) {
    const op = (ours.properties ?? {}) as Record<string, Schema>
    const tp = (theirs.properties ?? {}) as Record<string, Schema>
    t.same(Object.keys(op).sort(), Object.keys(tp).sort(), `${where}: same property names`)
    for (const name of Object.keys(tp)) {
      if (op[name]) compareSchemas(t, op[name], tp[name]!, `${where}/${name}`, { ...opts, file })
    }
  }
  if (theirs.items !== undefined) {
    compareSchemas(t, ours.items as Schema, theirs.items as Schema, `${where}[]`, { ...opts, file })
  }
}

function withoutProps(schema: Schema, names: readonly string[]): Schema {
  const properties = { ...(schema.properties as Record<string, Schema>) }
  for (const n of names) delete properties[n]
  return { ...schema, properties, required: ((schema.required as string[]) ?? []).filter((r) => !names.includes(r)) }
}

const upstreamAthena = readSpecJson(UI_ATHENA) as Schema
const upstreamAws = readSpecJson(AWS_CREDENTIALS) as Schema
const ours = JSON.parse(JSON.stringify(AthenaConnection)) as Schema
const oursProps = ours.properties as Record<string, Schema>
const theirProps = upstreamAthena.properties as Record<string, Schema>

t.test('AwsCredentials = security/credentials/awsCredentials.json, field for field', async (t) => {
  const mine = JSON.parse(JSON.stringify(AwsCredentials)) as Schema
  compareSchemas(t, mine, upstreamAws, 'AwsCredentials', { file: AWS_CREDENTIALS })
  t.equal(mine.title, upstreamAws.title)
  t.same(mine.required, ['awsRegion'])
  t.equal(mine.additionalProperties, false)
  for (const [name, prop] of Object.entries(mine.properties as Record<string, Schema>)) {
    t.ok(prop.title && prop.description && prop.type, `${name} has title, description and type`)
  }
})

t.test('AthenaConnection = ui-resolved athenaConnection.json ∪ {catalogId}, property by property', async (t) => {
  t.same(Object.keys(oursProps).sort(), [...Object.keys(theirProps), ...ATHENA_CONNECTION_EXTRA_PROPERTIES].sort(), 'property names: upstream ∪ {catalogId}')
  t.same([...(ours.required as string[])].sort(), [...(upstreamAthena.required as string[])].sort(), 'same required')
  t.same(ours.required, AthenaConnection.required)
  t.equal(ours.additionalProperties, false, 'ours is closed')
  t.equal(upstreamAthena.additionalProperties, false, 'upstream is closed')
  t.equal(ours.title, upstreamAthena.title)
  t.equal(ours.description, upstreamAthena.description)

  // Everything but the three documented deviations, recursively (incl. titles/descriptions).
  compareSchemas(
    t,
    withoutProps(ours, ['catalogId', 'connectionArguments', 'sampleDataStorageConfig', 'awsConfig']),
    withoutProps(upstreamAthena, ['connectionArguments', 'sampleDataStorageConfig', 'awsConfig']),
    'AthenaConnection',
    { file: UI_ATHENA },
  )

  // awsConfig: same shape as upstream's inlined copy; texts as awsCredentials.json (the copies differ in one description).
  compareSchemas(t, oursProps.awsConfig!, theirProps.awsConfig!, 'awsConfig', { file: UI_ATHENA, text: false })
  t.equal(oursProps.awsConfig!.title, theirProps.awsConfig!.title, 'awsConfig title')
  compareSchemas(t, withoutProps(oursProps.awsConfig!, []), { ...upstreamAws, title: theirProps.awsConfig!.title }, 'awsConfig~file', {
    file: AWS_CREDENTIALS,
  })

  // connectionArguments: upstream's additionalProperties {".{1,}": {...}} is an unknown keyword = any value.
  const args = oursProps.connectionArguments!
  t.equal(args.type, 'object')
  t.equal(args.title, theirProps.connectionArguments!.title)
  t.same(Object.keys(theirProps.connectionArguments!.additionalProperties as Schema), ['.{1,}'], 'upstream oddity still there')
  t.equal(args.additionalProperties, true, 'ours: object of arbitrary values')

  // sampleDataStorageConfig: simplified config, same property names as upstream's dataStorageConfig branch.
  const sd = oursProps.sampleDataStorageConfig!
  const theirSd = theirProps.sampleDataStorageConfig!
  t.equal(sd.title, theirSd.title)
  t.equal(sd.additionalProperties, false)
  t.equal(theirSd.additionalProperties, false)
  t.same(Object.keys(sd.properties as Schema), Object.keys(theirSd.properties as Schema))
  const theirBranch = ((theirSd.properties as Record<string, Schema>).config!.oneOf as Schema[])[1]!
  const ourConfig = (sd.properties as Record<string, Schema>).config!
  t.same(Object.keys(ourConfig.properties as Schema).sort(), Object.keys(theirBranch.properties as Schema).sort())
  for (const [name, prop] of Object.entries(theirBranch.properties as Record<string, Schema>)) {
    const mine = (ourConfig.properties as Record<string, Schema>)[name]!
    if (prop.type) t.equal(mine.type, prop.type, `sampleDataStorageConfig.config.${name} type`)
    if (prop.title) t.equal(mine.title, prop.title, `sampleDataStorageConfig.config.${name} title`)
  }

  // catalogId: optional string.
  t.equal(oursProps.catalogId!.type, 'string')
  t.notOk((ours.required as string[]).includes('catalogId'))
})

t.test('the booleans default to true, enums/defaults of type and scheme', async (t) => {
  for (const name of Object.keys(theirProps).filter((n) => n.startsWith('supports'))) {
    t.equal(oursProps[name]!.type, 'boolean', `${name} boolean`)
    t.equal(oursProps[name]!.default, true, `${name} default true`)
  }
  t.same(oursProps.type!.enum, ['Athena'])
  t.equal(oursProps.type!.default, 'Athena')
  t.same(oursProps.scheme!.enum, ['awsathena+rest'])
  t.equal(oursProps.scheme!.default, 'awsathena+rest')
  t.equal(oursProps.s3StagingDir!.format, 'uri')
})

t.test('FilterPattern = type/filterPattern.json#/definitions/filterPattern', async (t) => {
  compareSchemas(t, JSON.parse(JSON.stringify(FilterPattern)) as Schema, { $ref: '../type/filterPattern.json#/definitions/filterPattern' }, 'FilterPattern', { file: METADATA_PIPELINE, text: false })
})

t.test('DatabaseServiceMetadataPipeline = metadataIngestion/databaseServiceMetadataPipeline.json, every property', async (t) => {
  const upstream = readSpecJson(METADATA_PIPELINE) as Schema
  const mine = JSON.parse(JSON.stringify(DatabaseServiceMetadataPipeline)) as Schema
  // ownerConfig's per-level anyOf is compared by hand below.
  compareSchemas(t, mine, upstream, 'DatabaseServiceMetadataPipeline', {
    file: METADATA_PIPELINE,
    skip: ['DatabaseServiceMetadataPipeline/ownerConfig/database', 'DatabaseServiceMetadataPipeline/ownerConfig/databaseSchema', 'DatabaseServiceMetadataPipeline/ownerConfig/table'],
  })
  const owner = (mine.properties as Record<string, Schema>).ownerConfig!
  for (const level of ['database', 'databaseSchema', 'table']) {
    const branches = (owner.properties as Record<string, Schema>)[level]!.anyOf as Schema[]
    t.same(
      branches.map((b) => b.type),
      ['string', 'object'],
      `ownerConfig.${level}: string or map`,
    )
  }
})

t.test('TestConnectionResult = the current upstream testConnectionResult (vendored file + the step fields of PR #28793)', async (t) => {
  const upstream = currentResultSchema()
  // The step inline: compareSchemas resolves `#/...` refs in the file on disk, which has the older step.
  upstream.properties.steps.items = upstream.definitions.testConnectionStepResult
  const mine = JSON.parse(JSON.stringify(TestConnectionResult)) as Schema
  compareSchemas(t, mine, upstream, 'TestConnectionResult', {
    file: TEST_CONNECTION_RESULT,
    text: false,
    skip: ['TestConnectionResult/lastUpdatedAt'],
  })
  t.equal((mine.properties as Record<string, Schema>).lastUpdatedAt!.type, 'integer', 'lastUpdatedAt integer (no utc-millisec format)')
})

// A realistic, complete connection: every property used once.
const FULL_CONNECTION = {
  type: 'Athena',
  scheme: 'awsathena+rest',
  awsConfig: {
    awsAccessKeyId: 'AKIAEXAMPLE',
    awsSecretAccessKey: 'secret',
    awsRegion: 'eu-west-1',
    awsSessionToken: 'token',
    endPointURL: 'https://athena.eu-west-1.amazonaws.com',
    profileName: 'default',
    assumeRoleArn: 'arn:aws:iam::123456789012:role/om',
    assumeRoleSessionName: 'OpenMetadataSession',
    assumeRoleSourceIdentity: 'om',
  },
  s3StagingDir: 's3://athena-results/om/',
  workgroup: 'primary',
  databaseName: 'awsdatacatalog',
  connectionOptions: { key: 'value' },
  connectionArguments: { verify: true, retries: 3 },
  schemaFilterPattern: { includes: ['^sales'], excludes: ['tmp$'] },
  tableFilterPattern: { excludes: ['^_'] },
  databaseFilterPattern: { includes: ['.*'] },
  supportsMetadataExtraction: true,
  supportsDBTExtraction: true,
  supportsProfiler: true,
  supportsQueryComment: true,
  supportsUsageExtraction: true,
  supportsLineageExtraction: true,
  supportsDataDiff: true,
  sampleDataStorageConfig: {
    config: {
      bucketName: 'samples',
      prefix: 'om',
      filePathPattern: '{service_name}/{table_name}/sample_data.parquet',
      overwriteData: true,
      storageConfig: { awsRegion: 'eu-west-1' },
    },
  },
  catalogId: '123456789012',
}

const SPEC_ATHENA = 'entity/services/connections/database/athenaConnection.json'

t.test('a full connection validates with our schema (Fastify-like ajv and TypeBox) and with the spec', async (t) => {
  const ajv = fastifyLikeAjv()
  const check = ajv.compile(AthenaConnection)
  t.ok(check(structuredClone(FULL_CONNECTION)), `ours (ajv): ${ajv.errorsText(check.errors)}`)
  t.ok(Value.Check(AthenaConnection, FULL_CONNECTION), 'ours (TypeBox Value.Check)')
  const spec = validateOm(SPEC_ATHENA, FULL_CONNECTION)
  t.ok(spec.valid, `spec: ${spec.errors}`)

  const minimal = { awsConfig: { awsRegion: 'us-east-1' }, s3StagingDir: 's3://b/', workgroup: 'wg' }
  const copy = structuredClone(minimal) as Record<string, unknown>
  t.ok(check(copy), 'minimal connection (ours)')
  t.match(copy, { type: 'Athena', scheme: 'awsathena+rest', supportsUsageExtraction: true }, 'defaults applied')
  t.ok(validateOm(SPEC_ATHENA, copy).valid, 'minimal connection with defaults (spec)')
  const noCatalog = { ...FULL_CONNECTION } as Record<string, unknown>
  delete noCatalog.catalogId
  t.ok(validateOm(UI_ATHENA, noCatalog).valid, 'the unmodified ui-resolved file accepts it without catalogId')
  t.notOk(validateOm(UI_ATHENA, FULL_CONNECTION).valid, '...and rejects catalogId, which is why om-spec adds it')

  t.ok(ajv.compile(ConnectionInput), 'ConnectionInput compiles under strict ajv')
  t.ok(ajv.compile(Source), 'Source compiles under strict ajv')
  t.ok(ajv.compile(TestConnectionResult), 'TestConnectionResult compiles under strict ajv')
})

t.test('wrong connections are rejected by both', async (t) => {
  const ajv = fastifyLikeAjv()
  const check = ajv.compile(AthenaConnection)
  const { awsRegion: _r, ...noRegion } = FULL_CONNECTION.awsConfig
  const bad: Record<string, unknown> = {
    'missing awsRegion': { ...FULL_CONNECTION, awsConfig: noRegion },
    'missing workgroup': { ...FULL_CONNECTION, workgroup: undefined },
    'unknown property': { ...FULL_CONNECTION, colour: 'blue' },
    'unknown awsConfig property': { ...FULL_CONNECTION, awsConfig: { ...FULL_CONNECTION.awsConfig, awsKey: 'x' } },
    'wrong type': { ...FULL_CONNECTION, type: 'Glue' },
    'wrong scheme': { ...FULL_CONNECTION, scheme: 'awsathena+jdbc' },
    's3StagingDir not a URI': { ...FULL_CONNECTION, s3StagingDir: 'not a uri' },
    'filter pattern with extra key': { ...FULL_CONNECTION, tableFilterPattern: { include: ['x'] } },
    'connectionOptions value not a string': { ...FULL_CONNECTION, connectionOptions: { a: { b: 1 } } },
    'supports flag not a boolean': { ...FULL_CONNECTION, supportsProfiler: 'maybe' },
  }
  for (const [name, payload] of Object.entries(bad)) {
    const wire = JSON.parse(JSON.stringify(payload)) as unknown
    t.notOk(check(wire), `ours rejects: ${name}`)
    const spec = validateOm(SPEC_ATHENA, payload)
    t.notOk(spec.valid, `spec rejects: ${name}`)
    t.ok(spec.errors.length > 0, `spec says why: ${spec.errors}`)
  }
})

t.test('the spec validator is not a pass-everything', async (t) => {
  const noName = validateOm('api/data/createTable.json', {
    databaseSchema: 'svc.db.schema',
    columns: [{ name: 'id', dataType: 'INT' }],
  })
  t.notOk(noName.valid, 'createTable without name')
  t.match(noName.errors, /name/)
  const bogus = validateOm(TEST_CONNECTION_RESULT, { status: 'Bogus', steps: [] })
  t.notOk(bogus.valid, 'TestConnectionResult with status Bogus')
  t.match(bogus.errors, /status/)
  t.notOk(validateOm(TEST_CONNECTION_RESULT, { steps: [{ name: 'x', passed: true }] }).valid, 'step without mandatory')
  t.notOk(
    validateOm('api/services/createDatabaseService.json', {
      name: 'svc',
      serviceType: 'Athena',
      connection: { config: { ...FULL_CONNECTION, awsConfig: {} } },
    }).valid,
    'CreateDatabaseService with an AthenaConnection missing awsRegion',
  )
  t.notOk(validateOm('api/services/createDatabaseService.json', { name: 'svc', serviceType: 'Bogus' }).valid, 'CreateDatabaseService with serviceType Bogus')
})
