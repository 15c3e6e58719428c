import type { Logger, LoggerOptions } from 'pino'
import { pathOfTarget } from './request-target.js'

/**
 * Paths pino censors. Bodies are not logged, but an error or a debug line may carry a connection:
 * every nesting depth at which awsConfig can appear in our inputs is listed (pino's wildcard spans
 * one level only).
 */
const SECRET_KEYS = ['awsSecretAccessKey', 'awsSessionToken', 'jwtToken', 'password', 'accessToken', 'token', 'secret']
const PREFIXES = ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.', '*.*.*.*.*.']

export const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', ...PREFIXES.flatMap((p) => SECRET_KEYS.map((k) => `${p}${k}`))]

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // Fastify's own request serializer logs the whole target, query (?token=…) included: the path only.
    // (Fastify merges a logger instance's serializers over its own.)
    serializers: {
      req: (req: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
        method: req.method,
        url: pathOfTarget(req.url ?? ''),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  }
}

/**
 * Node's process warnings (e.g. the AWS SDK's multi-line NodeVersionSupportWarning) go through the logger as one
 * JSON line each, instead of Node's default plain-text block on stderr: every line the service writes is JSON.
 */
export function logProcessWarnings(log: Pick<Logger, 'warn'>): void {
  process.removeAllListeners('warning')
  process.on('warning', (warning: Error & { code?: string }) => {
    log.warn({ warning: { name: warning.name, ...(warning.code ? { code: warning.code } : {}) } }, warning.message.replace(/\s*\n\s*/g, ' ').trim())
  })
}
