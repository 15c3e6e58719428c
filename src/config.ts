/** Service configuration, read from the environment only (DESIGN.md §1). */
export interface AwsCallSettings {
  /** Total attempts per AWS call, first try included (SDK standard retry mode). */
  maxAttempts: number
  /** Socket-level timeout for one AWS HTTP request. */
  requestTimeoutMs: number
  connectionTimeoutMs: number
  /** How long test-connection waits for `SELECT 1` to reach a final state. */
  queryWaitMs: number
}

export interface ServiceConfig {
  port: number
  host: string
  logLevel: string
  authTokens: string[]
  aws: AwsCallSettings
  /** How often a running ingest logs its progress. */
  progressIntervalMs: number
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

export function defaultAwsSettings(): AwsCallSettings {
  return { maxAttempts: 6, requestTimeoutMs: 20_000, connectionTimeoutMs: 5_000, queryWaitMs: 30_000 }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const aws = defaultAwsSettings()
  return {
    port: intFromEnv(env, 'PORT', 8080),
    host: env.HOST || '0.0.0.0',
    logLevel: env.LOG_LEVEL || 'info',
    authTokens: (env.AUTH_TOKEN ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    progressIntervalMs: intFromEnv(env, 'PROGRESS_INTERVAL_MS', 10_000, 1),
    aws: {
      maxAttempts: intFromEnv(env, 'AWS_MAX_ATTEMPTS', aws.maxAttempts, 1),
      requestTimeoutMs: intFromEnv(env, 'AWS_REQUEST_TIMEOUT_MS', aws.requestTimeoutMs, 1),
      connectionTimeoutMs: intFromEnv(env, 'AWS_CONNECT_TIMEOUT_MS', aws.connectionTimeoutMs, 1),
      queryWaitMs: intFromEnv(env, 'ATHENA_QUERY_WAIT_MS', aws.queryWaitMs, 1),
    },
  }
}
