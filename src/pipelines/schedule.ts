/**
 * When a deployed IngestionPipeline runs: its airflowConfig (entity/services/ingestionPipelines/ingestionPipeline.json,
 * definition airflowConfig) read the way Airflow reads it, checked once at deploy, and turned into slots.
 *
 * What is accepted (anything else is a BadInputError naming the field and saying what to send):
 *  - scheduleInterval: a 5-field cron expression (minute hour day-of-month month day-of-week; names such as MON or JAN,
 *    L and # as croniter, Airflow's cron library, has them), an Airflow preset, or absent / null / '' for no schedule —
 *    manual runs only. The OpenMetadata UI sends no scheduleInterval at all for its "None" choice (it turns an empty
 *    choice into undefined), which is Airflow's `schedule=None`: externally triggered only.
 *    Presets (Airflow's table, "Cron & Time Intervals"): @hourly 0 * * * *, @daily and @midnight 0 0 * * *,
 *    @weekly 0 0 * * 0, @monthly 0 0 1 * *, @quarterly 0 0 1 *\/3 *, @yearly and @annually 0 0 1 1 *, @once.
 *    Refused: @continuous (a run as soon as the last one ends is not a slot in time: use a cron such as *\/5 * * * *),
 *    the literal string 'None' (Airflow's None is JSON null here), a 6-field cron with seconds (Airflow is
 *    minute-grained, and croniter would read a sixth field as seconds *last* where cron-parser reads it first — the
 *    same text would mean two things) and H (hashed) fields (their value depends on a seed Airflow does not share).
 *  - startDate, endDate: ISO 8601 date-times with a UTC offset (2025-01-31T00:00:00Z, …+00:00 as Python writes them,
 *    fractions of a second allowed). A date-time without an offset is refused rather than guessed. endDate must not be
 *    before startDate. Both bounds are inclusive, as in Airflow.
 *  - pipelineTimezone: an IANA zone (UTC, Europe/Berlin, America/New_York …; default UTC). Cron fields are wall-clock
 *    times in that zone.
 *  - pipelineCatchup: boolean, default false. retries: integer 0..10, default 0 (refused above 10: a pipeline that fails
 *    eleven times in a row is broken, not unlucky). retryDelay: integer seconds 0..86400, default 300; kept as
 *    retryDelayMs.
 *
 * Semantics (Airflow 3's default CronTriggerTimetable, not Airflow 2's data intervals):
 *  - A slot is the moment a run starts; it is also the run's logical date (StoredRun.slot). No slot is before the
 *    start bound (startDate, or when absent the pipeline's deployedAt — what OpenMetadata's Airflow 3 DAG builder
 *    does with updatedAt) nor after endDate.
 *  - Time zones and DST follow the wall clock: `0 2 * * *` in Europe/Berlin runs at 02:00 local all year. On a
 *    spring-forward day a wall time that does not exist moves forward by the gap (02:00 → 03:00, 02:30 → 03:30) and
 *    runs once; on a fall-back day a wall time that happens twice runs once, at its first occurrence — unless the hour
 *    field covers every hour (`0 * * * *`, `*\/15 * * * *`): such a schedule runs in both passes of the repeated hour,
 *    every real hour, as cron does. These slots do not depend on where a search starts (cron-parser's own next() in a
 *    zone does, around the changes: see canonicalNext).
 *  - @once: one slot, at startDate, or when absent at deployedAt (so deploying an @once pipeline without a start date
 *    runs it once, now, as Airflow does with OpenMetadata's start date of "now"). Redeploys keep deployedAt, so they
 *    do not run it again.
 *  - missedSlot(lastSlotMs, nowMs), for a service that restarts (or a pipeline that is re-enabled) after slots went
 *    by: the single latest slot in (lastSlotMs, nowMs], or undefined. We never replay a backlog, with or without
 *    catchup: Airflow with catchup=false runs only the latest missed slot, and catchup=true would mean one run per
 *    missed slot — days of hourly runs after an outage, every one ingesting the same current metadata (the runs read
 *    the catalogue as it is now, not as it was at the slot), so it buys nothing. `catchup` is kept and shown but
 *    changes no answer here. lastSlotMs undefined means no scheduled run yet: the latest slot since the start bound
 *    runs (Airflow 3's run_immediately default). A caller that does not want a past startDate to fire at deploy passes
 *    the deploy time as lastSlotMs.
 */
import { CronExpressionParser } from 'cron-parser'
import { BadInputError } from '../errors.js'

/** Airflow's presets, expanded to the cron croniter gives them. @once is handled apart (no cron). */
export const CRON_PRESETS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@quarterly': '0 0 1 */3 *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
}

export const MAX_RETRIES = 10
export const MAX_RETRY_DELAY_S = 86_400
export const DEFAULT_RETRY_DELAY_S = 300

export type ScheduleKind = 'none' | 'once' | 'cron'

export interface Schedule {
  /** 'none': manual runs only; 'once': a single slot; 'cron': a cron expression (presets included). */
  readonly kind: ScheduleKind
  /** scheduleInterval as sent, trimmed (undefined for no schedule). */
  readonly interval: string | undefined
  /** The 5-field cron in force (a preset expanded); undefined unless kind is 'cron'. */
  readonly cron: string | undefined
  /** The IANA zone cron fields are read in, as sent (default 'UTC'). */
  readonly timezone: string
  /** ms since epoch; undefined when not given. */
  readonly startDate: number | undefined
  readonly endDate: number | undefined
  readonly catchup: boolean
  /** Integer 0..MAX_RETRIES. */
  readonly retries: number
  /** retryDelay (seconds) × 1000. */
  readonly retryDelayMs: number
  /** The first slot strictly after afterMs, within the bounds; undefined when there is none. */
  next(afterMs: number): number | undefined
  /** The one slot to run now after slots were missed (see the file header); undefined when none is owed. */
  missedSlot(lastSlotMs: number | undefined, nowMs: number): number | undefined
  /** One line for logs and answers, e.g. "cron 0 2 * * * in Europe/Berlin from 2025-01-01T00:00:00.000Z, …". */
  describe(): string
}

export interface ParseScheduleOptions {
  /**
   * When the pipeline was first deployed (StoredPipeline.deployedAt, ms): the start bound when startDate is absent,
   * and the @once slot then. Defaults to now, which is right only when parsing at deploy time; a scheduler that parses
   * a stored pipeline again must pass its deployedAt.
   */
  deployedAt?: number
}

/**
 * Reads and checks an airflowConfig. `field` is the path of the airflowConfig in the request, used in error messages
 * (e.g. body/airflowConfig/scheduleInterval). Absent or null airflowConfig: no schedule, defaults for the rest.
 */
export function parseSchedule(airflowConfig: unknown, field = 'body/airflowConfig', opts: ParseScheduleOptions = {}): Schedule {
  if (airflowConfig !== undefined && airflowConfig !== null && (typeof airflowConfig !== 'object' || Array.isArray(airflowConfig))) {
    throw new BadInputError(`${field} must be an object (the IngestionPipeline's airflowConfig), got ${describeValue(airflowConfig)}`)
  }
  const cfg = (airflowConfig ?? {}) as Record<string, unknown>
  const deployedAt = opts.deployedAt ?? Date.now()

  const timezone = parseTimezone(cfg.pipelineTimezone, `${field}/pipelineTimezone`)
  const startDate = parseDateTime(cfg.startDate, `${field}/startDate`)
  const endDate = parseDateTime(cfg.endDate, `${field}/endDate`)
  if (startDate !== undefined && endDate !== undefined && endDate < startDate) {
    throw new BadInputError(
      `${field}/endDate ${new Date(endDate).toISOString()} is before ${field}/startDate ${new Date(startDate).toISOString()}: set an endDate after the startDate, or leave it out for no end`,
    )
  }
  const catchup = parseBoolean(cfg.pipelineCatchup, `${field}/pipelineCatchup`, false)
  const retries = parseInteger(cfg.retries, `${field}/retries`, 0, 0, MAX_RETRIES, '')
  const retryDelayS = parseInteger(cfg.retryDelay, `${field}/retryDelay`, DEFAULT_RETRY_DELAY_S, 0, MAX_RETRY_DELAY_S, ' seconds')
  const { kind, interval, cron } = parseInterval(cfg.scheduleInterval, `${field}/scheduleInterval`, timezone)

  const start = startDate ?? deployedAt
  const inBounds = (slot: number): boolean => slot >= start && (endDate === undefined || slot <= endDate)

  let next: (afterMs: number) => number | undefined
  let latestAtOrBefore: (lowerExclusive: number, atMs: number) => number | undefined
  if (kind === 'none') {
    next = () => undefined
    latestAtOrBefore = () => undefined
  } else if (kind === 'once') {
    const slot = start
    next = (afterMs) => (slot > afterMs && inBounds(slot) ? slot : undefined)
    latestAtOrBefore = (lower, at) => (slot > lower && slot <= at && inBounds(slot) ? slot : undefined)
  } else {
    const plan = cronPlan(cron as string, timezone)
    next = (afterMs) => {
      const slot = canonicalNext(plan, Math.max(afterMs, start - 1))
      return endDate !== undefined && slot > endDate ? undefined : slot
    }
    latestAtOrBefore = (lower, at) => latestCronSlot(plan, Math.max(lower, start - 1), endDate === undefined ? at : Math.min(at, endDate))
  }

  const schedule: Schedule = {
    kind,
    interval,
    cron,
    timezone,
    startDate,
    endDate,
    catchup,
    retries,
    retryDelayMs: retryDelayS * 1000,
    next(afterMs) {
      checkInstant(afterMs, 'afterMs')
      return next(afterMs)
    },
    missedSlot(lastSlotMs, nowMs) {
      checkInstant(nowMs, 'nowMs')
      if (lastSlotMs !== undefined) checkInstant(lastSlotMs, 'lastSlotMs')
      return latestAtOrBefore(lastSlotMs ?? start - 1, nowMs)
    },
    describe() {
      const iso = (ms: number) => new Date(ms).toISOString()
      const tail = `catchup ${catchup ? 'on' : 'off'}, ${retries === 0 ? 'no retries' : `${retries} ${retries === 1 ? 'retry' : 'retries'} ${retryDelayS} s apart`}`
      if (kind === 'none') return `no schedule (manual runs only), ${tail}`
      if (kind === 'once') {
        const ended = endDate !== undefined && endDate < start ? ` (after endDate ${iso(endDate)}: never)` : ''
        return `once at ${iso(start)}${startDate === undefined ? ' (deploy time)' : ''}${ended}, ${tail}`
      }
      const what = interval?.startsWith('@') ? `${interval} (cron ${cron})` : `cron ${cron}`
      const from = startDate !== undefined ? ` from ${iso(startDate)}` : ''
      const until = endDate !== undefined ? ` until ${iso(endDate)}` : ''
      return `${what} in ${timezone}${from}${until}, ${tail}`
    },
  }
  return schedule
}

// ---------------------------------------------------------------------------------------------------------------------
// Fields

function parseInterval(value: unknown, field: string, timezone: string): { kind: ScheduleKind; interval: string | undefined; cron: string | undefined } {
  const accepted = `a 5-field cron expression such as '0 2 * * *', an Airflow preset (@once, ${Object.keys(CRON_PRESETS).join(', ')}), or null for manual runs only`
  if (value === undefined || value === null) return { kind: 'none', interval: undefined, cron: undefined }
  if (typeof value !== 'string') throw new BadInputError(`${field} must be ${accepted}; got ${describeValue(value)}`)
  const interval = value.trim()
  if (interval === '') return { kind: 'none', interval: undefined, cron: undefined }
  if (interval === '@once') return { kind: 'once', interval, cron: undefined }
  if (interval === '@continuous') {
    throw new BadInputError(`${field} '@continuous' is not supported: this service runs pipelines on time slots; use a cron expression such as '*/15 * * * *' instead`)
  }
  if (/^(none|null)$/i.test(interval)) {
    throw new BadInputError(`${field} '${interval}' is not a schedule: for manual runs only, send null or leave scheduleInterval out`)
  }
  if (interval.startsWith('@')) {
    const preset = CRON_PRESETS[interval]
    if (preset === undefined) throw new BadInputError(`${field} '${clip(interval)}' is not a known preset: send ${accepted}`)
    return { kind: 'cron', interval, cron: preset }
  }
  const fields = interval.split(/\s+/)
  if (fields.length === 6) {
    throw new BadInputError(`${field} '${clip(interval)}' has 6 fields: seconds are not supported (Airflow schedules are minute-grained); send 5 fields — minute hour day-of-month month day-of-week`)
  }
  if (fields.length !== 5) {
    throw new BadInputError(`${field} '${clip(interval)}' has ${fields.length} field${fields.length === 1 ? '' : 's'}: send ${accepted}`)
  }
  if (fields.some((f) => /(^|[^A-Z])H([^A-Z]|$)/i.test(f))) {
    throw new BadInputError(`${field} '${clip(interval)}' uses H (hashed) values, which are not supported: write the minute and hour out, e.g. '17 3 * * *'`)
  }
  const cron = fields.join(' ')
  try {
    // Parsing checks every field (ranges, steps, names, impossible dates such as 30 February); next() proves the
    // expression and zone work together.
    CronExpressionParser.parse(cron, { tz: timezone, currentDate: 0 }).next()
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new BadInputError(`${field} '${clip(interval)}' is not a valid cron expression (${reason}): send ${accepted}`)
  }
  return { kind: 'cron', interval, cron }
}

function parseTimezone(value: unknown, field: string): string {
  if (value === undefined || value === null) return 'UTC'
  const hint = 'an IANA time zone such as UTC, Europe/Berlin or America/New_York'
  if (typeof value !== 'string') throw new BadInputError(`${field} must be ${hint}; got ${describeValue(value)}`)
  const zone = value.trim()
  if (zone === '') return 'UTC'
  try {
    // Newer ICU (Node 24) takes UTC offsets such as +02:00 as zones; they are not IANA names and have no DST.
    if (/^[+-]\d/.test(zone)) throw new RangeError('an offset, not a zone')
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    // cron-parser reads zones through luxon: make sure it knows this one too.
    CronExpressionParser.parse('0 0 * * *', { tz: zone, currentDate: 0 }).next()
  } catch {
    throw new BadInputError(`${field} '${clip(zone)}' is not a known time zone: send ${hint}`)
  }
  return zone
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i

/** ISO 8601 date-time with a UTC offset → ms. Absent / null → undefined. */
function parseDateTime(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined
  const hint = 'an ISO 8601 date-time with a UTC offset, such as 2025-01-31T00:00:00Z or 2025-01-31T02:00:00+02:00'
  if (typeof value !== 'string') throw new BadInputError(`${field} must be ${hint}; got ${describeValue(value)}`)
  const text = value.trim()
  const m = ISO_DATE_TIME.exec(text)
  if (!m) {
    const noOffset = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?$/i.test(text)
    throw new BadInputError(`${field} '${clip(text)}' is not ${hint}${noOffset ? ' (the UTC offset is missing)' : ''}`)
  }
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number]
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3))
  const zone = (m[8] as string).toUpperCase()
  let offsetMin = 0
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = Number(digits.slice(2) || '0')
    if (oh > 23 || om > 59) throw new BadInputError(`${field} '${clip(text)}' has an impossible UTC offset: send ${hint}`)
    offsetMin = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om)
  }
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    throw new BadInputError(`${field} '${clip(text)}' is not a real date and time: send ${hint}`)
  }
  const wall = new Date(0)
  wall.setUTCFullYear(year, month - 1, day)
  wall.setUTCHours(hour, minute, second, ms)
  return wall.getTime() - offsetMin * 60_000
}

function parseBoolean(value: unknown, field: string, dflt: boolean): boolean {
  if (value === undefined || value === null) return dflt
  if (typeof value !== 'boolean') throw new BadInputError(`${field} must be true or false; got ${describeValue(value)}`)
  return value
}

function parseInteger(value: unknown, field: string, dflt: number, min: number, max: number, unit: string): number {
  if (value === undefined || value === null) return dflt
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BadInputError(`${field} must be a whole number from ${min} to ${max}${unit}; got ${describeValue(value)}`)
  }
  return value
}

function checkInstant(ms: number, name: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a finite number of ms since the epoch, got ${ms}`)
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${clip(value)}'`
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${value}`
  return typeof value === 'object' ? 'an object' : typeof value
}

/** Echoed input stays short (it is the user's own text, never a secret, but need not fill a log line). */
function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s
}

// ---------------------------------------------------------------------------------------------------------------------
// Slots

const HOUR = 3_600_000
/** Longer than any DST shift (1 h almost everywhere, 30 min on Lord Howe, 2 h historically). */
const MAX_SHIFT = 3 * HOUR
/** Far enough from a wall time to read the offsets before and after any change that could touch it. */
const AROUND = 26 * HOUR

interface CronPlan {
  cron: string
  timezone: string
  /** The hour field covers all 24 hours (*, 0-23, *\/1): such a schedule runs in both passes of a repeated hour. */
  everyHour: boolean
}

function cronPlan(cron: string, timezone: string): CronPlan {
  return { cron, timezone, everyHour: CronExpressionParser.parse(cron, { tz: 'UTC' }).fields.hour.values.length === 24 }
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>()
/** Offsets already read (a search near a DST change reads the same instants again and again); bounded. */
const offsetCache = new Map<string, number>()
const OFFSET_CACHE_MAX = 50_000

/** The zone's UTC offset at `ms` (what to add to UTC to read the wall clock), in ms. */
function zoneOffset(timezone: string, ms: number): number {
  const key = `${timezone}|${ms}`
  const known = offsetCache.get(key)
  if (known !== undefined) return known
  const offset = readZoneOffset(timezone, ms)
  if (offsetCache.size >= OFFSET_CACHE_MAX) offsetCache.clear()
  offsetCache.set(key, offset)
  return offset
}

function readZoneOffset(timezone: string, ms: number): number {
  let fmt = offsetFormats.get(timezone)
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    offsetFormats.set(timezone, fmt)
  }
  const p: Record<string, number> = {}
  for (const part of fmt.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value)
  const wall = new Date(0)
  wall.setUTCFullYear(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1)
  wall.setUTCHours(p.hour ?? 0, p.minute ?? 0, p.second ?? 0, 0)
  return wall.getTime() - (ms - (((ms % 1000) + 1000) % 1000))
}

function offsetChangesNear(timezone: string, ms: number): boolean {
  return zoneOffset(timezone, ms - MAX_SHIFT) !== zoneOffset(timezone, ms + MAX_SHIFT)
}

/**
 * The instants at which a wall-clock time (its fields written as a UTC time) happens in the plan's zone: one as a
 * rule; in a spring-forward gap, none — the time is moved forward by the gap (02:30 read with the offset before the
 * change is 03:30 after it); in a fall-back overlap, two — the first only, or both for an every-hour schedule.
 */
function instantsOf(plan: CronPlan, wall: number): number[] {
  const before = zoneOffset(plan.timezone, wall - AROUND)
  const after = zoneOffset(plan.timezone, wall + AROUND)
  if (before === after) return [wall - before]
  const early = wall - before
  const late = wall - after
  const earlyHappens = zoneOffset(plan.timezone, early) === before
  const lateHappens = zoneOffset(plan.timezone, late) === after
  if (earlyHappens && lateHappens) return plan.everyHour ? [Math.min(early, late), Math.max(early, late)] : [Math.min(early, late)]
  if (lateHappens) return [late]
  return [early]
}

/**
 * The first slot strictly after `afterMs`. cron-parser's own next() in a zone answers from wherever it starts (from
 * inside the second pass of a repeated hour it gives `30 2 * * *` a second 02:30; from 03:10 on a spring-forward day
 * it skips the 03:30 it gives when started earlier), so slots are found in wall-clock time instead (cron-parser in
 * UTC, where no hour is missing or repeated) and each wall time is mapped to its instants by instantsOf: the same
 * slots wherever the search starts. Near an offset change, the search starts a few hours of wall time early and goes
 * on a few hours past the first find, because there the mapping does not keep order.
 */
function canonicalNext(plan: CronPlan, afterMs: number): number {
  const { cron, timezone } = plan
  const careful = offsetChangesNear(timezone, afterMs)
  const wallAfter = afterMs + zoneOffset(timezone, afterMs)
  const walls = CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: careful ? wallAfter - MAX_SHIFT - 1 : wallAfter })
  let best: number | undefined
  let lastWall = Number.POSITIVE_INFINITY
  for (;;) {
    const wall = walls.next().getTime()
    if (best !== undefined && wall > lastWall) return best
    for (const t of instantsOf(plan, wall)) if (t > afterMs && (best === undefined || t < best)) best = t
    if (best !== undefined && lastWall === Number.POSITIVE_INFINITY) {
      if (!careful && !offsetChangesNear(timezone, best)) return best
      // No wall time past this can map to an instant before `best`.
      lastWall = best + Math.max(zoneOffset(timezone, best - MAX_SHIFT), zoneOffset(timezone, best + MAX_SHIFT)) + MAX_SHIFT
    }
  }
}

/**
 * The latest slot s with lowerExclusive < s <= atMs, or undefined. Walks forward (cron-parser's prev() disagrees with
 * its next() across DST changes) through windows that double from an hour back, so a dense cron costs a few dozen
 * steps and a yearly one a few dozen windows.
 */
function latestCronSlot(plan: CronPlan, lowerExclusive: number, atMs: number): number | undefined {
  if (atMs <= lowerExclusive) return undefined
  for (let span = HOUR; ; span *= 2) {
    const from = Math.max(lowerExclusive, atMs - span)
    let found: number | undefined
    for (let slot = canonicalNext(plan, from); slot <= atMs; slot = canonicalNext(plan, slot)) found = slot
    if (found !== undefined) return found
    if (from === lowerExclusive) return undefined
  }
}
