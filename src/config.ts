// Service configuration, read from the environment only (DESIGN.md §1); README's table lists every variable.
import { parseAllowlist, type HostPattern } from './security/endpoint-guard.js'
import { DEFAULT_PAGING_LIMITS, type PagingLimits } from './aws/paging.js'
import { DEFAULT_MAX_RESPONSE_BYTES } from './aws/response-cap.js'
import type { AwsCallObserver } from './metrics.js'
import { loadAutomationSettings, type AutomationSettings } from './automation/settings.js'
import { loadPipelineSettings, type PipelineSettings } from './pipelines/settings.js'
import { loadOpenMetadataSinkSettings, type OpenMetadataSinkSettings } from './sink/settings.js'

export interface AwsCallSettings {
  /** Total attempts per AWS call, first try included (SDK standard retry mode). */
  maxAttempts: number
  /** Socket-level timeout for one AWS HTTP request. */
  requestTimeoutMs: number
  connectionTimeoutMs: number
  /** How long test-connection waits for `SELECT 1` to reach a final state. */
  queryWaitMs: number
  /**
   * ENDPOINT_ALLOWLIST, parsed; empty/absent: no allowlist. buildApp copies ServiceConfig.endpointAllowlist here
   * so that the AWS clients' connect-time guard applies the same policy as the request-time check.
   */
  endpointAllowlist?: readonly HostPattern[]
  /** Largest AWS answer read (AWS_MAX_RESPONSE_BYTES); absent: DEFAULT_MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number
  /** Bounds of every paged listing (AWS_LISTING_MAX_PAGES, AWS_LISTING_TIMEOUT_MS); absent: the defaults. */
  paging?: PagingLimits
  /** Told each AWS call attempt's operation and outcome (the metrics); buildApp sets it, like endpointAllowlist. */
  observe?: AwsCallObserver
}

export interface ServiceConfig {
  port: number
  host: string
  logLevel: string
  authTokens: string[]
  /** Bearer tokens GET /metrics takes (METRICS_TOKEN); empty: AUTH_TOKEN's, and with neither set /metrics is open. */
  metricsTokens: string[]
  aws: AwsCallSettings
  /** How often a running ingest logs its progress. */
  progressIntervalMs: number
  /** Most records an Accept: application/json ingest answer may hold (it is built in memory); NDJSON has no limit. */
  maxJsonDocumentRecords: number
  /** Hosts `awsConfig.endPointURL` may name (ENDPOINT_ALLOWLIST); empty: any host but the always-refused ones. */
  endpointAllowlist: HostPattern[]
  /** Largest accepted request body. */
  bodyLimitBytes: number
  /** Requests per client (IP) per window on /v1/* (and unknown paths); 0 disables rate limiting. */
  rateLimitMax: number
  rateLimitWindowMs: number
  /**
   * Failed authentications per client (IP) per rate-limit window on every route that takes credentials
   * (bearer or the automation API's Basic password); past it 429 until the window ends. 0: no limit.
   */
  authFailureLimit: number
  /** Ingests and database listings running at once; over it a request gets 503 + Retry-After. 0: no limit. */
  maxConcurrentIngests: number
  /** Test connections (each runs a paid Athena query) running at once, /v1/test-connection and run_automation together. 0: no limit. */
  maxConcurrentTestConnections: number
  /** Time to receive a whole request (headers and body) before the server answers 408; 0: none. */
  requestTimeoutMs: number
  /** Idle time after which a socket is closed (no byte either way); 0: none. */
  connectionTimeoutMs: number
  /** Load shedding (503 + Retry-After) above any of these; 0 disables the check. */
  maxEventLoopDelayMs: number
  maxEventLoopUtilization: number
  maxHeapUsedBytes: number
  maxRssBytes: number
  /** How often the load figures are sampled (the event-loop delay is a mean over this period; min 50). */
  loadSampleIntervalMs: number
  /** Retry-After of a 503 (load shedding, concurrency limit, shutdown). */
  retryAfterSeconds: number
  /** On SIGTERM/SIGINT: how long running requests may go on before they are cut. */
  shutdownGraceMs: number
  /** Fastify trustProxy: false, true, a hop count or a comma-separated list of proxy addresses / CIDRs. */
  trustProxy: boolean | number | string
  /** Writing ingests into an OpenMetadata server (a request's workflowConfig): OM_SINK_* variables. */
  openMetadataSink: OpenMetadataSinkSettings
  /** The pipeline-service API OpenMetadata calls for test connections: AUTOMATION_* variables. */
  automation: AutomationSettings
  /** Deployed pipelines: store, schedules, runs (src/pipelines/settings.ts). */
  pipelines: PipelineSettings
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`)
  }
  return value
}

function floatFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number from ${min} to ${max}, got "${raw}"`)
  }
  return value
}

function tokensFromEnv(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

function trustProxyFromEnv(raw: string | undefined): boolean | number | string {
  const value = (raw ?? '').trim()
  if (value === '' || value === 'false') return false
  if (value === 'true') return true
  if (/^\d+$/.test(value)) return Number(value)
  if (!/^[0-9a-fA-F.:/,\s]+$/.test(value)) {
    throw new Error(`TRUST_PROXY must be true, false, a hop count or proxy addresses/CIDRs separated by commas, got "${raw}"`)
  }
  return value
}

export function defaultAwsSettings(): AwsCallSettings {
  return {
    maxAttempts: 6,
    requestTimeoutMs: 20_000,
    connectionTimeoutMs: 5_000,
    queryWaitMs: 30_000,
    maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
    paging: DEFAULT_PAGING_LIMITS,
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const aws = defaultAwsSettings()
  return {
    port: intFromEnv(env, 'PORT', 8080),
    host: env.HOST || '0.0.0.0',
    logLevel: env.LOG_LEVEL || 'info',
    authTokens: tokensFromEnv(env.AUTH_TOKEN),
    metricsTokens: tokensFromEnv(env.METRICS_TOKEN),
    progressIntervalMs: intFromEnv(env, 'PROGRESS_INTERVAL_MS', 10_000, 1),
    maxJsonDocumentRecords: intFromEnv(env, 'MAX_JSON_DOCUMENT_RECORDS', 25_000, 1),
    aws: {
      maxAttempts: intFromEnv(env, 'AWS_MAX_ATTEMPTS', aws.maxAttempts, 1),
      requestTimeoutMs: intFromEnv(env, 'AWS_REQUEST_TIMEOUT_MS', aws.requestTimeoutMs, 1),
      connectionTimeoutMs: intFromEnv(env, 'AWS_CONNECT_TIMEOUT_MS', aws.connectionTimeoutMs, 1),
      queryWaitMs: intFromEnv(env, 'ATHENA_QUERY_WAIT_MS', aws.queryWaitMs, 1),
      maxResponseBytes: intFromEnv(env, 'AWS_MAX_RESPONSE_BYTES', DEFAULT_MAX_RESPONSE_BYTES, 1024),
      paging: {
        maxPages: intFromEnv(env, 'AWS_LISTING_MAX_PAGES', DEFAULT_PAGING_LIMITS.maxPages, 1),
        timeoutMs: intFromEnv(env, 'AWS_LISTING_TIMEOUT_MS', DEFAULT_PAGING_LIMITS.timeoutMs, 1),
      },
    },
    endpointAllowlist: parseAllowlist(env.ENDPOINT_ALLOWLIST ?? ''),
    bodyLimitBytes: intFromEnv(env, 'BODY_LIMIT_BYTES', 1_048_576, 1),
    rateLimitMax: intFromEnv(env, 'RATE_LIMIT_MAX', 120),
    rateLimitWindowMs: intFromEnv(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1),
    authFailureLimit: intFromEnv(env, 'AUTH_FAILURE_LIMIT', 10),
    maxConcurrentIngests: intFromEnv(env, 'MAX_CONCURRENT_INGESTS', 4),
    maxConcurrentTestConnections: intFromEnv(env, 'MAX_CONCURRENT_TEST_CONNECTIONS', 4),
    requestTimeoutMs: intFromEnv(env, 'REQUEST_TIMEOUT_MS', 30_000),
    connectionTimeoutMs: intFromEnv(env, 'CONNECTION_TIMEOUT_MS', 300_000),
    maxEventLoopDelayMs: intFromEnv(env, 'MAX_EVENT_LOOP_DELAY_MS', 1_000),
    maxEventLoopUtilization: floatFromEnv(env, 'MAX_EVENT_LOOP_UTILIZATION', 0, 0, 1),
    maxHeapUsedBytes: intFromEnv(env, 'MAX_HEAP_USED_BYTES', 0),
    maxRssBytes: intFromEnv(env, 'MAX_RSS_BYTES', 0),
    loadSampleIntervalMs: intFromEnv(env, 'LOAD_SAMPLE_INTERVAL_MS', 1_000, 50),
    retryAfterSeconds: intFromEnv(env, 'RETRY_AFTER_SECONDS', 10, 1),
    shutdownGraceMs: intFromEnv(env, 'SHUTDOWN_GRACE_MS', 10_000),
    trustProxy: trustProxyFromEnv(env.TRUST_PROXY),
    openMetadataSink: loadOpenMetadataSinkSettings(env),
    automation: loadAutomationSettings(env),
    pipelines: loadPipelineSettings(env),
  }
}
