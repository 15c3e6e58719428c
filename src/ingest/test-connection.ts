import type { AthenaConnectionT } from '../../schemas/athena-connection.js'
import { testConnection, type TestConnectionOptions, type TestConnectionResult } from '../athena/test-connection.js'
import { compileFilter } from './filters.js'

/**
 * Test connection as the ingest will see the catalog: the connection's schemaFilterPattern decides
 * which schemas GetTables/GetViews look into. An invalid pattern is a 400 (FilterPatternError) naming the field
 * where the request holds it: `connectionPath` is the connection's own path (`body`, `body/connection/config`, …).
 */
export function runTestConnection(connection: AthenaConnectionT, opts: Omit<TestConnectionOptions, 'isSchemaFiltered'>, connectionPath = 'body'): Promise<TestConnectionResult> {
  const isSchemaFiltered = compileFilter(connection.schemaFilterPattern, `${connectionPath}/schemaFilterPattern`)
  return testConnection(connection, { ...opts, isSchemaFiltered })
}
