import t from 'tap'
import { acceptsCurrentStepFields, finalStatus, legacyResult, resultForServer, workflowStatus, type TestConnectionResult } from '../../src/openmetadata/test-connection-result.js'
import { assertTestConnectionResult, validateTestConnectionResult } from '../support/test-connection-spec.js'

const SHORT_CIRCUITED: TestConnectionResult = {
  lastUpdatedAt: 1767225600000,
  status: 'Failed',
  steps: [
    {
      name: 'CheckAccess',
      mandatory: true,
      passed: false,
      status: 'Failed',
      message: 'The workgroup "x" does not exist.',
      errorLog: 'InvalidRequestException: WorkGroup x is not found.',
      diagnosis: { title: 'Failed to connect to athena, please validate the credentials', remediation: 'The workgroup "x" does not exist.' },
      durationMs: 12,
      executedCommand: 'SELECT 1',
    },
    { name: 'GetSchemas', mandatory: true, passed: false, status: 'Skipped', skipReason: 'ConnectionNotEstablished', message: 'Skipped: not run because CheckAccess failed' },
    { name: 'GetViews', mandatory: false, passed: false, status: 'Skipped', skipReason: 'ConnectionNotEstablished', message: 'Skipped: not run because CheckAccess failed' },
  ],
}
const PASSED: TestConnectionResult = {
  lastUpdatedAt: 1767225600000,
  status: 'Successful',
  steps: [{ name: 'GetSchemas', mandatory: true, passed: true, status: 'Passed', resultSummary: 'Found 3 schema(s).', durationMs: 4, executedCommand: 'glue:GetDatabases' }],
}

t.test('older servers refuse the current step fields; the legacy projection is what they accept, skipped steps included', async (t) => {
  assertTestConnectionResult(t, 'current', SHORT_CIRCUITED)
  const refused = validateTestConnectionResult('legacy', SHORT_CIRCUITED)
  t.notOk(refused.valid, 'the vendored (older) step is closed: current fields are refused')
  t.match(refused.errors, /must NOT have additional properties .*"status"/)
  const legacy = legacyResult(SHORT_CIRCUITED)
  assertTestConnectionResult(t, 'legacy', legacy)
  t.same(
    legacy.steps.map((s) => [s.name, s.passed, s.message]),
    [
      ['CheckAccess', false, 'The workgroup "x" does not exist.'],
      ['GetSchemas', false, 'Skipped: not run because CheckAccess failed'],
      ['GetViews', false, 'Skipped: not run because CheckAccess failed'],
    ],
    'skipped steps stay, their reason in message',
  )
  t.equal(legacy.steps[0]!.errorLog, SHORT_CIRCUITED.steps[0]!.errorLog)
  t.same(legacyResult(PASSED).steps[0], { name: 'GetSchemas', mandatory: true, passed: true, message: 'Found 3 schema(s).' }, 'resultSummary becomes message when there is none')
})

t.test('the current-shape oracle is not a pass-everything', async (t) => {
  const step = SHORT_CIRCUITED.steps[1]!
  for (const [name, bad] of [
    ['unknown field', { ...step, colour: 'blue' }],
    ['unknown status', { ...step, status: 'Maybe' }],
    ['unknown skipReason', { ...step, skipReason: 'Tired' }],
    ['diagnosis with an unknown field', { ...step, diagnosis: { why: 'x' } }],
    ['durationMs not a number', { ...step, durationMs: '3' }],
  ] as const) {
    t.notOk(validateTestConnectionResult('current', { ...SHORT_CIRCUITED, steps: [bad] }).valid, name)
  }
})

t.test('which servers get the current shape: 1.14.0 and later, nothing unparseable', async (t) => {
  for (const v of ['1.9.4', '1.13.0', '1.13.9', '0.99.0', undefined, '', 'unknown']) t.notOk(acceptsCurrentStepFields(v), String(v))
  for (const v of ['1.14.0', '1.14.0-SNAPSHOT', 'v1.14.2', '1.15', '2.0.0']) t.ok(acceptsCurrentStepFields(v), v)
  t.equal(resultForServer(SHORT_CIRCUITED, '2.0.0'), SHORT_CIRCUITED)
  t.same(resultForServer(SHORT_CIRCUITED, '1.9.4'), legacyResult(SHORT_CIRCUITED))
})

t.test("final and workflow status as upstream's runner sets them", async (t) => {
  t.equal(finalStatus(SHORT_CIRCUITED.steps), 'Failed', 'a failed or skipped mandatory step fails the test')
  t.equal(finalStatus(PASSED.steps), 'Successful')
  t.equal(finalStatus([{ name: 'GetViews', mandatory: false, passed: false }]), 'Successful', 'an optional failure does not')
  t.equal(workflowStatus({ status: 'Running' }, false), 'Running')
  t.equal(workflowStatus({ status: 'Failed' }, true), 'Failed', 'a failed test is a Failed workflow')
  t.equal(workflowStatus({ status: 'Successful' }, true), 'Successful')
})
