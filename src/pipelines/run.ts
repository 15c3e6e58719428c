/**
 * One run of a deployed pipeline, as the workflow the openmetadata-airflow-apis plugin generates runs it
 * (workflows/ingestion/common.py `build_source` + `metadata_ingestion_workflow`, ingestion BaseWorkflow.execute):
 *
 *  1. the OpenMetadata client of the pipeline's `openMetadataServerConnection` (the ingestion bot's JWT): the
 *     outbound guard and ENDPOINT_ALLOWLIST apply to its hostPort, the server and the JWT are checked;
 *  2. `PUT /v1/services/ingestionPipelines/{fqn}/pipelineStatus` with pipelineState `running`;
 *  3. the service and its connection: `GET /v1/services/databaseServices/name/{service}` (the bot sees the
 *     connection's secrets, which are used for this run only and never stored);
 *  4. our ingest (metadata) or query log (usage, lineage) with the sink into that server, exactly as
 *     `POST /v1/ingest` and `POST /v1/query-log` with a workflowConfig run them;
 *  5. the final PipelineStatus: `success`, `partialSuccess` (90 % ≤ success < 100 %, upstream's
 *     SUCCESS_THRESHOLD_VALUE) or `failed` (below, an error that stopped the run, or a kill), with the
 *     IngestionStatus: the source's StepSummary and the sink's.
 *
 * The run stops when `signal` aborts (kill, shutdown): the ingest's AWS calls and the sink's writes take the
 * same signal. The final status is still reported (with a fresh client: the run's own is aborted).
 */
import { Value } from 'typebox/value'
import { QueryLogSource, type QueryLogSourceT } from '../../schemas/query-log.js'
import { Source, type SourceT } from '../../schemas/requests.js'
import type { AwsCallSettings } from '../config.js'
import { ServiceError } from '../errors.js'
import { startIngest } from '../ingest/run.js'
import type { ServiceMetrics } from '../metrics.js'
import type { StepSummary } from '../openmetadata/om-types.js'
import { buildStepSummary } from '../openmetadata/status.js'
import { startQueryLog } from '../querylog/run.js'
import { reportRun } from '../run-report.js'
import { checkEndpoint, type HostPattern } from '../security/endpoint-guard.js'
import { prepareSink } from '../sink/index.js'
import { OmClient, OmUnreachableError, pathPart, serverMessage } from '../sink/om-client.js'
import type { OpenMetadataSinkSettings } from '../sink/settings.js'
import { checkServer, resolveTarget } from '../sink/target.js'
import { queryLogSinkExtension } from '../sink/usage-writer.js'
import type { RunLog } from './run-log.js'
import type { RunState, StoredPipeline, StoredRun } from './types.js'

export interface RunDeps {
  aws: AwsCallSettings
  om: OpenMetadataSinkSettings
  endpointAllowlist?: readonly HostPattern[]
  metrics: ServiceMetrics
  progressIntervalMs: number
}

export interface RunOutcome {
  state: Extract<RunState, 'success' | 'partialSuccess' | 'failed'>
  summary: StepSummary[]
  error?: string
}

/** Upstream's SUCCESS_THRESHOLD_VALUE: at or above it (and below 100 %) a run is a partialSuccess, below it failed. */
export const SUCCESS_THRESHOLD = 90

/** Why a run was aborted, as its final log line and error say. */
export class RunAborted extends Error {}

export interface PipelineStatusBody {
  runId: string
  pipelineState: RunState
  startDate?: number
  timestamp: number
  endDate?: number
  status?: StepSummary[]
}

/** The OpenMetadata side of a run: where it reads the service and reports its status. */
export class PipelineServer {
  readonly client: OmClient

  private constructor(client: OmClient) {
    this.client = client
  }

  /** A client for the pipeline's openMetadataServerConnection, checked against the outbound guard. Throws BadInputError/ServiceError. */
  static async connect(pipeline: StoredPipeline, deps: Pick<RunDeps, 'om' | 'endpointAllowlist'>, signal?: AbortSignal): Promise<PipelineServer> {
    const connection = pipeline.entity.openMetadataServerConnection as never
    const target = resolveTarget({ workflowConfig: { openMetadataServerConfig: connection } })!
    const verdict = await checkEndpoint(target.baseUrl, deps.endpointAllowlist ? { allowlist: deps.endpointAllowlist } : {})
    if (!verdict.ok) throw new ServiceError(400, `openMetadataServerConnection/hostPort is refused: ${verdict.reason}`)
    return new PipelineServer(new OmClient(target, deps.om, signal))
  }

  /** The server answers and takes the bot JWT (checkServer: 502/504 that say what to check); answers its version. */
  check(): Promise<string> {
    return checkServer(this.client, { hostPort: 'body/openMetadataServerConnection/hostPort', jwtToken: 'body/openMetadataServerConnection/securityConfig/jwtToken' })
  }

  get jwt(): string {
    return this.client.target.jwtToken
  }

  /** PUT {fqn}/pipelineStatus; an error names the HTTP status and the server's message (never the JWT). */
  async reportStatus(fqn: string, status: PipelineStatusBody): Promise<void> {
    const path = `/v1/services/ingestionPipelines/${pathPart(fqn, 'the ingestion pipeline FQN')}/pipelineStatus`
    const res = await this.client.request('PUT', path, { body: status })
    if (res.status >= 300) throw new Error(`OpenMetadata at ${this.client.host} refused the status of run ${status.runId} (PUT ${path}: HTTP ${res.status}: ${serverMessage(res)})`)
  }

  /** The database service with its connection, as the bot may read it; errors say what to check. */
  async databaseService(name: string): Promise<{ name: string; serviceType?: string; connection?: { config?: Record<string, unknown> } }> {
    const path = `/v1/services/databaseServices/name/${pathPart(name, 'the service name')}`
    const res = await this.client.request('GET', path)
    if (res.status === 404) throw new ServiceError(400, `OpenMetadata at ${this.client.host} has no database service '${name}' (GET ${path}: HTTP 404): the pipeline's service was deleted?`)
    if (res.status !== 200) {
      throw new ServiceError(
        502,
        `OpenMetadata at ${this.client.host} did not return the database service '${name}' (GET ${path}: HTTP ${res.status}: ${serverMessage(res)}). Check the ingestion bot's permissions.`,
      )
    }
    return res.json as never
  }
}

/** Checks the service is an Athena one with a connection; returns its AthenaConnection config. */
export function athenaConfigOf(service: { name: string; serviceType?: string; connection?: { config?: Record<string, unknown> } }): Record<string, unknown> {
  const config = service.connection?.config
  const type = (config?.type as string | undefined) ?? service.serviceType
  if (type !== 'Athena') {
    throw new ServiceError(400, `service '${service.name}' is a ${type ?? 'database service without a connection type'} service: this pipeline service runs Athena pipelines only`)
  }
  if (!config) throw new ServiceError(400, `service '${service.name}' has no connection the ingestion bot may read: give the bot access to the service's connection`)
  return config
}

/**
 * Runs the pipeline's workflow once. Never throws: every failure is an outcome `failed` with an error a user can
 * act on, reported to OpenMetadata like upstream's failed-status callback.
 */
export async function executeRun(pipeline: StoredPipeline, run: StoredRun, signal: AbortSignal, log: RunLog, deps: RunDeps): Promise<RunOutcome> {
  const startedAt = Date.now()
  const base = { runId: run.runId, timestamp: run.slot, startDate: startedAt }
  let server: PipelineServer | undefined
  let summary: StepSummary[] = []
  let outcome: RunOutcome
  try {
    server = await PipelineServer.connect(pipeline, deps, signal)
    log.addSecrets(server.jwt)
    log.info(`Run ${run.runId} of ${pipeline.fqn} (${pipeline.pipelineType}, ${run.trigger}, attempt ${run.attempt}) started`)
    await server.reportStatus(pipeline.fqn, { ...base, pipelineState: 'running' }).catch((err: Error) => log.warn(`Could not report the running status: ${err.message}`))
    const serviceName = (pipeline.entity.service as { name?: string; fullyQualifiedName?: string }).name ?? (pipeline.entity.service as { fullyQualifiedName?: string }).fullyQualifiedName
    if (!serviceName) throw new ServiceError(400, 'the pipeline names no service (service.name)')
    const service = await server.databaseService(serviceName)
    const config = athenaConfigOf(service)
    const awsConfig = config.awsConfig as Record<string, string | undefined> | undefined
    log.addSecrets(awsConfig?.awsSecretAccessKey, awsConfig?.awsSessionToken, awsConfig?.awsAccessKeyId)
    log.info(`Read service ${service.name} from OpenMetadata; reading the Athena catalog`, { region: awsConfig?.awsRegion })
    summary = await runWorkflow(pipeline, serviceName, config, signal, log, deps)
    if (signal.aborted) throw new RunAborted(abortReason(signal))
    const state = stateOf(summary)
    outcome = { state, summary }
    if (state === 'failed') outcome.error = `Fewer than ${SUCCESS_THRESHOLD} % of the records succeeded`
  } catch (err) {
    const message = signal.aborted ? abortReason(signal) : errorText(err)
    outcome = { state: 'failed', summary, error: message }
  }
  if (outcome.error) {
    log.error(`Run failed: ${outcome.error}`)
    outcome.summary = withFailure(outcome.summary, pipeline.fqn, outcome.error)
  } else log.info(`Run finished: ${outcome.state}`, { steps: outcome.summary.map((s) => ({ name: s.name, records: s.records, errors: s.errors, warnings: s.warnings, filtered: s.filtered })) })
  if (server) {
    // The run's client may be aborted (kill): report with a fresh one.
    const reporter = signal.aborted ? await PipelineServer.connect(pipeline, deps).catch(() => undefined) : server
    const status: PipelineStatusBody = { ...base, pipelineState: outcome.state, endDate: Date.now(), status: outcome.summary }
    await reporter?.reportStatus(pipeline.fqn, status).catch((err: Error) => log.warn(`Could not report the final status: ${err.message}`))
  }
  return outcome
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason
  return reason instanceof RunAborted ? reason.message : 'The run was stopped'
}

function errorText(err: unknown): string {
  if (err instanceof ServiceError || err instanceof OmUnreachableError) return err.message
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

/**
 * The IngestionStatus a failed run reports: its steps with the reason among the first step's failures (a run
 * stopped before its status line — killed, shut down, an error — reports one source step), so OpenMetadata's run
 * summary says why, not only "failed".
 */
export function withFailure(summary: StepSummary[], name: string, error: string): StepSummary[] {
  const [first, ...rest] = summary.length > 0 ? summary : [buildStepSummary('Athena')]
  return [{ ...first!, errors: first!.errors + 1, failures: [...first!.failures, { name, error }] }, ...rest]
}

/** Success % over the steps (records against errors); 100 → success, ≥ threshold → partialSuccess, else failed. */
export function stateOf(summary: StepSummary[]): RunOutcome['state'] {
  const records = summary.reduce((n, s) => n + s.records, 0)
  const errors = summary.reduce((n, s) => n + s.errors, 0)
  if (errors === 0) return 'success'
  const pct = (100 * records) / (records + errors)
  return pct >= SUCCESS_THRESHOLD ? 'partialSuccess' : 'failed'
}

async function runWorkflow(pipeline: StoredPipeline, serviceName: string, config: Record<string, unknown>, signal: AbortSignal, log: RunLog, deps: RunDeps): Promise<StepSummary[]> {
  const common = {
    serviceName,
    serviceConnection: { config },
    sourceConfig: pipeline.entity.sourceConfig,
    sink: { type: 'metadata-rest', config: {} },
    workflowConfig: { openMetadataServerConfig: pipeline.entity.openMetadataServerConnection },
  }
  const sinkOptions = {
    settings: deps.om,
    signal,
    ...(deps.endpointAllowlist ? { endpointAllowlist: deps.endpointAllowlist } : {}),
    onFailure: (entity: string, error: string, httpStatus: number | null) => log.warn(`Not written to OpenMetadata: ${entity}`, { httpStatus, error }),
  }
  const processLog = { info: (obj: object, msg: string) => log.info(msg, obj as Record<string, unknown>), warn: (obj: object, msg: string) => log.warn(msg, obj as Record<string, unknown>) }
  let records: AsyncIterable<{ kind: string; entity?: unknown; sinkStatus?: StepSummary; sink?: { status: string } }>
  if (pipeline.pipelineType === 'metadata') {
    const body = checked(Source, { type: 'athena', ...common }) as SourceT
    const sink = await prepareSink(body, sinkOptions)
    const started = await startIngest(body, undefined, {
      settings: deps.aws,
      signal,
      withTables: true,
      onProgress: (p) => log.info('Progress', { progress: p }),
      progressEveryMs: deps.progressIntervalMs,
      onWarning: (message) => log.warn(message),
      onFailure: (name, error) => log.warn(`Failed: ${name}`, { error }),
    })
    records = reportRun(sink!.write(started.records), { kind: 'ingest', metrics: deps.metrics, log: processLog })
  } else {
    const body = checked(QueryLogSource, { type: pipeline.pipelineType === 'usage' ? 'athena-usage' : 'athena-lineage', ...common }) as QueryLogSourceT
    const sink = await prepareSink(body, { ...sinkOptions, extension: queryLogSinkExtension(body) })
    const started = await startQueryLog(body, {
      settings: deps.aws,
      signal,
      onWarning: (message) => log.warn(message),
      onFailure: (name, error) => log.warn(`Failed: ${name}`, { error }),
    })
    records = reportRun(sink!.write(started.records), { kind: 'queryLog', metrics: deps.metrics, log: processLog })
  }
  for await (const record of records) {
    if (record.kind === 'status') return [record.entity as StepSummary, ...(record.sinkStatus ? [record.sinkStatus] : [])]
  }
  throw new Error(signal.aborted ? abortReason(signal) : 'The run ended without its status')
}

/** The workflow body with its defaults, or a 400-style error naming the field of the deployed pipeline. */
function checked(schema: typeof Source | typeof QueryLogSource, body: Record<string, unknown>): unknown {
  const value = Value.Default(schema, Value.Clone(body))
  const first = Value.Errors(schema, value)[0]
  if (first) {
    const path = first.instancePath.replace(/^\/serviceConnection\/config/, 'the service connection').replace(/^\/sourceConfig/, 'sourceConfig')
    throw new ServiceError(400, `The pipeline cannot run: ${path || 'its workflow'} ${first.message}`)
  }
  return value
}
