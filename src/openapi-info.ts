import { VERSION } from './version.js'

/**
 * The OpenAPI document's header; paths and schemas come from the routes' TypeBox schemas, operationIds, security
 * and examples from src/openapi-operations.ts. OpenAPI 3.1, because its Schema Object is JSON Schema 2020-12: the
 * request schemas need `if`/`then`/`else` (schemas/requests.ts, schemas/query-log.ts), which 3.0 does not have.
 */
export const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Athena connector for OpenMetadata',
    description:
      'Tests AWS Athena connections and reads the Athena/Glue catalog as OpenMetadata entity payloads ' +
      '(TestConnectionResult, CreateDatabaseServiceRequest, CreateDatabaseRequest, CreateDatabaseSchemaRequest, CreateTableRequest).\n\n' +
      'The request examples run as they are against the local sandbox (`npm run sandbox`): Authorize with the bearer token ' +
      '`sandbox-token-not-a-secret` for /v1/*, and with the Basic credentials the sandbox prints for the automation API.',
    version: VERSION,
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  // Postman and Insomnia take the first server as the base URL of every request they import.
  servers: [{ url: 'http://localhost:8080', description: 'npm run sandbox, or npm start with the default PORT (8080)' }],
  tags: [
    { name: 'service', description: 'Health and documentation' },
    { name: 'connection', description: 'Test an Athena connection' },
    { name: 'metadata', description: 'List databases and ingest metadata' },
    { name: 'usage', description: 'Query history: queries, usage and lineage' },
    { name: 'automation', description: "OpenMetadata's pipeline-service API (AUTOMATION_PREFIX), called by its server" },
    { name: 'pipelines', description: 'Deployed ingestion pipelines (AUTOMATION_PREFIX): deploy, run, schedule, status, logs, kill — called by the OpenMetadata server' },
  ],
  components: {
    securitySchemes: {
      bearer: { type: 'http' as const, scheme: 'bearer', description: 'AUTH_TOKEN: required on /v1/* when it is set' },
      basic: {
        type: 'http' as const,
        scheme: 'basic',
        description: "AUTOMATION_USERNAME / AUTOMATION_PASSWORD: the automation API (OpenMetadata's AIRFLOW_USERNAME / AIRFLOW_PASSWORD)",
      },
    },
  },
}

/**
 * @fastify/swagger-ui `transformSpecification`. /docs/json, which the UI loads, lists a relative server first ("/":
 * the instance serving /docs), so that "Try it out" on a deployed instance calls that instance and not the
 * sandbox's localhost:8080; no request header is used to build it. /docs/yaml stays exactly openapi.yaml: importers
 * (Postman, Insomnia) take servers[0] as the base URL and cannot use a relative one (Postman makes it "http:///").
 */
export function withThisInstanceFirst(document: Readonly<Record<string, unknown>>, request: { routeOptions: { url?: string } }): Record<string, unknown> {
  if (!request.routeOptions.url?.endsWith('/json')) return document
  const servers: unknown[] = Array.isArray(document.servers) ? document.servers : []
  return { ...document, servers: [{ url: '/', description: 'This instance (the one serving /docs)' }, ...servers] }
}
