// The AWS error each injected fault kind produces, per service, with AWS's codes and messages.
import type { Ctx } from './context.js'
import type { FaultKind, HostileKind } from './faults.js'
import { expiredToken, invalidToken } from './identity.js'
import { AwsError } from './protocol.js'

export type Service = 'glue' | 'athena' | 'sts' | 'lakeformation'

/** IAM's denial text: `User: <arn> is not authorized to perform: <svc:Action> [on resource: <arn>] because …`. */
export function notAuthorized(principalArn: string, action: string, resource: string | undefined): string {
  const on = resource ? ` on resource: ${resource}` : ''
  return `User: ${principalArn} is not authorized to perform: ${action}${on} because no identity-based policy allows the ${action} action`
}

function glueResource(ctx: Ctx, op: string): string {
  const b = ctx.body ?? {}
  const base = `arn:aws:glue:${ctx.region}:${typeof b.CatalogId === 'string' ? b.CatalogId : ctx.catalog.accountId}`
  switch (op) {
    case 'GetDatabase':
      return `${base}:database/${b.Name}`
    case 'GetTables':
      return `${base}:database/${b.DatabaseName}`
    case 'GetTable':
      return `${base}:table/${b.DatabaseName}/${b.Name}`
    case 'GetPartitions':
      return `${base}:table/${b.DatabaseName}/${b.TableName}`
    default:
      return `${base}:catalog`
  }
}

function athenaResource(ctx: Ctx, op: string): string | undefined {
  const b = ctx.body ?? {}
  const base = `arn:aws:athena:${ctx.region}:${ctx.catalog.accountId}`
  if (op === 'ListWorkGroups' || op === 'ListDataCatalogs') return undefined
  if (/Catalog|Database|TableMetadata/.test(op)) return `${base}:datacatalog/${b.CatalogName ?? b.Name}`
  const wg = b.WorkGroup ?? ctx.queries.get(b.QueryExecutionId)?.workGroup ?? 'primary'
  return `${base}:workgroup/${wg}`
}

export function faultError(kind: Exclude<FaultKind, 'latency' | 'reset' | HostileKind>, service: Service, op: string, ctx: Ctx): AwsError {
  const json = service !== 'sts'
  switch (kind) {
    case 'accessDenied':
      if (service === 'sts') {
        const resource = op === 'AssumeRole' ? ctx.body?.RoleArn : undefined
        const msg = `User: ${ctx.principal.arn} is not authorized to perform: sts:${op}${resource ? ` on resource: ${resource}` : ''}`
        return new AwsError('AccessDenied', msg, 403)
      }
      // Lake Formation's IAM actions take no resource (Resource "*"); REST-JSON carries the 403.
      if (service === 'lakeformation') return new AwsError('AccessDeniedException', notAuthorized(ctx.principal.arn, `lakeformation:${op}`, undefined), 403)
      return new AwsError('AccessDeniedException', notAuthorized(ctx.principal.arn, `${service}:${op}`, service === 'glue' ? glueResource(ctx, op) : athenaResource(ctx, op)))
    case 'throttle':
      return json ? new AwsError('ThrottlingException', 'Rate exceeded') : new AwsError('Throttling', 'Rate exceeded')
    case 'http500':
      if (service === 'glue' || service === 'lakeformation') return new AwsError('InternalServiceException', 'An internal service error occurred.', 500)
      if (service === 'athena') return new AwsError('InternalServerException', 'An internal server error occurred.', 500)
      return new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500)
    case 'expiredToken':
      return expiredToken(json ? 'json' : 'query')
    case 'invalidToken':
      return invalidToken(json ? 'json' : 'query')
  }
}
