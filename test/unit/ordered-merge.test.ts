import t from 'tap'
import { orderedMerge } from '../../src/ingest/ordered-merge.js'

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms))

/** A producer of `n` items that records how many it has produced and how many run at once. */
function probe(state: { running: number; peak: number; produced: number[] }, index: number, n: number, delayMs: number) {
  return async function* () {
    state.running++
    state.peak = Math.max(state.peak, state.running)
    try {
      for (let i = 0; i < n; i++) {
        await tick(delayMs)
        state.produced[index] = (state.produced[index] ?? 0) + 1
        yield `${index}:${i}`
      }
    } finally {
      state.running--
    }
  }
}

t.test('items come grouped and in producer order, whatever finishes first', async (t) => {
  const state = { running: 0, peak: 0, produced: [] as number[] }
  // later producers are faster: they finish first but must still come after
  const producers = [5, 4, 3, 2, 1].map((delay, i) => probe(state, i, 3, delay))
  const out: string[] = []
  for await (const item of orderedMerge(producers, { concurrency: 3, buffer: 10 })) out.push(item)
  t.same(out, ['0:0', '0:1', '0:2', '1:0', '1:1', '1:2', '2:0', '2:1', '2:2', '3:0', '3:1', '3:2', '4:0', '4:1', '4:2'])
  t.ok(state.peak <= 3, `never more than 3 producers at once (peak ${state.peak})`)
  t.ok(state.peak >= 2, 'producers did run concurrently')
})

t.test('a slow consumer holds producers back: at most buffer items are read ahead', async (t) => {
  const state = { running: 0, peak: 0, produced: [] as number[] }
  const producers = [0, 1].map((i) => probe(state, i, 100, 0))
  const it = orderedMerge(producers, { concurrency: 2, buffer: 5 })[Symbol.asyncIterator]()
  await it.next()
  await tick(50)
  t.ok(state.produced[0]! <= 1 + 5 + 1, `producer 0 read ahead by at most the buffer (${state.produced[0]})`)
  t.ok(state.produced[1]! <= 5 + 1, `producer 1 read ahead by at most the buffer (${state.produced[1]})`)
  await it.return?.(undefined)
})

t.test('stopping early stops every producer', async (t) => {
  const state = { running: 0, peak: 0, produced: [] as number[] }
  const producers = Array.from({ length: 10 }, (_, i) => probe(state, i, 1000, 1))
  let n = 0
  for await (const _ of orderedMerge(producers, { concurrency: 4, buffer: 3 })) if (++n === 10) break
  await tick(30)
  const produced = state.produced.reduce((a, b) => a + (b ?? 0), 0)
  await tick(30)
  t.equal(
    state.produced.reduce((a, b) => a + (b ?? 0), 0),
    produced,
    'nothing more is produced after the consumer left',
  )
  t.equal(state.running, 0, 'no producer is left running')
})

t.test('an aborted signal stops the producers', async (t) => {
  const state = { running: 0, peak: 0, produced: [] as number[] }
  const controller = new AbortController()
  const producers = Array.from({ length: 4 }, (_, i) => probe(state, i, 1000, 1))
  const seen: string[] = []
  for await (const item of orderedMerge(producers, { concurrency: 4, buffer: 2, signal: controller.signal })) {
    seen.push(item)
    if (seen.length === 5) controller.abort()
  }
  await tick(20)
  t.ok(seen.length < 4000, `the merge ended early (${seen.length} items)`)
  t.equal(state.running, 0)
})

t.test("a producer's error surfaces in its turn", async (t) => {
  const bad = async function* () {
    yield 'b:0'
    throw new Error('listing failed')
  }
  const good = async function* () {
    yield 'a:0'
  }
  const out: string[] = []
  await t.rejects(async () => {
    for await (const item of orderedMerge([good, bad], { concurrency: 2, buffer: 2 })) out.push(item)
  }, /listing failed/)
  t.same(out, ['a:0', 'b:0'])
})
