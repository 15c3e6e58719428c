/**
 * Response bodies.
 *
 * `TestConnectionResult` mirrors entity/services/connections/testConnectionResult.json. Deviations, both for the sake of
 * Fastify's response serializer and ajv in strict mode, neither changing what validates upstream:
 *  - `lastUpdatedAt` keeps upstream's `type: integer` (basic.json#/definitions/timestamp) but not its `format:
 *    utc-millisec`, which ajv does not know (strict mode throws on unknown formats);
 *  - the step's `message` / `errorLog` drop upstream's `default: null` (a null would not even pass upstream's own
 *    `type: string`, and a serializer default must not invent one).
 * The step is the CURRENT upstream one (status, skipReason, durationMs, resultSummary, executedCommand, diagnosis),
 * newer than the vendored testConnectionResult.json, which has only the first five fields.
 */
import { Type, type Static } from 'typebox'

export const TestConnectionStepResult = Type.Object(
  {
    name: Type.String({ description: 'Name of the step being tested' }),
    mandatory: Type.Boolean({ description: 'Is this step mandatory to be passed?', default: true }),
    passed: Type.Boolean({ description: 'Did the step pass successfully?' }),
    message: Type.Optional(Type.String({ description: 'Results or exceptions to be shared after running the test.' })),
    errorLog: Type.Optional(
      Type.String({
        description: 'In case of failed step, this field would contain the actual error faced during the step.',
      }),
    ),
    // The current upstream step (PR #28793; generated testConnectionResult.ts @ 19307cb9). Older servers refuse these
    // fields: the automation runner sends them only to servers that have them (src/openmetadata/test-connection-result.ts).
    status: Type.Optional(Type.Enum(['Queued', 'Running', 'Passed', 'Warning', 'Failed', 'Skipped'], { type: 'string', description: 'Lifecycle state of this step.' })),
    skipReason: Type.Optional(Type.Enum(['ConnectionNotEstablished', 'NotImplemented'], { type: 'string', description: 'Why a step did not run, when status is Skipped.' })),
    durationMs: Type.Optional(Type.Number({ description: 'Wall-clock time the step took, in milliseconds.' })),
    resultSummary: Type.Optional(Type.String({ description: 'Human-readable summary of what the step found on success.' })),
    executedCommand: Type.Optional(Type.String({ description: 'The command or statement the step actually ran, when applicable.' })),
    diagnosis: Type.Optional(
      Type.Object(
        {
          title: Type.Optional(Type.String({ description: 'Short statement of what went wrong.' })),
          remediation: Type.Optional(Type.String({ description: 'What the user can do to fix it.' })),
          docUrl: Type.Optional(Type.String({ description: 'Link to relevant documentation.' })),
        },
        { description: 'Classified, actionable explanation of a failure, separate from the raw errorLog.', additionalProperties: false },
      ),
    ),
  },
  {
    title: 'TestConnectionStepResult',
    description: 'Function that tests one specific element of the service. E.g., listing schemas, lineage, or tags.',
    additionalProperties: false,
  },
)
export type TestConnectionStepResultT = Static<typeof TestConnectionStepResult>

function statusType(description: string) {
  return Type.Enum(['Successful', 'Failed', 'Running'], { description, type: 'string' })
}
export const TestConnectionResultStatus = statusType('Enum defining possible Test Connection Result status')
export type TestConnectionResultStatusT = Static<typeof TestConnectionResultStatus>

/** OpenMetadata `TestConnectionResult`. */
export const TestConnectionResult = Type.Object(
  {
    lastUpdatedAt: Type.Optional(Type.Integer({ description: 'Last time that the test connection was executed (Unix epoch milliseconds)' })),
    status: Type.Optional(statusType('Test Connection Result computation status.')),
    steps: Type.Array(TestConnectionStepResult, { description: 'Steps to test the connection. Order matters.' }),
  },
  {
    title: 'TestConnectionResult',
    description: 'TestConnectionResult is the definition that will encapsulate result of running the test connection steps.',
    additionalProperties: false,
  },
)
export type TestConnectionResultT = Static<typeof TestConnectionResult>

/** Fastify's error body. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer({ description: 'HTTP status code', minimum: 400, maximum: 599 }),
    error: Type.String({ description: 'HTTP status text, e.g. "Bad Request"' }),
    message: Type.String({ description: 'What went wrong; for validation errors it names the field path.' }),
    code: Type.Optional(Type.String({ description: 'Machine-readable error code, when there is one.' })),
  },
  { title: 'ErrorResponse', description: 'Error answer.' },
)
export type ErrorResponseT = Static<typeof ErrorResponse>

export const Health = Type.Object(
  {
    status: Type.Enum(['healthy', 'shutting down'], {
      type: 'string',
      description: 'healthy (200): serving; shutting down (503): draining for a graceful shutdown, send new work elsewhere',
    }),
    version: Type.String({ description: 'Service version' }),
  },
  { title: 'Health', description: 'Readiness answer: 200 when the instance takes work, 503 when it does not.', additionalProperties: false },
)
export type HealthT = Static<typeof Health>
