/**
 * AddLineageRequest payloads (api/lineage/addLineage.json). Entities are named by type and
 * fullyQualifiedName only: their ids belong to the OpenMetadata server, and whoever writes the edge
 * to it resolves them by FQN (DESIGN.md §1). That is the one field the OM schema wants that these
 * payloads leave to the writer.
 */
import { buildFqn } from './fqn.js'

export interface EntityRefByFqn {
  type: 'table' | 'container'
  fullyQualifiedName: string
}

export interface ColumnLineage {
  fromColumns: string[]
  toColumn: string
  function?: string
}

export interface AddLineageRequest {
  edge: {
    fromEntity: EntityRefByFqn
    toEntity: EntityRefByFqn
    description?: string
    lineageDetails?: {
      sqlQuery?: string
      columnsLineage?: ColumnLineage[]
      source?: 'ViewLineage' | 'QueryLineage' | 'ExternalTableLineage'
    }
  }
}

/** s3://, s3a:// and s3n:// locations (the Hadoop spellings mean the same bucket) → bucket and key. */
export function parseS3Location(location: string): { bucket: string; key: string } | undefined {
  const m = /^s3[an]?:\/\/([^/]+)\/?(.*)$/i.exec(location.trim())
  if (!m || !m[1]) return undefined
  return { bucket: m[1], key: m[2]!.replace(/\/+$/, '') }
}

/**
 * The storage container a table's data lives in, as OpenMetadata's S3 connector names it: the
 * bucket is a container under the storage service, and the data path below it (one name, slashes
 * kept) a container under the bucket.
 */
export function containerFqnOf(storageService: string, location: string): string | undefined {
  const s3 = parseS3Location(location)
  if (!s3) return undefined
  return s3.key ? buildFqn(storageService, s3.bucket, s3.key) : buildFqn(storageService, s3.bucket)
}

/** Container → table, for a table stored at an S3 location. */
export function buildStorageLineage(storageService: string, location: string, tableFqn: string): AddLineageRequest | undefined {
  const containerFqn = containerFqnOf(storageService, location)
  if (!containerFqn) return undefined
  return {
    edge: {
      fromEntity: { type: 'container', fullyQualifiedName: containerFqn },
      toEntity: { type: 'table', fullyQualifiedName: tableFqn },
      lineageDetails: { source: 'ExternalTableLineage' },
    },
  }
}

/** Upstream table → view, with the view's SQL and the column lineage that targets this edge's source. */
export function buildTableLineage(
  fromTableFqn: string,
  toTableFqn: string,
  details: { sqlQuery?: string; columnsLineage?: ColumnLineage[]; source: 'ViewLineage' | 'QueryLineage' },
): AddLineageRequest {
  const lineageDetails: NonNullable<AddLineageRequest['edge']['lineageDetails']> = { source: details.source }
  if (details.sqlQuery) lineageDetails.sqlQuery = details.sqlQuery
  if (details.columnsLineage?.length) lineageDetails.columnsLineage = details.columnsLineage
  return {
    edge: {
      fromEntity: { type: 'table', fullyQualifiedName: fromTableFqn },
      toEntity: { type: 'table', fullyQualifiedName: toTableFqn },
      lineageDetails,
    },
  }
}
