import { buildApp } from './app.js'
import { warmUpSqlParser } from './lineage/sql-lineage.js'
import { loadConfig } from './config.js'
import { logProcessWarnings } from './logging.js'
import { closeGracefully, ShutdownError } from './shutdown.js'

/** Entry point: configuration from the environment, listen, and stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig()
  // The SQL grammar behind view lineage takes about a second to build on first use: pay it before
  // serving, not inside the first ingest, and before the load sampler starts (src/security/hardening.ts).
  warmUpSqlParser()
  const app = await buildApp({ config })
  logProcessWarnings(app.log)
  if (config.authTokens.length === 0) {
    app.log.warn(`AUTH_TOKEN is not set: /v1/*${config.metricsTokens.length === 0 ? ' and /metrics are' : ' is'} open to anyone who can reach this port`)
  } else if (config.authTokens.some((t) => t.length < 16)) {
    app.log.warn('AUTH_TOKEN holds a token shorter than 16 characters: use long random tokens (e.g. openssl rand -hex 32)')
  }
  if (config.metricsTokens.some((t) => t.length < 16)) {
    app.log.warn('METRICS_TOKEN holds a token shorter than 16 characters: use long random tokens (e.g. openssl rand -hex 32)')
  }
  if (config.endpointAllowlist.length === 0) {
    app.log.info('ENDPOINT_ALLOWLIST is not set: awsConfig.endPointURL may name any host except link-local / instance-metadata addresses')
  }
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) {
      // A second signal: stop waiting for the grace period.
      app.log.warn({ signal }, 'second signal: cutting running requests now')
      app.shutdown.cut(new ShutdownError('a second signal asked to stop at once'))
      return
    }
    closing = true
    app.log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: no new connections; running requests have the grace period to finish')
    closeGracefully(app, { graceMs: config.shutdownGraceMs }).then(
      () => {
        app.log.info('shut down')
        process.exit(0)
      },
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  await app.listen({ port: config.port, host: config.host })
}

main().catch((err: unknown) => {
  // eslint-disable-next-line no-console -- there may be no logger yet (the configuration failed to load): one line shaped like pino's
  console.error(JSON.stringify({ level: 'fatal', msg: 'failed to start', err: String(err) }))
  process.exit(1)
})
