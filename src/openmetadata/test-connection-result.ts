/**
 * OpenMetadata's `TestConnectionResult` in two shapes, and which one a given server accepts.
 *
 * The current shape is upstream's since PR #28793 (June 2026; openmetadata-ui …/generated/entity/services/connections/
 * testConnectionResult.ts @ 19307cb9, ingestion core/connections/test_connection/runner.py and mapper.py): every step
 * of the definition is reported (a step after a failed gate is `Skipped` with skipReason `ConnectionNotEstablished`,
 * not left out) and a step carries `status`, `durationMs`, `resultSummary`, `executedCommand`, `diagnosis`.
 *
 * Older servers (vendor/openmetadata-spec's testConnectionResult.json, the one the server validates PATCHed
 * `/response` values with) know only `name, mandatory, passed, message, errorLog`, and their step object is closed
 * (`additionalProperties: false`; the server's Jackson mapper also fails on unknown properties), so a current-shape
 * step would make them refuse the whole PATCH. {@link legacyResult} keeps what they accept: a skipped step stays in
 * the list, its reason in `message`.
 */

export type StepStatus = 'Queued' | 'Running' | 'Passed' | 'Warning' | 'Failed' | 'Skipped'
export type SkipReason = 'ConnectionNotEstablished' | 'NotImplemented'

export interface StepDiagnosis {
  /** Short statement of what went wrong. */
  title?: string
  /** What the user can do to fix it. */
  remediation?: string
  docUrl?: string
}

/** The fields every server accepts. */
export interface LegacyStepResult {
  name: string
  mandatory: boolean
  passed: boolean
  message?: string
  errorLog?: string
}

export interface StepResult extends LegacyStepResult {
  status: StepStatus
  durationMs?: number
  resultSummary?: string
  executedCommand?: string
  skipReason?: SkipReason
  diagnosis?: StepDiagnosis
}

export interface TestConnectionResult<S extends LegacyStepResult = StepResult> {
  lastUpdatedAt: number
  status: 'Successful' | 'Failed' | 'Running'
  steps: S[]
}

/**
 * The first OpenMetadata release whose testConnectionResult.json has the current step fields. PR #28793 was merged
 * to main on 2026-06-08, after 1.13.0 had shipped (open-metadata/OpenMetadata#28985 reports 1.13.0 on 2026-06-11),
 * so the next minor is the first that can have it. Erring late only costs the richer fields; erring early would
 * make the server refuse every PATCH.
 */
export const CURRENT_STEP_FIELDS_SINCE = '1.14.0'

/** Whether a server of this version (its /v1/system/version `version`) accepts current-shape steps. */
export function acceptsCurrentStepFields(serverVersion: string | undefined): boolean {
  const have = parseVersion(serverVersion)
  const need = parseVersion(CURRENT_STEP_FIELDS_SINCE)!
  if (!have) return false
  for (let i = 0; i < 3; i++) if (have[i] !== need[i]) return have[i]! > need[i]!
  return true
}

function parseVersion(v: string | undefined): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v?.trim() ?? '')
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined
}

/** The result as an older server accepts it: the five fields it knows, nothing dropped that it could show. */
export function legacyResult(result: TestConnectionResult): TestConnectionResult<LegacyStepResult> {
  return {
    lastUpdatedAt: result.lastUpdatedAt,
    status: result.status,
    steps: result.steps.map((s) => ({
      name: s.name,
      mandatory: s.mandatory,
      passed: s.passed,
      ...(s.message !== undefined ? { message: s.message } : s.resultSummary !== undefined ? { message: s.resultSummary } : {}),
      ...(s.errorLog !== undefined ? { errorLog: s.errorLog } : {}),
    })),
  }
}

/** The result a server of this version accepts. */
export function resultForServer(result: TestConnectionResult, serverVersion: string | undefined): TestConnectionResult<LegacyStepResult> {
  return acceptsCurrentStepFields(serverVersion) ? result : legacyResult(result)
}

/**
 * Upstream's final status (runner.py `_final_status`): Successful only if every mandatory step passed; a mandatory
 * step that failed or was skipped fails the test.
 */
export function finalStatus(steps: readonly LegacyStepResult[]): 'Successful' | 'Failed' {
  return steps.every((s) => !s.mandatory || s.passed) ? 'Successful' : 'Failed'
}

/** Upstream's workflow status (runner.py `_workflow_status`): Running mid-run; at the end it mirrors the result. */
export function workflowStatus(result: Pick<TestConnectionResult, 'status'>, final: boolean): 'Running' | 'Successful' | 'Failed' {
  if (!final) return 'Running'
  return result.status === 'Successful' ? 'Successful' : 'Failed'
}
