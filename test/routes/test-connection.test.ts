import t from 'tap'
import { athenaConnection, startHarness, TEST_SECRETS } from '../support/harness.js'
import { validateTestConnectionResult } from '../support/test-connection-spec.js'

interface Step {
  name: string
  mandatory: boolean
  passed: boolean
  message?: string
  errorLog?: string
  status?: string
  skipReason?: string
  durationMs?: number
  resultSummary?: string
  executedCommand?: string
  diagnosis?: { title?: string; remediation?: string }
}
interface Result {
  status: string
  steps: Step[]
  lastUpdatedAt: number
}

async function post(h: Awaited<ReturnType<typeof startHarness>>, body: unknown) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: body as object })
  return { status: res.statusCode, body: res.json<Result>() }
}

function assertValid(t: { ok: (v: any, ...rest: any[]) => unknown }, result: unknown) {
  const v = validateTestConnectionResult('current', result)
  t.ok(v.valid, `TestConnectionResult validates against the current OM schema ${v.errors}`)
}

t.test('a good connection passes the four steps, in order, in each of the three input forms', async (t) => {
  const h = await startHarness(t)
  const conn = athenaConnection(h.aws)
  const forms = {
    connection: conn,
    testServiceConnectionRequest: { connection: { config: conn }, serviceType: 'Database', connectionType: 'Athena' },
    serviceConnection: { serviceConnection: { config: conn } },
  }
  for (const [form, body] of Object.entries(forms)) {
    const { status, body: result } = await post(h, body)
    t.equal(status, 200, form)
    t.equal(result.status, 'Successful', `${form}: ${JSON.stringify(result.steps)}`)
    t.same(
      result.steps.map((s) => [s.name, s.mandatory, s.passed]),
      [
        ['CheckAccess', true, true],
        ['GetSchemas', true, true],
        ['GetTables', true, true],
        ['GetViews', false, true],
      ],
    )
    assertValid(t, result)
  }
  t.ok(h.aws.count('athena:StartQueryExecution') >= 3, 'SELECT 1 ran through Athena each time')
  const start = h.aws.calls.find((c) => c.action === 'athena:StartQueryExecution')!
  t.match(start.body.QueryString, /^\/\* \{"app": "OpenMetadata", "version": "[\d.]+"\} \*\/ SELECT 1$/, "SELECT 1 under OpenMetadata's query header")
  t.equal(start.body.WorkGroup, 'primary')
  t.equal(start.body.ResultConfiguration.OutputLocation, 's3://athena-results-123456789012/primary/')
  t.ok(h.aws.count('athena:GetQueryExecution') >= 3 * 3, 'polled through QUEUED and RUNNING to SUCCEEDED')
})

t.test('access denied on Glue: GetSchemas fails naming glue:GetDatabases, later steps run and report', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'accessDenied' })
  const { status, body } = await post(h, athenaConnection(h.aws))
  t.equal(status, 200)
  t.equal(body.status, 'Failed')
  t.same(
    body.steps.map((s) => [s.name, s.passed]),
    [
      ['CheckAccess', true],
      ['GetSchemas', false],
      ['GetTables', false],
      ['GetViews', false],
    ],
  )
  const schemas = body.steps[1]!
  t.same(
    body.steps.map((s) => s.status),
    ['Passed', 'Failed', 'Failed', 'Warning'],
    'an optional step that fails is a Warning',
  )
  t.equal(schemas.diagnosis?.title, 'Failed to fetch schemas, please validate if the user has enough privilege to fetch schemas.')
  t.match(schemas.diagnosis?.remediation, /AWSQuicksightAthenaAccess/)
  t.match(schemas.message, /glue:GetDatabases/)
  t.match(schemas.message, /AWSQuicksightAthenaAccess/)
  t.match(schemas.errorLog, /^AccessDeniedException: /)
  t.equal(body.steps[3]!.mandatory, false)
  assertValid(t, body)
})

t.test('a failed CheckAccess short-circuits: no Glue call is made, and the later steps are reported as skipped with their reason', async (t) => {
  const h = await startHarness(t)
  const { body } = await post(h, athenaConnection(h.aws, { workgroup: 'no_such_wg' }))
  t.equal(body.status, 'Failed')
  t.same(
    body.steps.map((s) => [s.name, s.mandatory, s.passed, s.status, s.skipReason]),
    [
      ['CheckAccess', true, false, 'Failed', undefined],
      ['GetSchemas', true, false, 'Skipped', 'ConnectionNotEstablished'],
      ['GetTables', true, false, 'Skipped', 'ConnectionNotEstablished'],
      ['GetViews', false, false, 'Skipped', 'ConnectionNotEstablished'],
    ],
  )
  const [access, ...skipped] = body.steps
  t.match(access!.message, /workgroup "no_such_wg" does not exist/)
  t.match(access!.errorLog, /^InvalidRequestException: /)
  t.same(access!.diagnosis, { title: 'Failed to connect to athena, please validate the credentials', remediation: access!.message }, "the definition's errorMessage, then what to do")
  t.match(access!.executedCommand, /SELECT 1$/)
  t.ok(Number.isInteger(access!.durationMs) && access!.durationMs! >= 0, 'durationMs')
  for (const s of skipped) {
    t.match(s.message, /^Skipped: not run because CheckAccess failed/, `${s.name}: the reason, in words too`)
    t.notOk(s.errorLog ?? s.durationMs ?? s.executedCommand, `${s.name}: nothing ran`)
  }
  t.equal(h.aws.count('glue:GetDatabases'), 0)
  t.equal(h.aws.count('glue:GetTables'), 0)
  assertValid(t, body)
})

t.test('a passing run fills the current step fields: status, resultSummary, executedCommand, durationMs', async (t) => {
  const h = await startHarness(t)
  const { body } = await post(h, athenaConnection(h.aws))
  t.equal(body.status, 'Successful')
  t.same(
    body.steps.map((s) => [s.status, s.executedCommand?.replace(/^\/\*.*\*\/ /, '')]),
    [
      ['Passed', 'SELECT 1'],
      ['Passed', 'glue:GetDatabases'],
      ['Passed', 'glue:GetTables'],
      ['Passed', 'glue:GetTables'],
    ],
  )
  for (const s of body.steps) {
    t.ok(s.resultSummary && s.resultSummary === s.message, `${s.name}: resultSummary (and message, for older readers)`)
    t.ok(Number.isInteger(s.durationMs) && s.durationMs! >= 0, `${s.name}: durationMs`)
    t.notOk(s.errorLog ?? s.diagnosis ?? s.skipReason, `${s.name}: no failure fields`)
  }
  t.match(body.steps[0]!.resultSummary, /SELECT 1 succeeded in workgroup primary/)
  assertValid(t, body)
})

t.test('each AWS failure gets its own message', async (t) => {
  const h = await startHarness(t)
  const cases: Array<{ name: string; setup: () => void; conn?: Record<string, unknown>; step: string; expect: RegExp; log?: RegExp }> = [
    {
      name: 'access denied on StartQueryExecution',
      setup: () => h.aws.addFault({ action: 'athena:StartQueryExecution', kind: 'accessDenied' }),
      step: 'CheckAccess',
      expect: /missing athena:StartQueryExecution/,
      log: /^AccessDeniedException/,
    },
    {
      name: 'results bucket not writable',
      setup: () => {
        h.aws.catalog.deniedS3Prefixes = ['s3://athena-results-123456789012/']
      },
      step: 'CheckAccess',
      expect: /s3:PutObject/,
      log: /FAILED/,
    },
    {
      name: 'disabled workgroup',
      setup: () => {},
      conn: { workgroup: 'disabled_wg' },
      step: 'CheckAccess',
      expect: /workgroup "disabled_wg" is disabled/,
    },
    {
      name: 'expired session token',
      setup: () => h.aws.addFault({ action: '*', kind: 'expiredToken' }),
      step: 'CheckAccess',
      expect: /credentials have expired/,
      log: /^ExpiredToken/,
    },
    {
      name: 'unknown access key',
      setup: () => h.aws.addFault({ action: '*', kind: 'invalidToken' }),
      step: 'CheckAccess',
      expect: /did not recognise the credentials/,
    },
    {
      name: 'access denied on GetTables only',
      setup: () => h.aws.addFault({ action: 'glue:GetTables', kind: 'accessDenied' }),
      step: 'GetTables',
      expect: /missing glue:GetTables/,
    },
  ]
  for (const c of cases) {
    h.aws.reset()
    h.aws.catalog.deniedS3Prefixes = []
    c.setup()
    const { status, body } = await post(h, athenaConnection(h.aws, c.conn ?? {}))
    t.equal(status, 200, c.name)
    t.equal(body.status, 'Failed', c.name)
    const step = body.steps.find((s) => s.name === c.step)
    t.equal(step?.passed, false, `${c.name}: ${c.step} failed`)
    t.match(step?.message, c.expect, c.name)
    if (c.log) t.match(step?.errorLog, c.log, `${c.name}: errorLog carries the AWS error`)
    assertValid(t, body)
  }
})

t.test('an unreachable endpoint fails CheckAccess with a network message', async (t) => {
  const h = await startHarness(t, { config: { aws: { maxAttempts: 1, requestTimeoutMs: 2_000, connectionTimeoutMs: 1_000, queryWaitMs: 2_000 } } })
  const conn = athenaConnection(h.aws, {}, { endPointURL: 'http://127.0.0.1:9' })
  const { status, body } = await post(h, conn)
  t.equal(status, 200)
  t.equal(body.status, 'Failed')
  t.match(body.steps[0]!.message, /Could not reach the AWS endpoint 127\.0\.0\.1:9:/)
  assertValid(t, body)
})

t.test('an empty catalog is a pass with a message, as upstream', async (t) => {
  const h = await startHarness(t)
  const only = h.aws.catalog.glue[h.aws.catalog.accountId]!.filter((d) => d.Name === 'empty_schema')
  h.aws.catalog.glue[h.aws.catalog.accountId] = only
  const { body } = await post(h, athenaConnection(h.aws))
  t.equal(body.status, 'Successful')
  t.match(body.steps[2]!.message, /No tables found/)
  assertValid(t, body)
})

t.test('schemaFilterPattern decides which schemas GetTables looks into; catalogId goes on every Glue call', async (t) => {
  const h = await startHarness(t)
  const conn = athenaConnection(h.aws, { schemaFilterPattern: { includes: ['^empty'] }, catalogId: h.aws.catalog.accountId })
  const { body } = await post(h, conn)
  t.equal(body.status, 'Successful')
  t.match(body.steps[2]!.message, /No tables found/)
  const tablesCalls = h.aws.calls.filter((c) => c.action === 'glue:GetTables')
  t.same(
    tablesCalls.map((c) => c.body.DatabaseName),
    ['empty_schema'],
  )
  for (const c of h.aws.calls.filter((c) => c.action.startsWith('glue:'))) {
    t.equal(c.body.CatalogId, h.aws.catalog.accountId, `${c.action} carries CatalogId`)
  }
})

t.test('secrets never appear in responses or logs, even on failures', async (t) => {
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer] } })
  const conn = athenaConnection(h.aws, {}, { awsSessionToken: TEST_SECRETS.sessionToken })
  const responses: string[] = []
  const send = async (body: unknown, auth = `Bearer ${TEST_SECRETS.bearer}`) => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: body as object, headers: { authorization: auth } })
    responses.push(res.body, JSON.stringify(res.headers))
    return res
  }
  t.equal((await send(conn)).statusCode, 200)
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'accessDenied' })
  t.equal((await send(conn)).statusCode, 200)
  t.equal((await send({ ...conn, bogus: TEST_SECRETS.secretAccessKey })).statusCode, 400)
  t.equal((await send(conn, `Bearer ${TEST_SECRETS.bearer}x`)).statusCode, 401)
  const everything = responses.join('\n') + h.logs()
  t.ok(h.logs().length > 0, 'logs were captured')
  for (const [name, secret] of Object.entries(TEST_SECRETS)) {
    t.notOk(everything.includes(secret), `${name} is absent from every response and log line`)
  }
})
