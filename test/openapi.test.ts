/**
 * The OpenAPI document is one a tool accepts, and its operations run as documented:
 *  - a validator of the OpenAPI schema and Redocly's recommended lint find 0 errors;
 *  - every operation has a unique operationId and the security the service enforces;
 *  - every request body has examples, and an importer's requests (first server + path, example body,
 *    Authorization from the operation's security scheme; what Postman builds) succeed against the sandbox.
 */
import { Validator } from '@seriousme/openapi-schema-validator'
import { createConfig, lintFromString } from '@redocly/openapi-core'
import t, { type Test } from 'tap'
import { parse } from 'yaml'
import { buildApp } from '../src/app.js'
import { DEFAULT_AUTOMATION_PREFIX } from '../src/automation/settings.js'
import { openApiYaml } from '../src/openapi-document.js'
import { OM_PLACEHOLDERS, requestExamples, SANDBOX_AWS } from '../src/openapi-examples.js'
import { startFakeOm, type FakeOm } from './support/fake-om.js'
import { pipelineSettings, seedAthenaService } from './support/pipelines.js'
import { assertTestConnectionResult } from './support/test-connection-spec.js'
import { assertOm } from './support/om-spec.js'
import { SANDBOX_KEYS, SANDBOX_REGION, SANDBOX_STAGING_DIR, startSandboxAws, type SandboxAws } from './support/sandbox.js'

process.env.AWS_EC2_METADATA_DISABLED = 'true'

const TOKEN = 'sandbox-token-not-a-secret'
const AUTOMATION = { prefix: DEFAULT_AUTOMATION_PREFIX, username: 'admin', password: 'sandbox-password-not-a-secret', reportedVersion: '1.9.4' }
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const
const STEP_SUMMARY = 'entity/services/ingestionPipelines/status.json#/definitions/stepSummary'

interface Operation {
  method: string
  path: string
  op: Record<string, any>
}
type Doc = Record<string, any>

function operations(doc: Doc): Operation[] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] })))
}

/**
 * Document order, but the deployed-pipeline operations in the order OpenMetadata calls them: deploy first, then a run
 * (trigger) that kill stops at once, status and logs of it, pause and resume, the host IP, and delete last.
 */
function pipelineOrder(ops: Operation[]): Operation[] {
  const rank = ['deployPipeline', 'triggerPipeline', 'killPipeline', 'getPipelineStatus', 'getPipelineLogs', 'disablePipeline', 'enablePipeline', 'getPipelineHostIp', 'deletePipeline']
  const r = (o: Operation) => rank.indexOf(o.op.operationId as string)
  const pipelineOps = ops.filter((o) => r(o) >= 0).sort((a, b) => r(a) - r(b))
  return [...ops.filter((o) => r(o) < 0), ...pipelineOps]
}

function jsonExamples(op: Record<string, any>): Record<string, { value: Record<string, unknown> }> | undefined {
  return op.requestBody?.content?.['application/json']?.examples
}

async function problems(yaml: string) {
  // An object, not the text: the validator takes a one-line string (JSON) for a file name.
  const validation = await new Validator().validate(parse(yaml))
  const config = await createConfig({ extends: ['recommended'] })
  const lint = await lintFromString({ source: yaml, absoluteRef: '/openapi.yaml', config })
  const show = (p: (typeof lint)[number]) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`
  return {
    validation,
    errors: lint.filter((p) => p.severity === 'error').map(show),
    warnings: lint.filter((p) => p.severity === 'warn').map(show),
  }
}

const yaml = await openApiYaml()
const doc = parse(yaml) as Doc

t.test('the document is valid OpenAPI 3.1 and Redocly lints it with 0 errors', async (t) => {
  t.equal(doc.openapi, '3.1.0')
  const { validation, errors, warnings } = await problems(yaml)
  t.ok(validation.valid, `OpenAPI schema validation: ${JSON.stringify(validation.errors)}`)
  t.same(errors, [], 'redocly recommended: no errors')
  t.comment(`redocly warnings (${warnings.length}):\n${warnings.join('\n')}`)
  t.ok(doc.servers?.[0]?.url?.startsWith('http'), 'an absolute first server, for importers')
})

t.test('every operation has a unique operationId and the security the service enforces', async (t) => {
  const ops = operations(doc)
  const ids = ops.map((o) => o.op.operationId)
  t.ok(
    ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id)),
    `camelCase operationIds: ${ids.join(',')}`,
  )
  t.equal(new Set(ids).size, ids.length, 'unique')
  const bearer = [{ bearer: [] }]
  const basic = [{ basic: [] }]
  const expected: Record<string, [string, unknown[]]> = {
    'get /health': ['getHealth', []],
    'post /v1/test-connection': ['testConnection', bearer],
    'post /v1/databases': ['listDatabases', bearer],
    'post /v1/ingest': ['ingest', bearer],
    'post /v1/query-log': ['queryLog', bearer],
    [`get ${AUTOMATION.prefix}/health`]: ['automationHealth', []],
    [`get ${AUTOMATION.prefix}/health-auth`]: ['automationHealthAuth', basic],
    [`post ${AUTOMATION.prefix}/run_automation`]: ['runAutomation', basic],
  }
  const byKey = new Map(ops.map((o) => [`${o.method} ${o.path}`, o.op]))
  for (const [key, [id, security]] of Object.entries(expected)) {
    t.equal(byKey.get(key)?.operationId, id, `${key} is ${id}`)
    t.same(byKey.get(key)?.security, security, `${key} security`)
  }
  for (const o of ops.filter((o) => o.path.startsWith('/v1/'))) t.same(o.op.security, bearer, `${o.path} needs the bearer token`)
  const schemes = Object.keys(doc.components.securitySchemes)
  for (const o of ops) {
    for (const requirement of o.op.security ?? []) {
      for (const name of Object.keys(requirement)) t.ok(schemes.includes(name), `${o.op.operationId}: scheme ${name} is defined`)
    }
  }
})

t.test('every request body has named examples, from src/openapi-examples.ts, covering every body form', async (t) => {
  for (const { op } of operations(doc).filter((o) => o.op.requestBody)) {
    const examples = jsonExamples(op)
    t.ok(examples && Object.keys(examples).length > 0, `${op.operationId} has examples`)
    t.same(examples, requestExamples[op.operationId], `${op.operationId}: the examples module's`)
  }
  const values = (id: string) => Object.values(requestExamples[id] ?? {}).map((e) => e.value)
  const conn = values('testConnection')
  t.ok(
    conn.some((v) => 'awsConfig' in v && !('connection' in v) && !('serviceConnection' in v)),
    'form (a): AthenaConnection',
  )
  t.ok(
    conn.some((v) => 'connection' in v && !('awsConfig' in v)),
    'form (b): TestServiceConnectionRequest',
  )
  t.ok(
    conn.some((v) => 'serviceConnection' in v && !('awsConfig' in v)),
    'form (c): serviceConnection',
  )
  const filtered = (v: any) => v.sourceConfig?.config?.schemaFilterPattern?.includes?.length > 0
  t.ok(values('listDatabases').some(filtered) && values('ingest').some(filtered), 'a source with filters')
  t.ok(
    values('ingest').some((v) => 'workflowConfig' in v && 'sink' in v),
    'a sink',
  )
  t.ok(values('runAutomation').length > 0, 'run_automation')
  t.same(
    { awsAccessKeyId: SANDBOX_AWS.awsAccessKeyId, awsSecretAccessKey: SANDBOX_AWS.awsSecretAccessKey, region: SANDBOX_AWS.awsRegion, staging: SANDBOX_AWS.s3StagingDir },
    { ...SANDBOX_KEYS.valid, region: SANDBOX_REGION, staging: SANDBOX_STAGING_DIR },
    'the examples carry the sandbox key pair and settings',
  )
})

t.test('the checks fail on a document with the old defects', async (t) => {
  // The document before issue 12: OpenAPI 3.0.3 with if/else, no servers, no security on any operation.
  const broken = structuredClone(doc)
  broken.openapi = '3.0.3'
  delete broken.servers
  delete broken.info.license.identifier
  for (const { op } of operations(broken)) delete op.security
  const { validation, errors } = await problems(JSON.stringify(broken))
  t.notOk(validation.valid)
  t.match(JSON.stringify(validation.errors), /"additionalProperty":"if"/, 'the OpenAPI 3.0 schema refuses if/then/else')
  t.ok(
    errors.some((e) => e.startsWith('struct ') && /`(if|else)`/.test(e)),
    'redocly: if/else not expected in 3.0',
  )
  t.ok(
    errors.some((e) => e.startsWith('no-empty-servers')),
    'redocly: servers missing',
  )
  t.ok(
    errors.some((e) => e.startsWith('security-defined')),
    'redocly: security missing',
  )
})

/** An example body with the sandbox's and fake OpenMetadata's addresses in place of the documented ones. */
function rewrite(value: unknown, sandbox: SandboxAws, om: FakeOm, t: { equal(a: unknown, b: unknown, m: string): void }): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, sandbox, om, t))
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (k === 'endPointURL') {
        t.equal(v, SANDBOX_AWS.endPointURL, 'the example names the sandbox endpoint')
        return [k, sandbox.aws.url]
      }
      if (k === 'hostPort') {
        t.equal(v, OM_PLACEHOLDERS.hostPort, 'a readable OpenMetadata placeholder')
        return [k, om.url]
      }
      if (k === 'jwtToken') {
        t.equal(v, OM_PLACEHOLDERS.jwtToken, 'a readable JWT placeholder')
        return [k, om.token]
      }
      return [k, rewrite(v, sandbox, om, t)]
    }),
  )
}

/** The NDJSON records of a stream whose closing status line counts 0 errors. */
function streamWithoutErrors(t: Test, text: string) {
  const records: any[] = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  const status = records.at(-1)
  t.equal(status.kind, 'status', 'the stream closes with its status line')
  t.equal(status.entity.errors, 0, JSON.stringify(status.entity.failures))
  assertOm(t, STEP_SUMMARY, status.entity)
  return { records, status }
}

t.test("an importer's requests (first server, path, example body, security) run against the sandbox", async (t) => {
  const sandbox = await startSandboxAws()
  const om = await startFakeOm(t)
  const app = await buildApp({
    logStream: false,
    config: { authTokens: [TOKEN], automation: AUTOMATION, rateLimitMax: 0, authFailureLimit: 0, maxEventLoopDelayMs: 0, pipelines: pipelineSettings(':memory:') },
  })
  t.teardown(async () => {
    await app.close()
    await sandbox.aws.close()
  })
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })

  // What Postman/Insomnia import: /docs/yaml, which is openapi.yaml; Swagger UI's /docs/json calls this instance first.
  const served = await (await fetch(`${origin}/docs/yaml`)).text()
  t.equal(served, yaml, '/docs/yaml is the generated document')
  const ui = (await (await fetch(`${origin}/docs/json`)).json()) as Doc
  t.same(ui.servers, [{ url: '/', description: 'This instance (the one serving /docs)' }, ...doc.servers], "the UI's Try it out calls this instance")

  const imported = parse(served) as Doc
  const base = new URL(imported.servers[0].url)
  const authorization: Record<string, string> = {
    bearer: `Bearer ${TOKEN}`,
    basic: `Basic ${Buffer.from(`${AUTOMATION.username}:${AUTOMATION.password}`).toString('base64')}`,
  }
  const sent = new Set<string>()
  // The deployed example's service, in the stand-in OpenMetadata server, on the sandbox.
  const { s3StagingDir, workgroup, ...awsConfig } = SANDBOX_AWS
  seedAthenaService(om, 'athena_sandbox', { type: 'Athena', awsConfig: { ...awsConfig, endPointURL: sandbox.aws.url }, s3StagingDir, workgroup })
  for (const { method, path, op } of pipelineOrder(operations(imported))) {
    const schemes = (op.security ?? []).flatMap((r: object) => Object.keys(r))
    const headers: Record<string, string> = {}
    for (const scheme of schemes) headers.authorization = authorization[scheme]!
    // The importer's {{baseUrl}} is servers[0]; the user points it at this instance.
    const url = new URL(path, base)
    // An importer fills query parameters from their examples.
    const query = ((op.parameters ?? []) as Array<{ in: string; name: string; example?: string }>).filter((p) => p.in === 'query' && p.example !== undefined)
    const search = query.map((p) => `${p.name}=${encodeURIComponent(p.example!)}`).join('&')
    const target = `${origin}${url.pathname}${search ? `?${search}` : ''}`
    const bodies = Object.entries(jsonExamples(op) ?? { none: undefined })

    if (schemes.length > 0) {
      const res = await fetch(target, {
        method: method.toUpperCase(),
        headers: bodies[0]![1] ? { 'content-type': 'application/json' } : {},
        ...(bodies[0]![1] ? { body: JSON.stringify(bodies[0]![1].value) } : {}),
      })
      t.equal(res.status, 401, `${op.operationId} without credentials: 401, so its security is real`)
    }

    for (const [name, example] of bodies) {
      const body = example ? (rewrite(example.value, sandbox, om, t) as Record<string, any>) : undefined
      if (op.operationId === 'runAutomation') om.addWorkflow(body!)
      const res = await fetch(target, {
        method: method.toUpperCase(),
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      })
      const text = await res.text()
      const what = `${op.operationId} ${name}`
      t.equal(res.status, 200, `${what}: 200 ${text.slice(0, 300)}`)
      sent.add(what)
      if (CHECKED.has(op.operationId)) await t.test(what, async (t) => checkAnswer(t, op.operationId, name, body, text, om))
    }
  }
  const wanted = ['getHealth none', 'automationHealth none', 'automationHealthAuth none', ...Object.entries(requestExamples).flatMap(([id, e]) => Object.keys(e).map((name) => `${id} ${name}`))]
  t.same(
    wanted.filter((w) => !sent.has(w)),
    [],
    'every example and every body-less operation was sent',
  )
})

async function checkAnswer(t: Test, operationId: string, name: string, body: Record<string, any> | undefined, text: string, om: FakeOm) {
  switch (operationId) {
    case 'getHealth':
    case 'automationHealth':
    case 'automationHealthAuth':
      t.equal(JSON.parse(text).status, 'healthy')
      return
    case 'testConnection': {
      const result = JSON.parse(text)
      t.equal(result.status, 'Successful', JSON.stringify(result.steps))
      // The current upstream shape (test/support/test-connection-spec.ts), as /v1/test-connection answers.
      assertTestConnectionResult(t, 'current', result)
      return
    }
    case 'listDatabases': {
      const answer = JSON.parse(text)
      assertOm(t, 'api/services/createDatabaseService.json', answer.databaseService)
      t.same(
        answer.databaseSchemas.map((s: any) => s.name),
        ['sales'],
        'the schema filter applied',
      )
      return
    }
    case 'ingest': {
      const { records, status } = streamWithoutErrors(t, text)
      const tables = records.filter((r) => r.kind === 'table').map((r) => r.entity)
      t.ok(tables.length > 0, 'tables were read')
      t.ok(
        tables.every((e) => e.databaseSchema.endsWith('.sales') && e.name !== 'customer_profiles'),
        'the filters applied',
      )
      if (name === 'sink') {
        t.equal(status.sinkStatus.errors, 0, JSON.stringify(status.sinkStatus.failures))
        assertOm(t, STEP_SUMMARY, status.sinkStatus)
        t.ok(
          om.writes.some((w) => w.type === 'table'),
          'the tables were written to OpenMetadata',
        )
      }
      return
    }
    case 'queryLog': {
      const { records } = streamWithoutErrors(t, text)
      t.ok(
        records.some((r) => r.kind === 'query'),
        'queries were read',
      )
      return
    }
    case 'runAutomation': {
      t.same(JSON.parse(text), { message: `Workflow [${body!.name}] has been triggered.` })
      const last = om.patches.filter((p) => p.id === body!.id).at(-1)
      t.equal(last?.body[0].value.status, 'Successful', 'the final PATCH: the connection passed')
      t.equal(last?.body[1].value, 'Successful', 'the final PATCH: the workflow ran')
      // The fake server reports 2.0.0, so the runner sends the current step fields.
      assertTestConnectionResult(t, 'current', last?.body[0].value)
      return
    }
  }
}

/** Operations whose answer is checked beyond its 200 (one added later is checked for its 200 only). */
const CHECKED = new Set(['getHealth', 'automationHealth', 'automationHealthAuth', 'testConnection', 'listDatabases', 'ingest', 'queryLog', 'runAutomation'])
