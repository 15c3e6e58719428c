/**
 * Glue objects → OpenMetadata create requests: CreateTableRequest (api/data/createTable.json),
 * CreateDatabaseRequest, CreateDatabaseSchemaRequest, CreateDatabaseServiceRequest.
 *
 * What createTable.json has room for, and what this fills:
 *   name, description, tableType, columns, tablePartition, databaseSchema, schemaDefinition (views),
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
import type {
  CreateDatabaseRequest,
  CreateDatabaseSchemaRequest,
  CreateDatabaseServiceRequest,
  CreateTableRequest,
  OmFileFormat,
  OmTableType,
} from './om-types.js'
import { buildTablePartition } from './partitions.js'
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
}

function isView(table: GlueTable): boolean {
  const type = table.TableType?.toUpperCase()
  return type === 'VIRTUAL_VIEW' || type === 'MATERIALIZED_VIEW' || table.IsMaterializedView === true
}

/**
 * OpenMetadata tableType, as upstream's Glue source decides it (Athena's own source calls every table External):
 * VIRTUAL_VIEW → View (MaterializedView when Glue flags it so); Parameters.table_type ICEBERG (any case) → Iceberg;
 * EXTERNAL_TABLE → External; anything else (MANAGED_TABLE, GOVERNED, none) → Regular.
 */
export function tableTypeOf(table: GlueTable): OmTableType {
  const type = table.TableType?.toUpperCase()
  if (table.IsMaterializedView === true || type === 'MATERIALIZED_VIEW') return 'MaterializedView'
  if (type === 'VIRTUAL_VIEW') return 'View'
  if (table.Parameters?.table_type?.trim().toUpperCase() === 'ICEBERG') return 'Iceberg'
  if (type === 'EXTERNAL_TABLE') return 'External'
  return 'Regular'
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

/** Glue Description, else Parameters.comment — except the `Presto View` marker Athena puts there for views. */
function descriptionOf(table: GlueTable): string | undefined {
  const description = nonEmpty(table.Description)
  if (description) return description
  const comment = nonEmpty(table.Parameters?.comment)
  if (!comment) return undefined
  if (isView(table) && /^\s*(presto|trino)\s+view\s*$/i.test(comment)) return undefined
  return comment
}

function checkEntityName(kind: string, name: string | undefined): string {
  const n = name ?? ''
  const reason = invalidNameReason(n)
  if (reason) throw new MappingError('INVALID_NAME', `Cannot map ${kind} ${JSON.stringify(n)}: ${reason}`)
  return n
}

/**
 * One Glue table or view → CreateTableRequest. Throws {@link MappingError} when it cannot be mapped: a name
 * OpenMetadata cannot hold (`"`, `::`, empty, over 256 characters), a column with an unparseable or missing type,
 * or (with includeViewDefinition) a corrupted Presto view payload. The message names the table, the column and the
 * reason.
 */
export function buildCreateTable(table: GlueTable, ctx: BuildTableContext): CreateTableRequest {
  const name = checkEntityName('table', table.Name)
  let columns
  try {
    columns = mapGlueColumns(table.StorageDescriptor?.Columns ?? [], table.PartitionKeys ?? [])
  } catch (err) {
    if (err instanceof MappingError) {
      throw new MappingError(err.code, `Cannot map table ${JSON.stringify(name)}: ${err.message}`, err.column, {
        cause: err.cause ?? err,
      })
    }
    throw err
  }
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
          throw new MappingError('VIEW_DECODE', `Cannot map view ${JSON.stringify(name)}: ${err.message}`, undefined, {
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
  }
  return request
}

/** CreateDatabaseRequest for the OpenMetadata database (Athena's catalog level) under service `serviceName`. */
export function buildCreateDatabase(name: string, serviceName: string, description?: string): CreateDatabaseRequest {
  checkEntityName('database', name)
  const request: CreateDatabaseRequest = { name, service: buildFqn(serviceName) }
  if (nonEmpty(description)) request.description = description!
  return request
}

/** CreateDatabaseSchemaRequest for one Glue database (an Athena schema), with its Glue description. */
export function buildCreateSchema(glueDatabase: GlueDatabase, databaseFqn: string): CreateDatabaseSchemaRequest {
  const name = checkEntityName('schema', glueDatabase.Name)
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
export function buildCreateDatabaseService<C extends object>(
  serviceName: string,
  connectionWithoutSecrets: C,
): CreateDatabaseServiceRequest<C> {
  checkEntityName('service', serviceName)
  return { name: serviceName, serviceType: 'Athena', connection: { config: stripSecrets(connectionWithoutSecrets) } }
}
