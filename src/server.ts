import { buildApp } from './app.js'
import { loadConfig } from './config.js'

/** Entry point: configuration from the environment, listen, and stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig()
  const app = await buildApp({ config })
  if (config.authTokens.length === 0) {
    app.log.warn('AUTH_TOKEN is not set: /v1/* is open to anyone who can reach this port')
  }
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    app.close().then(
      () => process.exit(0),
      (err: unknown) => { app.log.error({ err }, 'shutdown failed'); process.exit(1) },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  await app.listen({ port: config.port, host: config.host })
}

main().catch((err: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', msg: 'failed to start', err: String(err) }))
  process.exit(1)
})
