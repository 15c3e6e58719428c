import { readFileSync } from 'node:fs'
import t from 'tap'
import { ATHENA_TEST_STEPS } from '../../src/athena/test-connection-steps.js'

t.test('the test-connection steps are those of OpenMetadata testConnections/database/athena.json, in order', async (t) => {
  const spec = JSON.parse(
    readFileSync(new URL('../../../shared/openmetadata-spec/testConnections/database/athena.json', import.meta.url), 'utf8'),
  ) as { steps: Array<{ name: string; description: string; errorMessage: string; mandatory: boolean; shortCircuit?: boolean }> }
  t.same(
    ATHENA_TEST_STEPS.map((s) => ({ ...s })),
    spec.steps.map((s) => ({ ...s, shortCircuit: s.shortCircuit ?? false })),
  )
})
