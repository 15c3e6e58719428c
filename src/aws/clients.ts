import { AthenaClient } from '@aws-sdk/client-athena'
import { GlueClient } from '@aws-sdk/client-glue'
import { STSClient } from '@aws-sdk/client-sts'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types'
import type { AwsCredentialsT } from '../../schemas/athena-connection.js'
import type { AwsCallSettings } from '../config.js'
import { assumeRoleProvider, baseCredentials, credentialSource, type CredentialSource } from './credentials.js'

export interface AwsClients {
  glue: GlueClient
  athena: AthenaClient
  /** STS with the data-plane credentials: GetCallerIdentity answers who Glue and Athena see. */
  sts: STSClient
  /** The credentials every data-plane client uses (assumed-role ones when assumeRoleArn is set). */
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined
  source: CredentialSource
  assumesRole: boolean
  destroy(): void
}

export const DEFAULT_SESSION_NAME = 'OpenMetadataSession'

/**
 * One factory from a connection's awsConfig to the Glue, Athena and STS clients. endPointURL goes to
 * every client (as OpenMetadata's AWSClient does), region from awsRegion, standard retries with a
 * bounded attempt count, and socket timeouts so a silent endpoint cannot hang a request.
 */
export function createAwsClients(aws: AwsCredentialsT, settings: AwsCallSettings): AwsClients {
  const common = {
    region: aws.awsRegion,
    ...(aws.endPointURL ? { endpoint: aws.endPointURL } : {}),
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard' as const,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: settings.connectionTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
    }),
  }
  const base = baseCredentials(aws)
  // AssumeRole is signed with the base credentials; everything else with the resulting ones.
  const baseSts = new STSClient({ ...common, ...(base ? { credentials: base } : {}) })
  const credentials = aws.assumeRoleArn
    ? assumeRoleProvider(baseSts, {
        roleArn: aws.assumeRoleArn,
        sessionName: aws.assumeRoleSessionName || DEFAULT_SESSION_NAME,
        ...(aws.assumeRoleSourceIdentity ? { sourceIdentity: aws.assumeRoleSourceIdentity } : {}),
      })
    : base
  const withCreds = { ...common, ...(credentials ? { credentials } : {}) }
  const glue = new GlueClient(withCreds)
  const athena = new AthenaClient(withCreds)
  const sts = aws.assumeRoleArn ? new STSClient(withCreds) : baseSts
  return {
    glue,
    athena,
    sts,
    credentials,
    source: credentialSource(aws),
    assumesRole: Boolean(aws.assumeRoleArn),
    destroy() {
      glue.destroy()
      athena.destroy()
      sts.destroy()
      if (sts !== baseSts) baseSts.destroy()
    },
  }
}
