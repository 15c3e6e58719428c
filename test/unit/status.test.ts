import t from 'tap'
import { buildStepSummary, StepTracker, toStackTraceError } from '../../src/openmetadata/status.js'
import { MappingError } from '../../src/openmetadata/errors.js'
import { assertOm } from '../support/om-spec.js'

const STEP = 'entity/services/ingestionPipelines/status.json#/definitions/stepSummary'

t.test('buildStepSummary fills every count', async (t) => {
  const s = buildStepSummary('Table')
  t.strictSame(s, { name: 'Table', records: 0, updated_records: 0, warnings: 0, errors: 0, filtered: 0, failures: [] })
  assertOm(t, STEP, s)
  const s2 = buildStepSummary('Schema', { records: 3, filtered: 2, failures: [{ name: 'a', error: 'b' }], errors: 1 })
  t.match(s2, { records: 3, filtered: 2, errors: 1, failures: [{ name: 'a', error: 'b' }] })
  assertOm(t, STEP, s2)
})

t.test('toStackTraceError', async (t) => {
  const err = new MappingError('INVALID_NAME', 'Cannot map table "": the name is empty')
  t.strictSame(toStackTraceError('svc.db.sales.t', err), { name: 'svc.db.sales.t', error: err.message })
  const withStack = toStackTraceError('x', err, { includeStackTrace: true })
  t.match(withStack.stackTrace, /MappingError/)
  t.strictSame(toStackTraceError('x', 'plain'), { name: 'x', error: 'plain' })
})

t.test('StepTracker counts and caps failures', async (t) => {
  const step = new StepTracker('Table', 2)
  step.record()
  step.record(2)
  step.updated()
  step.warning()
  step.filter(4)
  step.fail('a', new Error('boom'))
  step.fail('b', new Error('bang'))
  step.fail('c', new Error('dropped from the sample'))
  const s = step.summary()
  t.strictSame(s, {
    name: 'Table',
    records: 3,
    updated_records: 1,
    warnings: 1,
    errors: 3,
    filtered: 4,
    failures: [
      { name: 'a', error: 'boom' },
      { name: 'b', error: 'bang' },
    ],
  })
  assertOm(t, STEP, s)
})
