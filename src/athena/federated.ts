import { type AthenaClient, ListDatabasesCommand, ListDataCatalogsCommand, ListTableMetadataCommand, type DataCatalogSummary, type TableMetadata } from '@aws-sdk/client-athena'
import type { Database, Table } from '@aws-sdk/client-glue'
import { boundedPages, type ListingScope } from '../aws/paging.js'

/** The Athena metadata API's page size limit. */
export const ATHENA_PAGE_SIZE = 50

/** Catalog types read through the Athena metadata API: everything but the Glue catalog itself. */
const NON_GLUE = new Set(['LAMBDA', 'HIVE', 'FEDERATED'])

/** Data catalogs registered in Athena other than the Glue Data Catalog (LAMBDA, HIVE, FEDERATED). */
export async function listFederatedCatalogs(athena: AthenaClient, scope: ListingScope = {}): Promise<DataCatalogSummary[]> {
  const found: DataCatalogSummary[] = []
  const pages = boundedPages(
    'athena:ListDataCatalogs',
    scope.paging,
    (token) => athena.send(new ListDataCatalogsCommand({ MaxResults: ATHENA_PAGE_SIZE, ...(token ? { NextToken: token } : {}) }), { abortSignal: scope.signal }),
    (out) => out.NextToken,
  )
  for await (const out of pages) for (const c of out.DataCatalogsSummary ?? []) if (c.Type && NON_GLUE.has(c.Type)) found.push(c)
  return found
}

/** The databases of one Athena data catalog, as Glue-shaped databases so the same mapping applies. */
export async function* iterateCatalogDatabasePages(athena: AthenaClient, catalog: string, scope: ListingScope = {}): AsyncGenerator<Database[]> {
  const pages = boundedPages(
    'athena:ListDatabases',
    scope.paging,
    (token) => athena.send(new ListDatabasesCommand({ CatalogName: catalog, MaxResults: ATHENA_PAGE_SIZE, ...(token ? { NextToken: token } : {}) }), { abortSignal: scope.signal }),
    (out) => out.NextToken,
  )
  for await (const out of pages) {
    yield (out.DatabaseList ?? []).map((d) => ({
      Name: d.Name,
      ...(d.Description ? { Description: d.Description } : {}),
      ...(d.Parameters ? { Parameters: d.Parameters } : {}),
    }))
  }
}

/** The tables of one database of an Athena data catalog, page by page, as Glue-shaped tables. */
export async function* iterateCatalogTablePages(athena: AthenaClient, catalog: string, database: string, scope: ListingScope = {}): AsyncGenerator<Table[]> {
  const pages = boundedPages(
    'athena:ListTableMetadata',
    scope.paging,
    (token) =>
      athena.send(
        new ListTableMetadataCommand({
          CatalogName: catalog,
          DatabaseName: database,
          MaxResults: ATHENA_PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal: scope.signal },
      ),
    (out) => out.NextToken,
  )
  for await (const out of pages) yield (out.TableMetadataList ?? []).map((t) => tableMetadataToGlue(t, database))
}

/**
 * Athena's TableMetadata carries the same facts as a Glue Table under other names; reshaping it lets
 * one mapping serve both. Views keep their type; the SQL of a federated view is not in TableMetadata.
 */
export function tableMetadataToGlue(t: TableMetadata, database: string): Table {
  const parameters = t.Parameters ?? {}
  return {
    Name: t.Name,
    DatabaseName: database,
    ...(t.TableType ? { TableType: t.TableType } : {}),
    ...(t.CreateTime ? { CreateTime: t.CreateTime } : {}),
    // Parameters.comment is the description already (table.ts reads it first, as upstream).
    Parameters: parameters,
    StorageDescriptor: {
      Columns: (t.Columns ?? []).map((c) => ({ Name: c.Name, Type: c.Type, ...(c.Comment ? { Comment: c.Comment } : {}) })),
      ...(parameters.location ? { Location: parameters.location } : {}),
      ...(parameters.inputformat ? { InputFormat: parameters.inputformat } : {}),
      ...(parameters.serde ? { SerdeInfo: { SerializationLibrary: parameters.serde } } : {}),
    },
    PartitionKeys: (t.PartitionKeys ?? []).map((c) => ({ Name: c.Name, Type: c.Type, ...(c.Comment ? { Comment: c.Comment } : {}) })),
  }
}
