/** ConnectionInput / Source request schemas: Fastify's 400 messages name the field; extractConnection's rules. */
import t from 'tap'
import Fastify, { type FastifyServerOptions } from 'fastify'
import { ServiceError } from '../src/errors.js'
import {
  ConnectionInput,
  ConnectionInputError,
  extractConnection,
  schemaErrorFormatter,
  Source,
  toWorkflowSource,
  type ConnectionInputT,
  type SourceT,
} from '../schemas/requests.js'

const GOOD = { awsConfig: { awsRegion: 'eu-west-1', awsAccessKeyId: 'AK' }, s3StagingDir: 's3://bucket/out/', workgroup: 'primary' }
const NO_REGION = { ...GOOD, awsConfig: { awsAccessKeyId: 'AK' } }

/** A throwaway Fastify with the given ajv options; /c echoes extractConnection, /s echoes the Source body. */
async function app(opts: FastifyServerOptions = {}) {
  const f = Fastify(opts)
  f.post('/c', { schema: { body: ConnectionInput } }, async (req) => extractConnection(req.body as ConnectionInputT))
  f.post('/s', { schema: { body: Source } }, async (req) => toWorkflowSource(req.body as SourceT))
  await f.ready()
  return f
}
async function post(f: Awaited<ReturnType<typeof app>>, url: string, body: unknown) {
  const res = await f.inject({ method: 'POST', url, payload: JSON.parse(JSON.stringify(body)) as object })
  return { status: res.statusCode, body: res.json() as Record<string, unknown> }
}

const APP_OPTIONS: FastifyServerOptions = { ajv: { customOptions: { allErrors: false, removeAdditional: false } } }

for (const [variant, opts] of [
  ['Fastify defaults', {}],
  ['src/app.ts ajv options', APP_OPTIONS],
  ['with schemaErrorFormatter', { ...APP_OPTIONS, schemaErrorFormatter }],
] as Array<[string, FastifyServerOptions]>) {
  t.test(`${variant}: a missing awsRegion is named with its path in each form`, async (t) => {
    const f = await app(opts)
    t.teardown(() => f.close())
    const cases: Array<[unknown, string]> = [
      [NO_REGION, "body/awsConfig must have required property 'awsRegion'"],
      [{ connection: { config: NO_REGION }, serviceType: 'Database' }, "body/connection/config/awsConfig must have required property 'awsRegion'"],
      [{ serviceConnection: { config: NO_REGION } }, "body/serviceConnection/config/awsConfig must have required property 'awsRegion'"],
      [{ ...GOOD, workgroup: undefined }, "body must have required property 'workgroup'"],
      [{ serviceConnection: { config: { ...GOOD, s3StagingDir: 'no uri' } } }, 'body/serviceConnection/config/s3StagingDir must match format "uri"'],
      [{ ...GOOD, connectionOptions: { a: { b: 1 } } }, 'body/connectionOptions/a must be string'],
      [{ ...GOOD, serviceType: 'Database' }, 'body/serviceType is only allowed together with body/connection (TestServiceConnectionRequest form)'],
    ]
    for (const [body, message] of cases) {
      const res = await post(f, '/c', body)
      t.equal(res.status, 400, message)
      t.equal(res.body.message, message)
    }
    for (const [body, message] of [
      [{ serviceConnection: { config: NO_REGION } }, "body/serviceConnection/config/awsConfig must have required property 'awsRegion'"],
      [{ serviceConnection: { config: GOOD }, options: { schemaConcurrency: 64 } }, 'body/options/schemaConcurrency must be <= 32'],
      [{ serviceName: 'a::b', serviceConnection: { config: GOOD } }, 'body/serviceName must match pattern "^((?!::).)*$"'],
    ] as const) {
      const res = await post(f, '/s', body)
      t.equal(res.status, 400, message)
      t.equal(res.body.message, message)
    }
  })
}

t.test('unknown properties: 400 when removeAdditional is off (src/app.ts), silently dropped with Fastify defaults', async (t) => {
  const strict = await app(APP_OPTIONS)
  const lax = await app()
  t.teardown(() => Promise.all([strict.close(), lax.close()]))
  const s = await post(strict, '/c', { ...GOOD, colour: 'blue' })
  t.equal(s.status, 400)
  t.equal(s.body.message, 'body must NOT have additional properties')
  const l = await post(lax, '/c', { ...GOOD, colour: 'blue' })
  t.equal(l.status, 200)
  t.notOk('colour' in l.body)
  const nested = await post(strict, '/s', { serviceConnection: { config: GOOD }, sourceConfig: { config: { includeFoo: true } } })
  t.equal(nested.body.message, 'body/sourceConfig/config must NOT have additional properties')
})

t.test('the three forms give the same connection, with AthenaConnection defaults', async (t) => {
  const f = await app(APP_OPTIONS)
  t.teardown(() => f.close())
  const expected = {
    ...GOOD,
    awsConfig: { ...GOOD.awsConfig, assumeRoleSessionName: 'OpenMetadataSession' },
    type: 'Athena',
    scheme: 'awsathena+rest',
    supportsMetadataExtraction: true,
    supportsDBTExtraction: true,
    supportsProfiler: true,
    supportsQueryComment: true,
    supportsUsageExtraction: true,
    supportsLineageExtraction: true,
    supportsDataDiff: true,
  }
  for (const body of [
    GOOD,
    { connection: { config: GOOD }, serviceType: 'Database', connectionType: 'Athena', serviceName: 'svc', secretsManagerProvider: 'db', ingestionRunner: 'r' },
    { serviceConnection: { config: GOOD } },
  ]) {
    const res = await post(f, '/c', body)
    t.equal(res.status, 200)
    t.same(res.body, expected)
  }
})

t.test('extractConnection: exactly one form, field named, pure', async (t) => {
  const both = () => extractConnection({ connection: { config: GOOD }, serviceConnection: { config: GOOD } } as ConnectionInputT)
  t.throws(both, { name: 'ConnectionInputError', field: 'body/serviceConnection', statusCode: 400 })
  const err = (() => {
    try {
      both()
    } catch (e) {
      return e
    }
  })()
  t.ok(err instanceof ConnectionInputError && err instanceof ServiceError, 'a ServiceError (HTTP 400) for src/app.ts')
  t.throws(() => extractConnection({ ...GOOD, serviceConnection: { config: GOOD } } as ConnectionInputT), {
    field: 'body/awsConfig',
    message: /body\/awsConfig conflicts with body\/serviceConnection/,
  })
  t.throws(() => extractConnection({ connection: { config: GOOD }, connectionType: 'Mysql' } as ConnectionInputT), {
    field: 'body/connectionType',
    message: /must be 'Athena'/,
  })
  t.throws(() => extractConnection({ ...GOOD, ingestionRunner: 'r' } as ConnectionInputT), { field: 'body/ingestionRunner', message: /only allowed together with body\/connection/ })
  t.throws(() => extractConnection({} as ConnectionInputT), { field: 'body', message: /s3StagingDir/ })
  t.throws(() => extractConnection({ databaseName: 'x' } as ConnectionInputT), {
    field: 'body/awsConfig',
    message: "body must have required property 'awsConfig'",
  })
  t.throws(() => extractConnection({ serviceConnection: {} } as ConnectionInputT), { field: 'body/serviceConnection/config', message: 'body/serviceConnection/config must be object' })
  t.throws(() => extractConnection(null as unknown as ConnectionInputT), { field: 'body', message: 'body must be object' })

  const input = { serviceConnection: { config: structuredClone(GOOD) } }
  const before = structuredClone(input)
  const out = extractConnection(input as ConnectionInputT)
  t.same(input, before, 'input not mutated')
  t.equal(out.type, 'Athena')
  out.awsConfig.awsRegion = 'changed'
  t.equal(input.serviceConnection.config.awsConfig.awsRegion, 'eu-west-1', 'result does not alias the input')
})

t.test('toWorkflowSource drops our options only', async (t) => {
  const source = { type: 'athena' as const, serviceName: 'svc', serviceConnection: { config: GOOD }, options: { schemaConcurrency: 2 } }
  t.same(toWorkflowSource(source as SourceT), { type: 'athena', serviceName: 'svc', serviceConnection: { config: GOOD } })
})
