/**
 * The pipeline service: what OpenMetadata's AirflowRESTClient asks of Airflow, for Athena pipelines.
 *
 *  - deploy keeps the IngestionPipeline (after checking it is a metadata, usage or lineage pipeline of an Athena
 *    service, that its schedule is valid and that the server and the bot JWT work) and arms its schedule;
 *  - trigger queues a run now; the schedule queues one per slot (the store's unique (pipeline, slot, attempt)
 *    makes a slot one run whichever replicas fire it); a slot that comes while a run of the same pipeline is
 *    queued or running is skipped (Airflow's max_active_runs 1 creates no run then either);
 *  - a worker (this process's queue, or pg-boss on PostgreSQL) starts queued runs, one active run per pipeline;
 *    a failed run is retried airflowConfig.retries times, retryDelay seconds apart, as new runs;
 *  - kill stops the pipeline's queued and running runs (the running one's AWS calls and writes are aborted, on
 *    whichever replica runs it, within a heartbeat), and they end `failed`, as upstream's kill_all leaves them;
 *  - the running process beats a heartbeat into the run; a run whose heartbeat stops (its process died) is failed
 *    by any replica's sweeper, reported to OpenMetadata as failed, and retried when retries remain.
 */
import { randomUUID } from 'node:crypto'
import type { IngestionPipelineBodyT } from '../../schemas/pipelines.js'
import { BadInputError, ServiceError } from '../errors.js'
import type { StepSummary } from '../openmetadata/om-types.js'
import { resolveTarget } from '../sink/target.js'
import { cleanDagId, TASK_ID } from './dag-id.js'
import type { RunQueue } from './queue.js'
import { RunLog, type ProcessLog } from './run-log.js'
import { athenaConfigOf, executeRun, PipelineServer, RunAborted, withFailure, type RunDeps } from './run.js'
import { parseSchedule, type Schedule } from './schedule.js'
import { setLongTimeout } from './long-timer.js'
import { MissingSecretKeyError } from './store/open.js'
import { FINAL_STATES, type PipelineKind, type PipelineStore, type RunState, type RunTrigger, type StoredPipeline, type StoredRun } from './types.js'

export interface PipelineServiceOptions {
  store: PipelineStore
  queue: RunQueue
  run: RunDeps
  log: ProcessLog
  /** This process, as runs name their owner. */
  instanceId?: string
  /** How often a running run's heartbeat is written and its kill flag read (ms). */
  heartbeatMs: number
  /** A running run whose heartbeat is older than this is taken for dead (ms). */
  staleAfterMs: number
  /** How often the deployed pipelines are re-read (other replicas deploy too) (ms). */
  syncIntervalMs: number
  /** What `ip` answers (PIPELINE_HOST_IP); unknown when unset. */
  hostIp?: string
}

const KINDS: Record<PipelineKind, string> = { metadata: 'DatabaseMetadata', usage: 'DatabaseUsage', lineage: 'DatabaseLineage' }

export class NotFoundError extends ServiceError {
  constructor(message: string) {
    super(404, message)
  }
}

interface Armed {
  version: string
  timer?: { clear(): void }
}

export interface PipelineRunStatus {
  runId: string
  pipelineState: RunState
  startDate?: number
  timestamp: number
  endDate?: number
}

export class PipelineService {
  readonly instanceId: string
  private readonly running = new Map<string, { controller: AbortController; dagId: string; done: Promise<void> }>()
  private readonly armed = new Map<string, Armed>()
  private timers: NodeJS.Timeout[] = []
  private stopping = false

  constructor(private readonly opts: PipelineServiceOptions) {
    this.instanceId = opts.instanceId ?? randomUUID()
  }

  get store(): PipelineStore {
    return this.opts.store
  }

  async start(): Promise<void> {
    await this.recover()
    await this.opts.queue.start((runId) => this.work(runId))
    await this.sync()
    const every = (ms: number, fn: () => Promise<void>) => {
      let busy = false
      const t = setInterval(() => {
        if (busy || this.stopping) return
        busy = true
        fn()
          .catch((err: Error) => this.opts.log.warn({ error: err.message }, 'pipeline service housekeeping failed'))
          .finally(() => (busy = false))
      }, ms)
      t.unref()
      this.timers.push(t)
    }
    every(this.opts.heartbeatMs, () => this.beat())
    every(this.opts.heartbeatMs, () => this.sweep())
    every(this.opts.syncIntervalMs, () => this.sync())
  }

  /** Stops scheduling and working; running runs are stopped and end failed ("the service shut down"). */
  async stop(): Promise<void> {
    this.stopping = true
    for (const t of this.timers) clearInterval(t)
    for (const a of this.armed.values()) a.timer?.clear()
    this.armed.clear()
    for (const r of this.running.values()) r.controller.abort(new RunAborted('The service shut down during the run (SIGTERM); it ran to here'))
    await Promise.all([...this.running.values()].map((r) => r.done))
    await this.opts.queue.stop()
  }

  // ---- OpenMetadata's calls -------------------------------------------------------------------------------

  async deploy(body: IngestionPipelineBodyT): Promise<{ message: string }> {
    const pipelineType = body.pipelineType as PipelineKind
    if (!(pipelineType in KINDS)) {
      throw new BadInputError(
        `body/pipelineType '${body.pipelineType}' is not supported: this pipeline service runs the metadata, usage and lineage pipelines of Athena services. ` +
          `Run ${body.pipelineType} pipelines with OpenMetadata's ingestion framework (an Airflow with the openmetadata-managed-apis plugin).`,
      )
    }
    if (body.service.type !== 'databaseService') {
      throw new BadInputError(`body/service/type '${body.service.type}' is not supported: this pipeline service runs pipelines of Athena database services (databaseService)`)
    }
    const configType = body.sourceConfig.config?.type
    if (configType !== undefined && configType !== KINDS[pipelineType]) {
      throw new BadInputError(`body/sourceConfig/config/type '${configType}' does not fit a ${pipelineType} pipeline: it takes ${KINDS[pipelineType]}`)
    }
    const serviceName = body.service.name ?? body.service.fullyQualifiedName
    if (!serviceName) throw new BadInputError('body/service/name is required: the database service the pipeline ingests')
    parseSchedule(body.airflowConfig, 'body/airflowConfig')
    try {
      resolveTarget({ workflowConfig: { openMetadataServerConfig: body.openMetadataServerConnection } })
    } catch (err) {
      if (err instanceof BadInputError) throw new BadInputError(err.message.replace('body/workflowConfig/openMetadataServerConfig', 'body/openMetadataServerConnection'))
      throw err
    }
    const dagId = cleanDagId(body.name)
    const existing = await this.opts.store.getPipeline(dagId)
    const now = Date.now()
    const pipeline: StoredPipeline = {
      dagId,
      name: body.name,
      fqn: body.fullyQualifiedName ?? `${serviceName}.${body.name}`,
      pipelineType,
      enabled: body.enabled !== false && !(existing === undefined && body.airflowConfig.pausePipeline === true),
      entity: body,
      deployedAt: existing?.deployedAt ?? now,
      updatedAt: now,
    }
    // As the generated DAG would at its first run: the server and the JWT answer, and the service is an Athena one.
    const server = await PipelineServer.connect(pipeline, this.opts.run).catch((err: unknown) => {
      throw err instanceof ServiceError && err.statusCode === 400 ? new BadInputError(`body/${err.message}`) : err
    })
    await server.check()
    const service = await server.databaseService(serviceName)
    try {
      athenaConfigOf(service)
    } catch (err) {
      throw new BadInputError(`body/service: ${(err as Error).message}`)
    }
    try {
      await this.opts.store.putPipeline(pipeline)
    } catch (err) {
      if (err instanceof MissingSecretKeyError) throw new ServiceError(503, err.message, 'PipelineSecretKeyMissing')
      throw err
    }
    this.opts.log.info({ pipeline: dagId, fqn: pipeline.fqn, type: pipelineType, enabled: pipeline.enabled }, existing ? 'pipeline redeployed' : 'pipeline deployed')
    this.arm(pipeline)
    return { message: `Workflow [${dagId}] has been created` }
  }

  async trigger(name: string): Promise<{ message: string }> {
    const pipeline = await this.pipeline(name)
    const run = await this.queueRun(pipeline, 'manual', Date.now(), 1)
    return { message: `Workflow [${pipeline.dagId}] has been triggered ${run.runId}` }
  }

  /** The last 10 runs, newest first, as PipelineStatus (only the queued ones with onlyQueued). */
  async status(name: string, onlyQueued: boolean): Promise<PipelineRunStatus[]> {
    const pipeline = await this.pipeline(name)
    const runs = await this.opts.store.listRuns(pipeline.dagId, { limit: 10, ...(onlyQueued ? { states: ['queued' as const] } : {}) })
    return runs.map(statusOf)
  }

  async setEnabled(name: string, enabled: boolean): Promise<{ message: string }> {
    const dagId = cleanDagId(name)
    if (!(await this.opts.store.setEnabled(dagId, enabled))) throw new NotFoundError(`DAG ${dagId} not found.`)
    const pipeline = await this.opts.store.getPipeline(dagId)
    if (pipeline) this.arm(pipeline)
    this.opts.log.info({ pipeline: dagId, enabled }, enabled ? 'pipeline enabled' : 'pipeline disabled')
    return { message: `DAG ${dagId} has been ${enabled ? 'enabled' : 'disabled'}` }
  }

  async delete(name: string): Promise<{ message: string }> {
    const dagId = cleanDagId(name)
    const pipeline = await this.opts.store.getPipeline(dagId)
    if (!pipeline) throw new NotFoundError(`DAG ${dagId} not found.`)
    await this.kill(name).catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err
    })
    this.disarm(dagId)
    await this.opts.store.deletePipeline(dagId)
    this.opts.log.info({ pipeline: dagId }, 'pipeline deleted')
    return { message: `DAG [${dagId}] has been deleted` }
  }

  async kill(name: string): Promise<{ message: string }> {
    const pipeline = await this.pipeline(name)
    const runs = await this.opts.store.requestKill(pipeline.dagId)
    if (runs.length === 0) throw new NotFoundError(`Workflow [${pipeline.dagId}] has no running or pending runs nor tasks`)
    for (const run of runs) {
      const local = this.running.get(run.runId)
      if (local) local.controller.abort(new RunAborted('Killed: OpenMetadata asked to stop the run (kill)'))
      else if (run.state === 'queued') await this.finish(pipeline, run, ['queued'], 'Killed before it started: OpenMetadata asked to stop the run (kill)', false)
    }
    this.opts.log.info({ pipeline: pipeline.dagId, runs: runs.map((r) => r.runId) }, 'pipeline runs killed')
    return { message: `Workflow [${pipeline.dagId}] has been killed` }
  }

  /** One page of the last run's log: {[taskId]: text, total, after?}. */
  async lastLogs(name: string, taskId: string, after: number | undefined): Promise<Record<string, string | number>> {
    const pipeline = await this.pipeline(name)
    const [last] = await this.opts.store.listRuns(pipeline.dagId, { limit: 1 })
    if (!last) throw new NotFoundError(`No DAG run found for ${pipeline.dagId}.`)
    const expected = TASK_ID[pipeline.pipelineType]
    if (taskId !== expected) throw new BadInputError(`querystring/task_id '${taskId}' is not a task of ${pipeline.dagId}: a ${pipeline.pipelineType} pipeline has one task, ${expected}`)
    const pages = paginate(await this.opts.store.readLog(last.runId))
    const index = after ?? 0
    if (index >= pages.length) {
      throw new BadInputError(`querystring/after ${index} is out of bounds. Total pagination is ${pages.length} for DAG ${pipeline.dagId} and Task ${taskId}.`)
    }
    return { [taskId]: pages[index]!, total: pages.length, ...(index < pages.length - 1 ? { after: index + 1 } : {}) }
  }

  ip(): { ip: string } {
    return { ip: this.opts.hostIp ?? 'unknown' }
  }

  // ---- runs -----------------------------------------------------------------------------------------------

  private async pipeline(name: string): Promise<StoredPipeline> {
    const dagId = cleanDagId(name)
    const pipeline = await this.opts.store.getPipeline(dagId)
    if (!pipeline) throw new NotFoundError(`DAG ${dagId} not found.`)
    return pipeline
  }

  /** Inserts a queued run and offers it to a worker; undefined when that scheduled slot/attempt already exists. */
  private async queueRun(pipeline: StoredPipeline, trigger: RunTrigger, slot: number, attempt: number, delayMs = 0): Promise<StoredRun> {
    const run: StoredRun = {
      runId: randomUUID(),
      dagId: pipeline.dagId,
      state: 'queued',
      trigger,
      slot,
      attempt,
      queuedAt: Date.now(),
      startedAt: null,
      endedAt: null,
      owner: null,
      heartbeatAt: null,
      killRequested: false,
      summary: null,
      error: null,
    }
    if (!(await this.opts.store.insertRun(run))) throw new SlotTaken()
    await this.opts.queue.enqueue(run.runId, { ...(delayMs > 0 ? { delayMs } : {}), ...(trigger === 'manual' ? {} : { key: `${pipeline.dagId}@${slot}#${attempt}` }) })
    this.opts.log.info({ pipeline: pipeline.dagId, runId: run.runId, trigger, slot: new Date(slot).toISOString(), attempt }, 'pipeline run queued')
    return run
  }

  /** The queue's handler: starts a queued run here, unless it is gone, killed, or another run of its pipeline is active. */
  private async work(runId: string): Promise<'done' | 'defer'> {
    if (this.stopping) return 'defer'
    const store = this.opts.store
    const run = await store.getRun(runId)
    if (!run || run.state !== 'queued') return 'done'
    const pipeline = await store.getPipeline(run.dagId)
    if (!pipeline) {
      await store.transitionRun(runId, ['queued'], { state: 'failed', endedAt: Date.now(), error: 'The pipeline was deleted before the run started' })
      return 'done'
    }
    if (run.killRequested) {
      await this.finish(pipeline, run, ['queued'], 'Killed before it started: OpenMetadata asked to stop the run (kill)', false)
      return 'done'
    }
    const active = await store.listRuns(run.dagId, { states: ['running'], limit: 1 })
    if (active.length > 0) return 'defer'
    const now = Date.now()
    if (!(await store.transitionRun(runId, ['queued'], { state: 'running', owner: this.instanceId, startedAt: now, heartbeatAt: now }))) {
      // Still queued: another replica started a run of this pipeline a moment ago; otherwise it was taken or killed.
      return (await store.getRun(runId))?.state === 'queued' ? 'defer' : 'done'
    }
    const controller = new AbortController()
    let resolveDone!: () => void
    const done = new Promise<void>((r) => (resolveDone = r))
    this.running.set(runId, { controller, dagId: run.dagId, done })
    try {
      const log = new RunLog(store, runId, this.opts.log, { pipeline: run.dagId, runId })
      const outcome = await executeRun(pipeline, run, controller.signal, log, this.opts.run)
      await log.flush()
      const endedAt = Date.now()
      if (await store.transitionRun(runId, ['running'], { state: outcome.state, endedAt, summary: outcome.summary, error: outcome.error ?? null })) {
        this.opts.run.metrics.pipelineRun(pipeline.pipelineType, run.trigger, outcome.state, (endedAt - now) / 1000)
      }
      // A run OpenMetadata killed is not retried; one stopped by a shutdown is (the next process, or another replica, runs it).
      const killed = controller.signal.aborted && !this.stopping
      if (outcome.state === 'failed' && !killed) await this.retry(pipeline, run)
    } finally {
      this.running.delete(runId)
      resolveDone()
    }
    return 'done'
  }

  /** Queues the next attempt of a failed run, when the pipeline's retries allow one. */
  private async retry(pipeline: StoredPipeline, run: StoredRun): Promise<void> {
    const current = await this.opts.store.getPipeline(pipeline.dagId)
    if (!current) return
    const schedule = safeSchedule(current)
    if (!schedule || run.attempt > schedule.retries) return
    try {
      const next = await this.queueRun(current, 'retry', run.slot, run.attempt + 1, schedule.retryDelayMs)
      this.opts.log.info({ pipeline: current.dagId, runId: next.runId, after: run.runId, delayMs: schedule.retryDelayMs }, 'pipeline run retry queued')
    } catch (err) {
      if (!(err instanceof SlotTaken)) throw err
    }
  }

  /**
   * Ends a run that is not running here (queued and killed, or whose process died) as failed, reports that to
   * OpenMetadata with the pipeline's bot, and retries it when `retry` and the pipeline's retries allow.
   */
  private async finish(pipeline: StoredPipeline, run: StoredRun, from: RunState[], error: string, retry: boolean): Promise<void> {
    const endedAt = Date.now()
    if (!(await this.opts.store.transitionRun(run.runId, from, { state: 'failed', endedAt, error }))) return
    this.opts.run.metrics.pipelineRun(pipeline.pipelineType, run.trigger, 'failed', run.startedAt ? (endedAt - run.startedAt) / 1000 : 0)
    await this.opts.store.appendLog(run.runId, [`[${new Date(endedAt).toISOString()}] ERROR Run failed: ${error}`]).catch(() => undefined)
    this.opts.log.warn({ pipeline: pipeline.dagId, runId: run.runId, error }, 'pipeline run failed')
    try {
      const server = await PipelineServer.connect(pipeline, this.opts.run)
      await server.reportStatus(pipeline.fqn, {
        runId: run.runId,
        pipelineState: 'failed',
        timestamp: run.slot,
        ...(run.startedAt ? { startDate: run.startedAt } : {}),
        endDate: endedAt,
        status: withFailure((run.summary ?? []) as StepSummary[], pipeline.fqn, error),
      })
    } catch (err) {
      this.opts.log.warn({ pipeline: pipeline.dagId, runId: run.runId, error: (err as Error).message }, 'could not report the failed status to OpenMetadata')
    }
    if (retry) await this.retry(pipeline, run)
  }

  /** Writes the heartbeat of the runs running here, and stops those another replica was asked to kill. */
  private async beat(): Promise<void> {
    for (const [runId, r] of this.running) {
      await this.opts.store.updateRun(runId, { heartbeatAt: Date.now() })
      const run = await this.opts.store.getRun(runId)
      if (run?.killRequested && !r.controller.signal.aborted) r.controller.abort(new RunAborted('Killed: OpenMetadata asked to stop the run (kill)'))
    }
  }

  /** Fails (and retries) the runs whose process stopped beating: the replica that ran them died. */
  private async sweep(): Promise<void> {
    const stale = await this.opts.store.staleRuns(Date.now() - this.opts.staleAfterMs)
    for (const run of stale) {
      if (this.running.has(run.runId)) continue
      const pipeline = await this.opts.store.getPipeline(run.dagId)
      if (!pipeline) continue
      const seconds = Math.round((Date.now() - (run.heartbeatAt ?? run.startedAt ?? Date.now())) / 1000)
      await this.finish(pipeline, run, ['running'], `The process running it (${run.owner ?? 'unknown'}) stopped: no heartbeat for ${seconds} s`, !run.killRequested)
    }
  }

  /** At start: embedded, every run still "running" belonged to a process that is gone; queued runs are offered again. */
  private async recover(): Promise<void> {
    if (this.opts.queue.kind !== 'local') return
    for (const run of await this.opts.store.runsInStates(['running'])) {
      const pipeline = await this.opts.store.getPipeline(run.dagId)
      if (pipeline) await this.finish(pipeline, run, ['running'], 'The service stopped during the run (restart)', !run.killRequested)
    }
    for (const run of await this.opts.store.runsInStates(['queued'])) await this.opts.queue.enqueue(run.runId)
  }

  // ---- schedules ------------------------------------------------------------------------------------------

  /** Re-reads the deployed pipelines (other replicas deploy, enable and delete too) and re-arms what changed. */
  private async sync(): Promise<void> {
    const pipelines = await this.opts.store.listPipelines()
    const seen = new Set<string>()
    for (const p of pipelines) {
      seen.add(p.dagId)
      if (this.armed.get(p.dagId)?.version !== versionOf(p)) this.arm(p)
    }
    for (const dagId of [...this.armed.keys()]) if (!seen.has(dagId)) this.disarm(dagId)
  }

  private disarm(dagId: string): void {
    this.armed.get(dagId)?.timer?.clear()
    this.armed.delete(dagId)
  }

  private arm(pipeline: StoredPipeline): void {
    this.disarm(pipeline.dagId)
    const armed: Armed = { version: versionOf(pipeline) }
    this.armed.set(pipeline.dagId, armed)
    if (!pipeline.enabled || this.stopping) return
    const schedule = safeSchedule(pipeline)
    if (!schedule || schedule.kind === 'none') return
    void this.armSchedule(pipeline, schedule, armed)
  }

  /** Runs the slot owed now (missed while stopped or paused; @once), then sets the timer of the next one. */
  private async armSchedule(pipeline: StoredPipeline, schedule: Schedule, armed: Armed): Promise<void> {
    const dagId = pipeline.dagId
    try {
      const runs = await this.opts.store.listRuns(dagId, { limit: 20 })
      const slots = runs.filter((r) => r.trigger !== 'manual').map((r) => r.slot)
      const last = slots.length > 0 ? Math.max(...slots) : undefined
      if (this.armed.get(dagId) !== armed) return
      const due = schedule.missedSlot(last, Date.now())
      if (due !== undefined) await this.fire(dagId, due, armed, false)
      if (this.armed.get(dagId) !== armed || this.stopping) return
      const next = schedule.next(Date.now())
      if (next === undefined) return
      armed.timer = setLongTimeout(() => void this.fire(dagId, next, armed, true), Math.max(0, next - Date.now()))
    } catch (err) {
      this.opts.log.warn({ pipeline: dagId, error: (err as Error).message }, 'could not arm the schedule')
    }
  }

  /** A slot came: one run for it (whichever replica inserts it first), unless a run of the pipeline is active. */
  private async fire(dagId: string, slot: number, armed: Armed, rearm: boolean): Promise<void> {
    try {
      const pipeline = await this.opts.store.getPipeline(dagId)
      if (!pipeline || !pipeline.enabled || versionOf(pipeline) !== armed.version || this.stopping) return
      const active = await this.opts.store.listRuns(dagId, { states: ['queued', 'running'], limit: 1 })
      if (active.length > 0 && active[0]!.slot !== slot) {
        this.opts.log.warn({ pipeline: dagId, slot: new Date(slot).toISOString(), active: active[0]!.runId }, 'schedule slot skipped: a run of this pipeline is still queued or running')
        return
      }
      await this.queueRun(pipeline, 'schedule', slot, 1).catch((err: unknown) => {
        if (!(err instanceof SlotTaken)) throw err
        this.opts.log.info({ pipeline: dagId, slot: new Date(slot).toISOString() }, 'schedule slot already queued (by another replica): not queued twice')
      })
    } catch (err) {
      this.opts.log.warn({ pipeline: dagId, error: (err as Error).message }, 'could not queue the scheduled run')
    } finally {
      if (rearm && this.armed.get(dagId) === armed && !this.stopping) {
        const pipeline = await this.opts.store.getPipeline(dagId).catch(() => undefined)
        if (pipeline) this.arm(pipeline)
      }
    }
  }
}

class SlotTaken extends Error {}

function versionOf(p: StoredPipeline): string {
  return `${p.updatedAt}:${p.enabled}`
}

function safeSchedule(p: StoredPipeline): Schedule | undefined {
  try {
    return parseSchedule(p.entity.airflowConfig, 'airflowConfig', { deployedAt: p.deployedAt })
  } catch {
    return undefined
  }
}

function statusOf(run: StoredRun): PipelineRunStatus {
  return {
    runId: run.runId,
    pipelineState: run.state,
    ...(run.startedAt !== null ? { startDate: run.startedAt } : {}),
    timestamp: run.slot,
    ...(run.endedAt !== null && (FINAL_STATES as RunState[]).includes(run.state) ? { endDate: run.endedAt } : {}),
  }
}

const PAGE_BYTES = 256 * 1024

/** The log in pages of whole lines, at most PAGE_BYTES each (one page, empty, for a run that logged nothing yet). */
function paginate(lines: string[]): string[] {
  const pages: string[] = []
  let page: string[] = []
  let bytes = 0
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1
    if (bytes + size > PAGE_BYTES && page.length > 0) {
      pages.push(page.join('\n'))
      page = []
      bytes = 0
    }
    page.push(line)
    bytes += size
  }
  pages.push(page.join('\n'))
  return pages
}
