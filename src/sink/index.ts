import { BadInputError } from '../errors.js'
import { checkEndpoint, type HostPattern } from '../security/endpoint-guard.js'
import type { SinkExtension } from './extension.js'
import { OmClient } from './om-client.js'
import type { OpenMetadataSinkSettings } from './settings.js'
import { checkServer, resolveTarget, type SinkRequest } from './target.js'
import { writeToOpenMetadata, type SinkFields } from './writer.js'

export type { SinkFields, SinkOutcome } from './writer.js'

export interface OpenMetadataSink {
  /** The server's version, as it answered /v1/system/version. */
  serverVersion: string
  /** Writes each record and yields it again with its outcome (see writer.ts). */
  write<R extends { kind: string; entity: unknown }>(records: AsyncIterable<R>): AsyncGenerator<R & SinkFields>
}

export interface PrepareSinkOptions {
  settings: OpenMetadataSinkSettings
  signal?: AbortSignal
  /** ENDPOINT_ALLOWLIST: hostPort is caller-provided, so the outbound guard applies to it as to endPointURL. */
  endpointAllowlist?: readonly HostPattern[]
  onFailure?: (name: string, error: string, httpStatus: number | null) => void
  /** Kinds beyond the catalog's, e.g. the query log's usage (usage-writer.ts). */
  extension?: SinkExtension
}

/**
 * The OpenMetadata sink of a request, or undefined when it has no workflowConfig/sink. Everything that can
 * refuse the request is checked here, before the ingest makes its first AWS call: the blocks (400 naming
 * the field), the outbound guard on hostPort (400), the server and the JWT (502/504, see checkServer).
 */
export async function prepareSink(body: SinkRequest, opts: PrepareSinkOptions): Promise<OpenMetadataSink | undefined> {
  const target = resolveTarget(body)
  if (!target) return undefined
  const verdict = await checkEndpoint(target.baseUrl, opts.endpointAllowlist ? { allowlist: opts.endpointAllowlist } : {})
  if (!verdict.ok) {
    throw new BadInputError(`body/workflowConfig/openMetadataServerConfig/hostPort is refused: ${verdict.reason}`)
  }
  const client = new OmClient(target, opts.settings, opts.signal)
  const serverVersion = await checkServer(client)
  return {
    serverVersion,
    write: (records) =>
      writeToOpenMetadata(records, client, {
        concurrency: opts.settings.concurrency,
        serverVersion,
        ...(body.serviceConnection?.config !== undefined ? { serviceConnection: body.serviceConnection.config } : {}),
        ...(opts.settings.listTimeLimitMs !== undefined ? { listTimeLimitMs: opts.settings.listTimeLimitMs } : {}),
        ...(opts.onFailure ? { onFailure: opts.onFailure } : {}),
        ...(opts.extension ? { extension: opts.extension } : {}),
      }),
  }
}
