import { GetDatabasesCommand, GetTablesCommand, type GlueClient, type Database, type Table } from '@aws-sdk/client-glue'
import { boundedPages, type ListingScope } from '../aws/paging.js'

/** Glue's page size limit; every listing asks for full pages. */
export const GLUE_PAGE_SIZE = 100

export interface GlueScope extends ListingScope {
  /** The Glue catalog (account id) to read; passed on every call when set. */
  catalogId?: string
}

/** One GetDatabases page. */
export async function getDatabasesPage(glue: GlueClient, scope: GlueScope, nextToken?: string) {
  const out = await glue.send(
    new GetDatabasesCommand({
      MaxResults: GLUE_PAGE_SIZE,
      ...(scope.catalogId ? { CatalogId: scope.catalogId } : {}),
      ...(nextToken ? { NextToken: nextToken } : {}),
    }),
    { abortSignal: scope.signal },
  )
  return { databases: out.DatabaseList ?? [], nextToken: out.NextToken || undefined }
}

/** One GetTables page of a database: tables and views together, complete, so no per-table call is needed. */
export async function getTablesPage(glue: GlueClient, scope: GlueScope, database: string, nextToken?: string) {
  const out = await glue.send(
    new GetTablesCommand({
      DatabaseName: database,
      MaxResults: GLUE_PAGE_SIZE,
      ...(scope.catalogId ? { CatalogId: scope.catalogId } : {}),
      ...(nextToken ? { NextToken: nextToken } : {}),
    }),
    { abortSignal: scope.signal },
  )
  return { tables: out.TableList ?? [], nextToken: out.NextToken || undefined }
}

/** Every Glue database of the catalog, page by page. */
export async function* iterateDatabasePages(glue: GlueClient, scope: GlueScope): AsyncGenerator<Database[]> {
  const pages = boundedPages(
    'glue:GetDatabases',
    scope.paging,
    (token) => getDatabasesPage(glue, scope, token),
    (p) => p.nextToken,
  )
  for await (const page of pages) yield page.databases
}

/** Every table of one database, page by page, in Glue's order. */
export async function* iterateTablePages(glue: GlueClient, scope: GlueScope, database: string): AsyncGenerator<Table[]> {
  const pages = boundedPages(
    'glue:GetTables',
    scope.paging,
    (token) => getTablesPage(glue, scope, database, token),
    (p) => p.nextToken,
  )
  for await (const page of pages) yield page.tables
}

export function isView(table: Table): boolean {
  return table.TableType === 'VIRTUAL_VIEW'
}
