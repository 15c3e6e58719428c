/**
 * Checks, before any AWS call, the parts of a request body's connection that decide WHERE the service
 * sends signed requests — `awsConfig.endPointURL` (the outbound guard of ./endpoint-guard.ts) and
 * `awsConfig.awsRegion` (it becomes part of the default AWS host name; the SDK refuses a region that
 * is not a host label, but with an error that is not the caller's 400) — and the names that become
 * OpenMetadata FQN parts (`serviceName`, the connection's `databaseName`: a `"` cannot be quoted in an
 * FQN, and would otherwise fail deep in the ingest instead of as a 400 naming the field).
 *
 * The connection sits at one of three known places in the bodies the service accepts (DESIGN.md §1):
 * the AthenaConnection itself, a TestServiceConnectionRequest and a workflow source.
 */
import { BadInputError } from '../errors.js'
import { invalidNameReason } from '../openmetadata/errors.js'
import { checkEndpoint, systemResolver, type EndpointPolicy, type Resolver } from './endpoint-guard.js'

/** Where a connection (an object with `awsConfig`) can sit in a request body. */
export const CONNECTION_PATHS: ReadonlyArray<readonly string[]> = [[], ['connection', 'config'], ['serviceConnection', 'config']]

/** The same rule the AWS SDK applies to a region (a DNS host label), checked up front. */
const REGION = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i

export interface AwsConfigAt {
  /** e.g. `body/serviceConnection/config/awsConfig` */
  where: string
  awsConfig: Record<string, unknown>
  /** The connection holding it. */
  connection: Record<string, unknown>
  /** e.g. `body/serviceConnection/config` */
  connectionWhere: string
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The awsConfig objects found at the known paths of a (parsed) body. */
export function awsConfigsIn(body: unknown): AwsConfigAt[] {
  const found: AwsConfigAt[] = []
  for (const path of CONNECTION_PATHS) {
    let node: unknown = body
    for (const key of path) node = isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined
    if (!isObject(node) || !Object.hasOwn(node, 'awsConfig') || !isObject(node.awsConfig)) continue
    const connectionWhere = ['body', ...path].join('/')
    found.push({ where: `${connectionWhere}/awsConfig`, awsConfig: node.awsConfig, connection: node, connectionWhere })
  }
  return found
}

/** The first problem with the body's connection target(s) and names, as a 400, or undefined when there is none. */
export async function checkConnectionTargets(body: unknown, policy: EndpointPolicy, resolve: Resolver = systemResolver): Promise<BadInputError | undefined> {
  if (isObject(body) && typeof body.serviceName === 'string') {
    const reason = invalidNameReason(body.serviceName)
    if (reason) return new BadInputError(`serviceName (body/serviceName) cannot be an OpenMetadata service name: ${reason}`)
  }
  for (const { where, awsConfig, connection, connectionWhere } of awsConfigsIn(body)) {
    if (typeof connection.databaseName === 'string' && connection.databaseName !== '') {
      const reason = invalidNameReason(connection.databaseName)
      if (reason) return new BadInputError(`databaseName (${connectionWhere}/databaseName) cannot be an OpenMetadata database name: ${reason}`)
    }
    const region = awsConfig.awsRegion
    if (typeof region === 'string' && !REGION.test(region)) {
      return new BadInputError(`awsConfig.awsRegion (${where}/awsRegion) must be an AWS region name such as us-east-1 (letters, digits and dashes)`)
    }
    const url = awsConfig.endPointURL
    if (typeof url !== 'string') continue
    const verdict = await checkEndpoint(url, policy, resolve)
    if (!verdict.ok) {
      // The reason names the host at most, never the whole URL (it could carry a token in its query).
      return new BadInputError(`awsConfig.endPointURL (${where}/endPointURL) is refused: ${verdict.reason}`)
    }
  }
  return undefined
}
