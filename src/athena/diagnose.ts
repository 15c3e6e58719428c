import { classifyAwsError, type ClassifiedAwsError } from '../aws/errors.js'
import { ServiceError, UpstreamError, UpstreamTimeoutError } from '../errors.js'
import { endpointHost } from '../security/endpoint-guard.js'

/** What the service was doing when AWS said no; decides which IAM action to name. */
export type Operation =
  | 'sts:GetCallerIdentity'
  | 'sts:AssumeRole'
  | 'athena:StartQueryExecution'
  | 'athena:GetQueryExecution'
  | 'glue:GetDatabases'
  | 'glue:GetTables'
  | 'athena:ListDataCatalogs'
  | 'athena:ListDatabases'
  | 'athena:ListTableMetadata'
  | 'athena:ListWorkGroups'
  | 'athena:ListQueryExecutions'
  | 'athena:BatchGetQueryExecution'

export interface DiagnosisContext {
  operation: Operation
  workgroup?: string
  s3StagingDir?: string
  /** awsConfig.endPointURL; messages name only its host (a path or query may hold a token). */
  endpoint?: string
  region?: string
  roleArn?: string
  catalogId?: string
}

/**
 * A plain-words explanation of a failed AWS call: what is wrong, and what to do — naming the IAM
 * action of the AWSQuicksightAthenaAccess policy most likely missing when access was denied.
 */
export function explainAwsFailure(err: ClassifiedAwsError, ctx: DiagnosisContext): string {
  switch (err.kind) {
    case 'accessDenied': {
      if (ctx.operation === 'sts:AssumeRole') {
        return `Access denied assuming role ${ctx.roleArn ?? ''}: the base credentials need sts:AssumeRole on that role, and the role's trust policy must allow them.`
      }
      const action = err.deniedAction ?? ctx.operation
      const scope = action.startsWith('glue:') ? ` on the Glue catalog${ctx.catalogId ? ` ${ctx.catalogId}` : ''}` : ''
      return `Access denied: the IAM principal is missing ${action}${scope} (part of the AWSQuicksightAthenaAccess managed policy). Grant it and try again.`
    }
    case 'expiredCredentials':
      return 'The AWS credentials have expired (the session token is no longer valid). Supply fresh temporary credentials or use long-lived keys, a profile or an assume-role ARN.'
    case 'invalidCredentials':
      return 'AWS did not recognise the credentials: the access key id or secret access key is wrong, or the key was deactivated. Check awsAccessKeyId / awsSecretAccessKey.'
    case 'missingCredentials':
      return 'No AWS credentials could be found: set awsAccessKeyId and awsSecretAccessKey, a profileName present in the shared credentials file, or run where the default credential chain has credentials.'
    case 'throttled':
      return `AWS throttled ${ctx.operation} even after retries. Try again later, or raise the account's request quota.`
    case 'notFound':
      if (ctx.operation.startsWith('glue:')) {
        return `The Glue catalog${ctx.catalogId ? ` ${ctx.catalogId}` : ''} or database was not found in ${ctx.region ?? 'this region'}. Check catalogId and awsRegion.`
      }
      return `AWS could not find what ${ctx.operation} asked for. Check the workgroup and region.`
    case 'invalidRequest':
      return explainInvalidRequest(err, ctx)
    case 'unreachable':
      return `Could not reach the AWS endpoint${ctx.endpoint ? ` ${endpointHost(ctx.endpoint)}` : ` for region ${ctx.region ?? ''}`}: check endPointURL / awsRegion and that the network allows HTTPS to it.`
    case 'timeout':
      return `The AWS endpoint${ctx.endpoint ? ` ${endpointHost(ctx.endpoint)}` : ''} did not answer ${ctx.operation} in time. Check the network path to AWS, or try again.`
    case 'server':
      return `AWS answered ${ctx.operation} with a server error (HTTP ${err.httpStatus ?? '5xx'}) even after retries. Try again later.`
    case 'aborted':
      return 'The request was cancelled before AWS answered.'
    case 'responseTooLarge':
      return `${err.message}: the service stopped reading it. Check that endPointURL points at AWS; raise AWS_MAX_RESPONSE_BYTES if a real catalog needs it.`
    case 'listingStopped':
      return `${err.message}.`
    default:
      return `${ctx.operation} failed: ${err.code}. See errorLog for AWS's message.`
  }
}

function explainInvalidRequest(err: ClassifiedAwsError, ctx: DiagnosisContext): string {
  const m = err.message.toLowerCase()
  if (m.includes('workgroup') && (m.includes('not found') || m.includes('does not exist'))) {
    return `The Athena workgroup "${ctx.workgroup}" does not exist in ${ctx.region ?? 'this region'}. Check the workgroup name and awsRegion.`
  }
  if (m.includes('workgroup') && m.includes('disabled')) {
    return `The Athena workgroup "${ctx.workgroup}" is disabled. Enable it in the Athena console or choose another workgroup.`
  }
  if (m.includes('output location')) {
    return `No query result location: set s3StagingDir to an S3 path the principal can write to, or configure a query result location on workgroup "${ctx.workgroup}".`
  }
  return `AWS rejected ${ctx.operation} as invalid: ${err.message}`
}

/** A query that reached FAILED: Athena's StateChangeReason turned into what to do. */
export function explainQueryFailure(reason: string | undefined, ctx: DiagnosisContext): string {
  const r = (reason ?? '').toLowerCase()
  if (r.includes('access denied') || r.includes('permission') || r.includes('not authorized')) {
    return `Athena could not write query results to ${ctx.s3StagingDir ?? 'the staging location'}: grant s3:PutObject and s3:GetBucketLocation on that bucket (and s3:GetObject, s3:ListBucket to read the results back).`
  }
  if (r.includes('does not exist') || r.includes('nosuchbucket')) {
    return `The S3 staging location ${ctx.s3StagingDir ?? ''} does not exist: point s3StagingDir at an existing bucket.`
  }
  return `The test query failed in Athena: ${reason ?? 'no reason given'}.`
}

/** The plain explanation followed by AWS's own code and message, as failures and errors report them. */
export function describeAwsFailure(err: unknown, ctx: DiagnosisContext): { classified: ClassifiedAwsError; message: string } {
  const classified = classifyAwsError(err)
  const explanation = explainAwsFailure(classified, ctx)
  // These two are the service's own bounds: their message is the explanation, AWS said nothing.
  if (classified.kind === 'responseTooLarge' || classified.kind === 'listingStopped') return { classified, message: explanation }
  return { classified, message: `${explanation} (AWS: ${classified.code}: ${classified.message})` }
}

/**
 * An AWS failure before any output, as the HTTP error to answer: 400 when the request named something
 * that does not exist or is invalid (catalogId, workgroup), 504 when AWS did not answer, else 502.
 */
export function awsFailureAsServiceError(err: unknown, ctx: DiagnosisContext): ServiceError {
  const { classified: c, message } = describeAwsFailure(err, ctx)
  if (c.kind === 'timeout') return new UpstreamTimeoutError(message, c.code)
  if (c.kind === 'notFound' || c.kind === 'invalidRequest') return new ServiceError(400, message, c.code)
  return new UpstreamError(message, c.code)
}
