import type { SinkBlockT, WorkflowConfigT } from '../../schemas/sink.js'
import { scrubSecrets } from '../aws/errors.js'
import { BadInputError, ServiceError, UpstreamError } from '../errors.js'
import { OmAnswerTooLargeError, OmRedirectError, OmUnreachableError, serverMessage, type OmClient, type OmTarget } from './om-client.js'

export const JWT_FIELD = 'workflowConfig.openMetadataServerConfig.securityConfig.jwtToken'
const HOST_FIELD = 'workflowConfig.openMetadataServerConfig.hostPort'

export interface SinkRequest {
  sink?: SinkBlockT
  workflowConfig?: WorkflowConfigT
  /** The source's connection as given (secrets included): what a missing database service is created with. */
  serviceConnection?: { config?: unknown }
}

/** Where to write, from the request's workflow blocks; undefined when the request has none. 400s name the field. */
export function resolveTarget(body: SinkRequest): OmTarget | undefined {
  if (!body.sink && !body.workflowConfig) return undefined
  if (body.sink && body.sink.type !== 'metadata-rest') {
    throw new BadInputError(`body/sink/type must be 'metadata-rest' (the OpenMetadata REST API), got '${body.sink.type}'`)
  }
  const server = body.workflowConfig?.openMetadataServerConfig
  if (!server) {
    throw new BadInputError('body/workflowConfig/openMetadataServerConfig is required with body/sink: it says which OpenMetadata server to write to')
  }
  if (server.authProvider !== undefined && server.authProvider !== 'openmetadata') {
    throw new BadInputError(`body/workflowConfig/openMetadataServerConfig/authProvider must be 'openmetadata' (a bot JWT in securityConfig.jwtToken), got '${server.authProvider}'`)
  }
  const jwtToken = server.securityConfig?.jwtToken
  if (typeof jwtToken !== 'string' || jwtToken.trim() === '') {
    throw new BadInputError(`body/${JWT_FIELD.replaceAll('.', '/')} is required to write to OpenMetadata (the ingestion bot's JWT)`)
  }
  return { baseUrl: parseHostPort(server.hostPort), jwtToken: jwtToken.trim() }
}

function parseHostPort(hostPort: string): string {
  let url: URL
  try {
    url = new URL(hostPort)
  } catch {
    throw new BadInputError(`body/${HOST_FIELD.replaceAll('.', '/')} must be an absolute http(s) URL such as http://openmetadata:8585/api`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadInputError(`body/${HOST_FIELD.replaceAll('.', '/')} must use http or https, got ${url.protocol.replace(':', '')}`)
  }
  if (url.username || url.password) {
    throw new BadInputError(`body/${HOST_FIELD.replaceAll('.', '/')} must not carry credentials; the JWT goes in securityConfig.jwtToken`)
  }
  if (url.search || url.hash) {
    throw new BadInputError(`body/${HOST_FIELD.replaceAll('.', '/')} must not have a query or fragment`)
  }
  return url.toString().replace(/\/+$/, '')
}

/**
 * Checks the server before anything else happens (no AWS call yet), as OpenMetadata's client does when
 * it starts: `GET /v1/system/version` (open: reachability, and that this is an OpenMetadata API at all),
 * then one authenticated call, `GET /v1/users/loggedInUser`, since the version endpoint does not look at
 * the token. Failures are ServiceErrors: 502 when the server refuses the JWT or cannot be used, 504 when
 * it does not answer. Returns the server's version. Messages name the server by host only (hostPort's
 * path is the caller's and may carry anything); `fields` name the request's hostPort and JWT (default: the
 * ingest body's workflowConfig).
 */
export async function checkServer(client: OmClient, fields: { hostPort: string; jwtToken: string } = { hostPort: HOST_FIELD, jwtToken: JWT_FIELD }): Promise<string> {
  const { host } = client
  const clean = (s: string) => scrubSecrets(s, [client.target.jwtToken])
  let version: string | undefined
  try {
    const res = await client.request('GET', '/v1/system/version', { auth: false })
    const v = (res.json as { version?: unknown } | undefined)?.version
    if (res.status !== 200 || typeof v !== 'string') {
      throw new UpstreamError(
        `GET ${client.display('/v1/system/version')} answered HTTP ${res.status}${typeof v === 'string' ? '' : ' without a version'}: ` +
          `is ${fields.hostPort} the OpenMetadata server's API URL (e.g. http://openmetadata:8585/api)?`,
        'OpenMetadataNotFound',
      )
    }
    version = v
    const me = await client.request('GET', '/v1/users/loggedInUser')
    if (me.status === 401 || me.status === 403) {
      throw new UpstreamError(
        `OpenMetadata at ${host} rejected ${fields.jwtToken} (HTTP ${me.status}: ${clean(serverMessage(me))}). ` + "Use the ingestion bot's current token (Settings → Bots → ingestion-bot).",
        'OpenMetadataUnauthorized',
      )
    }
    if (me.status !== 200) {
      throw new UpstreamError(`OpenMetadata at ${host} answered HTTP ${me.status} to an authenticated call: ${clean(serverMessage(me))}`, 'OpenMetadataError')
    }
  } catch (err) {
    if (err instanceof ServiceError) throw err
    const unusable = unusableServerError(err, HOST_FIELD, clean)
    if (unusable) throw unusable
    if (err instanceof OmUnreachableError) {
      throw new ServiceError(
        /no answer within/.test(err.message) ? 504 : 502,
        `The OpenMetadata server at ${host} is not reachable (${fields.hostPort}): ${clean(err.message)}`,
        'OpenMetadataUnreachable',
      )
    }
    throw err
  }
  return version
}

/** A redirect or an over-large answer as a 502 naming `field` (the caller's hostPort); undefined for any other error. */
export function unusableServerError(err: unknown, field: string, clean: (text: string) => string): UpstreamError | undefined {
  if (!(err instanceof OmRedirectError || err instanceof OmAnswerTooLargeError)) return undefined
  const code = err instanceof OmRedirectError ? 'OpenMetadataRedirect' : 'OpenMetadataAnswerTooLarge'
  return new UpstreamError(`The OpenMetadata server (${field}) cannot be used: ${clean(err.message)}`, code)
}
