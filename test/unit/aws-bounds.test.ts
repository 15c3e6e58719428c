// The bounds on AWS answers and listings: their configuration and the paging helper's rules.
import t from 'tap'
import { boundedPages, DEFAULT_PAGING_LIMITS, ListingStoppedError } from '../../src/aws/paging.js'
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../src/aws/response-cap.js'
import { loadConfig } from '../../src/config.js'

t.test('AWS_MAX_RESPONSE_BYTES, AWS_LISTING_MAX_PAGES, AWS_LISTING_TIMEOUT_MS: documented defaults, read from the environment, bad values named', async (t) => {
  t.match(loadConfig({}).aws, { maxResponseBytes: 64 * 1024 * 1024, paging: { maxPages: 10_000, timeoutMs: 900_000 } })
  t.equal(DEFAULT_MAX_RESPONSE_BYTES, 67_108_864)
  t.same(DEFAULT_PAGING_LIMITS, { maxPages: 10_000, timeoutMs: 900_000 })
  t.match(loadConfig({ AWS_MAX_RESPONSE_BYTES: '1048576', AWS_LISTING_MAX_PAGES: '50', AWS_LISTING_TIMEOUT_MS: '60000' }).aws, {
    maxResponseBytes: 1_048_576,
    paging: { maxPages: 50, timeoutMs: 60_000 },
  })
  for (const [name, value] of [
    ['AWS_MAX_RESPONSE_BYTES', '64mb'],
    ['AWS_MAX_RESPONSE_BYTES', '100'],
    ['AWS_LISTING_MAX_PAGES', '0'],
    ['AWS_LISTING_TIMEOUT_MS', '-1'],
  ] as const) {
    t.throws(() => loadConfig({ [name]: value }), { message: new RegExp(`^${name} must be an integer`) }, `${name}=${value}`)
  }
})

async function drain<P>(pages: AsyncGenerator<P>): Promise<P[]> {
  const out: P[] = []
  for await (const p of pages) out.push(p)
  return out
}

t.test('a cycle of NextTokens (A, B, A) stops at the first token seen again', async (t) => {
  const tokens = ['A', 'B', 'A', 'B']
  let calls = 0
  const err = await drain(
    boundedPages(
      'glue:GetTables',
      undefined,
      async () => tokens[calls++],
      (p) => p,
    ),
  ).catch((e: unknown) => e)
  t.type(err, ListingStoppedError)
  t.match(err, { operation: 'glue:GetTables', code: 'ListingStopped', message: /^glue:GetTables paging stopped: after 3 pages the endpoint sent a NextToken it had already sent/ })
  t.equal(calls, 3)
})

t.test('pages end normally on an empty or absent NextToken, and a consumer may stop early', async (t) => {
  let calls = 0
  t.same(
    await drain(
      boundedPages(
        'athena:ListDatabases',
        undefined,
        async () => ++calls,
        (n) => (n < 3 ? `t${n}` : ''),
      ),
    ),
    [1, 2, 3],
  )
  calls = 0
  for await (const page of boundedPages(
    'athena:ListDatabases',
    undefined,
    async () => ++calls,
    (n) => `t${n}`,
  ))
    if (page === 2) break
  t.equal(calls, 2, 'no page is read that nobody asked for')
})

t.test('huge tokens are remembered as digests, and the page limit counts pages', async (t) => {
  let calls = 0
  const big = 'x'.repeat(1_000_000)
  const err = await drain(
    boundedPages(
      'lakeformation:ListLFTags',
      { maxPages: 4, timeoutMs: 60_000 },
      async () => ++calls,
      (n) => `${big}${n}`,
    ),
  ).catch((e: unknown) => e)
  t.match(err, { message: /more than 4 pages \(AWS_LISTING_MAX_PAGES\)/ })
  t.equal(calls, 4)
})

t.test('only the time spent waiting for pages counts toward AWS_LISTING_TIMEOUT_MS, not the consumer', async (t) => {
  let calls = 0
  const pages = boundedPages(
    'glue:GetDatabases',
    { maxPages: 100, timeoutMs: 40 },
    async () => ++calls,
    (n) => (n < 5 ? `t${n}` : undefined),
  )
  const seen: number[] = []
  for await (const page of pages) {
    seen.push(page)
    await new Promise((resolve) => setTimeout(resolve, 20)) // a slow reader: 100 ms in all, yet the listing completes
  }
  t.same(seen, [1, 2, 3, 4, 5])
  const slow = boundedPages(
    'glue:GetDatabases',
    { maxPages: 100, timeoutMs: 40 },
    () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 25)),
    () => 'next' + calls,
  )
  await t.rejects(drain(slow), { message: /took more than 40 ms of AWS time over [12] pages? \(AWS_LISTING_TIMEOUT_MS\)/ })
})
