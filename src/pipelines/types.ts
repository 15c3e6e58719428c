/**
 * What the pipeline service keeps: the IngestionPipeline entities OpenMetadata deployed here, their runs
 * (one row per attempt) and each run's own log lines. Two implementations of PipelineStore: SQLite (the
 * embedded default, better-sqlite3) and PostgreSQL (DATABASE_URL, for several replicas). Both run versioned
 * migrations when opened and keep secrets (the bot JWT inside the entity) encrypted at rest: the store
 * hands out and takes plain objects, encryption happens inside it.
 */

/** PipelineStatus.pipelineState (entity/services/ingestionPipelines/ingestionPipeline.json). */
export type RunState = 'queued' | 'running' | 'success' | 'partialSuccess' | 'failed'

export const FINAL_STATES: readonly RunState[] = ['success', 'partialSuccess', 'failed']

/** The pipeline types this service runs (upstream task ids: ingestion_task, usage_task, lineage_task). */
export type PipelineKind = 'metadata' | 'usage' | 'lineage'

export interface StoredPipeline {
  /** Upstream's clean_dag_id(name): every character outside [0-9a-zA-Z-_] becomes '_'. The key. */
  dagId: string
  /** The entity's name and fullyQualifiedName as OpenMetadata sent them. */
  name: string
  fqn: string
  pipelineType: PipelineKind
  /** False when paused (disable, or airflowConfig.pausePipeline on deploy). */
  enabled: boolean
  /** The IngestionPipeline entity as deployed (openMetadataServerConnection with the bot JWT included). */
  entity: Record<string, unknown>
  /** ms since epoch. */
  deployedAt: number
  updatedAt: number
}

export type RunTrigger = 'manual' | 'schedule' | 'retry'

export interface StoredRun {
  /** uuid; also the PipelineStatus.runId reported to OpenMetadata. */
  runId: string
  dagId: string
  state: RunState
  trigger: RunTrigger
  /**
   * The logical date (ms): the schedule slot for scheduled runs and their retries, the trigger time for manual
   * ones. (dagId, slot, attempt) is unique for trigger 'schedule'/'retry' — a second insert of the same slot
   * and attempt is refused by the database (insertRun answers false).
   */
  slot: number
  /** 1 for the first try, 2 for the first retry … */
  attempt: number
  queuedAt: number
  startedAt: number | null
  endedAt: number | null
  /** Instance id of the process running it (null while queued). */
  owner: string | null
  /** Last time the running process said it is alive (ms). */
  heartbeatAt: number | null
  /** Set by kill: the running process stops at its next check. */
  killRequested: boolean
  /** The run's IngestionStatus (array of StepSummary) once known. */
  summary: unknown[] | null
  /** Why it failed, in words a user can act on (never a secret). */
  error: string | null
}

export type RunPatch = Partial<Omit<StoredRun, 'runId' | 'dagId'>>

export interface PipelineStore {
  /** 'sqlite' or 'postgres'. */
  readonly kind: 'sqlite' | 'postgres'
  close(): Promise<void>

  /** Insert or replace (by dagId); keeps deployedAt of an existing row, sets updatedAt. */
  putPipeline(p: StoredPipeline): Promise<void>
  getPipeline(dagId: string): Promise<StoredPipeline | undefined>
  listPipelines(): Promise<StoredPipeline[]>
  countPipelines(): Promise<number>
  /** False when no such pipeline. */
  setEnabled(dagId: string, enabled: boolean): Promise<boolean>
  /** Deletes the pipeline, its runs and their logs; false when no such pipeline. */
  deletePipeline(dagId: string): Promise<boolean>

  /** False (and nothing written) when (dagId, slot, attempt) of a schedule/retry run already exists. */
  insertRun(run: StoredRun): Promise<boolean>
  updateRun(runId: string, patch: RunPatch): Promise<void>
  /**
   * Atomically moves a run from one state to another (e.g. queued → running with owner/startedAt): true when
   * this call made the change, false when the run was no longer in `from` (another replica took it, or kill), or
   * when it would make a second running run of its pipeline (the database keeps one per pipeline).
   */
  transitionRun(runId: string, from: RunState[], patch: RunPatch & { state: RunState }): Promise<boolean>
  getRun(runId: string): Promise<StoredRun | undefined>
  /** Newest first (by queuedAt, then slot); `states` filters; limit default 10. */
  listRuns(dagId: string, opts?: { states?: RunState[]; limit?: number }): Promise<StoredRun[]>
  /** Runs in state running whose heartbeatAt is older than `before` (ms), any pipeline. */
  staleRuns(before: number): Promise<StoredRun[]>
  /** Runs in one of `states`, any pipeline (start-up recovery). */
  runsInStates(states: RunState[]): Promise<StoredRun[]>
  /** Sets killRequested on the dag's queued and running runs; returns them (after the change). */
  requestKill(dagId: string): Promise<StoredRun[]>

  /**
   * Appends log lines to a run's log. The log is bounded: at most `maxBytes` (default 1 MiB) per run are
   * kept; past that, the oldest lines after the first 100 are dropped and one marker line says how many.
   */
  appendLog(runId: string, lines: string[]): Promise<void>
  readLog(runId: string): Promise<string[]>
}
