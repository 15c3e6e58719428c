// SigV4 verification for the endpoint's strict-credentials mode (the sandbox): AWS checks the signature
// with the caller's secret key before anything else, and a wrong secret is refused with
// InvalidSignatureException (JSON protocols) or SignatureDoesNotMatch (Query protocol).
// Algorithm: AWS General Reference, "Create a signed AWS API request" (SigV4): canonical request →
// string to sign → HMAC chain over date, region, service → hex signature.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { AwsError } from './protocol.js'

interface ParsedAuthorization {
  accessKeyId: string
  scope: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const m = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/((\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(header.trim())
  if (!m) return undefined
  return { accessKeyId: m[1]!, scope: m[2]!, date: m[3]!, region: m[4]!, service: m[5]!, signedHeaders: m[6]!.split(';'), signature: m[7]! }
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest()

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

function canonicalQuery(search: URLSearchParams): string {
  return [...search.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

function headerValue(req: IncomingMessage, name: string): string {
  const v = req.headers[name]
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ')
}

/** The signature the request would carry if it had been signed with `secret`. */
export function expectedSignature(req: IncomingMessage, body: string, auth: ParsedAuthorization, secret: string): string {
  const url = new URL(req.url ?? '/', 'http://endpoint')
  // Non-S3 services sign the path URI-encoded twice; the path on the wire is encoded once.
  const path =
    url.pathname
      .split('/')
      .map((seg) => uriEncode(decodeURIComponent(seg)))
      .join('/') || '/'
  const payloadHash = headerValue(req, 'x-amz-content-sha256') || sha256(Buffer.from(body, 'utf8'))
  const canonicalRequest = [
    req.method ?? 'GET',
    path,
    canonicalQuery(url.searchParams),
    auth.signedHeaders.map((h) => `${h}:${headerValue(req, h)}\n`).join(''),
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n')
  const stringToSign = ['AWS4-HMAC-SHA256', headerValue(req, 'x-amz-date'), auth.scope, sha256(canonicalRequest)].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, auth.date), auth.region), auth.service), 'aws4_request')
  return hmac(key, stringToSign).toString('hex')
}

/**
 * Refuses a request whose key is unknown or whose signature was not made with the key's secret.
 * `secretOf` answers the secret of a long-term key or of a session the endpoint issued.
 */
export function verifySignature(req: IncomingMessage, body: string, protocol: 'json' | 'query', secretOf: (accessKeyId: string) => string | undefined): void {
  const auth = parseAuthorization(headerValue(req, 'authorization'))
  if (!auth) return // no or malformed signature: authenticate() answers MissingAuthenticationToken
  const secret = secretOf(auth.accessKeyId)
  if (secret === undefined) {
    throw protocol === 'json'
      ? new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400)
      : new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)
  }
  const expected = Buffer.from(expectedSignature(req, body, auth, secret), 'hex')
  if (!timingSafeEqual(expected, Buffer.from(auth.signature, 'hex'))) {
    const message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
    throw protocol === 'json' ? new AwsError('InvalidSignatureException', message, 400) : new AwsError('SignatureDoesNotMatch', message, 403)
  }
}
