/**
 * What an operator sees of an ingest or query-log run, taken where its records stream out (after the
 * sink, so each record carries its sink outcome): the records by kind and the sink outcomes in the
 * metrics, the run counted as running while it streams, and one summary log line when it ends.
 */
import type { StepSummary } from './openmetadata/om-types.js'
import type { RunKind, ServiceMetrics } from './metrics.js'

/** The two pino methods used: the route passes the request's child logger, so lines carry the request id. */
export interface RunLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

/** Failure texts quoted in the summary line; `failures` counts them all, the status line has the rest. */
export const SUMMARY_FAILURE_SAMPLE = 3

interface StreamedRecord {
  kind: string
  sink?: { status: string }
  entity?: unknown
  elapsedMs?: number
  totals?: object
  sinkStatus?: StepSummary
}

/**
 * Yields `records` unchanged while counting them. The summary line is logged once: at the status
 * record, or — a stream cut before its status line (client gone) — when the stream is closed.
 */
export async function* reportRun<R extends StreamedRecord>(records: AsyncIterable<R>, opts: { kind: RunKind; metrics: ServiceMetrics; log: RunLog }): AsyncGenerator<R> {
  const { kind, metrics, log } = opts
  const started = Date.now()
  const byKind: Record<string, number> = {}
  const sinkOutcomes: Record<string, number> = {}
  let sinkUsed = false
  let summarized = false
  metrics.runStarted(kind)
  try {
    for await (const record of records) {
      metrics.recordEmitted(kind, record.kind)
      byKind[record.kind] = (byKind[record.kind] ?? 0) + 1
      if (record.sink) {
        sinkUsed = true
        metrics.sinkOutcome(kind, record.kind, record.sink.status)
        sinkOutcomes[record.sink.status] = (sinkOutcomes[record.sink.status] ?? 0) + 1
      }
      if (record.kind === 'status') {
        summarized = true
        log.info({ run: kind, ...summaryOf(record, byKind, sinkUsed ? sinkOutcomes : undefined) }, `${kind} finished`)
      }
      yield record
    }
  } finally {
    metrics.runEnded(kind)
    if (!summarized) log.warn({ run: kind, records: byKind, elapsedMs: Date.now() - started }, `${kind} ended without its status line`)
  }
}

function summaryOf(record: StreamedRecord, byKind: Record<string, number>, sinkOutcomes: Record<string, number> | undefined): object {
  const step = record.entity as StepSummary
  const sink = record.sinkStatus
  return {
    totals: record.totals,
    records: byKind,
    warnings: step.warnings,
    // errors counts every failure (sink ones included); failures quotes the first few.
    errors: step.errors,
    filtered: step.filtered,
    failures: step.failures.slice(0, SUMMARY_FAILURE_SAMPLE).map((f) => ({ name: f.name, error: f.error })),
    elapsedMs: record.elapsedMs,
    ...(sinkOutcomes ? { sink: { outcomes: sinkOutcomes, errors: sink?.errors ?? 0, updated: sink?.updated_records ?? 0 } } : {}),
  }
}
