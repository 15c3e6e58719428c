import t from 'tap'
import { ATHENA_TEST_STEPS } from '../../src/athena/test-connection-steps.js'
import { readSpecJson } from '../support/om-spec.js'

t.test('the test-connection steps are those of OpenMetadata testConnections/database/athena.json, in order', async (t) => {
  const spec = readSpecJson('testConnections/database/athena.json') as unknown as {
    steps: Array<{ name: string; description: string; errorMessage: string; mandatory: boolean; shortCircuit?: boolean }>
  }
  t.same(
    ATHENA_TEST_STEPS.map((s) => ({ ...s })),
    spec.steps.map((s) => ({ ...s, shortCircuit: s.shortCircuit ?? false })),
  )
})
