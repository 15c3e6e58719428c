// Who is calling: long-term keys map to an IAM user, keys issued by AssumeRole to the assumed role.
import { createHash, randomBytes } from 'node:crypto'
import type { Catalog } from '../catalog.js'
import { AwsError } from './protocol.js'

export interface IssuedSession {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiresAt: number
  roleArn: string
  roleName: string
  account: string
  sessionName: string
  sourceIdentity?: string
  roleId: string
}

export interface Principal {
  arn: string
  userId: string
  account: string
}

/** Deterministic pseudo-random upper-case id characters from a seed (AIDA…/AROA… style ids). */
export function idFrom(prefix: string, seed: string, length = 21): string {
  const hex = createHash('sha256').update(seed).digest()
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let out = prefix
  for (let i = 0; out.length < length; i++) out += alphabet[hex[i % hex.length]! % alphabet.length]
  return out
}

export class Identities {
  readonly sessions = new Map<string, IssuedSession>()

  issue(opts: { roleArn: string; sessionName: string; sourceIdentity?: string; durationSeconds: number }): IssuedSession {
    const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(opts.roleArn)
    const account = m?.[1] ?? '123456789012'
    const roleName = m?.[2] ?? opts.roleArn.split('/').pop() ?? 'role'
    const accessKeyId = idFrom('ASIA', randomBytes(16).toString('hex'), 20)
    const session: IssuedSession = {
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64').slice(0, 40),
      sessionToken: 'IQoJb3JpZ2luX2VjE' + randomBytes(96).toString('base64'),
      expiresAt: Date.now() + opts.durationSeconds * 1000,
      roleArn: opts.roleArn,
      roleName,
      account,
      sessionName: opts.sessionName,
      roleId: idFrom('AROA', opts.roleArn),
      ...(opts.sourceIdentity !== undefined ? { sourceIdentity: opts.sourceIdentity } : {}),
    }
    this.sessions.set(accessKeyId, session)
    return session
  }

  principal(catalog: Catalog, accessKeyId: string | undefined): Principal {
    const s = accessKeyId ? this.sessions.get(accessKeyId) : undefined
    if (s) {
      return { arn: `arn:aws:sts::${s.account}:assumed-role/${s.roleName}/${s.sessionName}`, userId: `${s.roleId}:${s.sessionName}`, account: s.account }
    }
    return { arn: `arn:aws:iam::${catalog.accountId}:user/test`, userId: idFrom('AIDA', accessKeyId ?? 'anonymous'), account: catalog.accountId }
  }

  /**
   * Authentication as AWS does it before anything else: no signature → MissingAuthenticationToken;
   * a key marked expired (or an issued session past its Expiration) → expired token; a key marked
   * invalid → unrecognised client. `protocol` picks the codes each protocol uses.
   */
  authenticate(catalog: Catalog, accessKeyId: string | undefined, protocol: 'json' | 'query'): void {
    if (!accessKeyId) throw missingAuthentication(protocol)
    const mark = catalog.accessKeys?.[accessKeyId]
    const session = this.sessions.get(accessKeyId)
    if (mark === 'expired' || (session && session.expiresAt < Date.now())) throw expiredToken(protocol)
    if (mark === 'invalid') throw invalidToken(protocol)
  }
}

export function missingAuthentication(protocol: 'json' | 'query'): AwsError {
  return protocol === 'json'
    ? new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400)
    : new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
}

export function expiredToken(protocol: 'json' | 'query'): AwsError {
  return protocol === 'json'
    ? new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 400)
    : new AwsError('ExpiredToken', 'The security token included in the request is expired', 400)
}

export function invalidToken(protocol: 'json' | 'query'): AwsError {
  return protocol === 'json'
    ? new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400)
    : new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)
}
