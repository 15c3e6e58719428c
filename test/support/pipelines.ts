/**
 * Deployed-pipeline test support: the IngestionPipeline entity as OpenMetadata's server serialises it for
 * AirflowRESTClient.deployPipeline (valid against entity/services/ingestionPipelines/ingestionPipeline.json),
 * its Athena service seeded in the fake OpenMetadata server, and OpenMetadata's calls to this service.
 */
import { randomUUID } from 'node:crypto'
import type { PipelineSettings } from '../../src/pipelines/settings.js'
import type { FakeOm } from './fake-om.js'

export const PREFIX = '/api/v1/openmetadata'
export const USER = 'admin'
export const PASSWORD = 'pipeline-client-password-7d1e'
export const AUTOMATION = { prefix: PREFIX, username: USER, password: PASSWORD, reportedVersion: '1.9.4' }
/** A PIPELINE_SECRET_KEY for tests (32 bytes, base64). */
export const TEST_PIPELINE_KEY = Buffer.alloc(32, 7).toString('base64')
export const basic = (user = USER, password = PASSWORD) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

export type Kind = 'metadata' | 'usage' | 'lineage'

const SOURCE_CONFIG: Record<Kind, Record<string, unknown>> = {
  metadata: { type: 'DatabaseMetadata', markDeletedTables: true, includeTables: true, includeViews: true },
  usage: { type: 'DatabaseUsage', queryLogDuration: 1, resultLimit: 1000 },
  lineage: { type: 'DatabaseLineage', queryLogDuration: 1, resultLimit: 1000 },
}

/** Seeds the Athena database service (with its connection) in the fake OpenMetadata server. */
export function seedAthenaService(om: FakeOm, name: string, connection: Record<string, unknown>) {
  return om.seed('databaseService', { name, serviceType: 'Athena', connection: { config: connection } })
}

export interface PipelineOptions {
  name?: string
  kind?: Kind
  service: string
  schedule?: string | null
  airflowConfig?: Record<string, unknown>
  sourceConfig?: Record<string, unknown>
  jwt?: string
}

/** The IngestionPipeline entity OpenMetadata deploys; also registered in the fake server (where statuses go). */
export function ingestionPipeline(om: FakeOm, opts: PipelineOptions): Record<string, any> {
  const kind = opts.kind ?? 'metadata'
  const name = opts.name ?? `${opts.service}_${kind}_${randomUUID().slice(0, 8)}`
  const entity = {
    id: randomUUID(),
    name,
    displayName: name,
    pipelineType: kind,
    fullyQualifiedName: `${opts.service}.${name}`,
    sourceConfig: { config: { ...SOURCE_CONFIG[kind], ...opts.sourceConfig } },
    openMetadataServerConnection: {
      clusterName: 'openmetadata',
      type: 'OpenMetadata',
      hostPort: om.url,
      authProvider: 'openmetadata',
      verifySSL: 'no-ssl',
      securityConfig: { jwtToken: opts.jwt ?? om.token },
      secretsManagerProvider: 'db',
      secretsManagerLoader: 'noop',
      apiVersion: 'v1',
      includeTopics: true,
      enableVersionValidation: true,
    },
    airflowConfig: {
      pausePipeline: false,
      concurrency: 1,
      pipelineTimezone: 'UTC',
      retries: 0,
      retryDelay: 300,
      pipelineCatchup: false,
      ...(opts.schedule !== undefined ? { scheduleInterval: opts.schedule } : {}),
      maxActiveRuns: 1,
      workflowDefaultView: 'tree',
      workflowDefaultViewOrientation: 'LR',
      ...opts.airflowConfig,
    },
    service: { id: randomUUID(), type: 'databaseService', name: opts.service, fullyQualifiedName: opts.service, deleted: false },
    loggerLevel: 'INFO',
    deployed: false,
    enabled: true,
    version: 0.1,
    updatedAt: Date.now(),
    updatedBy: 'admin',
    href: `${om.url}/v1/services/ingestionPipelines/${randomUUID()}`,
    deleted: false,
  }
  om.pipelinesApi.pipelines.set(entity.fullyQualifiedName, entity)
  return entity
}

/** Polls until `check` answers something truthy (or fails after `timeoutMs`). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Pipeline settings for an in-process app: a SQLite file of the test's, the test key, quick heartbeats. */
export function pipelineSettings(sqlitePath: string, overrides: Partial<PipelineSettings> = {}): PipelineSettings {
  return {
    sqlitePath,
    secretKey: TEST_PIPELINE_KEY,
    logMaxBytes: 1024 * 1024,
    concurrency: 2,
    heartbeatMs: 200,
    staleAfterMs: 1_000,
    syncIntervalMs: 500,
    ...overrides,
  }
}

interface Injector {
  inject(opts: { method: string; url: string; payload?: object; headers?: Record<string, string> }): Promise<{ statusCode: number; body: string; json(): any }>
}

/** OpenMetadata's AirflowRESTClient calls, against an app (inject) — Basic auth as the server sends it. */
export function pipelineClient(app: Injector, authorization: string | null = basic()) {
  const headers: Record<string, string> = authorization ? { authorization } : {}
  const q = (o: Record<string, string | undefined>) =>
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
      .join('&')
  return {
    deploy: (entity: object) => app.inject({ method: 'POST', url: `${PREFIX}/deploy`, payload: entity, headers }),
    trigger: (dagId: string) => app.inject({ method: 'POST', url: `${PREFIX}/trigger`, payload: { dag_id: dagId }, headers }),
    status: (dagId: string, onlyQueued = false) => app.inject({ method: 'GET', url: `${PREFIX}/status?${q({ dag_id: dagId, only_queued: onlyQueued ? 'true' : undefined })}`, headers }),
    enable: (dagId: string) => app.inject({ method: 'POST', url: `${PREFIX}/enable`, payload: { dag_id: dagId }, headers }),
    disable: (dagId: string) => app.inject({ method: 'POST', url: `${PREFIX}/disable`, payload: { dag_id: dagId }, headers }),
    kill: (dagId: string) => app.inject({ method: 'POST', url: `${PREFIX}/kill`, payload: { dag_id: dagId }, headers }),
    delete: (dagId: string) => app.inject({ method: 'DELETE', url: `${PREFIX}/delete?${q({ dag_id: dagId })}`, headers }),
    logs: (dagId: string, taskId: string, after?: number) =>
      app.inject({ method: 'GET', url: `${PREFIX}/last_dag_logs?${q({ dag_id: dagId, task_id: taskId, after: after === undefined ? undefined : String(after) })}`, headers }),
    ip: () => app.inject({ method: 'GET', url: `${PREFIX}/ip`, headers }),
    healthAuth: () => app.inject({ method: 'GET', url: `${PREFIX}/health-auth`, headers }),
  }
}

/** Waits until the pipeline's newest run is in a final state; answers the status list. */
export async function waitForFinalRun(client: ReturnType<typeof pipelineClient>, dagId: string, runs = 1, timeoutMs = 60_000): Promise<any[]> {
  return waitFor(
    `${runs} finished run(s) of ${dagId}`,
    async () => {
      const res = await client.status(dagId)
      if (res.statusCode !== 200) throw new Error(`status answered ${res.statusCode}: ${res.body}`)
      const list = res.json() as Array<{ pipelineState: string }>
      const done = list.filter((s) => ['success', 'partialSuccess', 'failed'].includes(s.pipelineState))
      return done.length >= runs && list.every((s) => s.pipelineState !== 'running' && s.pipelineState !== 'queued') ? list : undefined
    },
    timeoutMs,
    150,
  )
}

/** OpenMetadata's calls over HTTP to a listening service (a real process): `call(method, path below the prefix, body?)`. */
export function pipelineHttp(base: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${base}${PREFIX}/${path}`, {
      method,
      headers: { authorization: basic(), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    return { status: res.status, json: (await res.json()) as any }
  }
}

/** Waits until a process's pipeline has `runs` runs, none queued or running; answers its status list (newest first). */
export function waitForRunsOver(call: ReturnType<typeof pipelineHttp>, dagId: string, runs: number, timeoutMs = 60_000): Promise<any[]> {
  return waitFor(
    `${runs} finished runs of ${dagId}`,
    async () => {
      const list = (await call('GET', `status?dag_id=${dagId}`)).json as any[]
      return list.length === runs && list.every((s) => !['queued', 'running'].includes(s.pipelineState)) ? list : undefined
    },
    timeoutMs,
    200,
  )
}
