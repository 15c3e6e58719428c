/**
 * BulkDeleteStaleRequest (type/bulkDeleteStaleRequest.json): the entities of a scope the run saw. What gets
 * cleaned follows from the scope, as upstream's three call sites use it (database_service.py
 * mark_tables/schemas/databases_as_deleted): a databaseSchema scope lists tables, a database scope lists
 * schemas, a databaseService scope lists databases.
 */
export type StaleScopeType = 'databaseSchema' | 'database' | 'databaseService'

export interface BulkDeleteStaleRequest {
  scopeFqn: string
  scopeEntityType: StaleScopeType
  seenFqns: string[]
  dryRun: boolean
  hardDelete: boolean
  recursive: boolean
}

/**
 * A stale-entity scope. Only to be built for a scope whose listing completed without any error:
 * anything in scope but not in seenFqns gets soft-deleted by the server.
 */
export function buildStaleScope(scopeFqn: string, seenFqns: string[], scopeEntityType: StaleScopeType = 'databaseSchema'): BulkDeleteStaleRequest {
  return { scopeFqn, scopeEntityType, seenFqns, dryRun: false, hardDelete: false, recursive: true }
}
