/**
 * Step summaries (entity/services/ingestionPipelines/status.json#/definitions/stepSummary): name (required),
 * records, updated_records, warnings, errors, filtered (integers, default 0) and failures[] of
 * stackTraceError { name, error, stackTrace? } — a closed object; no other field is allowed.
 */
import type { StackTraceError, StepSummary } from './om-types.js'

export type StepCounts = Partial<Omit<StepSummary, 'name'>>

/** A StepSummary with every count present (0 unless given) and `failures` [] unless given. */
export function buildStepSummary(name: string, counts: StepCounts = {}): StepSummary {
  return {
    name,
    records: counts.records ?? 0,
    updated_records: counts.updated_records ?? 0,
    warnings: counts.warnings ?? 0,
    errors: counts.errors ?? 0,
    filtered: counts.filtered ?? 0,
    failures: [...(counts.failures ?? [])],
  }
}

/**
 * A failures[] entry: `name` is the asset (e.g. a table FQN), `error` the error's message. The stack trace is left out
 * unless asked for (it shows the service's source paths, not the user's problem).
 */
export function toStackTraceError(name: string, err: unknown, opts: { includeStackTrace?: boolean } = {}): StackTraceError {
  const error = err instanceof Error ? err.message || err.name : String(err)
  const entry: StackTraceError = { name, error }
  if (opts.includeStackTrace && err instanceof Error && err.stack) entry.stackTrace = err.stack
  return entry
}

/** Default cap on failures kept per step (the summary is a sample; `errors` still counts them all). */
export const DEFAULT_MAX_FAILURES = 100

/** Counts one step as it runs and yields its StepSummary. */
export class StepTracker {
  private readonly counts = { records: 0, updated_records: 0, warnings: 0, errors: 0, filtered: 0 }
  private readonly failures: StackTraceError[] = []

  constructor(
    readonly name: string,
    private readonly maxFailures = DEFAULT_MAX_FAILURES,
  ) {}

  record(n = 1): void {
    this.counts.records += n
  }

  updated(n = 1): void {
    this.counts.updated_records += n
  }

  warning(n = 1): void {
    this.counts.warnings += n
  }

  filter(n = 1): void {
    this.counts.filtered += n
  }

  /** One failed asset: counted in `errors`, and kept in `failures` while under the cap. */
  fail(name: string, err: unknown, opts?: { includeStackTrace?: boolean }): void {
    this.counts.errors += 1
    if (this.failures.length < this.maxFailures) this.failures.push(toStackTraceError(name, err, opts))
  }

  summary(): StepSummary {
    return buildStepSummary(this.name, { ...this.counts, failures: this.failures })
  }
}
