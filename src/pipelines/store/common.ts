import type { PipelineKind, RunPatch, RunState, RunTrigger, StoredPipeline, StoredRun } from '../types.js'
import { type SecretBox } from './secret-box.js'

/** What both stores share: row ↔ object mapping, entity sealing, the log bound. */

export const DEFAULT_LOG_MAX_BYTES = 1024 * 1024
/** The smallest PIPELINE_LOG_MAX_BYTES accepted: the kept head (100 lines) must leave room for the tail. */
export const MIN_LOG_MAX_BYTES = 64 * 1024
/** The first lines of a run's log are never dropped (they say what ran and with which configuration). */
export const LOG_HEAD_LINES = 100

export interface StoreOptions {
  /** Seals the pipelines' entities; without it the store reads and writes no pipeline (MissingSecretKeyError). */
  box?: SecretBox | undefined
  /** Per-run log bound (bytes of UTF-8 text, one newline counted per line). */
  logMaxBytes?: number | undefined
}

/** Thrown by putPipeline (and any pipeline read) when no PIPELINE_SECRET_KEY was given. */
export class MissingSecretKeyError extends Error {
  constructor(
    message = 'PIPELINE_SECRET_KEY is not set: deployed pipelines hold the bot JWT and are stored encrypted with it. Set PIPELINE_SECRET_KEY (generate one with `openssl rand -base64 32`) and restart.',
  ) {
    super(message)
    this.name = 'MissingSecretKeyError'
  }
}

export function sealEntity(box: SecretBox | undefined, dagId: string, entity: Record<string, unknown>): string {
  if (!box) throw new MissingSecretKeyError()
  return box.seal(JSON.stringify(entity), `athena_pipelines:${dagId}`)
}

export interface PipelineRow {
  dag_id: string
  name: string
  fqn: string
  pipeline_type: string
  enabled: number | boolean
  entity_sealed: string
  deployed_at: number | string
  updated_at: number | string
}

export function rowToPipeline(box: SecretBox | undefined, row: PipelineRow): StoredPipeline {
  if (!box) throw new MissingSecretKeyError()
  return {
    dagId: row.dag_id,
    name: row.name,
    fqn: row.fqn,
    pipelineType: row.pipeline_type as PipelineKind,
    enabled: Boolean(row.enabled),
    entity: JSON.parse(box.open(row.entity_sealed, `athena_pipelines:${row.dag_id}`)) as Record<string, unknown>,
    deployedAt: Number(row.deployed_at),
    updatedAt: Number(row.updated_at),
  }
}

export interface RunRow {
  run_id: string
  dag_id: string
  state: string
  trigger_kind: string
  slot: number | string
  attempt: number | string
  queued_at: number | string
  started_at: number | string | null
  ended_at: number | string | null
  owner: string | null
  heartbeat_at: number | string | null
  kill_requested: number | boolean
  summary: string | null
  error: string | null
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v))

export function rowToRun(row: RunRow): StoredRun {
  return {
    runId: row.run_id,
    dagId: row.dag_id,
    state: row.state as RunState,
    trigger: row.trigger_kind as RunTrigger,
    slot: Number(row.slot),
    attempt: Number(row.attempt),
    queuedAt: Number(row.queued_at),
    startedAt: num(row.started_at),
    endedAt: num(row.ended_at),
    owner: row.owner,
    heartbeatAt: num(row.heartbeat_at),
    killRequested: Boolean(row.kill_requested),
    summary: row.summary === null ? null : (JSON.parse(row.summary) as unknown[]),
    error: row.error,
  }
}

/** The run columns, in insert order. */
export const RUN_COLUMNS = [
  'run_id',
  'dag_id',
  'state',
  'trigger_kind',
  'slot',
  'attempt',
  'queued_at',
  'started_at',
  'ended_at',
  'owner',
  'heartbeat_at',
  'kill_requested',
  'summary',
  'error',
] as const

/** Column values of a run, booleans as JS booleans (the SQLite store turns them into 0/1). */
export function runValues(run: StoredRun): unknown[] {
  return [
    run.runId,
    run.dagId,
    run.state,
    run.trigger,
    run.slot,
    run.attempt,
    run.queuedAt,
    run.startedAt,
    run.endedAt,
    run.owner,
    run.heartbeatAt,
    run.killRequested,
    run.summary === null ? null : JSON.stringify(run.summary),
    run.error,
  ]
}

const PATCH_COLUMNS: Record<keyof RunPatch, string> = {
  state: 'state',
  trigger: 'trigger_kind',
  slot: 'slot',
  attempt: 'attempt',
  queuedAt: 'queued_at',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  owner: 'owner',
  heartbeatAt: 'heartbeat_at',
  killRequested: 'kill_requested',
  summary: 'summary',
  error: 'error',
}

/** [column, value] pairs of the fields a patch sets (undefined fields are left alone; runId/dagId cannot change). */
export function patchColumns(patch: RunPatch): [string, unknown][] {
  const out: [string, unknown][] = []
  for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof RunPatch, string][]) {
    if (!Object.prototype.hasOwnProperty.call(patch, key)) continue
    const value = patch[key]
    if (value === undefined) continue
    out.push([column, key === 'summary' && value !== null ? JSON.stringify(value) : value])
  }
  return out
}

/** The longest line kept: 100 head lines of this size use at most half the bound, so the bound always holds. */
export function maxLineBytes(maxBytes: number): number {
  return Math.floor(maxBytes / (2 * LOG_HEAD_LINES))
}

const encoder = new TextEncoder()
const TRUNCATED = ' … (line truncated)'

/** A line as stored, and its size (UTF-8 bytes plus its newline). Over-long lines are cut on a character boundary. */
export function prepareLine(line: string, maxBytes: number): { line: string; bytes: number } {
  const limit = maxLineBytes(maxBytes)
  let bytes = Buffer.byteLength(line, 'utf8')
  if (bytes > limit) {
    const room = new Uint8Array(Math.max(0, limit - Buffer.byteLength(TRUNCATED, 'utf8')))
    const { read } = encoder.encodeInto(line, room)
    line = line.slice(0, read) + TRUNCATED
    bytes = Buffer.byteLength(line, 'utf8')
  }
  return { line, bytes: bytes + 1 }
}

export function droppedMarker(count: number): string {
  return `… ${count} earlier log line${count === 1 ? '' : 's'} dropped (PIPELINE_LOG_MAX_BYTES) …`
}

/** The log as read: the stored lines with the marker after the head when lines were dropped. */
export function withMarker(lines: string[], dropped: number): string[] {
  if (dropped <= 0) return lines
  return [...lines.slice(0, LOG_HEAD_LINES), droppedMarker(dropped), ...lines.slice(LOG_HEAD_LINES)]
}

/**
 * Selects, among the lines after the head, the oldest ones whose bytes cover `excess`: count, last seq, bytes freed.
 * Both databases run it (window functions). Placeholders: run id, head size, excess.
 */
export function dropQuery(p: (n: number) => string): string {
  return (
    'SELECT COUNT(*) AS n, MAX(seq) AS last_seq, COALESCE(SUM(bytes), 0) AS freed FROM (' +
    `SELECT seq, bytes, SUM(bytes) OVER (ORDER BY seq) AS cum FROM athena_pipeline_logs WHERE run_id = ${p(1)} AND seq > ${p(2)}` +
    `) tail WHERE cum - bytes < ${p(3)}`
  )
}

export function checkLogMaxBytes(value: number): number {
  if (!Number.isSafeInteger(value) || value < MIN_LOG_MAX_BYTES)
    throw new Error(`PIPELINE_LOG_MAX_BYTES must be a whole number of bytes, at least ${MIN_LOG_MAX_BYTES} (the default is ${DEFAULT_LOG_MAX_BYTES})`)
  return value
}
