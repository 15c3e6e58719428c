import t from 'tap'
import { basicAccepted } from '../../src/automation/basic-auth.js'
import { loadAutomationSettings } from '../../src/automation/settings.js'
import { loadOpenMetadataSinkSettings } from '../../src/sink/settings.js'
import { VERSION } from '../../src/version.js'

t.test('AUTOMATION_*: defaults, prefix checks, credentials in pairs', async (t) => {
  t.same(loadAutomationSettings({}), { prefix: '/api/v1/openmetadata', reportedVersion: VERSION }, 'disabled by default')
  t.same(loadAutomationSettings({ AUTOMATION_PREFIX: '/pluginsv2/api/v2/openmetadata/', AUTOMATION_USERNAME: 'a', AUTOMATION_PASSWORD: 'b', AUTOMATION_REPORTED_VERSION: '1.9.4' }), {
    prefix: '/pluginsv2/api/v2/openmetadata',
    username: 'a',
    password: 'b',
    reportedVersion: '1.9.4',
  })
  t.throws(() => loadAutomationSettings({ AUTOMATION_PREFIX: 'api' }), /AUTOMATION_PREFIX must be a path/)
  t.throws(() => loadAutomationSettings({ AUTOMATION_PREFIX: '/v1/automation' }), /must not be under \/v1\//)
  t.throws(() => loadAutomationSettings({ AUTOMATION_USERNAME: 'a' }), /go together/)
})

t.test('OM_SINK_*: defaults and bounds', async (t) => {
  t.same(loadOpenMetadataSinkSettings({}), {
    concurrency: 8,
    maxAttempts: 4,
    requestTimeoutMs: 30_000,
    retryBaseMs: 500,
    maxRetryDelayMs: 30_000,
    maxResponseBytes: 16 * 1024 * 1024,
    listTimeLimitMs: 120_000,
  })
  t.equal(loadOpenMetadataSinkSettings({ OM_MAX_RESPONSE_BYTES: '1048576' }).maxResponseBytes, 1_048_576)
  t.throws(() => loadOpenMetadataSinkSettings({ OM_MAX_RESPONSE_BYTES: '1000' }), /OM_MAX_RESPONSE_BYTES must be an integer from 65536 up, got "1000"/)
  t.equal(loadOpenMetadataSinkSettings({ OM_SINK_CONCURRENCY: '16' }).concurrency, 16)
  t.throws(() => loadOpenMetadataSinkSettings({ OM_SINK_CONCURRENCY: '0' }), /OM_SINK_CONCURRENCY must be an integer from 1 to 64/)
  t.throws(() => loadOpenMetadataSinkSettings({ OM_SINK_MAX_ATTEMPTS: 'x' }), /OM_SINK_MAX_ATTEMPTS/)
  t.equal(loadOpenMetadataSinkSettings({ OM_SINK_LIST_TIME_LIMIT_MS: '5000' }).listTimeLimitMs, 5000)
  t.throws(() => loadOpenMetadataSinkSettings({ OM_SINK_LIST_TIME_LIMIT_MS: '0' }), /OM_SINK_LIST_TIME_LIMIT_MS must be an integer from 1 up/)
})

t.test('Basic credentials are compared exactly', async (t) => {
  const header = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`
  t.ok(basicAccepted(header('admin:pw:with:colons'), 'admin', 'pw:with:colons'))
  t.notOk(basicAccepted(header('admin:pw'), 'admin', 'pw2'))
  t.notOk(basicAccepted(header('admin:pw '), 'admin', 'pw'))
  t.notOk(basicAccepted(undefined, 'admin', 'pw'))
  t.notOk(basicAccepted('Bearer x', 'admin', 'pw'))
})
