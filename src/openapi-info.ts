import { VERSION } from './version.js'

/** The OpenAPI document's header; paths and schemas come from the routes' TypeBox schemas. */
export const openApiInfo = {
  openapi: '3.0.3',
  info: {
    title: 'Athena connector for OpenMetadata',
    description:
      'Tests AWS Athena connections and reads the Athena/Glue catalog as OpenMetadata entity payloads ' +
      '(TestConnectionResult, CreateDatabaseServiceRequest, CreateDatabaseRequest, CreateDatabaseSchemaRequest, CreateTableRequest).',
    version: VERSION,
  },
  tags: [
    { name: 'service', description: 'Health and documentation' },
    { name: 'connection', description: 'Test an Athena connection' },
    { name: 'metadata', description: 'List databases and ingest metadata' },
  ],
  components: {
    securitySchemes: { bearer: { type: 'http' as const, scheme: 'bearer', description: 'Required on /v1/* when AUTH_TOKEN is set' } },
  },
}
