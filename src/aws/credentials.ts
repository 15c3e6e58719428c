import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts'
import { fromIni } from '@aws-sdk/credential-providers'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types'
import type { AwsCredentialsT } from '../../schemas/athena-connection.js'

export type CredentialSource = 'static' | 'profile' | 'default-chain'

/** How the base credentials of a connection are obtained, before any assume-role. */
export function credentialSource(aws: AwsCredentialsT): CredentialSource {
  if (aws.awsAccessKeyId && aws.awsSecretAccessKey) return 'static'
  if (aws.profileName) return 'profile'
  return 'default-chain'
}

/**
 * The base credentials: static keys (with optional session token), a named profile from the
 * shared files (the SDK honours AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE), or undefined so
 * that the SDK's default provider chain applies.
 */
export function baseCredentials(aws: AwsCredentialsT): AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined {
  switch (credentialSource(aws)) {
    case 'static':
      return {
        accessKeyId: aws.awsAccessKeyId!,
        secretAccessKey: aws.awsSecretAccessKey!,
        ...(aws.awsSessionToken ? { sessionToken: aws.awsSessionToken } : {}),
      }
    case 'profile':
      return fromIni({ profile: aws.profileName! })
    default:
      return undefined
  }
}

/** Refresh temporary credentials this long before they expire. */
const EXPIRY_MARGIN_MS = 5 * 60_000

/**
 * Credentials from STS AssumeRole on top of the base credentials, called through the given STS
 * client (so endPointURL and region apply, as OpenMetadata does). Memoised until shortly before
 * expiry; concurrent callers share one AssumeRole call.
 */
export function assumeRoleProvider(sts: STSClient, params: { roleArn: string; sessionName: string; sourceIdentity?: string }): AwsCredentialIdentityProvider {
  let cached: AwsCredentialIdentity | undefined
  let pending: Promise<AwsCredentialIdentity> | undefined
  const fetch = async (): Promise<AwsCredentialIdentity> => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: params.roleArn,
        RoleSessionName: params.sessionName,
        ...(params.sourceIdentity ? { SourceIdentity: params.sourceIdentity } : {}),
      }),
    )
    const c = out.Credentials
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw Object.assign(new Error('STS AssumeRole answered without credentials'), { name: 'AssumeRoleNoCredentials' })
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration }
  }
  return async () => {
    const fresh = cached && (!cached.expiration || cached.expiration.getTime() - Date.now() > EXPIRY_MARGIN_MS)
    if (fresh) return cached!
    pending ??= fetch().then(
      (creds) => {
        cached = creds
        pending = undefined
        return creds
      },
      (err) => {
        pending = undefined
        throw err
      },
    )
    return pending
  }
}
