/** ConnectionInput / Source request schemas: Fastify's 400 messages name the field; extractConnection's rules. */
import t from 'tap'
import Fastify, { type FastifyServerOptions } from 'fastify'
import { ServiceError } from '../src/errors.js'
import { ConnectionInput, ConnectionInputError, extractConnection, Source, toWorkflowSource, type ConnectionInputT, type SourceT } from '../schemas/requests.js'
import { buildApp } from '../src/app.js'
import { closestName, schemaErrorFormatter } from '../src/validation-errors.js'

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
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() }
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

t.test('unknown properties: 400 naming the property when removeAdditional is off (src/app.ts), silently dropped with Fastify defaults', async (t) => {
  const strict = await app({ ...APP_OPTIONS, ajv: { customOptions: { ...APP_OPTIONS.ajv!.customOptions, verbose: true } }, schemaErrorFormatter })
  const lax = await app()
  t.teardown(() => Promise.all([strict.close(), lax.close()]))
  const s = await post(strict, '/c', { ...GOOD, colour: 'blue' })
  t.equal(s.status, 400)
  t.match(s.body.message, /^body\/colour is not a known property of body \(known properties: .*workgroup/)
  const l = await post(lax, '/c', { ...GOOD, colour: 'blue' })
  t.equal(l.status, 200)
  t.notOk('colour' in l.body)
  const nested = await post(strict, '/s', { serviceConnection: { config: GOOD }, sourceConfig: { config: { includeFoo: true } } })
  t.match(nested.body.message, /^body\/sourceConfig\/config\/includeFoo is not a known property of body\/sourceConfig\/config/)
})

t.test('a misspelt property gets the closest known one, through the real app (every route has the formatter)', async (t) => {
  const real = await buildApp({ logStream: false, config: { rateLimitMax: 0, maxEventLoopDelayMs: 0 } })
  t.teardown(() => real.close())
  const cases: Array<[string, unknown, string]> = [
    [
      '/v1/test-connection',
      { ...GOOD, awsConfig: { ...GOOD.awsConfig, awsSecretAccesKey: 'x' } },
      "body/awsConfig/awsSecretAccesKey is not a known property of body/awsConfig: did you mean 'awsSecretAccessKey'?",
    ],
    ['/v1/databases', { servicename: 'svc', serviceConnection: { config: GOOD } }, "body/servicename is not a known property of body: did you mean 'serviceName'?"],
    [
      '/v1/databases',
      { serviceConnection: { config: GOOD }, sourceConfig: { config: { type: 'DatabaseMetadata', schemaFilterPatern: { includes: ['^a'] } } } },
      "body/sourceConfig/config/schemaFilterPatern is not a known property of body/sourceConfig/config: did you mean 'schemaFilterPattern'?",
    ],
  ]
  for (const [url, payload, message] of cases) {
    const res = await real.inject({ method: 'POST', url, payload: payload as object })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json<{ message: string }>().message, message)
  }
})

t.test('closestName: typos are matched, other words are not', async (t) => {
  t.equal(closestName('awsSecretAccesKey', ['awsAccessKeyId', 'awsSecretAccessKey', 'awsSessionToken']), 'awsSecretAccessKey')
  t.equal(closestName('servicename', ['serviceName', 'serviceConnection']), 'serviceName')
  t.equal(closestName('wrokgroup', ['workgroup', 's3StagingDir']), 'workgroup', 'a transposition is one edit')
  t.equal(closestName('colour', ['workgroup', 's3StagingDir', 'awsConfig']), undefined)
  t.equal(closestName('x', []), undefined)
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
  const both = () => extractConnection({ connection: { config: GOOD }, serviceConnection: { config: GOOD } })
  t.throws(both, { name: 'ConnectionInputError', field: 'body/serviceConnection', statusCode: 400 })
  const err = (() => {
    try {
      both()
    } catch (e) {
      return e
    }
  })()
  t.ok(err instanceof ConnectionInputError && err instanceof ServiceError, 'a ServiceError (HTTP 400) for src/app.ts')
  t.throws(() => extractConnection({ ...GOOD, serviceConnection: { config: GOOD } }), {
    field: 'body/awsConfig',
    message: /body\/awsConfig conflicts with body\/serviceConnection/,
  })
  t.throws(() => extractConnection({ connection: { config: GOOD }, connectionType: 'Mysql' }), {
    field: 'body/connectionType',
    message: /must be 'Athena'/,
  })
  t.throws(() => extractConnection({ ...GOOD, ingestionRunner: 'r' }), { field: 'body/ingestionRunner', message: /only allowed together with body\/connection/ })
  t.throws(() => extractConnection({}), { field: 'body', message: /s3StagingDir/ })
  t.throws(() => extractConnection({ databaseName: 'x' }), {
    field: 'body/awsConfig',
    message: "body must have required property 'awsConfig'",
  })
  t.throws(() => extractConnection({ serviceConnection: {} } as ConnectionInputT), { field: 'body/serviceConnection/config', message: 'body/serviceConnection/config must be object' })
  t.throws(() => extractConnection(null as unknown as ConnectionInputT), { field: 'body', message: 'body must be object' })

  const input = { serviceConnection: { config: structuredClone(GOOD) } }
  const before = structuredClone(input)
  const out = extractConnection(input)
  t.same(input, before, 'input not mutated')
  t.equal(out.type, 'Athena')
  out.awsConfig.awsRegion = 'changed'
  t.equal(input.serviceConnection.config.awsConfig.awsRegion, 'eu-west-1', 'result does not alias the input')
})

t.test('toWorkflowSource drops our options only', async (t) => {
  const source = { type: 'athena' as const, serviceName: 'svc', serviceConnection: { config: GOOD }, options: { schemaConcurrency: 2 } }
  t.same(toWorkflowSource(source), { type: 'athena', serviceName: 'svc', serviceConnection: { config: GOOD } })
})
