/**
 * The CURRENT upstream TestConnectionResult, for validating payloads meant for current servers.
 *
 * vendor/openmetadata-spec's testConnectionResult.json is older than upstream main (no newer JSON revision was
 * reachable): its step object is closed and has only name, mandatory, passed, message, errorLog. Upstream PR #28793
 * (merged 2026-06-08) added status, diagnosis, durationMs, executedCommand, resultSummary, and the skipped-step
 * reason skipReason; the only stored source of that shape is the generated TypeScript
 * (openmetadata-ui/src/main/resources/ui/src/generated/entity/services/connections/testConnectionResult.ts,
 * open-metadata/OpenMetadata @ 19307cb977dc39ef222ede706c69487ebd0b63a7). This is the vendored schema, unmodified
 * on disk, with those fields transcribed from that file into the step's properties (enums verbatim; numbers as
 * `number`, since the generator writes `number` for both integer and number); the step stays closed, so a field in
 * neither is still refused. Registered beside the vendored file so its relative `$ref`s resolve.
 */
import { OM_BASE_URI, getOmAjv, readSpecJson, type OkAsserter } from './om-spec.js'

export const LEGACY_RESULT_SCHEMA = 'entity/services/connections/testConnectionResult.json'
export const CURRENT_RESULT_SCHEMA = 'entity/services/connections/testConnectionResult.current.json'

/** The step fields of upstream's current TestConnectionStepResult that the vendored copy lacks. */
export const CURRENT_STEP_ADDITIONS = {
  status: { description: 'Lifecycle state of this step.', type: 'string', enum: ['Queued', 'Running', 'Passed', 'Warning', 'Failed', 'Skipped'] },
  skipReason: { description: 'Why a step did not run, when status is Skipped.', type: 'string', enum: ['ConnectionNotEstablished', 'NotImplemented'] },
  durationMs: { description: 'Wall-clock time the step took, in milliseconds.', type: 'number' },
  resultSummary: { description: 'Human-readable summary of what the step found on success.', type: 'string' },
  executedCommand: { description: 'The command or statement the step actually ran, when applicable.', type: 'string' },
  diagnosis: {
    description: 'Classified, actionable explanation of a failure, separate from the raw errorLog.',
    type: 'object',
    properties: {
      title: { description: 'Short statement of what went wrong.', type: 'string' },
      remediation: { description: 'What the user can do to fix it.', type: 'string' },
      docUrl: { description: 'Link to relevant documentation.', type: 'string' },
    },
    additionalProperties: false,
  },
} as const

type Schema = Record<string, any>

/** The current schema (vendored + the additions above), as a plain JSON Schema object. */
export function currentResultSchema(): Schema {
  const schema = structuredClone<Schema>(readSpecJson(LEGACY_RESULT_SCHEMA))
  // As om-spec.ts registers every file: by path, not $id; one ajv for both drafts.
  delete schema.$id
  delete schema.$schema
  const step = schema.definitions.testConnectionStepResult
  step.properties = { ...step.properties, ...structuredClone(CURRENT_STEP_ADDITIONS) }
  return schema
}

/** Validates against the current (`current`) or the vendored, older (`legacy`) TestConnectionResult. */
export function validateTestConnectionResult(shape: 'current' | 'legacy', payload: unknown): { valid: boolean; errors: string } {
  const ajv = getOmAjv()
  if (!ajv.getSchema(OM_BASE_URI + CURRENT_RESULT_SCHEMA)) ajv.addSchema(currentResultSchema(), OM_BASE_URI + CURRENT_RESULT_SCHEMA)
  const validate = ajv.getSchema(OM_BASE_URI + (shape === 'current' ? CURRENT_RESULT_SCHEMA : LEGACY_RESULT_SCHEMA))!
  const valid = validate(JSON.parse(JSON.stringify(payload))) === true
  return { valid, errors: valid ? '' : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('; ') }
}

export function assertTestConnectionResult(t: OkAsserter, shape: 'current' | 'legacy', payload: unknown, msg?: string): boolean {
  const { valid, errors } = validateTestConnectionResult(shape, payload)
  t.ok(valid, `${msg ?? `a valid ${shape} TestConnectionResult`}${valid ? '' : `: ${errors}`}`)
  return valid
}
