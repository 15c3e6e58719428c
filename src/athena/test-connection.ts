import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import type { Table } from '@aws-sdk/client-glue'
import type { AthenaConnectionT } from '../../schemas/athena-connection.js'
import type { AwsCallSettings } from '../config.js'
import { createAwsClients, type AwsClients } from '../aws/clients.js'
import { classifyAwsError, scrubSecrets } from '../aws/errors.js'
import { explainAwsFailure, explainQueryFailure, type DiagnosisContext, type Operation } from './diagnose.js'
import { getDatabasesPage, getTablesPage, isView } from './glue-catalog.js'
import { VERSION } from '../version.js'
import { runQuery } from './query.js'
import { ATHENA_TEST_STEPS, type StepDefinition } from './test-connection-steps.js'
import { finalStatus, type StepResult, type TestConnectionResult } from '../openmetadata/test-connection-result.js'

export type { StepResult, TestConnectionResult } from '../openmetadata/test-connection-result.js'

export interface TestConnectionOptions {
  settings: AwsCallSettings
  signal?: AbortSignal
  /** true = the schema is filtered out (the connection's schemaFilterPattern, compiled by the caller). */
  isSchemaFiltered?: (name: string) => boolean
  /** Called after each finished step with the result so far (status Running until the end). */
  onStep?: (partial: TestConnectionResult) => void | Promise<void>
}

/** How many targeted schemas GetTables/GetViews look into before giving up on finding a table. */
const SCHEMAS_TO_PROBE = 5

/** A failure that already carries the user-facing message and the AWS error for errorLog. */
class StepFailure extends Error {
  constructor(
    message: string,
    readonly errorLog: string,
  ) {
    super(message)
  }
}

/**
 * Runs OpenMetadata's Athena test-connection steps in order, as upstream's runner does
 * (ingestion core/connections/test_connection/runner.py, mapper.py): a failed gate step (shortCircuit, upstream's
 * `category: ConnectionGate`) makes every later step `Skipped` with skipReason `ConnectionNotEstablished` — reported,
 * not left out; any other failed step lets the next ones run. A mandatory failure is `Failed`, an optional one
 * `Warning`. AWS failures become failed steps, never exceptions.
 */
export async function testConnection(conn: AthenaConnectionT, opts: TestConnectionOptions): Promise<TestConnectionResult> {
  const clients = createAwsClients(conn.awsConfig, opts.settings)
  const secrets = [conn.awsConfig.awsSecretAccessKey, conn.awsConfig.awsSessionToken]
  const ctxBase: Omit<DiagnosisContext, 'operation'> = {
    workgroup: conn.workgroup,
    s3StagingDir: conn.s3StagingDir,
    ...(conn.awsConfig.endPointURL ? { endpoint: conn.awsConfig.endPointURL } : {}),
    region: conn.awsConfig.awsRegion,
    ...(conn.awsConfig.assumeRoleArn ? { roleArn: conn.awsConfig.assumeRoleArn } : {}),
    ...(conn.catalogId ? { catalogId: conn.catalogId } : {}),
  }
  // GetTables and GetViews share one listing, as the upstream checks share theirs.
  let listing: Promise<Table[]> | undefined
  const tablesOfTargetedSchemas = () => (listing ??= listTargetedTables(clients, conn, opts))

  const runners: Record<StepDefinition['name'], (call: CallAws) => Promise<string>> = {
    CheckAccess: (call) => checkAccess(clients, conn, opts, call),
    GetSchemas: async (call) => {
      const schemas = await call('glue:GetDatabases', () => targetedSchemas(clients, conn, opts))
      return schemas.length
        ? `Found ${schemas.length} schema(s)${schemas.length >= 100 ? ' or more' : ''}, e.g. ${schemas.slice(0, 3).join(', ')}.`
        : 'The catalog lists no schemas (or the schema filter excludes them all); ingestion would find nothing.'
    },
    GetTables: async (call) => {
      const tables = (await call('glue:GetTables', tablesOfTargetedSchemas)).filter((t) => !isView(t))
      return tables.length
        ? `Tables are readable, e.g. ${tables
            .slice(0, 3)
            .map((t) => `${t.DatabaseName}.${t.Name}`)
            .join(', ')}.`
        : 'No tables found in the first schemas. Lake Formation hides tables the principal lacks DESCRIBE on, so an empty answer may also mean missing grants.'
    },
    GetViews: async (call) => {
      const views = (await call('glue:GetTables', tablesOfTargetedSchemas)).filter(isView)
      return views.length
        ? `Views are readable, e.g. ${views
            .slice(0, 3)
            .map((t) => `${t.DatabaseName}.${t.Name}`)
            .join(', ')}.`
        : 'No views found in the first schemas (not required).'
    },
  }
  /** What each step runs (upstream's Evidence.command): the statement, or the AWS operation. */
  const commands: Record<StepDefinition['name'], string> = {
    CheckAccess: CHECK_ACCESS_SQL,
    GetSchemas: 'glue:GetDatabases',
    GetTables: 'glue:GetTables',
    GetViews: 'glue:GetTables',
  }

  const result: TestConnectionResult = { lastUpdatedAt: Date.now(), status: 'Running', steps: [] }
  /** The gate step that failed, once one has: every later step is skipped. */
  let failedGate: string | undefined
  try {
    for (const step of ATHENA_TEST_STEPS) {
      const call: CallAws = async (operation, fn) => {
        try {
          return await fn()
        } catch (err) {
          if (err instanceof StepFailure) throw err
          if (opts.signal?.aborted) throw err
          const classified = classifyAwsError(err)
          throw new StepFailure(explainAwsFailure(classified, { ...ctxBase, operation }), scrubSecrets(`${classified.code}: ${classified.message}`, secrets))
        }
      }
      const base = { name: step.name, mandatory: step.mandatory }
      let stepResult: StepResult
      if (failedGate) {
        stepResult = {
          ...base,
          passed: false,
          status: 'Skipped',
          skipReason: 'ConnectionNotEstablished',
          message: `Skipped: not run because ${failedGate} failed, so no connection to Athena was established. Fix ${failedGate} first.`,
        }
      } else {
        const started = performance.now()
        const executedCommand = commands[step.name]
        try {
          const summary = await runners[step.name](call)
          stepResult = { ...base, passed: true, status: 'Passed', message: summary, resultSummary: summary, durationMs: elapsedMs(started), executedCommand }
        } catch (err) {
          if (!(err instanceof StepFailure)) throw err
          stepResult = {
            ...base,
            passed: false,
            status: step.mandatory ? 'Failed' : 'Warning',
            message: err.message,
            errorLog: err.errorLog,
            diagnosis: { title: step.errorMessage, remediation: err.message },
            durationMs: elapsedMs(started),
            executedCommand,
          }
          if (step.shortCircuit) failedGate = step.name
        }
      }
      result.steps.push(stepResult)
      result.lastUpdatedAt = Date.now()
      await opts.onStep?.({ ...result, steps: [...result.steps] })
    }
  } finally {
    clients.destroy()
  }
  result.status = finalStatus(result.steps)
  result.lastUpdatedAt = Date.now()
  return result
}

const elapsedMs = (started: number) => Math.max(0, Math.round(performance.now() - started))

/** OpenMetadata's query header: query-history readers (ours and upstream's) skip our own queries. */
const CHECK_ACCESS_SQL = `/* {"app": "OpenMetadata", "version": "${VERSION}"} */ SELECT 1`

type CallAws = <T>(operation: Operation, fn: () => Promise<T>) => Promise<T>

async function checkAccess(clients: AwsClients, conn: AthenaConnectionT, opts: TestConnectionOptions, call: CallAws): Promise<string> {
  const ctx = { workgroup: conn.workgroup, s3StagingDir: conn.s3StagingDir, region: conn.awsConfig.awsRegion }
  // Credentials first, on their own: an assume-role or key problem is named as such, not as an Athena one.
  const identity = await call(conn.awsConfig.assumeRoleArn ? 'sts:AssumeRole' : 'sts:GetCallerIdentity', async () => {
    if (typeof clients.credentials === 'function') await clients.credentials()
    return clients.sts.send(new GetCallerIdentityCommand({}), { abortSignal: opts.signal })
  })
  const run = await call('athena:StartQueryExecution', () =>
    runQuery(clients.athena, {
      sql: CHECK_ACCESS_SQL,
      workgroup: conn.workgroup,
      outputLocation: conn.s3StagingDir,
      maxWaitMs: opts.settings.queryWaitMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
    }),
  )
  if (run.state === 'SUCCEEDED') {
    return `Authenticated as ${identity.Arn ?? 'an AWS principal'}; SELECT 1 succeeded in workgroup ${conn.workgroup} (query ${run.queryExecutionId}).`
  }
  if (run.state === 'TIMED_OUT') {
    throw new StepFailure(
      `SELECT 1 did not finish within ${Math.round(opts.settings.queryWaitMs / 1000)} s in workgroup ${conn.workgroup} (query ${run.queryExecutionId}, stopped). The workgroup may be saturated; try again or raise ATHENA_QUERY_WAIT_MS.`,
      `Query ${run.queryExecutionId} still running after ${opts.settings.queryWaitMs} ms`,
    )
  }
  throw new StepFailure(
    explainQueryFailure(run.stateChangeReason, { ...ctx, operation: 'athena:StartQueryExecution' }),
    `Query ${run.queryExecutionId} ${run.state}: ${run.stateChangeReason ?? 'no reason given'}`,
  )
}

async function targetedSchemas(clients: AwsClients, conn: AthenaConnectionT, opts: TestConnectionOptions): Promise<string[]> {
  const page = await getDatabasesPage(clients.glue, scopeOf(conn, opts))
  return page.databases.map((d) => d.Name!).filter((name) => !opts.isSchemaFiltered?.(name))
}

async function listTargetedTables(clients: AwsClients, conn: AthenaConnectionT, opts: TestConnectionOptions): Promise<Table[]> {
  const schemas = await targetedSchemas(clients, conn, opts)
  const found: Table[] = []
  for (const schema of schemas.slice(0, SCHEMAS_TO_PROBE)) {
    const page = await getTablesPage(clients.glue, scopeOf(conn, opts), schema)
    found.push(...page.tables)
    if (found.some((t) => !isView(t)) && found.some(isView)) break
  }
  return found
}

function scopeOf(conn: AthenaConnectionT, opts: TestConnectionOptions) {
  return { ...(conn.catalogId ? { catalogId: conn.catalogId } : {}), ...(opts.signal ? { signal: opts.signal } : {}) }
}
