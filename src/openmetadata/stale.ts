/** BulkDeleteStaleRequest (type/bulkDeleteStaleRequest.json): the tables of a schema the run saw. */
export interface BulkDeleteStaleRequest {
  scopeFqn: string
  scopeEntityType: 'databaseSchema'
  seenFqns: string[]
  dryRun: boolean
  hardDelete: boolean
  recursive: boolean
}

/**
 * The stale-table scope of one schema. Only to be built for a schema whose listing completed
 * without any error: anything in scope but not in seenFqns gets soft-deleted by the server.
 */
export function buildStaleScope(schemaFqn: string, seenFqns: string[]): BulkDeleteStaleRequest {
  return { scopeFqn: schemaFqn, scopeEntityType: 'databaseSchema', seenFqns, dryRun: false, hardDelete: false, recursive: true }
}
