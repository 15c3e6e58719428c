import { AthenaClient } from '@aws-sdk/client-athena'
import { GlueClient, GetTablesCommand } from '@aws-sdk/client-glue'
import t from 'tap'
import { explainAwsFailure } from '../../src/athena/diagnose.js'
import { runQuery } from '../../src/athena/query.js'
import { classifyAwsError } from '../../src/aws/errors.js'
import { startFakeAws } from '../support/aws-endpoint.js'

process.env.AWS_EC2_METADATA_DISABLED = 'true'

// The endpoint's errors are AWS's own wording; these tests prove each becomes its own plain message.
t.test('AWS errors from the wire become plain, specific explanations', async (t) => {
  const aws = await startFakeAws()
  t.teardown(() => aws.close())
  const cfg = { endpoint: aws.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } }
  const athena = new AthenaClient(cfg)
  const glue = new GlueClient(cfg)
  t.teardown(() => {
    athena.destroy()
    glue.destroy()
  })

  const failure = async (p: Promise<unknown>) => {
    try {
      await p
    } catch (err) {
      return classifyAwsError(err)
    }
    throw new Error('expected an AWS error')
  }

  const noOutput = await failure(runQuery(athena, { sql: 'SELECT 1', workgroup: 'analysts', maxWaitMs: 1000 }))
  t.equal(noOutput.kind, 'invalidRequest')
  t.match(explainAwsFailure(noOutput, { operation: 'athena:StartQueryExecution', workgroup: 'analysts' }), /No query result location: set s3StagingDir/)

  const unknownWg = await failure(runQuery(athena, { sql: 'SELECT 1', workgroup: 'nope', outputLocation: 's3://b/p/', maxWaitMs: 1000 }))
  t.match(explainAwsFailure(unknownWg, { operation: 'athena:StartQueryExecution', workgroup: 'nope', region: 'us-east-1' }), /workgroup "nope" does not exist in us-east-1/)

  aws.addFault({ action: 'glue:GetTables', kind: 'accessDenied' })
  const denied = await failure(glue.send(new GetTablesCommand({ DatabaseName: 'sales' })))
  t.equal(denied.kind, 'accessDenied')
  t.equal(denied.deniedAction, 'glue:GetTables', 'the IAM action is read from the AWS message')
  t.match(explainAwsFailure(denied, { operation: 'glue:GetTables' }), /missing glue:GetTables .*AWSQuicksightAthenaAccess/)
  aws.clearFaults()

  aws.addFault({ action: '*', kind: 'expiredToken' })
  const expired = await failure(glue.send(new GetTablesCommand({ DatabaseName: 'sales' })))
  t.equal(expired.kind, 'expiredCredentials')
  aws.clearFaults()

  aws.addFault({ action: '*', kind: 'http500' })
  const server = await failure(glue.send(new GetTablesCommand({ DatabaseName: 'sales' })))
  t.equal(server.kind, 'server')
  t.match(explainAwsFailure(server, { operation: 'glue:GetTables' }), /server error \(HTTP 500\)/)
  aws.clearFaults()

  const notFound = await failure(glue.send(new GetTablesCommand({ DatabaseName: 'nope' })))
  t.equal(notFound.kind, 'notFound')
})

t.test('a query still running at the deadline is stopped and reported as timed out', async (t) => {
  const aws = await startFakeAws({ latencyMs: 30 })
  t.teardown(() => aws.close())
  const athena = new AthenaClient({ endpoint: aws.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } })
  t.teardown(() => athena.destroy())
  const run = await runQuery(athena, { sql: 'SELECT 1', workgroup: 'primary', outputLocation: 's3://athena-results-123456789012/primary/', maxWaitMs: 50, firstPollMs: 40 })
  t.equal(run.state, 'TIMED_OUT')
  t.equal(aws.count('athena:StopQueryExecution'), 1, 'the query was stopped, not left running')
})
