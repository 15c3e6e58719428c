import t from 'tap'
import { CronExpressionParser } from 'cron-parser'
import { BadInputError } from '../../src/errors.js'
import { CRON_PRESETS, parseSchedule, type Schedule } from '../../src/pipelines/schedule.js'
import { MAX_TIMEOUT_MS, setLongTimeout, type TimerApi } from '../../src/pipelines/long-timer.js'
import { assertOm } from '../support/om-spec.js'

const AIRFLOW_CONFIG = 'entity/services/ingestionPipelines/ingestionPipeline.json#/definitions/airflowConfig'
const ms = (iso: string): number => {
  const v = Date.parse(iso)
  if (Number.isNaN(v)) throw new Error(`bad test date ${iso}`)
  return v
}
const iso = (v: number | undefined): string | undefined => (v === undefined ? undefined : new Date(v).toISOString())
/** The first n slots after `from`, chaining next(). */
const slots = (s: Schedule, from: string, n: number): Array<string | undefined> => {
  const out: Array<string | undefined> = []
  let after = ms(from)
  for (let i = 0; i < n; i++) {
    const next = s.next(after)
    out.push(iso(next))
    if (next === undefined) break
    after = next
  }
  return out
}
/** deployedAt far in the past, so the start bound plays no part unless a test sets startDate. */
const OLD = { deployedAt: 0 }

t.test('every Airflow preset gives its cron and its slots (UTC)', async (t) => {
  const from = '2025-01-15T10:30:00Z' // a Wednesday
  const expected: Record<string, [string, string[]]> = {
    '@hourly': ['0 * * * *', ['2025-01-15T11:00:00.000Z', '2025-01-15T12:00:00.000Z', '2025-01-15T13:00:00.000Z']],
    '@daily': ['0 0 * * *', ['2025-01-16T00:00:00.000Z', '2025-01-17T00:00:00.000Z', '2025-01-18T00:00:00.000Z']],
    '@midnight': ['0 0 * * *', ['2025-01-16T00:00:00.000Z', '2025-01-17T00:00:00.000Z', '2025-01-18T00:00:00.000Z']],
    '@weekly': ['0 0 * * 0', ['2025-01-19T00:00:00.000Z', '2025-01-26T00:00:00.000Z', '2025-02-02T00:00:00.000Z']],
    '@monthly': ['0 0 1 * *', ['2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z']],
    '@quarterly': ['0 0 1 */3 *', ['2025-04-01T00:00:00.000Z', '2025-07-01T00:00:00.000Z', '2025-10-01T00:00:00.000Z']],
    '@yearly': ['0 0 1 1 *', ['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z']],
    '@annually': ['0 0 1 1 *', ['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z']],
  }
  t.strictSame(Object.keys(CRON_PRESETS).sort(), Object.keys(expected).sort(), 'the test covers every preset')
  for (const [preset, [cron, want]] of Object.entries(expected)) {
    const s = parseSchedule({ scheduleInterval: preset }, undefined, OLD)
    t.equal(s.kind, 'cron', preset)
    t.equal(s.cron, cron, `${preset} expands to ${cron}`)
    t.strictSame(slots(s, from, 3), want, `${preset} slots`)
  }
  // A preset is read in the pipeline's zone like any cron: @daily in Berlin is local midnight.
  const berlin = parseSchedule({ scheduleInterval: '@daily', pipelineTimezone: 'Europe/Berlin' }, undefined, OLD)
  t.strictSame(slots(berlin, '2025-01-15T10:30:00Z', 2), ['2025-01-15T23:00:00.000Z', '2025-01-16T23:00:00.000Z'])
})

t.test('no schedule: absent, null, empty or blank scheduleInterval, absent airflowConfig', async (t) => {
  const cases: Array<[string, unknown]> = [
    ['absent', {}],
    ['null', { scheduleInterval: null }],
    ["''", { scheduleInterval: '' }],
    ['blank', { scheduleInterval: '   ' }],
    ['airflowConfig undefined', undefined],
    ['airflowConfig null', null],
  ]
  for (const [name, cfg] of cases) {
    const s = parseSchedule(cfg, undefined, OLD)
    t.equal(s.kind, 'none', name)
    t.equal(s.interval, undefined, name)
    t.equal(s.next(ms('2025-01-01T00:00:00Z')), undefined, `${name}: no next slot`)
    t.equal(s.missedSlot(undefined, ms('2030-01-01T00:00:00Z')), undefined, `${name}: nothing missed`)
    t.match(s.describe(), /^no schedule \(manual runs only\)/, name)
  }
})

t.test('cron in UTC: strictly after, to the millisecond', async (t) => {
  const s = parseSchedule({ scheduleInterval: '0 2 * * *' }, undefined, OLD)
  t.equal(s.timezone, 'UTC')
  t.strictSame(slots(s, '2025-03-29T12:00:00Z', 2), ['2025-03-30T02:00:00.000Z', '2025-03-31T02:00:00.000Z'])
  const slot = ms('2025-03-30T02:00:00Z')
  t.equal(s.next(slot - 1), slot, 'one ms before the slot: the slot')
  t.equal(s.next(slot), ms('2025-03-31T02:00:00Z'), 'at the slot: the following one')
  t.equal(s.next(slot + 500), ms('2025-03-31T02:00:00Z'), 'inside the slot second: the following one')
  // Day-of-month and day-of-week both set: either matches (cron and croniter semantics).
  const either = parseSchedule({ scheduleInterval: '0 0 13 * FRI' }, undefined, OLD)
  t.strictSame(slots(either, '2025-06-01T00:00:00Z', 3), ['2025-06-06T00:00:00.000Z', '2025-06-13T00:00:00.000Z', '2025-06-20T00:00:00.000Z'])
})

t.test('0 2 * * * in Europe/Berlin across the March switch (02:00 does not exist)', async (t) => {
  const s = parseSchedule({ scheduleInterval: '0 2 * * *', pipelineTimezone: 'Europe/Berlin' }, undefined, OLD)
  t.strictSame(slots(s, '2025-03-28T12:00:00Z', 3), [
    '2025-03-29T01:00:00.000Z', // 02:00 CET (+01:00)
    '2025-03-30T01:00:00.000Z', // 03:00 CEST: the missing 02:00 moves forward by the gap, the day is not skipped
    '2025-03-31T00:00:00.000Z', // 02:00 CEST (+02:00)
  ])
  const half = parseSchedule({ scheduleInterval: '30 2 * * *', pipelineTimezone: 'Europe/Berlin' }, undefined, OLD)
  t.strictSame(slots(half, '2025-03-28T12:00:00Z', 3), ['2025-03-29T01:30:00.000Z', '2025-03-30T01:30:00.000Z', '2025-03-31T00:30:00.000Z'])
})

t.test('0 2 * * * in Europe/Berlin across the October switch (02:00 happens twice)', async (t) => {
  const s = parseSchedule({ scheduleInterval: '0 2 * * *', pipelineTimezone: 'Europe/Berlin' }, undefined, OLD)
  t.strictSame(slots(s, '2025-10-24T12:00:00Z', 3), [
    '2025-10-25T00:00:00.000Z', // 02:00 CEST
    '2025-10-26T00:00:00.000Z', // the first 02:00 (CEST) only
    '2025-10-27T01:00:00.000Z', // 02:00 CET
  ])
  // Asked from inside the second 02:xx hour (a restart at 02:10 CET), the daily slot is not run a second time.
  // cron-parser alone answers 2025-10-26T01:30Z here; this is the case canonicalNext exists for.
  const half = parseSchedule({ scheduleInterval: '30 2 * * *', pipelineTimezone: 'Europe/Berlin' }, undefined, OLD)
  const raw = CronExpressionParser.parse('30 2 * * *', { tz: 'Europe/Berlin', currentDate: ms('2025-10-26T01:10:00Z') })
    .next()
    .toISOString()
  t.equal(raw, '2025-10-26T01:30:00.000Z', 'the library on its own repeats 02:30 (if this changes, the workaround may go)')
  t.equal(iso(half.next(ms('2025-10-26T01:10:00Z'))), '2025-10-27T01:30:00.000Z')
  t.equal(iso(half.next(ms('2025-10-26T00:10:00Z'))), '2025-10-26T00:30:00.000Z')
  // An hourly schedule runs every real hour: the repeated 02:00 hour twice, 25 runs that day.
  const hourly = parseSchedule({ scheduleInterval: '0 * * * *', pipelineTimezone: 'Europe/Berlin' }, undefined, OLD)
  t.strictSame(slots(hourly, '2025-10-25T23:30:00Z', 3), ['2025-10-26T00:00:00.000Z', '2025-10-26T01:00:00.000Z', '2025-10-26T02:00:00.000Z'])
  t.equal(iso(hourly.next(ms('2025-10-26T01:10:00Z'))), '2025-10-26T02:00:00.000Z')
  let n = 0
  for (let at = hourly.next(ms('2025-10-25T22:00:00Z') - 1); at !== undefined && at < ms('2025-10-26T23:00:00Z'); at = hourly.next(at)) n++
  t.equal(n, 25, 'the local day of 26 October has 25 hourly slots')
})

t.test('next() gives the same slots wherever the search starts, around both switches', async (t) => {
  const crons = ['0 2 * * *', '30 2 * * *', '0,30 2,3 * * *', '0 1-3 * * *', '0 */2 * * *', '15 * * * *', '*/20 2 * * *', '10,40 1 * * *']
  const windows: Array<[string, string, string]> = [
    ['Europe/Berlin', '2025-10-25T20:00:00Z', '2025-10-26T05:00:00Z'],
    ['Europe/Berlin', '2025-03-29T20:00:00Z', '2025-03-30T05:00:00Z'],
    ['America/New_York', '2025-11-02T03:00:00Z', '2025-11-02T10:00:00Z'],
    ['America/New_York', '2025-03-09T03:00:00Z', '2025-03-09T10:00:00Z'],
    // A 30-minute shift, in April (back) and October (forward).
    ['Australia/Lord_Howe', '2025-04-05T10:00:00Z', '2025-04-05T19:00:00Z'],
    ['Australia/Lord_Howe', '2025-10-04T10:00:00Z', '2025-10-04T19:00:00Z'],
  ]
  for (const [zone, fromIso, toIso] of windows) {
    for (const cron of crons) {
      const s = parseSchedule({ scheduleInterval: cron, pipelineTimezone: zone }, undefined, OLD)
      const chain: number[] = []
      for (let at = s.next(ms(fromIso)); at !== undefined && at <= ms(toIso) + 24 * 3_600_000; at = s.next(at)) chain.push(at)
      let bad = 0
      for (let x = ms(fromIso); x <= ms(toIso); x += 5 * 60_000) {
        if (s.next(x) !== chain.find((c) => c > x)) bad++
      }
      t.equal(bad, 0, `${cron} in ${zone}: next(x) is the chain's first slot after x, for every 5 minutes x`)
      t.equal(new Set(chain).size, chain.length, `${cron} in ${zone}: no slot twice`)
    }
  }
})

t.test('startDate bounds the slots (inclusive); deployedAt does when startDate is absent', async (t) => {
  const future = parseSchedule({ scheduleInterval: '0 * * * *', startDate: '2025-06-01T10:30:00Z' }, undefined, OLD)
  t.equal(iso(future.next(ms('2025-01-01T00:00:00Z'))), '2025-06-01T11:00:00.000Z', 'startDate in the future: first slot after it')
  const onSlot = parseSchedule({ scheduleInterval: '0 * * * *', startDate: '2025-06-01T10:00:00Z' }, undefined, OLD)
  t.equal(iso(onSlot.next(ms('2025-01-01T00:00:00Z'))), '2025-06-01T10:00:00.000Z', 'a slot at startDate is included')
  const past = parseSchedule({ scheduleInterval: '0 * * * *', startDate: '2020-01-01T00:00:00Z' }, undefined, OLD)
  t.equal(iso(past.next(ms('2025-06-01T10:20:00Z'))), '2025-06-01T11:00:00.000Z', 'startDate in the past: no effect on next()')

  const deployedAt = ms('2025-01-10T12:00:00Z')
  const noStart = parseSchedule({ scheduleInterval: '0 0 * * *' }, undefined, { deployedAt })
  t.equal(iso(noStart.next(ms('2025-01-01T00:00:00Z'))), '2025-01-11T00:00:00.000Z', 'no slot before deployedAt')
  t.equal(noStart.missedSlot(undefined, deployedAt + 3_600_000), undefined, 'nothing owed right after deploy')
  t.equal(iso(noStart.missedSlot(undefined, ms('2025-01-12T05:00:00Z'))), '2025-01-12T00:00:00.000Z', 'the latest slot since deploy')
  t.equal(noStart.startDate, undefined)
})

t.test('endDate: inclusive, and nothing after it', async (t) => {
  const s = parseSchedule({ scheduleInterval: '0 0 * * *', startDate: '2025-01-01T00:00:00Z', endDate: '2025-01-03T00:00:00Z' }, undefined, OLD)
  t.strictSame(slots(s, '2024-12-01T00:00:00Z', 4), ['2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z', '2025-01-03T00:00:00.000Z', undefined])
  t.equal(s.next(ms('2025-06-01T00:00:00Z')), undefined, 'after endDate')
  t.equal(iso(s.missedSlot(ms('2025-01-01T00:00:00Z'), ms('2025-06-01T00:00:00Z'))), '2025-01-03T00:00:00.000Z', 'missed: the last slot before endDate')
  t.equal(s.missedSlot(ms('2025-01-03T00:00:00Z'), ms('2025-06-01T00:00:00Z')), undefined, 'the last slot already ran')
  const same = parseSchedule({ scheduleInterval: '0 0 * * *', startDate: '2025-01-02T00:00:00Z', endDate: '2025-01-02T00:00:00Z' }, undefined, OLD)
  t.strictSame(slots(same, '2025-01-01T00:00:00Z', 2), ['2025-01-02T00:00:00.000Z', undefined], 'endDate equal to startDate: one slot')
})

t.test('@once: one slot at startDate, or at deployedAt without one', async (t) => {
  const s = parseSchedule({ scheduleInterval: '@once', startDate: '2025-05-01T08:00:00+02:00' }, undefined, OLD)
  const slot = ms('2025-05-01T06:00:00Z')
  t.equal(s.kind, 'once')
  t.equal(s.cron, undefined)
  t.equal(s.next(slot - 60_000), slot, 'before it: the slot')
  t.equal(s.next(slot), undefined, 'at or after it: nothing more')
  t.equal(s.missedSlot(undefined, slot + 86_400_000), slot, 'past and never run: run it now (Airflow runs a past @once)')
  t.equal(s.missedSlot(slot, slot + 86_400_000), undefined, 'ran already: never again')
  t.equal(s.missedSlot(undefined, slot - 1), undefined, 'not due yet')
  t.equal(s.describe(), 'once at 2025-05-01T06:00:00.000Z, catchup off, no retries')

  const deployedAt = ms('2025-02-02T10:11:12Z')
  const atDeploy = parseSchedule({ scheduleInterval: '@once' }, undefined, { deployedAt })
  t.equal(atDeploy.next(deployedAt - 1), deployedAt)
  t.equal(atDeploy.missedSlot(undefined, deployedAt + 5), deployedAt, 'deployed without startDate: runs once, now')
  t.match(atDeploy.describe(), /^once at 2025-02-02T10:11:12\.000Z \(deploy time\)/)
  const expired = parseSchedule({ scheduleInterval: '@once', endDate: '2025-01-01T00:00:00Z' }, undefined, { deployedAt })
  t.equal(expired.next(0), undefined, 'deploy time after endDate: never')
  t.equal(expired.missedSlot(undefined, deployedAt + 5), undefined)
})

t.test('missedSlot: only the latest missed slot, with or without catchup', async (t) => {
  for (const pipelineCatchup of [false, true]) {
    const s = parseSchedule({ scheduleInterval: '0 * * * *', startDate: '2025-01-01T00:00:00Z', pipelineCatchup }, undefined, OLD)
    t.equal(s.catchup, pipelineCatchup)
    const name = `catchup ${pipelineCatchup}`
    t.equal(iso(s.missedSlot(ms('2025-01-05T10:00:00Z'), ms('2025-01-07T15:30:00Z'))), '2025-01-07T15:00:00.000Z', `${name}: two days down, one run`)
    t.equal(s.missedSlot(ms('2025-01-07T15:00:00Z'), ms('2025-01-07T15:59:59Z')), undefined, `${name}: nothing missed`)
    t.equal(iso(s.missedSlot(ms('2025-01-07T15:00:00Z'), ms('2025-01-07T16:00:00Z'))), '2025-01-07T16:00:00.000Z', `${name}: now exactly on a slot`)
    t.equal(iso(s.missedSlot(undefined, ms('2025-01-07T15:30:00Z'))), '2025-01-07T15:00:00.000Z', `${name}: never ran, start in the past`)
    t.equal(s.missedSlot(undefined, ms('2024-12-31T23:59:00Z')), undefined, `${name}: before startDate`)
  }
  // The OpenMetadata UI deploys with startDate = yesterday 00:00 UTC: a daily pipeline runs its latest slot at deploy,
  // unless the caller passes the deploy time as the last slot.
  const ui = parseSchedule({ scheduleInterval: '@daily', startDate: '2025-03-09T00:00:00.000Z' }, undefined, OLD)
  const deploy = ms('2025-03-10T15:20:00Z')
  t.equal(iso(ui.missedSlot(undefined, deploy)), '2025-03-10T00:00:00.000Z')
  t.equal(ui.missedSlot(deploy, deploy + 60_000), undefined)

  const yearly = parseSchedule({ scheduleInterval: '@yearly' }, undefined, OLD)
  t.equal(iso(yearly.missedSlot(ms('2020-01-01T00:00:00Z'), ms('2025-06-01T00:00:00Z'))), '2025-01-01T00:00:00.000Z', 'five years down: this year’s slot')
  const burst = parseSchedule({ scheduleInterval: '* * 1 * *', startDate: '2025-01-01T00:00:00Z' }, undefined, OLD)
  t.equal(iso(burst.missedSlot(undefined, ms('2025-03-20T00:00:00Z'))), '2025-03-01T23:59:00.000Z', 'every minute of the 1st: the last minute of the last 1st')
  // Around the October switch the second 02:30 is not a slot, so it is not "missed" either.
  const half = parseSchedule({ scheduleInterval: '30 2 * * *', pipelineTimezone: 'Europe/Berlin' }, undefined, OLD)
  t.equal(half.missedSlot(ms('2025-10-26T00:30:00Z'), ms('2025-10-26T01:45:00Z')), undefined)
  t.equal(iso(half.missedSlot(ms('2025-10-25T00:30:00Z'), ms('2025-10-26T01:45:00Z'))), '2025-10-26T00:30:00.000Z')
  t.equal(iso(half.missedSlot(ms('2025-03-29T01:30:00Z'), ms('2025-03-30T02:00:00Z'))), '2025-03-30T01:30:00.000Z', 'March: the moved 03:30 slot')
})

t.test('invalid airflowConfig: BadInputError naming the field and saying what to send', async (t) => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['number interval', { scheduleInterval: 42 }, 'scheduleInterval', /must be a 5-field cron expression .*@once.*null for manual runs only; got number 42/],
    ['unknown preset', { scheduleInterval: '@fortnightly' }, 'scheduleInterval', /'@fortnightly' is not a known preset: send .*@hourly/],
    ['preset case', { scheduleInterval: '@Daily' }, 'scheduleInterval', /not a known preset/],
    ['@continuous', { scheduleInterval: '@continuous' }, 'scheduleInterval', /'@continuous' is not supported.*use a cron expression/],
    ['None string', { scheduleInterval: 'None' }, 'scheduleInterval', /'None' is not a schedule: for manual runs only, send null or leave scheduleInterval out/],
    ['seconds', { scheduleInterval: '0 0 2 * * *' }, 'scheduleInterval', /6 fields: seconds are not supported.*send 5 fields/],
    ['4 fields', { scheduleInterval: '0 0 * *' }, 'scheduleInterval', /has 4 fields: send a 5-field cron/],
    ['words', { scheduleInterval: 'every day' }, 'scheduleInterval', /has 2 fields/],
    ['out of range', { scheduleInterval: '61 * * * *' }, 'scheduleInterval', /'61 \* \* \* \*' is not a valid cron expression \(.*59.*\): send/],
    ['impossible date', { scheduleInterval: '0 0 30 2 *' }, 'scheduleInterval', /is not a valid cron expression/],
    ['bad step', { scheduleInterval: '*/0 * * * *' }, 'scheduleInterval', /is not a valid cron expression/],
    ['hashed', { scheduleInterval: 'H 3 * * *' }, 'scheduleInterval', /H \(hashed\) values, which are not supported: write the minute and hour out/],
    ['unknown zone', { scheduleInterval: '@daily', pipelineTimezone: 'Mars/Olympus' }, 'pipelineTimezone', /'Mars\/Olympus' is not a known time zone: send an IANA time zone such as UTC/],
    ['offset zone', { pipelineTimezone: '+02:00' }, 'pipelineTimezone', /not a known time zone/],
    ['number zone', { pipelineTimezone: 1 }, 'pipelineTimezone', /must be an IANA time zone/],
    ['words date', { startDate: 'yesterday' }, 'startDate', /'yesterday' is not an ISO 8601 date-time with a UTC offset, such as 2025-01-31T00:00:00Z/],
    ['no offset', { startDate: '2025-01-31T00:00:00' }, 'startDate', /\(the UTC offset is missing\)/],
    ['unreal date', { startDate: '2025-02-30T00:00:00Z' }, 'startDate', /is not a real date and time/],
    ['epoch number', { startDate: 1_700_000_000_000 }, 'startDate', /must be an ISO 8601 date-time.*got number/],
    ['bad end', { endDate: '2025-13-01T00:00:00Z' }, 'endDate', /is not a real date and time/],
    [
      'end before start',
      { startDate: '2025-02-01T00:00:00Z', endDate: '2025-01-01T00:00:00Z' },
      'endDate',
      /endDate 2025-01-01T00:00:00\.000Z is before body\/airflowConfig\/startDate 2025-02-01T00:00:00\.000Z: set an endDate after/,
    ],
    ['negative retries', { retries: -1 }, 'retries', /must be a whole number from 0 to 10; got number -1/],
    ['too many retries', { retries: 11 }, 'retries', /from 0 to 10/],
    ['fraction retries', { retries: 1.5 }, 'retries', /whole number/],
    ['string retries', { retries: '3' }, 'retries', /got '3'/],
    ['negative delay', { retryDelay: -5 }, 'retryDelay', /must be a whole number from 0 to 86400 seconds/],
    ['long delay', { retryDelay: 86_401 }, 'retryDelay', /from 0 to 86400 seconds/],
    ['catchup string', { pipelineCatchup: 'yes' }, 'pipelineCatchup', /must be true or false; got 'yes'/],
  ]
  for (const [name, cfg, suffix, message] of cases) {
    const err = catchError(() => parseSchedule(cfg, undefined, OLD))
    t.ok(err instanceof BadInputError, `${name}: BadInputError`)
    t.match(err?.message, `body/airflowConfig/${suffix} `, `${name}: names body/airflowConfig/${suffix}`)
    t.match(err?.message, message, `${name}: says what to send`)
  }
  for (const [name, cfg] of [
    ['string', 'daily'],
    ['array', []],
  ] as const) {
    const err = catchError(() => parseSchedule(cfg))
    t.ok(err instanceof BadInputError, `airflowConfig ${name}`)
    t.match(err?.message, /^body\/airflowConfig must be an object/)
  }
  const named = catchError(() => parseSchedule({ scheduleInterval: 'nope nope' }, 'entity/airflowConfig'))
  t.match(named?.message, /^entity\/airflowConfig\/scheduleInterval 'nope nope'/, 'the caller chooses the field path')
  const long = catchError(() => parseSchedule({ scheduleInterval: `@${'x'.repeat(500)}` }))
  t.ok(long !== undefined && long.message.length < 400, 'a long bad value is clipped in the message')
})

t.test('retries, retryDelay, catchup and zone are normalised; OpenMetadata-shaped configs parse', async (t) => {
  const d = parseSchedule({ scheduleInterval: '@daily' }, undefined, OLD)
  t.strictSame([d.retries, d.retryDelayMs, d.catchup, d.timezone], [0, 300_000, false, 'UTC'], 'defaults: 0 retries, 300 s, no catchup, UTC')
  const nulls = parseSchedule({ retries: null, retryDelay: null, pipelineCatchup: null, pipelineTimezone: null, startDate: null, endDate: null }, undefined, OLD)
  t.strictSame([nulls.retries, nulls.retryDelayMs, nulls.catchup, nulls.timezone, nulls.startDate, nulls.endDate], [0, 300_000, false, 'UTC', undefined, undefined], 'null is the default')
  const c = parseSchedule({ retries: 10, retryDelay: 0, pipelineCatchup: true, pipelineTimezone: ' Europe/Berlin ' }, undefined, OLD)
  t.strictSame([c.retries, c.retryDelayMs, c.catchup, c.timezone], [10, 0, true, 'Europe/Berlin'])

  // Python's isoformat (microseconds, +00:00), JavaScript's toISOString, other offsets.
  t.equal(parseSchedule({ startDate: '2025-01-31T00:00:00.123456+00:00' }, undefined, OLD).startDate, ms('2025-01-31T00:00:00.123Z'))
  t.equal(parseSchedule({ startDate: '2025-01-31T05:30:00+05:30' }, undefined, OLD).startDate, ms('2025-01-31T00:00:00Z'))
  t.equal(parseSchedule({ startDate: '2025-01-30T19:00:00-0500' }, undefined, OLD).startDate, ms('2025-01-31T00:00:00Z'))
  t.equal(parseSchedule({ startDate: '2024-02-29T23:59:59Z' }, undefined, OLD).startDate, ms('2024-02-29T23:59:59Z'), 'a leap day')

  const om = {
    pausePipeline: false,
    concurrency: 1,
    startDate: '2025-04-14T00:00:00+00:00',
    endDate: null,
    pipelineTimezone: 'UTC',
    retries: 3,
    retryDelay: 120,
    pipelineCatchup: false,
    scheduleInterval: '0 */6 * * *',
    maxActiveRuns: 1,
    workflowTimeout: null,
    workflowDefaultView: 'tree',
    workflowDefaultViewOrientation: 'LR',
  }
  assertOm(t, AIRFLOW_CONFIG, { ...om, endDate: undefined, workflowTimeout: undefined })
  const s = parseSchedule(om)
  t.strictSame([s.kind, s.cron, s.retries, s.retryDelayMs], ['cron', '0 */6 * * *', 3, 120_000])
  t.equal(iso(s.next(ms('2025-04-14T07:00:00Z'))), '2025-04-14T12:00:00.000Z')
})

t.test('describe()', async (t) => {
  const cron = parseSchedule(
    { scheduleInterval: '0 2 * * *', pipelineTimezone: 'Europe/Berlin', startDate: '2025-01-01T00:00:00Z', endDate: '2025-12-31T00:00:00Z', retries: 2, retryDelay: 60 },
    undefined,
    OLD,
  )
  t.equal(cron.describe(), 'cron 0 2 * * * in Europe/Berlin from 2025-01-01T00:00:00.000Z until 2025-12-31T00:00:00.000Z, catchup off, 2 retries 60 s apart')
  const preset = parseSchedule({ scheduleInterval: '@daily', pipelineCatchup: true, retries: 1 }, undefined, OLD)
  t.equal(preset.describe(), '@daily (cron 0 0 * * *) in UTC, catchup on, 1 retry 300 s apart')
  t.equal(parseSchedule({}).describe(), 'no schedule (manual runs only), catchup off, no retries')
  t.equal(parseSchedule({ scheduleInterval: ' 0  2 * * * ' }, undefined, OLD).describe(), 'cron 0 2 * * * in UTC, catchup off, no retries', 'spacing normalised')
})

// ---------------------------------------------------------------------------------------------------------------------
// Long timer

/** A deterministic clock and timer queue. */
class FakeTimers implements TimerApi {
  time = 1_000_000
  private seq = 0
  readonly pending = new Map<number, { at: number; fn: () => void; unrefd: boolean }>()
  readonly delays: number[] = []
  now(): number {
    return this.time
  }
  setTimeout(fn: () => void, delay: number): unknown {
    const id = ++this.seq
    const entry = { at: this.time + delay, fn, unrefd: false }
    this.pending.set(id, entry)
    this.delays.push(delay)
    return {
      id,
      unref: () => {
        entry.unrefd = true
      },
    }
  }
  clearTimeout(handle: unknown): void {
    if (handle) this.pending.delete((handle as { id: number }).id)
  }
  /** Moves time forward, firing due timers in order (a timer set by a firing one fires too if due). */
  advance(by: number): void {
    const end = this.time + by
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined
      for (const e of this.pending) if (e[1].at <= end && (!first || e[1].at < first[1].at)) first = e
      if (!first) break
      this.pending.delete(first[0])
      this.time = Math.max(this.time, first[1].at)
      first[1].fn()
    }
    this.time = end
  }
  allUnrefd(): boolean {
    return [...this.pending.values()].every((e) => e.unrefd)
  }
}

const DAY = 86_400_000

t.test('setLongTimeout chains pieces of at most 2^31-1 ms and fires once, on time', async (t) => {
  const clock = new FakeTimers()
  let fired = 0
  let firedAt = 0
  const start = clock.now()
  const timer = setLongTimeout(
    () => {
      fired++
      firedAt = clock.now()
    },
    60 * DAY,
    { timers: clock },
  )
  t.equal(timer.dueAt, start + 60 * DAY)
  t.ok(clock.allUnrefd(), 'the pending piece is unref’d')
  clock.advance(60 * DAY - 1)
  t.equal(fired, 0, 'not a millisecond early')
  t.ok(clock.allUnrefd(), 'the re-armed pieces are unref’d too')
  clock.advance(1)
  t.equal(fired, 1)
  t.equal(firedAt, start + 60 * DAY)
  t.ok(
    clock.delays.every((d) => d <= MAX_TIMEOUT_MS),
    'no piece longer than setTimeout holds',
  )
  t.strictSame(clock.delays, [MAX_TIMEOUT_MS, MAX_TIMEOUT_MS, 60 * DAY - 2 * MAX_TIMEOUT_MS], 'three pieces for 60 days')
  clock.advance(365 * DAY)
  t.equal(fired, 1, 'once only')
  t.equal(clock.pending.size, 0)
  timer.clear()
})

t.test('setLongTimeout: clear() before, between pieces and after firing', async (t) => {
  const clock = new FakeTimers()
  let fired = 0
  const early = setLongTimeout(() => fired++, 40 * DAY, { timers: clock })
  early.clear()
  t.equal(clock.pending.size, 0, 'the piece is cleared')
  clock.advance(100 * DAY)
  t.equal(fired, 0)

  const mid = setLongTimeout(() => fired++, 40 * DAY, { timers: clock })
  clock.advance(30 * DAY) // past the first piece: the second one is armed
  t.equal(clock.pending.size, 1)
  mid.clear()
  mid.clear()
  t.equal(clock.pending.size, 0, 'the current piece is cleared')
  clock.advance(100 * DAY)
  t.equal(fired, 0)

  const done = setLongTimeout(() => fired++, 10, { timers: clock })
  clock.advance(10)
  t.equal(fired, 1)
  done.clear()
  t.equal(fired, 1, 'clear after firing does nothing')
})

t.test('setLongTimeout: zero and negative delays are asynchronous; bad delays throw', async (t) => {
  const clock = new FakeTimers()
  let fired = 0
  setLongTimeout(() => fired++, 0, { timers: clock })
  setLongTimeout(() => fired++, -5000, { timers: clock })
  t.equal(fired, 0, 'not called synchronously')
  t.strictSame(clock.delays, [0, 0])
  clock.advance(0)
  t.equal(fired, 2)
  t.throws(() => setLongTimeout(() => fired++, Number.NaN, { timers: clock }), RangeError)
  t.throws(() => setLongTimeout(() => fired++, Number.POSITIVE_INFINITY, { timers: clock }), RangeError)
})

t.test('setLongTimeout: a clock set back or an early wake re-arms instead of firing early', async (t) => {
  const clock = new FakeTimers()
  let fired = 0
  const timer = setLongTimeout(() => fired++, 2 * 3_600_000, { timers: clock })
  clock.advance(3_600_000)
  clock.time -= 3_600_000 // the wall clock is set back an hour
  clock.advance(3_600_000) // the piece wakes at its (old) time…
  t.equal(fired, 0, '…an hour before the due time by the clock')
  t.equal(clock.pending.size, 1, 're-armed')
  clock.advance(3_600_000)
  t.equal(fired, 1)
  t.equal(clock.now(), timer.dueAt + 0, 'fired at the due time')
  // maxPieceMs: shorter pieces, same due time.
  const short = new FakeTimers()
  setLongTimeout(() => fired++, 10 * 60_000, { timers: short, maxPieceMs: 60_000 })
  short.advance(10 * 60_000)
  t.equal(fired, 2)
  t.equal(short.delays.length, 10)
})

t.test('setLongTimeout with Node timers: unref’d, never past 2^31-1, and fires', async (t) => {
  const handles: NodeJS.Timeout[] = []
  const spy: TimerApi = {
    now: () => Date.now(),
    setTimeout: (fn, delay) => {
      const h = setTimeout(fn, delay)
      handles.push(h)
      return h
    },
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  }
  const warnings: string[] = []
  const onWarning = (w: Error) => warnings.push(w.name)
  process.on('warning', onWarning)
  const far = setLongTimeout(() => t.fail('must not fire'), 400 * DAY, { timers: spy })
  t.equal(handles.length, 1)
  t.equal(handles[0]?.hasRef(), false, 'does not keep the process alive')
  far.clear()
  const keepAlive = setTimeout(() => undefined, 5_000) // the unref'd timer alone would let the process end
  const firedAfter = await new Promise<number>((resolve) => {
    const begun = Date.now()
    setLongTimeout(() => resolve(Date.now() - begun), 20)
  })
  clearTimeout(keepAlive)
  await new Promise((resolve) => setImmediate(resolve))
  process.off('warning', onWarning)
  t.ok(firedAfter >= 19, `fired after ${firedAfter} ms`)
  t.notOk(warnings.includes('TimeoutOverflowWarning'), 'no TimeoutOverflowWarning')
})

function catchError(fn: () => unknown): Error | undefined {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  return undefined
}
