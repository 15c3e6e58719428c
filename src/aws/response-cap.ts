/**
 * A bound on the size of any one AWS answer. The SDK reads a whole answer into memory before it
 * deserializes it, so an endpoint (a caller-chosen endPointURL) that answers 150 MB grows the process
 * by several times that. Every client's transport is wrapped: an answer that declares a larger
 * Content-Length fails before a byte is read, and any other stops — its socket closed — as soon as
 * more than the cap has arrived. The failure names the operation and AWS_MAX_RESPONSE_BYTES.
 */
import { pipeline, Transform, type Readable } from 'node:stream'
import type { NodeHttpHandler } from '@smithy/node-http-handler'

/** A real Glue GetTables page of 100 wide tables is a few MB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024

type Request = Parameters<NodeHttpHandler['handle']>[0]
type Handler = Pick<NodeHttpHandler, 'metadata' | 'handle' | 'updateHttpClientConfig' | 'httpHandlerConfigs' | 'destroy'>

export class AwsResponseTooLargeError extends Error {
  readonly code = 'AwsResponseTooLarge'
  /**
   * Present so the SDK's deserializer leaves the error as it is: without it, it would append a hint to
   * the message and copy the answer's HTTP status here, and a 5xx status makes the retry strategy
   * fetch the same oversized answer again.
   */
  readonly $metadata = {}
  constructor(
    readonly operation: string,
    readonly limit: number,
  ) {
    super(`${operation} answered more than ${limit} bytes (AWS_MAX_RESPONSE_BYTES)`)
    this.name = 'AwsResponseTooLargeError'
  }
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v
  return undefined
}

/** `glue:GetDatabases`: JSON 1.1 names the action in X-Amz-Target, the Query protocol in its form, REST-JSON in its path. */
export function operationOf(service: string, request: Request): string {
  const target = header(request.headers, 'x-amz-target')
  if (target) return `${service}:${target.slice(target.indexOf('.') + 1)}`
  if (typeof request.body === 'string') {
    const action = new URLSearchParams(request.body).get('Action')
    if (action) return `${service}:${action}`
  }
  return `${service}:${request.path.split('/').filter(Boolean).pop() ?? ''}`
}

function capped(body: Readable, limit: number, operation: () => string): Readable {
  let seen = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length
      if (seen > limit) done(new AwsResponseTooLargeError(operation(), limit))
      else done(null, chunk)
    },
  })
  // On the error pipeline destroys the socket's stream too: the rest of the answer is never read.
  pipeline(body, counter, () => {})
  return counter
}

/** `inner`'s transport for one service's client, every answer capped at `limit` bytes. */
export function cappedHandler(inner: NodeHttpHandler, service: string, limit: number): Handler {
  return {
    metadata: inner.metadata,
    async handle(request, options) {
      const out = await inner.handle(request, options)
      const { response } = out
      const operation = () => operationOf(service, request)
      const body = response.body as Readable | undefined
      if (Number(header(response.headers, 'content-length') ?? 0) > limit) {
        body?.destroy()
        throw new AwsResponseTooLargeError(operation(), limit)
      }
      if (body && typeof body.pipe === 'function') response.body = capped(body, limit, operation)
      return out
    },
    updateHttpClientConfig: (key, value) => inner.updateHttpClientConfig(key, value),
    httpHandlerConfigs: () => inner.httpHandlerConfigs(),
    destroy: () => inner.destroy(),
  }
}
