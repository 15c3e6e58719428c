/**
 * The sandbox's AWS endpoint checks credentials as AWS does: the SigV4 signature is verified with the key's
 * secret, unknown keys and expired tokens are refused, and a key can be denied an action. Driven through the
 * service's own routes with the real SDK, so what is asserted is what a sandbox user sees.
 */
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { SANDBOX_KEYS, startSandboxAws } from '../support/sandbox.js'

interface Step {
  name: string
  passed: boolean
  message?: string
  errorLog?: string
}

async function setup(t: Test) {
  const sandbox = await startSandboxAws()
  const app = await buildApp({
    logStream: false,
    config: { rateLimitMax: 0, maxEventLoopDelayMs: 0, aws: { maxAttempts: 1, requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000, queryWaitMs: 5_000 } },
  })
  t.teardown(async () => {
    await app.close()
    await sandbox.aws.close()
  })
  const testConnection = async (awsConfig: Record<string, unknown>) => {
    const conn = { ...sandbox.connection, awsConfig: { ...(sandbox.connection.awsConfig as object), ...awsConfig } }
    const res = await app.inject({ method: 'POST', url: '/v1/test-connection', payload: conn })
    t.equal(res.statusCode, 200)
    return res.json<{ status: string; steps: Step[] }>()
  }
  return { sandbox, app, testConnection }
}

t.test('the documented valid key signs every call and passes every step', async (t) => {
  const { sandbox, testConnection } = await setup(t)
  const result = await testConnection({})
  t.equal(result.status, 'Successful', JSON.stringify(result.steps))
  t.ok(sandbox.aws.calls.length > 3)
  t.ok(sandbox.aws.calls.every((c) => c.accessKeyId === SANDBOX_KEYS.valid.awsAccessKeyId))
})

t.test('a wrong secret fails CheckAccess with the signature error, and no data call is made', async (t) => {
  const { sandbox, testConnection } = await setup(t)
  const result = await testConnection({ awsSecretAccessKey: 'not-the-right-secret-key-0000000000000000' })
  t.equal(result.status, 'Failed')
  t.equal(result.steps[0]!.name, 'CheckAccess')
  t.notOk(result.steps[0]!.passed)
  t.match(result.steps[0]!.errorLog, /SignatureDoesNotMatch|InvalidSignatureException/)
  t.match(result.steps[0]!.message, /awsSecretAccessKey/)
  t.equal(sandbox.aws.count('glue:GetDatabases'), 0)
  t.notMatch(JSON.stringify(result), /not-the-right-secret/, 'the secret is not echoed')
})

t.test('an unknown access key is refused as AWS refuses it', async (t) => {
  const { testConnection } = await setup(t)
  const result = await testConnection({ awsAccessKeyId: 'AKIAUNKNOWNKEY000000' })
  t.equal(result.status, 'Failed')
  t.match(result.steps[0]!.errorLog, /InvalidClientTokenId|UnrecognizedClientException/)
})

t.test('the expired key answers ExpiredToken', async (t) => {
  const { testConnection } = await setup(t)
  const result = await testConnection(SANDBOX_KEYS.expired)
  t.equal(result.status, 'Failed')
  t.match(result.steps[0]!.errorLog, /ExpiredToken/)
})

t.test('the denied key passes CheckAccess and GetSchemas, and GetTables names the missing permission', async (t) => {
  const { testConnection } = await setup(t)
  const result = await testConnection(SANDBOX_KEYS.denied)
  t.equal(result.status, 'Failed')
  const byName = Object.fromEntries(result.steps.map((s) => [s.name, s]))
  t.ok(byName.CheckAccess?.passed)
  t.ok(byName.GetSchemas?.passed)
  t.notOk(byName.GetTables?.passed)
  t.match(byName.GetTables?.message, /glue:GetTables/)
  t.match(byName.GetTables?.errorLog, /AccessDeniedException/)
})

t.test('keys issued by AssumeRole are verified with their own secret', async (t) => {
  const { sandbox, testConnection } = await setup(t)
  const result = await testConnection({ assumeRoleArn: 'arn:aws:iam::123456789012:role/SandboxReader' })
  t.equal(result.status, 'Successful', JSON.stringify(result.steps))
  const dataKeys = new Set(sandbox.aws.calls.filter((c) => !c.action.startsWith('sts:')).map((c) => c.accessKeyId))
  t.ok(
    [...dataKeys].every((k) => k?.startsWith('ASIA')),
    'Glue and Athena calls signed with the session keys',
  )
})
