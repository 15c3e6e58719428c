import type { AthenaConnectionT } from '../../schemas/athena-connection.js'
import type { DatabaseServiceMetadataPipelineT, SourceT } from '../../schemas/requests.js'
import { BadInputError } from '../errors.js'
import { compileFilter, type NameFilter } from './filters.js'

/** Default number of schemas read from AWS at once (bounded so Glue's per-account rate is respected). */
export const DEFAULT_SCHEMA_CONCURRENCY = 4

/** Everything an ingest needs to know, resolved once from the request's source block. */
export interface IngestPlan {
  serviceName: string
  connection: AthenaConnectionT
  /** The OM database the Glue catalog becomes: connection.databaseName or `default`. */
  glueDatabaseName: string
  includeTables: boolean
  includeViews: boolean
  /** OpenMetadata's includeDDL: tables get their CREATE statement as schemaDefinition (views always get theirs). */
  includeDDL: boolean
  includeFederatedCatalogs: boolean
  /** Emit a staleScope per cleanly listed schema (OpenMetadata's markDeletedTables, default true). */
  markDeletedTables: boolean
  /** A staleScope per database whose schema listing completed cleanly (markDeletedSchemas, default false). */
  markDeletedSchemas: boolean
  /** A staleScope for the service when every database was listed cleanly (markDeletedDatabases, default false). */
  markDeletedDatabases: boolean
  /** Lake Formation LF-tags as OpenMetadata tags (OpenMetadata's includeTags, default true). */
  includeTags: boolean
  /** Storage service to draw container → table lineage from; none: no storage lineage. */
  storageServiceName?: string
  includeViewLineage: boolean
  schemaConcurrency: number
  useFqnForFiltering: boolean
  isDatabaseFiltered: NameFilter
  isSchemaFiltered: NameFilter
  isTableFiltered: NameFilter
}

/**
 * Resolves a source: sourceConfig's filter patterns win, the connection's own (its "default" patterns)
 * apply when the pipeline has none. Invalid regular expressions fail here, as a 400 naming the field.
 */
export function planIngest(source: SourceT, defaultServiceName: string | undefined): IngestPlan {
  const connection = source.serviceConnection.config
  const pipeline: Partial<DatabaseServiceMetadataPipelineT> = source.sourceConfig?.config ?? {}
  const serviceName = source.serviceName ?? defaultServiceName
  if (!serviceName) throw new BadInputError("body must have required property 'serviceName'")
  const pattern = (name: 'databaseFilterPattern' | 'schemaFilterPattern' | 'tableFilterPattern') => {
    if (pipeline[name]) return compileFilter(pipeline[name], `body/sourceConfig/config/${name}`)
    return compileFilter(connection[name], `body/serviceConnection/config/${name}`)
  }
  return {
    serviceName,
    connection,
    glueDatabaseName: connection.databaseName || 'default',
    includeTables: pipeline.includeTables ?? true,
    includeViews: pipeline.includeViews ?? true,
    includeDDL: pipeline.includeDDL ?? false,
    includeFederatedCatalogs: source.options?.includeFederatedCatalogs ?? false,
    markDeletedTables: pipeline.markDeletedTables ?? true,
    markDeletedSchemas: pipeline.markDeletedSchemas ?? false,
    markDeletedDatabases: pipeline.markDeletedDatabases ?? false,
    includeTags: pipeline.includeTags ?? true,
    ...(source.options?.storageServiceName ? { storageServiceName: source.options.storageServiceName } : {}),
    includeViewLineage: source.options?.includeViewLineage ?? true,
    schemaConcurrency: source.options?.schemaConcurrency ?? DEFAULT_SCHEMA_CONCURRENCY,
    useFqnForFiltering: pipeline.useFqnForFiltering ?? false,
    isDatabaseFiltered: pattern('databaseFilterPattern'),
    isSchemaFiltered: pattern('schemaFilterPattern'),
    isTableFiltered: pattern('tableFilterPattern'),
  }
}
