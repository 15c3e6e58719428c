import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { athenaConnection, startHarness, TEST_SECRETS, withEnv } from '../support/harness.js'

type H = Awaited<ReturnType<typeof startHarness>>

async function testConnection(h: H, conn: object) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: conn })
  t.equal(res.statusCode, 200)
  return res.json<{ status: string; steps: Array<{ name: string; passed: boolean; message?: string }> }>()
}

const keysUsed = (h: H, prefix: string) => new Set(h.aws.calls.filter((c) => c.action.startsWith(prefix)).map((c) => c.accessKeyId))

t.test('static keys with a session token sign every call with that key', async (t) => {
  const h = await startHarness(t)
  const result = await testConnection(h, athenaConnection(h.aws, {}, { awsSessionToken: TEST_SECRETS.sessionToken }))
  t.equal(result.status, 'Successful')
  t.same([...keysUsed(h, '')], ['AKIAIOSFODNN7EXAMPLE'])
  t.ok(
    h.aws.calls.every((c) => c.region === 'us-east-1'),
    'region from awsRegion on every call',
  )
})

t.test('assumeRoleArn: STS AssumeRole with session name and source identity, then the temporary keys', async (t) => {
  const h = await startHarness(t)
  const conn = athenaConnection(
    h.aws,
    {},
    {
      assumeRoleArn: 'arn:aws:iam::123456789012:role/OMReader',
      assumeRoleSessionName: 'om-athena-test',
      assumeRoleSourceIdentity: 'alice@example.com',
    },
  )
  const result = await testConnection(h, conn)
  t.equal(result.status, 'Successful', JSON.stringify(result.steps))
  const assume = h.aws.calls.filter((c) => c.action === 'sts:AssumeRole')
  t.equal(assume.length, 1, 'one AssumeRole for the whole run')
  t.equal(assume[0]!.body.RoleArn, 'arn:aws:iam::123456789012:role/OMReader')
  t.equal(assume[0]!.body.RoleSessionName, 'om-athena-test')
  t.equal(assume[0]!.body.SourceIdentity, 'alice@example.com')
  t.equal(assume[0]!.accessKeyId, 'AKIAIOSFODNN7EXAMPLE', 'AssumeRole is signed with the base keys')
  const dataKeys = [...keysUsed(h, 'glue:'), ...keysUsed(h, 'athena:')]
  t.ok(dataKeys.length > 0 && dataKeys.every((k) => k?.startsWith('ASIA')), `Glue and Athena use the assumed-role keys (${dataKeys.join(',')})`)
  t.match(result.steps[0]!.message, /assumed-role/i, 'CheckAccess reports the assumed identity')
})

t.test('assumeRoleSessionName defaults to OpenMetadataSession', async (t) => {
  const h = await startHarness(t)
  await testConnection(h, athenaConnection(h.aws, {}, { assumeRoleArn: 'arn:aws:iam::123456789012:role/OMReader' }))
  const assume = h.aws.calls.find((c) => c.action === 'sts:AssumeRole')
  t.equal(assume?.body.RoleSessionName, 'OpenMetadataSession')
  t.notOk('SourceIdentity' in (assume?.body ?? {}), 'no SourceIdentity unless given')
})

t.test('assume role denied fails CheckAccess naming sts:AssumeRole', async (t) => {
  const h = await startHarness(t)
  h.aws.addFault({ action: 'sts:AssumeRole', kind: 'accessDenied' })
  const result = await testConnection(h, athenaConnection(h.aws, {}, { assumeRoleArn: 'arn:aws:iam::123456789012:role/OMReader' }))
  t.equal(result.status, 'Failed')
  t.match(result.steps[0]!.message, /sts:AssumeRole/)
  t.equal(h.aws.count('athena:StartQueryExecution'), 0, 'no Athena call after the role was refused')
})

t.test('profileName reads the shared credentials file named by AWS_SHARED_CREDENTIALS_FILE', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aws-profile-'))
  const file = join(dir, 'credentials')
  writeFileSync(file, '[default]\naws_access_key_id = AKIADEFAULTPROFILE\naws_secret_access_key = x\n\n[analytics]\naws_access_key_id = AKIAPROFILEANALYTICS\naws_secret_access_key = y\n')
  withEnv(t, { AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(dir, 'config-absent') })
  const h = await startHarness(t)
  const conn = athenaConnection(h.aws, {}, { awsAccessKeyId: undefined, awsSecretAccessKey: undefined, profileName: 'analytics' })
  const result = await testConnection(h, JSON.parse(JSON.stringify(conn)))
  t.equal(result.status, 'Successful', JSON.stringify(result.steps))
  t.same([...keysUsed(h, '')], ['AKIAPROFILEANALYTICS'])

  h.aws.reset()
  const missing = athenaConnection(h.aws, {}, { awsAccessKeyId: undefined, awsSecretAccessKey: undefined, profileName: 'nope' })
  const failed = await testConnection(h, JSON.parse(JSON.stringify(missing)))
  t.equal(failed.status, 'Failed')
  t.match(failed.steps[0]!.message, /No AWS credentials could be found/)
  t.equal(h.aws.count(), 0, 'nothing was sent without credentials')
})

t.test('no keys and no profile: the default chain (here the environment) supplies credentials', async (t) => {
  withEnv(t, { AWS_ACCESS_KEY_ID: 'AKIAFROMENVIRONMENT', AWS_SECRET_ACCESS_KEY: 'env-secret' })
  const h = await startHarness(t)
  const conn = JSON.parse(JSON.stringify(athenaConnection(h.aws, {}, { awsAccessKeyId: undefined, awsSecretAccessKey: undefined })))
  const result = await testConnection(h, conn)
  t.equal(result.status, 'Successful', JSON.stringify(result.steps))
  t.same([...keysUsed(h, '')], ['AKIAFROMENVIRONMENT'])
})

t.test('throttling is retried within the bounded attempt count', async (t) => {
  const h = await startHarness(t, { config: { aws: { maxAttempts: 3, requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000, queryWaitMs: 5_000 } } })
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'throttle', times: 2 })
  const ok = await testConnection(h, athenaConnection(h.aws))
  t.equal(ok.status, 'Successful', 'two throttles then success within 3 attempts')
  h.aws.reset()
  h.aws.addFault({ action: 'glue:GetDatabases', kind: 'throttle' })
  const failed = await testConnection(h, athenaConnection(h.aws))
  t.equal(failed.steps[1]!.passed, false)
  t.match(failed.steps[1]!.message, /throttled/)
  t.equal(h.aws.count('glue:GetDatabases') % 3, 0, 'each listing made exactly maxAttempts calls')
})
