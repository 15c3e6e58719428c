import t from 'tap'
import { cleanDagId, TASK_ID } from '../../src/pipelines/dag-id.js'
import { LocalRunQueue } from '../../src/pipelines/queue.js'
import { stateOf, SUCCESS_THRESHOLD, withFailure } from '../../src/pipelines/run.js'
import { assertOm } from '../support/om-spec.js'

const step = (name: string, records: number, errors: number) => ({ name, records, errors, warnings: 0, filtered: 0, updated_records: 0, failures: [] })

t.test("the DAG id is upstream's clean_dag_id of the pipeline name", async (t) => {
  t.equal(cleanDagId('athena_prod_metadata_Xz9Ab'), 'athena_prod_metadata_Xz9Ab')
  t.equal(cleanDagId('athena prod.metadata'), 'athena_prod_metadata', 'a space and a dot become _')
  t.equal(cleanDagId('a..b  c'), 'a_b_c', 'a run of other characters becomes one _')
  t.equal(cleanDagId('naïve-ß'), 'na_ve-_', 'non-ASCII letters are outside [0-9a-zA-Z-_]')
  t.same(TASK_ID, { metadata: 'ingestion_task', usage: 'usage_task', lineage: 'lineage_task' })
})

t.test("a run's state from its steps, with upstream's 90 % threshold", async (t) => {
  t.equal(SUCCESS_THRESHOLD, 90)
  t.equal(stateOf([step('Athena', 100, 0), step('OpenMetadata', 100, 0)]), 'success', 'no error: success')
  t.equal(stateOf([step('Athena', 95, 5)]), 'partialSuccess', '95 %: partialSuccess')
  t.equal(stateOf([step('Athena', 90, 10)]), 'partialSuccess', '90 % exactly: partialSuccess')
  t.equal(stateOf([step('Athena', 89, 11)]), 'failed', 'below 90 %: failed')
  t.equal(stateOf([step('Athena', 100, 0), step('OpenMetadata', 80, 20)]), 'partialSuccess', 'the sink counts too (180 of 200)')
  t.equal(stateOf([step('Athena', 0, 1)]), 'failed', 'nothing read and an error: failed')
  t.equal(stateOf([]), 'success', 'no step, no error')
})

t.test('the in-process queue: a key is one waiting run, and the key is free again once the run started', async (t) => {
  const q = new LocalRunQueue(1)
  const seen: string[] = []
  let release!: () => void
  const gate = new Promise<void>((r) => (release = r))
  await q.start(async (runId) => {
    seen.push(runId)
    if (runId === 'a') await gate
    return 'done'
  })
  await q.enqueue('a', { key: 'slot-1' })
  await q.enqueue('b', { key: 'slot-2' })
  await q.enqueue('c', { key: 'slot-2' })
  await q.enqueue('d', { key: 'slot-1' })
  release()
  await new Promise((r) => setTimeout(r, 20))
  t.same(seen, ['a', 'b', 'd'], 'c was dropped (b with its key was waiting); d was taken (a had started)')
  await q.stop()
})

t.test('a failed run says why in its IngestionStatus', async (t) => {
  const none = withFailure([], 'svc.pipe', 'Killed: OpenMetadata asked to stop the run (kill)')
  t.same(
    none.map((s) => [s.name, s.errors, s.failures]),
    [['Athena', 1, [{ name: 'svc.pipe', error: 'Killed: OpenMetadata asked to stop the run (kill)' }]]],
    'a run stopped before its status: one source step',
  )
  const partial = withFailure([step('Athena', 10, 0), step('OpenMetadata', 8, 0)], 'svc.pipe', 'The service shut down during the run')
  t.same(
    partial.map((s) => [s.name, s.records, s.errors, s.failures.length]),
    [
      ['Athena', 10, 1, 1],
      ['OpenMetadata', 8, 0, 0],
    ],
    'the reason joins the first step; the counts stay',
  )
  assertOm(t, 'entity/services/ingestionPipelines/status.json#/definitions/ingestionStatus', partial)
})
