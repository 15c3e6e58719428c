import { VERSION } from '../version.js'

/** The pipeline-service API that OpenMetadata's server calls to run test connections, from the environment. */
export interface AutomationSettings {
  /** Where the API lives (AUTOMATION_PREFIX, default /api/v1/openmetadata: the path OpenMetadata's Airflow client probes last). */
  prefix: string
  /** Basic-auth credentials OpenMetadata sends (its AIRFLOW_USERNAME / AIRFLOW_PASSWORD); both unset: API disabled. */
  username?: string
  password?: string
  /** The version the health answers report; OpenMetadata compares its x.y.z with its own (AUTOMATION_REPORTED_VERSION). */
  reportedVersion: string
}

export const DEFAULT_AUTOMATION_PREFIX = '/api/v1/openmetadata'

export function loadAutomationSettings(env: NodeJS.ProcessEnv = process.env): AutomationSettings {
  const prefix = (env.AUTOMATION_PREFIX || DEFAULT_AUTOMATION_PREFIX).replace(/\/+$/, '')
  if (!/^(\/[\w.~-]+)+$/.test(prefix)) {
    throw new Error(`AUTOMATION_PREFIX must be a path such as /api/v1/openmetadata, got "${env.AUTOMATION_PREFIX}"`)
  }
  if (prefix === '/v1' || prefix.startsWith('/v1/')) {
    throw new Error(`AUTOMATION_PREFIX must not be under /v1/ (those routes take AUTH_TOKEN bearer tokens; the automation API takes Basic auth), got "${prefix}"`)
  }
  const username = env.AUTOMATION_USERNAME || undefined
  const password = env.AUTOMATION_PASSWORD || undefined
  if (Boolean(username) !== Boolean(password)) {
    throw new Error('AUTOMATION_USERNAME and AUTOMATION_PASSWORD go together: set both (to enable the automation API) or neither')
  }
  return {
    prefix,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    reportedVersion: env.AUTOMATION_REPORTED_VERSION || VERSION,
  }
}
