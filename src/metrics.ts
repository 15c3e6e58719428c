/**
 * The service's Prometheus metrics (GET /metrics). One registry per app instance, never prom-client's
 * global one: tests build many apps in one process, and each must count only its own requests.
 * The service layer records through the plain functions of `ServiceMetrics`; it never sees Fastify.
 * Every label takes values from a small closed set (matched route patterns, record kinds, AWS operation
 * names, outcome classes): a raw URL or an error message as a label would grow the series without end.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** What the AWS client middleware (src/aws/clients.ts) reports for each attempt of a call. */
export type AwsCallObserver = (operation: string, outcome: string) => void

/** An ingest or query-log run, as routes/ingest.ts and routes/query-log.ts start them. */
export type RunKind = 'ingest' | 'queryLog'

export interface ServiceMetrics {
  /** This instance's metrics and the process's, in the Prometheus text format. */
  scrape(): Promise<string>
  contentType: string
  /** One finished HTTP exchange; `route` is the matched route pattern (or "unmatched"). */
  httpRequest(method: string, route: string, statusCode: number, seconds: number): void
  runStarted(kind: RunKind): void
  runEnded(kind: RunKind): void
  recordEmitted(kind: RunKind, recordKind: string): void
  sinkOutcome(kind: RunKind, recordKind: string, outcome: string): void
  awsCall: AwsCallObserver
  /** A deployed pipeline's run ended: its type (metadata, usage, lineage), what started it, its final state and time. */
  pipelineRun(type: string, trigger: string, state: string, seconds: number): void
  /** A request refused before any work: shed (503 overload), rate limited, too many failed logins, concurrency gate. */
  rejected(reason: 'shed' | 'rate_limited' | 'auth_failures' | 'concurrency', route: string): void
}

const PREFIX = 'athena_connector_'

let processMetrics: Registry | undefined

/**
 * The Node.js process metrics (CPU, memory, event-loop lag, GC), collected once per process: they describe
 * the process, not an app, and prom-client's collectors (a GC observer, an event-loop histogram) are never
 * released, so one per app would pile up in a test process that builds hundreds of apps.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry()
    collectDefaultMetrics({ register: processMetrics })
  }
  return processMetrics
}

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry()
  const registers = [registry]

  const httpRequests = new Counter({
    name: `${PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by method, matched route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers,
  })
  const httpDuration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'Time from request to the end of the response (a streamed ingest counts until its last line)',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30, 120, 600],
    registers,
  })
  const runsRunning = new Gauge({
    name: `${PREFIX}runs_in_progress`,
    help: 'Ingests (kind="ingest") and query-log runs (kind="queryLog") streaming right now',
    labelNames: ['kind'] as const,
    registers,
  })
  const records = new Counter({
    name: `${PREFIX}records_emitted_total`,
    help: 'Records emitted by ingest and query-log runs, by run kind and record kind (status lines included)',
    labelNames: ['run', 'kind'] as const,
    registers,
  })
  const sinkWrites = new Counter({
    name: `${PREFIX}sink_writes_total`,
    help: 'Records handed to the OpenMetadata sink, by record kind and outcome (written, unchanged, skipped, failed)',
    labelNames: ['run', 'kind', 'outcome'] as const,
    registers,
  })
  const awsCalls = new Counter({
    name: `${PREFIX}aws_calls_total`,
    help: 'AWS API call attempts (each SDK retry counts), by operation and outcome: success, or the error class (throttled, accessDenied, timeout, …)',
    labelNames: ['operation', 'outcome'] as const,
    registers,
  })
  const rejectedRequests = new Counter({
    name: `${PREFIX}requests_rejected_total`,
    help: 'Requests refused before any work: shed (overload 503), rate_limited (429), auth_failures (429), concurrency (503 of a concurrency gate)',
    labelNames: ['reason', 'route'] as const,
    registers,
  })
  const pipelineRuns = new Counter({
    name: `${PREFIX}pipeline_runs_total`,
    help: 'Runs of deployed pipelines that ended, by pipeline type, trigger (manual, schedule, retry) and final state (success, partialSuccess, failed)',
    labelNames: ['type', 'trigger', 'state'] as const,
    registers,
  })
  const pipelineRunSeconds = new Histogram({
    name: `${PREFIX}pipeline_run_duration_seconds`,
    help: 'Time from a deployed pipeline run start to its end (0 for a run that never started), by pipeline type and final state',
    labelNames: ['type', 'state'] as const,
    buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600],
    registers,
  })
  // The gauge exists at 0 from the start: an absent series and "none running" look alike otherwise.
  for (const kind of ['ingest', 'queryLog']) runsRunning.set({ kind }, 0)

  return {
    scrape: () => Registry.merge([processRegistry(), registry]).metrics(),
    contentType: registry.contentType,
    httpRequest(method, route, statusCode, seconds) {
      const labels = { method, route, status_code: String(statusCode) }
      httpRequests.inc(labels)
      httpDuration.observe(labels, seconds)
    },
    runStarted: (kind) => runsRunning.inc({ kind }),
    runEnded: (kind) => runsRunning.dec({ kind }),
    recordEmitted: (run, kind) => records.inc({ run, kind }),
    sinkOutcome: (run, kind, outcome) => sinkWrites.inc({ run, kind, outcome }),
    awsCall: (operation, outcome) => awsCalls.inc({ operation, outcome }),
    pipelineRun(type, trigger, state, seconds) {
      pipelineRuns.inc({ type, trigger, state })
      pipelineRunSeconds.observe({ type, state }, seconds)
    },
    rejected: (reason, route) => rejectedRequests.inc({ reason, route }),
  }
}
