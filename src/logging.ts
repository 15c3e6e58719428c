import type { LoggerOptions } from 'pino'

/**
 * Paths pino censors. Bodies are not logged, but an error or a debug line may carry a connection:
 * every nesting depth at which awsConfig can appear in our inputs is listed (pino's wildcard spans
 * one level only).
 */
const SECRET_KEYS = ['awsSecretAccessKey', 'awsSessionToken', 'jwtToken', 'password', 'accessToken', 'token', 'secret']
const PREFIXES = ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.', '*.*.*.*.*.']

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  ...PREFIXES.flatMap((p) => SECRET_KEYS.map((k) => `${p}${k}`)),
]

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  }
}
