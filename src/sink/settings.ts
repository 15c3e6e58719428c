import { DEFAULT_OM_MAX_RESPONSE_BYTES, type OmClientSettings } from './om-client.js'

/**
 * Settings of the OpenMetadata sink (a request's workflowConfig), from the environment; run_automation's
 * calls back to OpenMetadata use them too.
 */
export interface OpenMetadataSinkSettings extends OmClientSettings {
  /** Writes in flight at once per ingest (OM_SINK_CONCURRENCY). */
  concurrency: number
  /** Attempts per call on 429 / 5xx / network failures, first try included (OM_SINK_MAX_ATTEMPTS). */
  maxAttempts: number
  /** Timeout of one HTTP attempt (OM_SINK_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number
  /** First back-off delay, doubled per retry, full jitter (OM_SINK_RETRY_BASE_MS). */
  retryBaseMs: number
  /** Cap on one delay, the server's Retry-After included (OM_SINK_MAX_RETRY_DELAY_MS). */
  maxRetryDelayMs: number
  /** Largest answer body read from the server; more fails the call (OM_MAX_RESPONSE_BYTES, default 16 MiB). */
  maxResponseBytes?: number
  /** Time limit of one paged listing against the server (OM_SINK_LIST_TIME_LIMIT_MS). */
  listTimeLimitMs?: number
}

export function defaultOpenMetadataSinkSettings(): OpenMetadataSinkSettings {
  return { concurrency: 8, maxAttempts: 4, requestTimeoutMs: 30_000, retryBaseMs: 500, maxRetryDelayMs: 30_000, maxResponseBytes: DEFAULT_OM_MAX_RESPONSE_BYTES, listTimeLimitMs: 120_000 }
}

export function loadOpenMetadataSinkSettings(env: NodeJS.ProcessEnv = process.env): OpenMetadataSinkSettings {
  const d = defaultOpenMetadataSinkSettings()
  return {
    concurrency: positiveInt(env, 'OM_SINK_CONCURRENCY', d.concurrency, 1, 64),
    maxAttempts: positiveInt(env, 'OM_SINK_MAX_ATTEMPTS', d.maxAttempts, 1, 20),
    requestTimeoutMs: positiveInt(env, 'OM_SINK_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 1),
    retryBaseMs: positiveInt(env, 'OM_SINK_RETRY_BASE_MS', d.retryBaseMs, 0),
    maxRetryDelayMs: positiveInt(env, 'OM_SINK_MAX_RETRY_DELAY_MS', d.maxRetryDelayMs, 0),
    // At least 64 KiB: below that, ordinary entities would not fit.
    maxResponseBytes: positiveInt(env, 'OM_MAX_RESPONSE_BYTES', DEFAULT_OM_MAX_RESPONSE_BYTES, 65_536),
    listTimeLimitMs: positiveInt(env, 'OM_SINK_LIST_TIME_LIMIT_MS', d.listTimeLimitMs!, 1),
  }
}

export function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got "${raw}"`)
  }
  return value
}
