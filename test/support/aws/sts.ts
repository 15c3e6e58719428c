// AWS STS (Query protocol: form-encoded POST, XML answers): GetCallerIdentity and AssumeRole.
// Handlers return the inner XML of `<Action>Result`; the server wraps it in `<Action>Response`.
import type { Ctx, Handler } from './context.js'
import { AwsError, isoSeconds, xmlEscape as x } from './protocol.js'

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/'

const validationError = (message: string) => new AwsError('ValidationError', message, 400)
const NAME_PATTERN = /^[\w+=,.@-]*$/

function nameField(ctx: Ctx, member: string, wire: string, required: boolean): string | undefined {
  const v = ctx.body[member] as string | undefined
  if (v === undefined) {
    if (required) throw validationError(`1 validation error detected: Value null at '${wire}' failed to satisfy constraint: Member must not be null`)
    return undefined
  }
  if (v.length < 2) throw validationError(`1 validation error detected: Value '${v}' at '${wire}' failed to satisfy constraint: Member must have length greater than or equal to 2`)
  if (v.length > 64) throw validationError(`1 validation error detected: Value '${v}' at '${wire}' failed to satisfy constraint: Member must have length less than or equal to 64`)
  if (!NAME_PATTERN.test(v)) throw validationError(`1 validation error detected: Value '${v}' at '${wire}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`)
  return v
}

export const stsHandlers: Record<string, Handler> = {
  GetCallerIdentity(ctx) {
    const p = ctx.principal
    return `<Arn>${x(p.arn)}</Arn><UserId>${x(p.userId)}</UserId><Account>${x(p.account)}</Account>`
  },

  AssumeRole(ctx) {
    const roleArn = ctx.body.RoleArn as string | undefined
    if (roleArn === undefined) throw validationError("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
    if (roleArn.length < 20) throw validationError(`1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`)
    const sessionName = nameField(ctx, 'RoleSessionName', 'roleSessionName', true)!
    const sourceIdentity = nameField(ctx, 'SourceIdentity', 'sourceIdentity', false)
    const duration = ctx.body.DurationSeconds === undefined ? 3600 : Number(ctx.body.DurationSeconds)
    if (!Number.isInteger(duration) || duration < 900)
      throw validationError(`1 validation error detected: Value '${ctx.body.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`)
    if (duration > 43200)
      throw validationError(`1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`)
    if (!/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/.test(roleArn)) {
      throw new AwsError('AccessDenied', `User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403)
    }
    const s = ctx.identities.issue({ roleArn, sessionName, durationSeconds: duration, ...(sourceIdentity !== undefined ? { sourceIdentity } : {}) })
    const assumed = ctx.identities.principal(ctx.catalog, s.accessKeyId)
    return (
      (sourceIdentity !== undefined ? `<SourceIdentity>${x(sourceIdentity)}</SourceIdentity>` : '') +
      `<AssumedRoleUser><AssumedRoleId>${x(assumed.userId)}</AssumedRoleId><Arn>${x(assumed.arn)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${s.accessKeyId}</AccessKeyId><SecretAccessKey>${x(s.secretAccessKey)}</SecretAccessKey>` +
      `<SessionToken>${x(s.sessionToken)}</SessionToken><Expiration>${isoSeconds(s.expiresAt)}</Expiration></Credentials>`
    )
  },
}

export function stsResponse(action: string, inner: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_XMLNS}">\n  <${action}Result>${inner}</${action}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`
  )
}

export function stsError(e: AwsError, requestId: string): string {
  const type = e.status >= 500 ? 'Receiver' : 'Sender'
  return (
    `<ErrorResponse xmlns="${STS_XMLNS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${x(e.code)}</Code>\n` +
    `    <Message>${x(e.message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`
  )
}
