import type { FastifyReply } from 'fastify'

/**
 * An AbortSignal that fires when the client goes away before the answer is complete, so the
 * service stops its AWS calls. (The response's 'close' is the reliable event: the request's own
 * 'close' fires as soon as the body has been read.)
 */
export function abortOnClientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController()
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client closed the connection'))
  })
  return controller.signal
}
