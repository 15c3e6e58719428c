/**
 * Turning whatever the AWS SDK throws into a few kinds a user can act on. The SDK's service
 * exceptions carry the AWS error code as `name` and the HTTP status in `$metadata`; network
 * failures carry a Node `code` (ECONNREFUSED, ENOTFOUND, …) or the smithy TimeoutError.
 */
export type AwsErrorKind =
  | 'accessDenied'
  | 'expiredCredentials'
  | 'invalidCredentials'
  | 'missingCredentials'
  | 'throttled'
  | 'notFound'
  | 'invalidRequest'
  | 'unreachable'
  | 'timeout'
  | 'aborted'
  | 'server'
  /** The answer was larger than AWS_MAX_RESPONSE_BYTES (./response-cap.ts). */
  | 'responseTooLarge'
  /** A paged listing hit one of its bounds (./paging.ts). */
  | 'listingStopped'
  | 'unknown'

export interface ClassifiedAwsError {
  kind: AwsErrorKind
  /** The AWS error code (e.g. AccessDeniedException) or the Node error code. */
  code: string
  message: string
  httpStatus?: number
  /** The IAM action named by an access-denied message ("… not authorized to perform: glue:GetTables …"). */
  deniedAction?: string
}

const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'AuthorizationErrorException'])
const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired', 'TokenRefreshRequired'])
const INVALID_CREDS = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'IncompleteSignature', 'InvalidAccessKeyId'])
const MISSING_CREDS = new Set(['CredentialsProviderError', 'AssumeRoleNoCredentials'])
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown'])
const NOT_FOUND = new Set(['EntityNotFoundException', 'ResourceNotFoundException', 'MetadataException', 'NoSuchEntity'])
const INVALID_REQUEST = new Set(['InvalidRequestException', 'InvalidInputException', 'ValidationException', 'InvalidParameterValue'])
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ERR_INVALID_URL', 'EENDPOINTBLOCKED'])
const TIMEOUT = new Set(['TimeoutError', 'ETIMEDOUT', 'RequestTimeout', 'RequestTimeoutException'])

interface SdkLikeError {
  name?: string
  code?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
  $fault?: 'client' | 'server'
  cause?: unknown
}

export function classifyAwsError(err: unknown): ClassifiedAwsError {
  const e = (err ?? {}) as SdkLikeError
  const cause = (e.cause ?? {}) as SdkLikeError
  const code = (e.code && UNREACHABLE.has(e.code) ? e.code : undefined) ?? e.name ?? e.code ?? 'Error'
  const message = String(e.message ?? err)
  const httpStatus = e.$metadata?.httpStatusCode
  const out = (kind: AwsErrorKind): ClassifiedAwsError => ({
    kind,
    code,
    message,
    ...(httpStatus ? { httpStatus } : {}),
    ...(kind === 'accessDenied' ? deniedActionOf(message) : {}),
  })
  if (code === 'AbortError' || e.name === 'AbortError') return out('aborted')
  if (e.code === 'AwsResponseTooLarge') return { ...out('responseTooLarge'), code: e.code }
  if (e.code === 'ListingStopped') return { ...out('listingStopped'), code: e.code }
  if (ACCESS_DENIED.has(code)) return out('accessDenied')
  if (EXPIRED.has(code)) return out('expiredCredentials')
  if (INVALID_CREDS.has(code)) return out('invalidCredentials')
  if (MISSING_CREDS.has(code) || /could not load credentials/i.test(message)) return out('missingCredentials')
  if (THROTTLED.has(code)) return out('throttled')
  if (NOT_FOUND.has(code)) return out('notFound')
  if (INVALID_REQUEST.has(code)) return out('invalidRequest')
  if (TIMEOUT.has(code) || (cause.name && TIMEOUT.has(cause.name))) return out('timeout')
  if (UNREACHABLE.has(code) || (e.code && UNREACHABLE.has(e.code)) || (cause.code && UNREACHABLE.has(cause.code))) {
    return out('unreachable')
  }
  if (e.$fault === 'server' || (httpStatus !== undefined && httpStatus >= 500)) return out('server')
  return out('unknown')
}

function deniedActionOf(message: string): { deniedAction?: string } {
  const m = /perform:\s*([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)
  return m ? { deniedAction: m[1] } : {}
}

/** Removes every given secret from a text; secrets shorter than 4 characters are left (too common to scrub). */
export function scrubSecrets(text: string, secrets: Array<string | undefined>): string {
  let out = text
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***')
  return out
}
