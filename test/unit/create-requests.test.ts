import t from 'tap'
import { buildCreateDatabase, buildCreateDatabaseService, buildCreateSchema, stripSecrets } from '../../src/openmetadata/table.js'
import { MappingError } from '../../src/openmetadata/errors.js'
import { assertOm } from '../support/om-spec.js'

const connection = {
  type: 'Athena',
  scheme: 'awsathena+rest',
  awsConfig: {
    awsAccessKeyId: 'AKIAEXAMPLE',
    awsSecretAccessKey: 'very-secret',
    awsSessionToken: 'session-secret',
    awsRegion: 'eu-west-1',
    assumeRoleArn: 'arn:aws:iam::123456789012:role/reader',
  },
  s3StagingDir: 's3://results/athena/',
  workgroup: 'primary',
  schemaFilterPattern: { includes: ['^sales'] },
  sampleDataStorageConfig: {
    config: {
      bucketName: 'samples',
      prefix: 'x',
      storageConfig: { awsRegion: 'eu-west-1', awsAccessKeyId: 'AKIA2', awsSecretAccessKey: 'nested-secret' },
    },
  },
}

t.test('stripSecrets removes the secret key and session token (everywhere), keeps the rest, copies deeply', async (t) => {
  const stripped = stripSecrets(connection)
  t.strictSame(stripped.awsConfig, {
    awsAccessKeyId: 'AKIAEXAMPLE',
    awsRegion: 'eu-west-1',
    assumeRoleArn: 'arn:aws:iam::123456789012:role/reader',
  })
  t.strictSame(stripped.sampleDataStorageConfig.config.storageConfig, { awsRegion: 'eu-west-1', awsAccessKeyId: 'AKIA2' })
  t.equal(stripped.workgroup, 'primary')
  t.strictSame(stripped.schemaFilterPattern, { includes: ['^sales'] })
  t.notOk(JSON.stringify(stripped).includes('secret'))
  t.equal(connection.awsConfig.awsSecretAccessKey, 'very-secret', 'the input is not modified')
  stripped.schemaFilterPattern.includes.push('x')
  t.strictSame(connection.schemaFilterPattern.includes, ['^sales'], 'deep copy')
})

t.test('CreateDatabaseServiceRequest', async (t) => {
  const req = buildCreateDatabaseService('athena_prod', connection)
  t.equal(req.name, 'athena_prod')
  t.equal(req.serviceType, 'Athena')
  t.notOk(JSON.stringify(req).includes('secret'), 'secrets are stripped even if the caller forgot')
  t.equal(req.connection.config.awsConfig.awsRegion, 'eu-west-1')
  assertOm(t, 'api/services/createDatabaseService.json', req)
  t.throws(() => buildCreateDatabaseService('', connection), MappingError)
  t.throws(
    () => buildCreateDatabaseService('a"b', connection),
    { name: 'MappingError', message: /Cannot map service "a\\"b": the name contains a double quote/ },
    'a service name is never encoded, as upstream',
  )
})

t.test('CreateDatabaseRequest', async (t) => {
  t.strictSame(buildCreateDatabase('AwsDataCatalog', 'athena_prod'), { name: 'AwsDataCatalog', service: 'athena_prod' })
  const withDesc = buildCreateDatabase('AwsDataCatalog', 'athena.prod', 'The Glue catalog')
  t.strictSame(withDesc, { name: 'AwsDataCatalog', service: '"athena.prod"', description: 'The Glue catalog' })
  assertOm(t, 'api/data/createDatabase.json', withDesc)
  assertOm(t, 'api/data/createDatabase.json', buildCreateDatabase('AwsDataCatalog', 'athena_prod', ''))
})

t.test('CreateDatabaseSchemaRequest from a Glue database', async (t) => {
  const req = buildCreateSchema({ Name: 'sales', Description: 'Sales data' }, 'athena_prod.AwsDataCatalog')
  t.strictSame(req, { name: 'sales', database: 'athena_prod.AwsDataCatalog', description: 'Sales data' })
  assertOm(t, 'api/data/createDatabaseSchema.json', req)
  t.strictSame(buildCreateSchema({ Name: 'raw' }, 'svc.db'), { name: 'raw', database: 'svc.db' })
  // Upstream encodes ", :: and > in every non-service create request's name (was: refused).
  const encoded = buildCreateSchema({ Name: 'x"y::z' }, 'svc.db')
  t.strictSame(encoded, { name: 'x__reserved__quote__y__reserved__colon__z', database: 'svc.db' })
  assertOm(t, 'api/data/createDatabaseSchema.json', encoded)
  t.throws(() => buildCreateSchema({ Name: '' }, 'svc.db'), { name: 'MappingError', message: /Cannot map schema "": the name is empty/ })
})
