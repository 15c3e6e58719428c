/**
 * How record kinds beyond the catalog's reach the OpenMetadata sink (writer.ts): an extension writes the
 * kinds it handles with the sink's own client, bound on writes in flight, id resolution and step
 * status, so its calls and failures are counted and reported like every other write.
 */
import type { OmClient, OmRequest, OmResponse } from './om-client.js'
import type { SinkOutcome } from './writer.js'

export interface SinkContext {
  client: OmClient
  /** Runs a task within the sink's bound on calls in flight. Never nest: a task must not wait on another `limit`. */
  limit<T>(task: () => Promise<T>): Promise<T>
  /** One call; a server that does not answer comes back as a failed outcome (already counted). */
  send(name: string, method: string, path: string, req?: OmRequest): Promise<OmResponse | SinkOutcome>
  /** Counts a failure in the sink's status (name: the asset) and logs it; returns the failed outcome. */
  fail(name: string, httpStatus: number | null, error: string): SinkOutcome
  /** Counts a record written. */
  written(): void
  /** The server's message for a non-2xx answer, without the JWT. */
  message(res: OmResponse): string
}

export interface SinkExtension {
  handles(kind: string): boolean
  write(record: { kind: string; entity: unknown }, ctx: SinkContext): Promise<SinkOutcome>
  /** Called once every write settled, before the status line (e.g. a computation over everything written). */
  finish?(ctx: SinkContext): Promise<void>
}
