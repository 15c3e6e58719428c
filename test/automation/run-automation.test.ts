import { randomUUID } from 'node:crypto'
import t from 'tap'
import { automationWorkflow } from '../support/automation-workflow.js'
import { startFakeOm, type FakeOm, type FakeOmOptions } from '../support/fake-om.js'
import { athenaConnection, startHarness } from '../support/harness.js'
import { validateOm } from '../support/om-spec.js'
import { validateTestConnectionResult } from '../support/test-connection-spec.js'

type H = Awaited<ReturnType<typeof startHarness>>

const PREFIX = '/api/v1/openmetadata'
const USER = 'admin'
const PASSWORD = 'pipeline-client-password-7d1e'
const AUTOMATION = { prefix: PREFIX, username: USER, password: PASSWORD, reportedVersion: '1.9.4' }
const SINK = { concurrency: 4, maxAttempts: 3, requestTimeoutMs: 5_000, retryBaseMs: 5, maxRetryDelayMs: 1_000 }
const basic = (user = USER, password = PASSWORD) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

/** Unless a test says otherwise, a server of the generation before the current step fields (its TestConnectionResult is the vendored one). */
async function setup(t: { teardown(fn: () => unknown): void }, automation: Record<string, unknown> = AUTOMATION, omOptions: FakeOmOptions = { version: '1.9.4' }) {
  const h = await startHarness(t, { config: { automation: automation as never, openMetadataSink: SINK } })
  const om = await startFakeOm(t, omOptions)
  return { h, om }
}

/** A current server: its testConnectionResult has upstream PR #28793's step fields. */
const CURRENT_OM: FakeOmOptions = { version: '1.14.1', testConnectionSchema: 'current' }

/** The Workflow entity as OpenMetadata's server serialises it for run_automation, against this test's servers. */
function workflow(h: H, om: FakeOm, opts: { connection?: Record<string, unknown>; request?: Record<string, unknown>; jwt?: string; hostPort?: string } = {}) {
  return automationWorkflow({
    connection: opts.connection ?? athenaConnection(h.aws),
    hostPort: opts.hostPort ?? om.url,
    jwt: opts.jwt ?? om.token,
    ...(opts.request ? { request: opts.request } : {}),
  })
}

async function run(h: H, body: unknown, authorization: string | undefined = basic()) {
  return h.app.inject({ method: 'POST', url: `${PREFIX}/run_automation`, payload: body as object, headers: authorization ? { authorization } : {} })
}

t.test('run_automation with an Athena workflow PATCHes each finished step, then the final result', async (t) => {
  const { h, om } = await setup(t)
  const wf = workflow(h, om)
  t.ok(validateOm('entity/automations/testServiceConnection.json', wf.request).valid, 'the request is a valid TestServiceConnectionRequest')
  om.addWorkflow(wf)
  const res = await run(h, wf)
  t.equal(res.statusCode, 200, res.body)
  t.same(res.json(), { message: `Workflow [${wf.name}] has been triggered.` })

  t.equal(om.patches.length, 5, 'one PATCH per step (4), then the final one')
  t.ok(om.patches.every((p) => p.id === wf.id))
  for (const [i, p] of om.patches.entries()) {
    t.same(
      p.body.map((op: any) => [op.op, op.path]),
      [
        ['add', '/response'],
        ['add', '/status'],
      ],
      `PATCH ${i}: add /response, add /status`,
    )
    const v = validateTestConnectionResult('legacy', p.body[0].value)
    t.ok(v.valid, `PATCH ${i}: /response is a TestConnectionResult this (1.9.4) server accepts ${v.errors}`)
  }
  t.same(
    om.patches.map((p) => p.body[0].value.steps.length),
    [1, 2, 3, 4, 4],
    'the result grows a step at a time',
  )
  t.same(
    om.patches.map((p) => p.body[0].value.status),
    ['Running', 'Running', 'Running', 'Running', 'Successful'],
  )
  t.same(
    om.patches.map((p) => p.body[1].value),
    ['Running', 'Running', 'Running', 'Running', 'Successful'],
    'workflow status',
  )
  t.same(
    om.patches[4]!.body[0].value.steps.map((s: any) => [s.name, s.mandatory, s.passed]),
    [
      ['CheckAccess', true, true],
      ['GetSchemas', true, true],
      ['GetTables', true, true],
      ['GetViews', false, true],
    ],
  )
  const stored = om.workflows.get(wf.id)!
  t.equal(stored.status, 'Successful', 'the workflow entity ends Successful')
  t.equal(stored.response.status, 'Successful')
  const calls = om.requests.map((r) => `${r.method} ${r.path}`)
  t.ok(calls.indexOf(`GET /api/v1/automations/workflows/name/${wf.name}`) < calls.indexOf(`PATCH /api/v1/automations/workflows/${wf.id}`), 'the workflow is read from OpenMetadata first')
  t.notOk(h.logs().includes(om.token), 'the JWT is not logged')
  t.notOk(h.logs().includes(PASSWORD), 'nor the Basic password')
})

t.test('the connection OpenMetadata hands the bot is the one tested (the posted copy may hold encrypted secrets)', async (t) => {
  const { h, om } = await setup(t)
  const stored = workflow(h, om)
  h.aws.catalog.accessKeys = { ...h.aws.catalog.accessKeys, AKIAENCRYPTEDCOPY000: 'invalid' }
  const posted = {
    ...stored,
    request: { ...stored.request, connection: { config: athenaConnection(h.aws, {}, { awsAccessKeyId: 'AKIAENCRYPTEDCOPY000', awsSecretAccessKey: 'fernet:gAAAAABn-encrypted' }) } },
  }
  om.addWorkflow(stored)
  const res = await run(h, posted)
  t.equal(res.statusCode, 200)
  t.equal(om.patches.at(-1)!.body[0].value.status, 'Successful', 'tested with the stored connection')
})

t.test('a failed CheckAccess: every step is PATCHed (the rest as skipped), and the workflow ends Failed', async (t) => {
  const { h, om } = await setup(t)
  const wf = workflow(h, om, { connection: athenaConnection(h.aws, { workgroup: 'no_such_wg' }) })
  om.addWorkflow(wf)
  const res = await run(h, wf)
  t.equal(res.statusCode, 200)
  t.equal(om.patches.length, 5, 'one PATCH per step (4), then the final one')
  t.same(
    om.patches.map((p) => [p.body[0].value.status, p.body[1].value]),
    [
      ['Running', 'Running'],
      ['Running', 'Running'],
      ['Running', 'Running'],
      ['Running', 'Running'],
      ['Failed', 'Failed'],
    ],
  )
  const final = om.patches[4]!.body[0].value
  t.same(
    final.steps.map((s: any) => [s.name, s.passed]),
    [
      ['CheckAccess', false],
      ['GetSchemas', false],
      ['GetTables', false],
      ['GetViews', false],
    ],
  )
  t.match(final.steps[0].message, /workgroup "no_such_wg" does not exist/)
  for (const s of final.steps.slice(1)) t.match(s.message, /^Skipped: not run because CheckAccess failed/, `${s.name}: skipped, with the reason`)
  for (const p of om.patches) t.ok(validateTestConnectionResult('legacy', p.body[0].value).valid, 'each /response is one a 1.9.4 server accepts')
  t.notOk(
    final.steps.some((s: any) => 'status' in s || 'skipReason' in s),
    'no field the older server would refuse',
  )
  t.equal(om.workflows.get(wf.id)!.status, 'Failed', 'the workflow entity ends Failed, as upstream runner.py _workflow_status')
  t.equal(h.aws.count('glue:GetDatabases'), 0)
})

t.test('a current server gets the current step fields: status, skipReason, durationMs, diagnosis', async (t) => {
  const { h, om } = await setup(t, AUTOMATION, CURRENT_OM)
  const wf = workflow(h, om, { connection: athenaConnection(h.aws, { workgroup: 'no_such_wg' }) })
  om.addWorkflow(wf)
  const res = await run(h, wf)
  t.equal(res.statusCode, 200, res.body)
  t.equal(om.patches.length, 5)
  for (const [i, p] of om.patches.entries()) {
    const v = validateTestConnectionResult('current', p.body[0].value)
    t.ok(v.valid, `PATCH ${i}: a current TestConnectionResult ${v.errors}`)
  }
  const final = om.patches[4]!.body[0].value
  t.same(
    final.steps.map((s: any) => [s.name, s.status, s.skipReason]),
    [
      ['CheckAccess', 'Failed', undefined],
      ['GetSchemas', 'Skipped', 'ConnectionNotEstablished'],
      ['GetTables', 'Skipped', 'ConnectionNotEstablished'],
      ['GetViews', 'Skipped', 'ConnectionNotEstablished'],
    ],
  )
  t.equal(final.steps[0].diagnosis.title, 'Failed to connect to athena, please validate the credentials')
  t.ok(Number.isInteger(final.steps[0].durationMs))
  t.notOk(validateTestConnectionResult('legacy', final).valid, 'an older server would have refused this very body')
  t.equal(om.workflows.get(wf.id)!.status, 'Failed')
})

t.test('run_automation answers an error, logged and secret-free, when the result cannot reach OpenMetadata', async (t) => {
  const { h, om } = await setup(t)
  const closed = await startFakeOm()
  const closedUrl = closed.url
  await closed.close()
  const cases: Array<{ name: string; body: () => ReturnType<typeof workflow>; before?: () => void; message: RegExp }> = [
    {
      name: 'hostPort without /api (a server, but not its API)',
      body: () => workflow(h, om, { hostPort: om.url.replace(/\/api$/, '') }),
      message: /system\/version answered HTTP 404.*is body\/openMetadataServerConnection\/hostPort the OpenMetadata server's API URL/,
    },
    {
      name: 'hostPort where nothing listens',
      body: () => workflow(h, om, { hostPort: closedUrl }),
      message: /not reachable \(body\/openMetadataServerConnection\/hostPort\)/,
    },
    {
      name: 'a workflow the server does not know',
      body: () => workflow(h, om),
      message: /does not know it \(GET \/v1\/automations\/workflows\/name\/test-connection-Athena-[0-9a-f]+: HTTP 404.*could not be stored/,
    },
    {
      name: 'a server that refuses the PATCH (403)',
      body: () => {
        const wf = workflow(h, om)
        om.addWorkflow(wf)
        return wf
      },
      before: () => om.failNext({ status: 403, times: 100, match: (method) => method === 'PATCH' }),
      message: /did not store the result of workflow \[test-connection-Athena-[0-9a-f]+\] \(PATCH \/v1\/automations\/workflows\/[0-9a-f-]+, HTTP 403.*permission to edit automation workflows/,
    },
  ]
  for (const c of cases) {
    h.aws.reset()
    c.before?.()
    const wf = c.body()
    const res = await run(h, wf)
    t.equal(res.statusCode, 502, `${c.name}: an error OpenMetadata's client shows (not 200 "triggered")`)
    t.match(res.json().message, c.message, c.name)
    t.ok(h.logs().includes(res.json().message.slice(0, 60).replace(/"/g, '\\"')), `${c.name}: logged`)
    t.notOk(res.body.includes(om.token) || h.logs().includes(om.token), `${c.name}: no JWT in the answer or the logs`)
  }
  t.same(
    om.requests.filter((r) => r.method === 'PATCH').map((r) => r.status),
    [403],
    'the refused PATCH was the only one tried: the run stopped there',
  )
  t.equal(h.aws.count('glue:GetDatabases'), 0, 'no step ran after it')
})

t.test('a server that refuses the result as malformed (400) is a 502 that says so, not a 200', async (t) => {
  // Reports a current version but validates with the older, closed step: the shape is refused.
  const { h, om } = await setup(t, AUTOMATION, { version: '1.14.1', testConnectionSchema: 'legacy' })
  const wf = workflow(h, om)
  om.addWorkflow(wf)
  const res = await run(h, wf)
  t.equal(res.statusCode, 502)
  t.match(res.json().message, /did not store the result of workflow \[.+\] \(PATCH .*HTTP 400: .*additional properties.*refused the result's shape/)
  t.equal(om.requests.filter((r) => r.method === 'PATCH').length, 1, 'stopped at the first refusal')
})

t.test("the result goes to the stored workflow's id, as upstream's execute (get_by_name) does", async (t) => {
  const { h, om } = await setup(t)
  const wf = workflow(h, om)
  om.addWorkflow(wf)
  const res = await run(h, { ...wf, id: randomUUID() })
  t.equal(res.statusCode, 200, res.body)
  t.ok(om.patches.length === 5 && om.patches.every((p) => p.id === wf.id))
})

t.test('Basic auth: missing or wrong credentials are a 401, and nothing runs', async (t) => {
  const { h, om } = await setup(t)
  const wf = workflow(h, om)
  om.addWorkflow(wf)
  for (const [name, header] of [
    ['missing', undefined],
    ['wrong password', basic(USER, 'nope')],
    ['wrong user', basic('someone', PASSWORD)],
    ['bearer instead', `Bearer ${om.token}`],
  ] as const) {
    const res = await run(h, wf, header ?? '')
    t.equal(res.statusCode, 401, name)
    t.match(res.headers['www-authenticate'], /^Basic realm=/, `${name}: asks for Basic`)
    t.equal(res.json().message, 'Missing or invalid Basic credentials for the automation API')
  }
  const health = await h.app.inject({ method: 'GET', url: `${PREFIX}/health-auth`, headers: { authorization: basic(USER, 'nope') } })
  t.equal(health.statusCode, 401)
  t.equal(om.requests.length, 0)
  t.equal(h.aws.count(), 0)
})

t.test('a connection that is not Athena is a 400 naming its type', async (t) => {
  const { h, om } = await setup(t)
  const mysql = { type: 'Mysql', scheme: 'mysql+pymysql', username: 'u', authType: { password: 'p' }, hostPort: 'mysql:3306' }
  const cases = [
    { body: workflow(h, om, { connection: mysql, request: { connectionType: 'Mysql' } }), message: /body\/request\/connectionType 'Mysql' is not supported/ },
    { body: workflow(h, om, { connection: mysql, request: { connectionType: undefined } }), message: /body\/request\/connection\/config\/type 'Mysql' is not supported/ },
    { body: workflow(h, om, { connection: mysql }), message: /body\/request\/connection\/config\/type 'Mysql' is not supported/ },
    { body: { ...workflow(h, om), workflowType: 'REVERSE_INGESTION' }, message: /workflowType REVERSE_INGESTION is not supported/ },
  ]
  for (const c of cases) {
    const res = await run(h, c.body)
    t.equal(res.statusCode, 400, res.body)
    t.match(res.json().message, c.message)
  }
  t.equal(om.requests.length, 0, 'OpenMetadata was not called')
  t.equal(h.aws.count(), 0)
})

t.test('bad bodies are 400s naming the field', async (t) => {
  const { h, om } = await setup(t)
  const wf = workflow(h, om)
  const { openMetadataServerConnection: _omc, ...withoutServer } = wf
  const cases: Array<[object, RegExp]> = [
    [{ ...wf, id: 'not-a-uuid' }, /body\/id must match format "uuid"/],
    [withoutServer, /body must have required property 'openMetadataServerConnection'/],
    [{ ...wf, openMetadataServerConnection: { ...wf.openMetadataServerConnection, securityConfig: {} } }, /body\/openMetadataServerConnection\/securityConfig\/jwtToken is required/],
    [workflow(h, om, { connection: { ...athenaConnection(h.aws), s3StagingDir: 'not a uri' } }), /body\/request\/connection\/config\/s3StagingDir must match format "uri"/],
    [workflow(h, om, { connection: { type: 'Athena', s3StagingDir: 's3://b/', workgroup: 'w' } }), /body\/request\/connection\/config must have required properties awsConfig/],
  ]
  for (const [body, message] of cases) {
    const res = await run(h, body)
    t.equal(res.statusCode, 400, res.body)
    t.match(res.json().message, message)
  }
  t.equal(om.patches.length, 0)
})

t.test('a run that breaks (invalid filter pattern) marks the workflow Failed, so OpenMetadata does not wait', async (t) => {
  const { h, om } = await setup(t)
  const wf = workflow(h, om, { connection: athenaConnection(h.aws, { schemaFilterPattern: { includes: ['(\\w+)_\\1'] } }) })
  om.addWorkflow(wf)
  const res = await run(h, wf)
  t.equal(res.statusCode, 400, res.body)
  t.match(res.json().message, /schemaFilterPattern\.includes\[0\].*a backreference/)
  t.equal(om.patches.length, 1)
  t.same(om.patches[0]!.body[1].value, 'Failed')
  t.ok(validateTestConnectionResult('legacy', om.patches[0]!.body[0].value).valid)
  t.equal(om.workflows.get(wf.id)!.status, 'Failed')
})

t.test('OpenMetadata refusing the JWT is a 502 naming the field, before any AWS call', async (t) => {
  const { h, om } = await setup(t)
  const wf = workflow(h, om, { jwt: 'eyJ.not-the-bot-token.sig' })
  om.addWorkflow(wf)
  const res = await run(h, wf)
  t.equal(res.statusCode, 502)
  t.match(res.json().message, /rejected body\/openMetadataServerConnection\/securityConfig\/jwtToken \(HTTP 401/)
  t.equal(h.aws.count(), 0)
  t.notOk(res.body.includes('not-the-bot-token'))
})

t.test("health and health-auth answer as the managed APIs do; OpenMetadata's client finds the API at the prefix", async (t) => {
  const { h } = await setup(t)
  const health = await h.app.inject({ method: 'GET', url: `${PREFIX}/health` })
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'healthy', version: '1.9.4' })
  // AirflowRESTClient.detectAirflowApiVersion: /pluginsv2/api/v2, /api/v2, then /api/v1 (+ /openmetadata/health-auth).
  const probes = ['/pluginsv2/api/v2/openmetadata/health-auth', '/api/v2/openmetadata/health-auth', '/api/v1/openmetadata/health-auth']
  const answers = []
  for (const url of probes) answers.push((await h.app.inject({ method: 'GET', url, headers: { authorization: basic() } })).statusCode)
  t.same(answers, [404, 404, 200], 'the third probe finds it')
})

t.test('without AUTOMATION_USERNAME / AUTOMATION_PASSWORD the API is off: 503 with a message', async (t) => {
  const { h, om } = await setup(t, { prefix: PREFIX, reportedVersion: '1.9.4' })
  for (const [method, url] of [
    ['GET', `${PREFIX}/health`],
    ['GET', `${PREFIX}/health-auth`],
    ['POST', `${PREFIX}/run_automation`],
  ] as const) {
    const res = await h.app.inject({ method, url, headers: { authorization: basic() }, ...(method === 'POST' ? { payload: workflow(h, om) } : {}) })
    t.equal(res.statusCode, 503, url)
    t.match(res.json().message, /AUTOMATION_USERNAME and AUTOMATION_PASSWORD/)
  }
})

t.test('a workflow id from the server that is not well-formed Unicode is a 502 naming it, not a 500', async (t) => {
  const { h, om } = await setup(t)
  const wf = workflow(h, om)
  // The server answers the workflow with an id holding a lone surrogate (JSON can carry one: "\ud800").
  om.addWorkflow({ ...wf, id: `${wf.id}\ud800` })
  const res = await run(h, wf)
  t.equal(res.statusCode, 502, res.body)
  t.match(res.json().message, /the workflow id OpenMetadata returned ".*\\ud800" is not well-formed Unicode/)
  t.equal(om.patches.length, 0, 'nothing was PATCHed to a mangled URL')
})
