/**
 * Glue objects → OpenMetadata create requests: CreateTableRequest (api/data/createTable.json),
 * CreateDatabaseRequest, CreateDatabaseSchemaRequest, CreateDatabaseServiceRequest.
 *
 * What createTable.json has room for, and what this fills:
 *   name, description, tableType, columns, tablePartition, databaseSchema, schemaDefinition (views; tables with
 *   includeDDL),
 *   locationPath (StorageDescriptor.Location), fileFormat (from SerDe / InputFormat / `classification`).
 * It has no free-form place for Glue table parameters (`classification`, `has_encrypted_data`, `projection.*`,
 * Iceberg `metadata_location`, …): the object is closed, and `extension` only holds custom properties that are
 * first defined on the OpenMetadata server. They appear only through the fields above (projection → tablePartition,
 * classification → fileFormat). Not filled: displayName and sourceUrl (upstream's Athena source fills neither),
 * tableConstraints (Glue has none), owners/tags/domain (other steps).
 */
import type { Database, Table } from '@aws-sdk/client-glue'
import { mapGlueColumns } from './columns.js'
import { invalidNameReason, MappingError } from './errors.js'
import { buildFqn } from './fqn.js'
import type { CreateDatabaseRequest, CreateDatabaseSchemaRequest, CreateDatabaseServiceRequest, CreateTableRequest, OmFileFormat, OmTableType } from './om-types.js'
import { createTableDdl } from './ddl.js'
import { buildTablePartition } from './partitions.js'
import { encodeReservedName } from './reserved-names.js'
import { ViewDecodeError, viewDefinitionOf } from './view.js'

/** The Glue table fields this module reads (the SDK's `Table`). */
export type GlueTable = Table
/** The Glue database fields this module reads (the SDK's `Database`). */
export type GlueDatabase = Pick<Database, 'Name' | 'Description'>

export interface BuildTableContext {
  /** FQN of the OpenMetadata database schema the table belongs to (service.database.schema). */
  schemaFqn: string
  /** Put a view's SQL into `schemaDefinition` (default true). */
  includeViewDefinition?: boolean
  /** OpenMetadata's `includeDDL`: put a table's CREATE statement into `schemaDefinition` (default false). */
  includeDDL?: boolean
  /** Told each problem the mapping worked around (a column typed UNKNOWN, an encoded name); names table and column. */
  onWarning?: (message: string) => void
}

function isView(table: GlueTable): boolean {
  const type = table.TableType?.toUpperCase()
  return type === 'VIRTUAL_VIEW' || type === 'MATERIALIZED_VIEW' || table.IsMaterializedView === true
}

/**
 * OpenMetadata tableType, as upstream's Athena connector decides it (athena/metadata.py, Collate-licensed 2025
 * version): views are View (common_db_source `query_view_names_and_types`); every table is External
 * (`query_table_names_and_types`: "Return tables as external"), and becomes Partitioned when it has partition keys
 * (`get_table_partition_details` → common_db_source `yield_table`). So an Iceberg table (EXTERNAL_TABLE with
 * table_type=ICEBERG, whose partitioning Glue does not list as keys) is External, and a partitioned one Partitioned.
 *
 * Upstream lists only EXTERNAL_TABLE and VIRTUAL_VIEW (pyathena's get_table_names / get_view_names), so it never
 * types MANAGED_TABLE, GOVERNED or untyped tables: this service ingests them rather than hiding them, by the same
 * rule as every other table (External, or Partitioned). A Glue materialized view, also unlisted upstream, is
 * MaterializedView.
 */
export function tableTypeOf(table: GlueTable): OmTableType {
  const type = table.TableType?.toUpperCase()
  if (table.IsMaterializedView === true || type === 'MATERIALIZED_VIEW') return 'MaterializedView'
  if (type === 'VIRTUAL_VIEW') return 'View'
  if ((table.PartitionKeys?.length ?? 0) > 0) return 'Partitioned'
  return 'External'
}

function firstParam(maps: (Record<string, string> | undefined)[], key: string): string | undefined {
  for (const m of maps) {
    if (!m) continue
    for (const [k, v] of Object.entries(m)) if (k.toLowerCase() === key && typeof v === 'string') return v
  }
  return undefined
}

/** A one-character delimiter as Hive writes it (`,`, `\t`, `\u0009`, an octal `\011`, or a decimal `9`). */
function normalizeDelimiter(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  if (raw === '\\t' || raw === '\\u0009' || raw === '\\011' || raw === '9') return '\t'
  if (raw === '\\u002c' || raw === '\\054' || raw === '44') return ','
  return raw
}

const CLASSIFICATION_FORMATS: Record<string, OmFileFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  json: 'json',
  parquet: 'parquet',
  avro: 'avro',
}

/**
 * OpenMetadata fileFormat of a Glue table, or undefined when there is none or OpenMetadata's enum has no value for it
 * (ORC, Ion, XML, Grok/Regex, CloudTrail, Iceberg/Delta without a SerDe, views). Decided by the SerDe library and
 * InputFormat first, then by the Glue crawler's `classification` parameter:
 *   ParquetHiveSerDe / MapredParquetInputFormat → parquet; AvroSerDe / AvroContainerInputFormat → avro;
 *   any *JsonSerDe (OpenX, HCatalog, Hive) → json; OpenCSVSerde → csv (tsv when separatorChar is a tab);
 *   LazySimpleSerDe → csv when field.delim is ',', tsv when it is a tab (Hive's default \u0001 has no value).
 */
export function fileFormatOf(table: GlueTable): OmFileFormat | undefined {
  if (isView(table)) return undefined
  const sd = table.StorageDescriptor
  const serde = sd?.SerdeInfo?.SerializationLibrary?.toLowerCase() ?? ''
  const input = sd?.InputFormat?.toLowerCase() ?? ''
  const serdeParams = sd?.SerdeInfo?.Parameters
  if (serde.includes('parquet') || input.includes('parquet')) return 'parquet'
  if (serde.includes('avro') || input.includes('avro')) return 'avro'
  if (serde.includes('orc') || input.includes('orc')) return undefined
  if (serde.includes('jsonserde') || serde.endsWith('.jsonserde')) return 'json'
  if (serde.includes('opencsvserde')) {
    const sep = normalizeDelimiter(firstParam([serdeParams], 'separatorchar'))
    return sep === '\t' ? 'tsv' : 'csv'
  }
  if (serde.includes('lazysimpleserde')) {
    const delim = normalizeDelimiter(firstParam([serdeParams], 'field.delim') ?? firstParam([serdeParams], 'serialization.format'))
    if (delim === ',') return 'csv'
    if (delim === '\t') return 'tsv'
  }
  if (serde !== '' && !serde.includes('lazysimpleserde')) return undefined
  const classification = firstParam([table.Parameters, sd?.Parameters], 'classification')?.trim().toLowerCase()
  return classification ? CLASSIFICATION_FORMATS[classification] : undefined
}

function nonEmpty(s: string | undefined | null): string | undefined {
  return typeof s === 'string' && s.trim() !== '' ? s : undefined
}

/**
 * Upstream's table description: `Parameters.comment` (pyathena's table comment, which upstream's
 * get_table_description reads) — except the `Presto View` marker Athena puts there for views, which describes
 * nothing — then Glue's own `Description` when that is empty.
 */
function descriptionOf(table: GlueTable): string | undefined {
  const comment = nonEmpty(table.Parameters?.comment)
  if (comment && !(isView(table) && /^\s*(presto|trino)\s+view\s*$/i.test(comment))) return comment
  return nonEmpty(table.Description)
}

/**
 * The OpenMetadata name of a database, schema or table: `"`, `::` and `>` encoded as upstream encodes them
 * (reserved-names.ts). Throws MappingError when even that cannot be held (empty, or over 256 characters).
 */
function entityNameOf(kind: string, name: string | undefined, warn?: (message: string) => void): string {
  const raw = name ?? ''
  const encoded = encodeReservedName(raw)
  const reason = invalidNameReason(encoded)
  if (reason) throw new MappingError('INVALID_NAME', `Cannot map ${kind} ${JSON.stringify(raw)}: ${reason}`)
  if (encoded !== raw) warn?.(`${kind} ${JSON.stringify(raw)} is named ${JSON.stringify(encoded)}, OpenMetadata's encoding of '"', '::' and '>'`)
  return encoded
}

/**
 * One Glue table or view → CreateTableRequest. One bad column never costs the table: it is typed UNKNOWN (or, for a
 * name too long even for OpenMetadata, left out), and `ctx.onWarning` is told, naming table and column. Throws
 * {@link MappingError} only for a table name OpenMetadata cannot hold (empty, over 256 characters once encoded) or
 * (with includeViewDefinition) a corrupted Presto view payload; the message names the table and the reason.
 */
export function buildCreateTable(table: GlueTable, ctx: BuildTableContext): CreateTableRequest {
  const warn = ctx.onWarning
  const name = entityNameOf('table', table.Name, warn)
  const columnWarn = warn ? (message: string) => warn(`table ${JSON.stringify(table.Name)}: ${message}`) : undefined
  const columns = mapGlueColumns(table.StorageDescriptor?.Columns ?? [], table.PartitionKeys ?? [], columnWarn)
  const request: CreateTableRequest = {
    name,
    tableType: tableTypeOf(table),
    columns,
    databaseSchema: ctx.schemaFqn,
  }
  const description = descriptionOf(table)
  if (description) request.description = description
  const partition = buildTablePartition(table.PartitionKeys, table.Parameters)
  if (partition) request.tablePartition = partition
  if (isView(table)) {
    if (ctx.includeViewDefinition !== false) {
      try {
        const sql = viewDefinitionOf(table)
        if (sql) request.schemaDefinition = sql
      } catch (err) {
        if (err instanceof ViewDecodeError) {
          throw new MappingError('VIEW_DECODE', `Cannot map view ${JSON.stringify(name)}: ${err.message}`, {
            cause: err,
          })
        }
        throw err
      }
    }
  } else {
    const location = nonEmpty(table.StorageDescriptor?.Location)
    if (location) request.locationPath = location
    const fileFormat = fileFormatOf(table)
    if (fileFormat) request.fileFormat = fileFormat
    if (ctx.includeDDL) request.schemaDefinition = createTableDdl(table)
  }
  return request
}

/** CreateDatabaseRequest for the OpenMetadata database (Athena's catalog level) under service `serviceName`. */
export function buildCreateDatabase(name: string, serviceName: string, description?: string): CreateDatabaseRequest {
  const request: CreateDatabaseRequest = { name: entityNameOf('database', name), service: buildFqn(serviceName) }
  if (nonEmpty(description)) request.description = description!
  return request
}

/** CreateDatabaseSchemaRequest for one Glue database (an Athena schema), with its Glue description. */
export function buildCreateSchema(glueDatabase: GlueDatabase, databaseFqn: string): CreateDatabaseSchemaRequest {
  const name = entityNameOf('schema', glueDatabase.Name)
  const request: CreateDatabaseSchemaRequest = { name, database: databaseFqn }
  const description = nonEmpty(glueDatabase.Description)
  if (description) request.description = description
  return request
}

const SECRET_KEYS = new Set(['awsSecretAccessKey', 'awsSessionToken'])

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets)
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (!SECRET_KEYS.has(k)) out[k] = withoutSecrets(v)
    return out
  }
  return value
}

/**
 * A deep copy of an Athena connection without `awsSecretAccessKey` and `awsSessionToken` — removed from `awsConfig`
 * and from every other AWS credentials object nested in it (e.g. sampleDataStorageConfig's storageConfig). Everything
 * else (access key id, region, role ARN, …) is kept. `connectionOptions` / `connectionArguments` are free-form and
 * kept as given.
 */
export function stripSecrets<T>(connection: T): T {
  return withoutSecrets(connection) as T
}

/** CreateDatabaseServiceRequest for an Athena service; the connection is stripped of secrets (again) on the way. */
export function buildCreateDatabaseService<C extends object>(serviceName: string, connectionWithoutSecrets: C): CreateDatabaseServiceRequest<C> {
  const reason = invalidNameReason(serviceName)
  // Upstream encodes no service-level create request: a service name must be valid as written.
  if (reason) throw new MappingError('INVALID_NAME', `Cannot map service ${JSON.stringify(serviceName)}: ${reason}`)
  return { name: serviceName, serviceType: 'Athena', connection: { config: stripSecrets(connectionWithoutSecrets) } }
}
