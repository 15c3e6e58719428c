/**
 * Runs an OpenMetadata automation workflow of type TEST_CONNECTION for Athena, as the OpenMetadata
 * managed APIs do (openmetadata-airflow-apis `run_automation` → metadata.automations.execute_runner
 * `execute` → the test-connection runner, ingestion core/connections/test_connection/runner.py):
 *
 *  1. check the server as OpenMetadata's client does when it starts (`/v1/system/version`, then the bot JWT), and
 *     read the workflow by name with the bot JWT (`GET /v1/automations/workflows/name/{name}`, as `execute` does):
 *     the posted copy may carry encrypted secrets, the server hands the bot the usable ones, and its id is the
 *     one the results are PATCHed to. A server that cannot be reached, refuses the JWT or does not know the
 *     workflow is an error before any AWS call: nobody could ever see the result;
 *  2. run every step of the definition; after EACH one PATCH `/v1/automations/workflows/{id}` with
 *     `[{op: add, path: /response, value: TestConnectionResult (status Running)}, {op: add, path: /status,
 *     value: Running}]`, then once more with the final result and the workflow status mirroring it
 *     (`Successful`, or `Failed` when the test failed: upstream's `_workflow_status`). The result takes the
 *     shape the server's version accepts (src/openmetadata/test-connection-result.ts);
 *  3. answer `{message: "Workflow [<name>] has been triggered."}` only once every PATCH was stored (the managed
 *     API is synchronous too). A PATCH the server refuses or does not answer stops the run: the answer is then
 *     a 502 naming the workflow, the HTTP status and what to check, and the failure is logged — never a 200.
 *
 * Status: upstream's plugin answers 500 for any failure of `execute`, but its ApiResponse.error replaces every 5xx
 * message with "An unexpected problem occurred", and here 500 is reserved for bugs (the error handler hides their
 * message). OpenMetadata's AirflowRESTClient treats every non-200 alike (PipelineServiceClientException with the
 * status and the body, which the UI shows), so this answers 502 (504 when the server does not answer in time)
 * with a message that says what to fix.
 *
 * If the run itself breaks (not a failed step: e.g. an invalid filter pattern), the workflow is PATCHed with
 * status Failed so OpenMetadata's UI does not wait forever, and the error is the HTTP answer.
 */
import { Value } from 'typebox/value'
import { AthenaConnection, type AthenaConnectionT } from '../../schemas/athena-connection.js'
import type { AutomationWorkflowT } from '../../schemas/automation.js'
import type { AwsCallSettings } from '../config.js'
import { scrubSecrets } from '../aws/errors.js'
import { BadInputError, ServiceError, UpstreamError } from '../errors.js'
import { runTestConnection } from '../ingest/test-connection.js'
import { resultForServer, workflowStatus, type TestConnectionResult } from '../openmetadata/test-connection-result.js'
import { checkEndpoint, type HostPattern } from '../security/endpoint-guard.js'
import { OmClient, OmUnreachableError, pathPart, serverMessage } from '../sink/om-client.js'
import type { OpenMetadataSinkSettings } from '../sink/settings.js'
import { checkServer, resolveTarget, unusableServerError } from '../sink/target.js'

export interface AutomationDeps {
  aws: AwsCallSettings
  /** Timeouts and retries of the calls back to OpenMetadata (the sink's settings). */
  om: OpenMetadataSinkSettings
  endpointAllowlist?: readonly HostPattern[]
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

const FIELDS = { hostPort: 'body/openMetadataServerConnection/hostPort', jwtToken: 'body/openMetadataServerConnection/securityConfig/jwtToken' }

/** The result could not be stored on the workflow: nobody would ever see it. */
class WorkflowNotWritable extends UpstreamError {}

export async function runAutomationWorkflow(workflow: AutomationWorkflowT, deps: AutomationDeps): Promise<{ message: string }> {
  if (workflow.workflowType !== 'TEST_CONNECTION') {
    throw new BadInputError(`body/workflowType ${workflow.workflowType} is not supported: this runner runs TEST_CONNECTION workflows for Athena`)
  }
  checkAthenaRequest(workflow.request, 'body/request')
  athenaConnectionOf(workflow.request) // a malformed body is a 400 before any call to OpenMetadata
  const client = await clientFor(workflow, deps)
  const serverVersion = await reported(workflow, deps, () => checkServer(client, FIELDS))
  const stored = await reported(workflow, deps, () => readWorkflow(workflow, client))
  const connection = athenaConnectionOf(stored.request)
  const path = `/v1/automations/workflows/${pathPart(stored.id, 'the workflow id OpenMetadata returned')}`

  const patch = async (result: TestConnectionResult, final: boolean, status = workflowStatus(result, final)) => {
    const ops = [
      { op: 'add', path: '/response', value: resultForServer(result, serverVersion) },
      { op: 'add', path: '/status', value: status },
    ]
    let refusal: string
    let hint = 'Check that the OpenMetadata server is up and reachable from this service.'
    try {
      const res = await client.request('PATCH', path, { body: ops, contentType: 'application/json-patch+json' })
      if (res.status < 300) return
      refusal = `HTTP ${res.status}: ${clean(serverMessage(res), client)}`
      if (res.status === 401 || res.status === 403) hint = 'The ingestion bot needs permission to edit automation workflows.'
      else if (res.status === 400) hint = `The server (version ${serverVersion}) refused the result's shape; report this with the server's version.`
    } catch (err) {
      if (!(err instanceof OmUnreachableError)) throw err
      refusal = clean(err.message, client)
    }
    throw new WorkflowNotWritable(`OpenMetadata at ${client.host} did not store the result of workflow [${workflow.name}] (PATCH ${path}, ${refusal}). ${hint}`, 'OpenMetadataWorkflowNotWritable')
  }

  let lastPartial: TestConnectionResult = { lastUpdatedAt: Date.now(), status: 'Running', steps: [] }
  deps.log.info({ workflow: workflow.name, id: stored.id, serverVersion }, 'running automation workflow')
  try {
    const result = await runTestConnection(
      connection,
      {
        settings: deps.aws,
        onStep: async (partial) => {
          lastPartial = partial
          await patch(partial, false)
        },
      },
      'body/request/connection/config',
    )
    await patch(result, true)
    deps.log.info({ workflow: workflow.name, result: result.status, steps: result.steps.length }, 'automation workflow done')
  } catch (err) {
    if (err instanceof WorkflowNotWritable) {
      deps.log.error({ workflow: workflow.name, error: err.message }, 'automation workflow result not stored in OpenMetadata')
      throw err
    }
    // Best effort: the run broke, tell OpenMetadata so its UI stops waiting; the run's own error is the answer.
    await patch({ ...lastPartial, status: 'Failed', lastUpdatedAt: Date.now() }, true, 'Failed').catch((e: Error) =>
      deps.log.warn({ workflow: workflow.name, error: e.message }, 'could not mark the automation workflow Failed'),
    )
    throw err
  }
  return { message: `Workflow [${workflow.name}] has been triggered.` }
}

/** Runs a pre-flight check; its failure is logged (with the workflow it concerns) before it becomes the answer. */
async function reported<T>(workflow: AutomationWorkflowT, deps: AutomationDeps, check: () => Promise<T>): Promise<T> {
  try {
    return await check()
  } catch (err) {
    if (err instanceof ServiceError) deps.log.error({ workflow: workflow.name, code: err.code, error: err.message }, 'automation workflow not run')
    throw err
  }
}

/** A TestServiceConnectionRequest that is not for Athena is a 400 naming what it is. */
function checkAthenaRequest(request: AutomationWorkflowT['request'], path: string): void {
  const configType = request.connection?.config?.type
  const declared = request.connectionType ?? configType
  if (declared !== 'Athena') {
    const field = request.connectionType !== undefined ? `${path}/connectionType` : `${path}/connection/config/type`
    throw new BadInputError(`${field} '${declared ?? '(none)'}' is not supported: this service runs test connections for Athena only`)
  }
  if (configType !== undefined && configType !== 'Athena') {
    throw new BadInputError(`${path}/connection/config/type '${configType}' is not supported: this service runs test connections for Athena only`)
  }
  if (request.serviceType !== undefined && request.serviceType !== 'Database') {
    throw new BadInputError(`${path}/serviceType must be 'Database' for Athena, got '${request.serviceType}'`)
  }
}

async function clientFor(workflow: AutomationWorkflowT, deps: AutomationDeps): Promise<OmClient> {
  let target
  try {
    target = resolveTarget({ workflowConfig: { openMetadataServerConfig: workflow.openMetadataServerConnection } })!
  } catch (err) {
    // resolveTarget names the ingest body's fields; here the block is the workflow's openMetadataServerConnection.
    if (err instanceof BadInputError) {
      throw new BadInputError(err.message.replace('body/workflowConfig/openMetadataServerConfig', 'body/openMetadataServerConnection'))
    }
    throw err
  }
  const verdict = await checkEndpoint(target.baseUrl, deps.endpointAllowlist ? { allowlist: deps.endpointAllowlist } : {})
  if (!verdict.ok) throw new BadInputError(`body/openMetadataServerConnection/hostPort is refused: ${verdict.reason}`)
  return new OmClient(target, deps.om)
}

/**
 * The workflow as the server gives it to the bot (upstream `execute`: `metadata.get_by_name(AutomationWorkflow,
 * name)`): its id is where the result goes, its request has usable secrets (the posted copy may hold encrypted
 * ones; kept only when the stored one carries no connection config). A workflow the server does not know or will
 * not show is a 502: the result could not be stored anyway.
 */
async function readWorkflow(workflow: AutomationWorkflowT, client: OmClient): Promise<{ id: string; request: AutomationWorkflowT['request'] }> {
  const path = `/v1/automations/workflows/name/${pathPart(workflow.name, 'the workflow name')}`
  let res
  try {
    res = await client.request('GET', path)
  } catch (err) {
    const unusable = unusableServerError(err, 'body/openMetadataServerConnection/hostPort', (text) => clean(text, client))
    if (unusable) throw unusable
    if (err instanceof OmUnreachableError) {
      throw new ServiceError(502, `The OpenMetadata server at ${client.host} (${FIELDS.hostPort}) is not reachable: ${clean(err.message, client)}`, 'OpenMetadataUnreachable')
    }
    throw err
  }
  if (res.status !== 200) {
    const why = res.status === 404 ? 'does not know it' : 'did not return it'
    throw new UpstreamError(
      `OpenMetadata at ${client.host} ${why} (GET ${path}: HTTP ${res.status}: ${clean(serverMessage(res), client)}), so the result of ` +
        `workflow [${workflow.name}] could not be stored. Check that ${FIELDS.hostPort} is the server that sent this workflow.`,
      res.status === 404 ? 'OpenMetadataWorkflowNotFound' : 'OpenMetadataError',
    )
  }
  const fetched = res.json as { id?: unknown; request?: AutomationWorkflowT['request'] } | undefined
  const id = typeof fetched?.id === 'string' ? fetched.id : workflow.id
  if (fetched?.request?.connection?.config) {
    checkAthenaRequest(fetched.request, 'request (as stored in OpenMetadata)')
    return { id, request: fetched.request }
  }
  return { id, request: workflow.request }
}

function athenaConnectionOf(request: AutomationWorkflowT['request']): AthenaConnectionT {
  const config = request.connection.config
  const first = Value.Errors(AthenaConnection, config)[0]
  if (first) {
    throw new BadInputError(`body/request/connection/config${first.instancePath} ${first.message}`)
  }
  return Value.Default(AthenaConnection, Value.Clone(config)) as AthenaConnectionT
}

function clean(text: string, client: OmClient): string {
  return scrubSecrets(text, [client.target.jwtToken])
}
