/**
 * Runs an OpenMetadata automation workflow of type TEST_CONNECTION for Athena, as the OpenMetadata
 * managed APIs do (openmetadata-airflow-apis `run_automation` → metadata.automations.runner →
 * ingestion/connections/test_connections.py `_test_connection_steps_automation_workflow`):
 *
 *  1. fetch the workflow by name from the server with the bot JWT (`GET /v1/automations/workflows/name/
 *     {name}`): the posted copy may carry encrypted secrets, the server hands the bot the usable ones;
 *  2. run the steps; after EACH finished step PATCH `/v1/automations/workflows/{id}` with
 *     `[{op: add, path: /response, value: TestConnectionResult (status Running)}, {op: add, path: /status,
 *     value: Running}]`, then once more with the final result and workflow status `Successful` (the
 *     workflow ran; the result's own status says whether the connection passed);
 *  3. answer `{message: "Workflow [<name>] has been triggered."}` once done (the managed API is
 *     synchronous too). A PATCH that fails is logged and the run goes on, as upstream.
 *
 * If the run itself breaks (not a failed step: e.g. an invalid filter pattern), the workflow is PATCHed
 * with status Failed so OpenMetadata's UI does not wait forever, and the error is the HTTP answer.
 */
import { Value } from 'typebox/value'
import { AthenaConnection, type AthenaConnectionT } from '../../schemas/athena-connection.js'
import type { AutomationWorkflowT } from '../../schemas/automation.js'
import type { AwsCallSettings } from '../config.js'
import { scrubSecrets } from '../aws/errors.js'
import { BadInputError, ServiceError, UpstreamError } from '../errors.js'
import type { TestConnectionResult } from '../athena/test-connection.js'
import { runTestConnection } from '../ingest/test-connection.js'
import { checkEndpoint, type HostPattern } from '../security/endpoint-guard.js'
import { OmClient, OmUnreachableError, serverMessage } from '../sink/om-client.js'
import type { OpenMetadataSinkSettings } from '../sink/settings.js'
import { resolveTarget, unusableServerError } from '../sink/target.js'

export interface AutomationDeps {
  aws: AwsCallSettings
  /** Timeouts and retries of the calls back to OpenMetadata (the sink's settings). */
  om: OpenMetadataSinkSettings
  endpointAllowlist?: readonly HostPattern[]
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
}

type WorkflowStatus = 'Running' | 'Successful' | 'Failed'

export async function runAutomationWorkflow(workflow: AutomationWorkflowT, deps: AutomationDeps): Promise<{ message: string }> {
  if (workflow.workflowType !== 'TEST_CONNECTION') {
    throw new BadInputError(`body/workflowType ${workflow.workflowType} is not supported: this runner runs TEST_CONNECTION workflows for Athena`)
  }
  checkAthenaRequest(workflow.request, 'body/request')
  const client = await clientFor(workflow, deps)
  const request = await fetchUsableRequest(workflow, client, deps)
  const connection = athenaConnectionOf(request)

  const patch = async (result: TestConnectionResult, status: WorkflowStatus) => {
    const ops = [
      { op: 'add', path: '/response', value: result },
      { op: 'add', path: '/status', value: status },
    ]
    try {
      const res = await client.request('PATCH', `/v1/automations/workflows/${encodeURIComponent(workflow.id)}`, {
        body: ops,
        contentType: 'application/json-patch+json',
      })
      if (res.status >= 300) deps.log.warn({ workflow: workflow.name, httpStatus: res.status, error: clean(serverMessage(res), client) }, 'PATCH of the automation workflow refused')
    } catch (err) {
      deps.log.warn({ workflow: workflow.name, error: clean((err as Error).message, client) }, 'PATCH of the automation workflow failed')
    }
  }

  let lastPartial: TestConnectionResult = { lastUpdatedAt: Date.now(), status: 'Running', steps: [] }
  deps.log.info({ workflow: workflow.name, id: workflow.id }, 'running automation workflow')
  try {
    const result = await runTestConnection(connection, {
      settings: deps.aws,
      onStep: async (partial) => {
        lastPartial = partial
        await patch(partial, 'Running')
      },
    })
    await patch(result, 'Successful')
    deps.log.info({ workflow: workflow.name, result: result.status, steps: result.steps.length }, 'automation workflow done')
  } catch (err) {
    await patch({ ...lastPartial, status: 'Failed', lastUpdatedAt: Date.now() }, 'Failed')
    throw err
  }
  return { message: `Workflow [${workflow.name}] has been triggered.` }
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
 * The request as the server gives it to the bot (secrets usable), falling back to the posted copy when
 * the server does not know the workflow by that name. A refused JWT is a 502 naming the field.
 */
async function fetchUsableRequest(workflow: AutomationWorkflowT, client: OmClient, deps: AutomationDeps): Promise<AutomationWorkflowT['request']> {
  let res
  try {
    res = await client.request('GET', `/v1/automations/workflows/name/${encodeURIComponent(workflow.name)}`)
  } catch (err) {
    const unusable = unusableServerError(err, 'body/openMetadataServerConnection/hostPort', (text) => clean(text, client))
    if (unusable) throw unusable
    if (err instanceof OmUnreachableError) {
      throw new ServiceError(502, `The OpenMetadata server at ${client.host} (body/openMetadataServerConnection/hostPort) is not reachable: ${clean(err.message, client)}`, 'OpenMetadataUnreachable')
    }
    throw err
  }
  if (res.status === 401 || res.status === 403) {
    throw new UpstreamError(
      `OpenMetadata at ${client.host} rejected body/openMetadataServerConnection/securityConfig/jwtToken (HTTP ${res.status}: ${clean(serverMessage(res), client)})`,
      'OpenMetadataUnauthorized',
    )
  }
  if (res.status === 200) {
    const fetched = (res.json as { request?: AutomationWorkflowT['request'] } | undefined)?.request
    if (fetched?.connection?.config) {
      checkAthenaRequest(fetched, 'request (as stored in OpenMetadata)')
      return fetched
    }
  } else {
    deps.log.warn({ workflow: workflow.name, httpStatus: res.status }, 'workflow not readable from OpenMetadata; using the posted request')
  }
  return workflow.request
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
