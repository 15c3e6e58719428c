/**
 * The ingestion-pipeline part of the fake OpenMetadata server: what a pipeline run calls, answered as the real
 * server's IngestionPipelineResource answers it.
 *  - `GET /api/v1/services/ingestionPipelines/name/<fqn>`: the pipeline entity (seeded with `addPipeline`);
 *  - `PUT /api/v1/services/ingestionPipelines/<fqn>/pipelineStatus`: the body must be a valid PipelineStatus
 *    (ingestionPipeline.json#/definitions/pipelineStatus, 400 otherwise), the pipeline must exist (404); the status
 *    is stored by runId (a later PUT of the same runId replaces it, as the server's time series does) and every PUT
 *    is kept in order in `statusPuts`;
 *  - `GET /api/v1/services/ingestionPipelines/<fqn>/pipelineStatus/<runId>`.
 */
import { validateOm } from './om-spec.js'

export interface FakePipelinesApi {
  pipelines: Map<string, Record<string, any>>
  /** fqn → runId → the last status stored for it. */
  statuses: Map<string, Map<string, Record<string, any>>>
  /** Every PUT pipelineStatus, in arrival order. */
  statusPuts: Array<{ fqn: string; body: Record<string, any> }>
}

export function createFakePipelinesApi(): FakePipelinesApi {
  return { pipelines: new Map(), statuses: new Map(), statusPuts: [] }
}

type Answer = [number, unknown]

export function handlePipelinesApi(api: FakePipelinesApi, error: (status: number, message: string) => Error, method: string, rest: string, body: unknown): Answer | undefined {
  const byName = /^services\/ingestionPipelines\/name\/([^/]+)$/.exec(rest)
  if (byName && method === 'GET') {
    const fqn = decodeURIComponent(byName[1]!)
    const found = api.pipelines.get(fqn)
    if (!found) throw error(404, `ingestionPipeline instance for ${fqn} not found`)
    return [200, found]
  }
  const status = /^services\/ingestionPipelines\/([^/]+)\/pipelineStatus(?:\/([^/]+))?$/.exec(rest)
  if (!status) return undefined
  const fqn = decodeURIComponent(status[1]!)
  if (!api.pipelines.has(fqn)) throw error(404, `ingestionPipeline instance for ${fqn} not found`)
  if (method === 'PUT' && status[2] === undefined) {
    const v = validateOm('entity/services/ingestionPipelines/ingestionPipeline.json#/definitions/pipelineStatus', body)
    if (!v.valid) throw error(400, `[${v.errors}]`)
    const s = body as Record<string, any>
    const runs = api.statuses.get(fqn) ?? new Map<string, Record<string, any>>()
    runs.set(s.runId as string, s)
    api.statuses.set(fqn, runs)
    api.statusPuts.push({ fqn, body: s })
    return [200, {}]
  }
  if (method === 'GET' && status[2] !== undefined) {
    const found = api.statuses.get(fqn)?.get(decodeURIComponent(status[2]))
    if (!found) throw error(404, `pipelineStatus ${status[2]} of ${fqn} not found`)
    return [200, found]
  }
  return undefined
}
