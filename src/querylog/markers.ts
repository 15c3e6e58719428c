/**
 * Queries OpenMetadata drops from a query log, as upstream does (ingestion/src/metadata/ingestion/source/
 * database/athena/query_parser.py `is_not_dbt_or_om_query`, constants from metadata/utils/constants.py):
 * those that start with the header OpenMetadata's ingestion puts on every query it runs
 * (`/* {"app": "OpenMetadata", "version": "…"} *\/`, utils `render_query_header`), and those that start with
 * dbt's query comment (`/* {"app": "dbt", …} *\/`). Upstream compares the raw text with startswith; leading
 * whitespace is skipped here too (a client that indents its statements does not make them new queries).
 */
export const QUERY_WITH_OM_VERSION = '/* {"app": "OpenMetadata"'
export const QUERY_WITH_DBT = '/* {"app": "dbt"'

export type QueryOrigin = 'openMetadata' | 'dbt' | 'user'

export function queryOrigin(query: string): QueryOrigin {
  const text = query.trimStart()
  if (text.startsWith(QUERY_WITH_OM_VERSION)) return 'openMetadata'
  if (text.startsWith(QUERY_WITH_DBT)) return 'dbt'
  return 'user'
}
