// The sandbox's AWS side: the sample catalog behind the AWS-compatible endpoint in strict-credentials mode,
// with documented key pairs, so that a user without AWS sees what a right key, a wrong secret, an unknown key,
// an expired token and a denied action look like. Used by `npm run sandbox` and by the README's tests.
import { startFakeAws, type FakeAws } from './aws-endpoint.js'
import { loadSampleCatalog } from './catalog.js'

/** Key pairs the sandbox knows (documented in the README; they work nowhere else). */
export const SANDBOX_KEYS = {
  /** Full read access to the sample catalog. */
  valid: { awsAccessKeyId: 'AKIASANDBOX000000001', awsSecretAccessKey: 'sandboxSecretKey/OnlyForTheLocalSandbox01' },
  /** Its session token is expired: every call answers ExpiredTokenException. */
  expired: { awsAccessKeyId: 'AKIASANDBOXEXPIRED01', awsSecretAccessKey: 'sandboxSecretKey/OnlyForTheLocalSandbox02' },
  /** Signs correctly but may not call glue:GetTables (AccessDeniedException). */
  denied: { awsAccessKeyId: 'AKIASANDBOXDENIED001', awsSecretAccessKey: 'sandboxSecretKey/OnlyForTheLocalSandbox03' },
} as const

/** The service's bearer token in the sandbox (AUTH_TOKEN) and the automation API's Basic credentials. */
export const SANDBOX_AUTH_TOKEN = 'sandbox-token-not-a-secret'
export const SANDBOX_AUTOMATION = { username: 'admin', password: 'sandbox-password-not-a-secret' } as const

export const SANDBOX_REGION = 'us-east-1'
export const SANDBOX_STAGING_DIR = 's3://athena-results-123456789012/primary/'

export interface SandboxAws {
  aws: FakeAws
  /** An AthenaConnection for the valid key against this endpoint. */
  connection: Record<string, unknown>
}

export async function startSandboxAws(opts: { port?: number; host?: string } = {}): Promise<SandboxAws> {
  const catalog = loadSampleCatalog()
  catalog.accessKeys = { ...catalog.accessKeys, [SANDBOX_KEYS.expired.awsAccessKeyId]: 'expired' }
  const secrets = Object.fromEntries(Object.values(SANDBOX_KEYS).map((k) => [k.awsAccessKeyId, k.awsSecretAccessKey]))
  const aws = await startFakeAws({
    catalog,
    secrets,
    deny: { [SANDBOX_KEYS.denied.awsAccessKeyId]: ['glue:GetTables'] },
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
  })
  const connection = {
    type: 'Athena',
    awsConfig: { ...SANDBOX_KEYS.valid, awsRegion: SANDBOX_REGION, endPointURL: aws.url },
    s3StagingDir: SANDBOX_STAGING_DIR,
    workgroup: 'primary',
  }
  return { aws, connection }
}
