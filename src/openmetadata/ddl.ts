/**
 * A table's CREATE statement for OpenMetadata's `schemaDefinition`, when the pipeline sets `includeDDL`.
 *
 * Upstream fills it the same way for Athena (common_db_source `get_schema_definition`: a view's definition always,
 * a table's DDL only with includeDDL, through `Inspector.get_table_ddl` that athena/metadata.py installs), but its
 * DDL is SQLAlchemy's CreateTable compiled by pyathena from a reflection of the whole schema: types pass through the
 * lossy dialect mapping (double → FLOAT, struct → its SQLAlchemy form). This one is written from the Glue table the
 * listing already returned — no query, no extra AWS call — with the types exactly as Glue holds them, in the shape
 * Athena's own SHOW CREATE TABLE prints. It is therefore not byte-identical to upstream's text.
 */
import type { Column, Table } from '@aws-sdk/client-glue'
import { dropNonCurrentIcebergColumns } from './columns.js'

function identifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``
}

function literal(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

function columnLines(columns: readonly Column[]): string {
  return columns.map((c) => `  ${identifier(c.Name ?? '')} ${c.Type?.trim() || 'string'}${c.Comment ? ` COMMENT ${literal(c.Comment)}` : ''}`).join(',\n')
}

function propertyLines(properties: Record<string, string>): string {
  return Object.entries(properties)
    .map(([k, v]) => `  ${literal(k)}=${literal(v)}`)
    .join(',\n')
}

/** `CREATE [EXTERNAL] TABLE `db`.`name` (…)` with PARTITIONED BY, ROW FORMAT SERDE, STORED AS, LOCATION, TBLPROPERTIES. */
export function createTableDdl(table: Table): string {
  const sd = table.StorageDescriptor
  const parameters = table.Parameters ?? {}
  const iceberg = parameters.table_type?.trim().toUpperCase() === 'ICEBERG'
  const name = table.DatabaseName ? `${identifier(table.DatabaseName)}.${identifier(table.Name ?? '')}` : identifier(table.Name ?? '')
  const parts = [`CREATE ${iceberg ? '' : 'EXTERNAL '}TABLE ${name}(\n${columnLines(dropNonCurrentIcebergColumns(sd?.Columns ?? []))})`]
  const comment = parameters.comment?.trim() ? parameters.comment : table.Description
  if (comment?.trim()) parts.push(`COMMENT ${literal(comment)}`)
  const keys = table.PartitionKeys ?? []
  if (keys.length > 0) parts.push(`PARTITIONED BY (\n${columnLines(keys)})`)
  const serde = sd?.SerdeInfo
  if (serde?.SerializationLibrary) {
    parts.push(`ROW FORMAT SERDE \n  ${literal(serde.SerializationLibrary)}`)
    if (serde.Parameters && Object.keys(serde.Parameters).length > 0) parts.push(`WITH SERDEPROPERTIES (\n${propertyLines(serde.Parameters)})`)
  }
  if (sd?.InputFormat || sd?.OutputFormat) {
    parts.push(`STORED AS INPUTFORMAT \n  ${literal(sd.InputFormat ?? '')} \nOUTPUTFORMAT \n  ${literal(sd.OutputFormat ?? '')}`)
  }
  if (sd?.Location) parts.push(`LOCATION\n  ${literal(sd.Location)}`)
  const { comment: _comment, ...properties } = parameters
  if (Object.keys(properties).length > 0) parts.push(`TBLPROPERTIES (\n${propertyLines(properties)})`)
  return parts.join('\n')
}
