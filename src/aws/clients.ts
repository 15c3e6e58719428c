import { AthenaClient } from '@aws-sdk/client-athena'
import { GlueClient } from '@aws-sdk/client-glue'
import { LakeFormationClient } from '@aws-sdk/client-lakeformation'
import { STSClient } from '@aws-sdk/client-sts'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types'
import type { AwsCredentialsT } from '../../schemas/athena-connection.js'
import type { AwsCallSettings } from '../config.js'
import { BadInputError } from '../errors.js'
import { checkEndpointUrl, guardedLookup } from '../security/endpoint-guard.js'
import type { AwsCallObserver } from '../metrics.js'
import { classifyAwsError } from './errors.js'
import { cappedHandler, DEFAULT_MAX_RESPONSE_BYTES } from './response-cap.js'
import { assumeRoleProvider, baseCredentials, credentialSource, type CredentialSource } from './credentials.js'

export interface AwsClients {
  glue: GlueClient
  athena: AthenaClient
  /** Lake Formation (LF-tags), built like Glue and Athena: same endpoint, region, credentials and retries. */
  lakeFormation: LakeFormationClient
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
 * bounded attempt count, socket timeouts so a silent endpoint cannot hang a request, and a cap on
 * the size of any one answer (./response-cap.ts) so a huge one cannot exhaust memory.
 */
export function createAwsClients(aws: AwsCredentialsT, settings: AwsCallSettings): AwsClients {
  if (aws.endPointURL) {
    // The request-time check (src/security/connection-guard.ts) normally answered already; this one
    // holds for every caller. Host names are checked again, after DNS, by the agents' lookup below.
    const verdict = checkEndpointUrl(aws.endPointURL, { allowlist: settings.endpointAllowlist ?? [] })
    if (!verdict.ok) throw new BadInputError(`awsConfig.endPointURL is refused: ${verdict.reason}`)
  }
  // Every connection's resolved addresses pass the outbound guard (DNS rebinding, names of metadata IPs).
  const agentOptions = { lookup: guardedLookup() }
  const transport = new NodeHttpHandler({
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    httpAgent: agentOptions,
    httpsAgent: agentOptions,
  })
  const maxBytes = settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  // One connection pool; each client's own wrapper names its service in a too-large failure.
  const forService = (service: string) => ({ requestHandler: cappedHandler(transport, service, maxBytes) })
  const common = {
    region: aws.awsRegion,
    ...(aws.endPointURL ? { endpoint: aws.endPointURL } : {}),
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard' as const,
  }
  const base = baseCredentials(aws)
  // AssumeRole is signed with the base credentials; everything else with the resulting ones.
  const baseSts = new STSClient({ ...common, ...forService('sts'), ...(base ? { credentials: base } : {}) })
  const credentials = aws.assumeRoleArn
    ? assumeRoleProvider(baseSts, {
        roleArn: aws.assumeRoleArn,
        sessionName: aws.assumeRoleSessionName || DEFAULT_SESSION_NAME,
        ...(aws.assumeRoleSourceIdentity ? { sourceIdentity: aws.assumeRoleSourceIdentity } : {}),
      })
    : base
  const withCreds = { ...common, ...(credentials ? { credentials } : {}) }
  const glue = new GlueClient({ ...withCreds, ...forService('glue') })
  const athena = new AthenaClient({ ...withCreds, ...forService('athena') })
  const lakeFormation = new LakeFormationClient({ ...withCreds, ...forService('lakeformation') })
  const sts = aws.assumeRoleArn ? new STSClient({ ...withCreds, ...forService('sts') }) : baseSts
  if (settings.observe) {
    const observed: Array<[string, MiddlewareHost]> = [
      ['glue', glue],
      ['athena', athena],
      ['lakeformation', lakeFormation],
      ['sts', baseSts],
    ]
    if (sts !== baseSts) observed.push(['sts', sts])
    for (const [service, client] of observed) observeCalls(client, service, settings.observe)
  }
  return {
    glue,
    athena,
    lakeFormation,
    sts,
    credentials,
    source: credentialSource(aws),
    assumesRole: Boolean(aws.assumeRoleArn),
    destroy() {
      glue.destroy()
      athena.destroy()
      lakeFormation.destroy()
      sts.destroy()
      if (sts !== baseSts) baseSts.destroy()
    },
  }
}

/** The part of an SDK v3 client the call observer needs (each client types its stack with its own commands). */
interface MiddlewareHost {
  middlewareStack: { add(middleware: unknown, options: { step: 'deserialize'; name: string; priority: 'high' }): void }
}

/**
 * Counts every attempt of every call of `client`, by operation (`glue:GetTables`) and outcome (`success`
 * or the error's class from ./errors.ts: throttled, accessDenied, timeout, …). In the deserialize step,
 * inside the SDK's retry loop, so a throttled attempt that a retry then got through is still counted.
 */
function observeCalls(client: MiddlewareHost, service: string, observe: AwsCallObserver): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const operation = `${service}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`
      try {
        const result = await next(args)
        observe(operation, 'success')
        return result
      } catch (err) {
        observe(operation, classifyAwsError(err).kind)
        throw err
      }
    },
    { step: 'deserialize', name: 'observeCalls', priority: 'high' },
  )
}
