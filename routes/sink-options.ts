import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { PrepareSinkOptions } from '../src/sink/index.js'

/** The OpenMetadata sink's options for a request: the service's settings, the request's signal and log. */
export function sinkOptions(app: FastifyInstance, log: FastifyBaseLogger, signal: AbortSignal): PrepareSinkOptions {
  return {
    settings: app.serviceConfig.openMetadataSink,
    signal,
    endpointAllowlist: app.serviceConfig.endpointAllowlist,
    onFailure: (entity, error, httpStatus) => log.warn({ entity, httpStatus, error }, 'OpenMetadata sink: not written'),
  }
}
