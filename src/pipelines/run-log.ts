/**
 * A run's own log: every line a run writes goes to the process log (with the pipeline and run id, for the
 * operator) and to the run's log in the store (for OpenMetadata's "logs" button, last_dag_logs). Lines are
 * buffered and flushed in batches; the store bounds each run's log (PIPELINE_LOG_MAX_BYTES). Every line is
 * scrubbed of the secrets the run knows (the bot JWT, the AWS keys of the fetched connection).
 */
import { scrubSecrets } from '../aws/errors.js'
import type { PipelineStore } from './types.js'

export interface ProcessLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

type Level = 'INFO' | 'WARNING' | 'ERROR'

const FLUSH_EVERY_MS = 500
const FLUSH_AT_LINES = 200

export class RunLog {
  private buffer: string[] = []
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> = Promise.resolve()
  private readonly secrets: string[] = []

  constructor(
    private readonly store: PipelineStore,
    private readonly runId: string,
    private readonly processLog: ProcessLog,
    private readonly context: Record<string, unknown>,
  ) {}

  /** Values never to be written (added as the run learns them). */
  addSecrets(...values: Array<string | undefined>): void {
    for (const v of values) if (v && v.length >= 4) this.secrets.push(v)
  }

  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('INFO', msg, fields)
  }

  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('WARNING', msg, fields)
  }

  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('ERROR', msg, fields)
  }

  private write(level: Level, msg: string, fields: Record<string, unknown>): void {
    const detail = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''
    const line = scrubSecrets(`[${new Date().toISOString()}] ${level} ${msg}${detail}`, this.secrets)
    this.buffer.push(line)
    const scrubbedFields = JSON.parse(scrubSecrets(JSON.stringify(fields), this.secrets)) as Record<string, unknown>
    const obj = { ...this.context, ...scrubbedFields }
    const text = scrubSecrets(msg, this.secrets)
    if (level === 'INFO') this.processLog.info(obj, text)
    else if (level === 'WARNING') this.processLog.warn(obj, text)
    else this.processLog.error(obj, text)
    if (this.buffer.length >= FLUSH_AT_LINES) void this.flush()
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS).unref()
  }

  /** Writes what is buffered; resolves when the store has it. Never throws (a store failure is logged). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const lines = this.buffer
    this.buffer = []
    this.flushing = this.flushing.then(async () => {
      if (lines.length === 0) return
      try {
        await this.store.appendLog(this.runId, lines)
      } catch (err) {
        this.processLog.warn({ ...this.context, error: (err as Error).message }, 'could not store run log lines')
      }
    })
    return this.flushing
  }
}
