import type { FastifyReply } from 'fastify'

/**
 * An AbortSignal that fires when the client goes away before the answer is complete, so the
 * service stops its AWS calls. (The response's 'close' is the reliable event: the request's own
 * 'close' fires as soon as the body has been read.) It also fires when a shutdown's grace period is
 * over (the app's `shutdown.signal`, reason a ShutdownError): an ingest stream then ends with a
 * status line saying it was cut.
 */
export function abortOnClientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController()
  const shutdown = (reply.server as { shutdown?: { signal: AbortSignal } }).shutdown?.signal
  const onShutdown = () => controller.abort(shutdown!.reason)
  if (shutdown?.aborted) onShutdown()
  else shutdown?.addEventListener('abort', onShutdown, { once: true })
  reply.raw.on('close', () => {
    shutdown?.removeEventListener('abort', onShutdown)
    if (!reply.raw.writableFinished) controller.abort(new Error('client closed the connection'))
  })
  return controller.signal
}
