// The catalog that the AWS-compatible test endpoint serves: Glue `Database`/`Table`/`Partition`
// shapes and Athena `WorkGroup`/`DataCatalog`/`TableMetadata` shapes, as in the AWS API reference,
// so the endpoint can return them almost verbatim. Timestamps may be ISO strings, epoch seconds or
// Dates; the endpoint puts them on the wire as epoch seconds.
import { existsSync, readFileSync } from 'node:fs'
import { prestoViewText, type PrestoViewDocument } from './aws/presto-view.js'

export type Timestamp = string | number | Date
export type StringMap = Record<string, string>

/** Glue `Column`. */
export interface GlueColumn {
  Name: string
  Type?: string
  Comment?: string
  Parameters?: StringMap
}

/** Glue `StorageDescriptor` (the fields this project meets). */
export interface GlueStorageDescriptor {
  Columns?: GlueColumn[]
  Location?: string
  AdditionalLocations?: string[]
  InputFormat?: string
  OutputFormat?: string
  Compressed?: boolean
  NumberOfBuckets?: number
  SerdeInfo?: { Name?: string; SerializationLibrary?: string; Parameters?: StringMap }
  BucketColumns?: string[]
  SortColumns?: Array<{ Column: string; SortOrder: number }>
  Parameters?: StringMap
  StoredAsSubDirectories?: boolean
}

/** A registered partition; only `Values` is needed, the endpoint fills in the rest from the table. */
export interface GluePartitionFixture {
  Values: string[]
  CreationTime?: Timestamp
  LastAccessTime?: Timestamp
  StorageDescriptor?: GlueStorageDescriptor
  Parameters?: StringMap
}

/** Glue `Table`, plus `Partitions` (not part of the Table shape: what GetPartitions serves). */
export interface GlueTable {
  Name: string
  DatabaseName?: string
  Description?: string
  Owner?: string
  CreateTime?: Timestamp
  UpdateTime?: Timestamp
  LastAccessTime?: Timestamp
  LastAnalyzedTime?: Timestamp
  Retention?: number
  StorageDescriptor?: GlueStorageDescriptor
  PartitionKeys?: GlueColumn[]
  ViewOriginalText?: string
  ViewExpandedText?: string
  TableType?: string
  Parameters?: StringMap
  CreatedBy?: string
  IsRegisteredWithLakeFormation?: boolean
  CatalogId?: string
  VersionId?: string
  /**
   * Partitions GetPartitions returns. Absent on a partitioned table without partition projection:
   * the endpoint synthesises three. `[]`: none registered.
   */
  Partitions?: GluePartitionFixture[]
}

/** Glue `Database` shape plus its tables. */
export interface GlueDatabaseFixture {
  Name: string
  Description?: string
  LocationUri?: string
  Parameters?: StringMap
  CreateTime?: Timestamp
  CreateTableDefaultPermissions?: Array<{ Principal?: { DataLakePrincipalIdentifier?: string }; Permissions?: string[] }>
  CatalogId?: string
  Tables: GlueTable[]
}

/** Athena `WorkGroup`. */
export interface AthenaWorkGroupFixture {
  Name: string
  State: 'ENABLED' | 'DISABLED'
  Description?: string
  CreationTime?: Timestamp
  Configuration?: {
    ResultConfiguration?: {
      OutputLocation?: string
      EncryptionConfiguration?: { EncryptionOption: string; KmsKey?: string }
      ExpectedBucketOwner?: string
    }
    EnforceWorkGroupConfiguration?: boolean
    PublishCloudWatchMetricsEnabled?: boolean
    BytesScannedCutoffPerQuery?: number
    RequesterPaysEnabled?: boolean
    EngineVersion?: { SelectedEngineVersion?: string; EffectiveEngineVersion?: string }
  }
}

/** Athena `Column`. */
export interface AthenaColumn {
  Name: string
  Type?: string
  Comment?: string
}

/** Athena `TableMetadata`. */
export interface AthenaTableMetadata {
  Name: string
  CreateTime?: Timestamp
  LastAccessTime?: Timestamp
  TableType?: string
  Columns?: AthenaColumn[]
  PartitionKeys?: AthenaColumn[]
  Parameters?: StringMap
}

/** Athena `Database` plus its tables (used for non-GLUE data catalogs). */
export interface AthenaDatabaseFixture {
  Name: string
  Description?: string
  Parameters?: StringMap
  tables: AthenaTableMetadata[]
}

/** Athena `DataCatalog`; GLUE catalogs read Glue (`Parameters['catalog-id']`, default the account). */
export interface AthenaDataCatalogFixture {
  Name: string
  Type: 'GLUE' | 'LAMBDA' | 'HIVE' | 'FEDERATED'
  Description?: string
  Parameters?: StringMap
  databases?: AthenaDatabaseFixture[]
}

/** Athena `QueryExecution` (the members ListQueryExecutions / BatchGetQueryExecution serve). */
export interface QueryExecutionFixture {
  QueryExecutionId: string
  Query: string
  StatementType: 'DDL' | 'DML' | 'UTILITY'
  /** SELECT, INSERT, CREATE_TABLE_AS_SELECT, CREATE_VIEW, MERGE_INTO, … */
  SubstatementType?: string
  WorkGroup: string
  QueryExecutionContext?: { Database?: string; Catalog?: string }
  ResultConfiguration?: { OutputLocation?: string }
  Status: {
    State: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED'
    SubmissionDateTime: Timestamp
    CompletionDateTime?: Timestamp
    StateChangeReason?: string
    AthenaError?: { ErrorCategory?: number; ErrorType?: number; Retryable?: boolean; ErrorMessage?: string }
  }
  Statistics?: {
    EngineExecutionTimeInMillis?: number
    DataScannedInBytes?: number
    TotalExecutionTimeInMillis?: number
    QueryQueueTimeInMillis?: number
    ServicePreProcessingTimeInMillis?: number
    QueryPlanningTimeInMillis?: number
    ServiceProcessingTimeInMillis?: number
  }
  EngineVersion?: { SelectedEngineVersion?: string; EffectiveEngineVersion?: string }
}

export interface Catalog {
  /** The default Glue CatalogId, e.g. '123456789012'. */
  accountId: string
  region: string
  /** Glue databases per CatalogId. */
  glue: Record<string, GlueDatabaseFixture[]>
  workgroups: AthenaWorkGroupFixture[]
  dataCatalogs: AthenaDataCatalogFixture[]
  /** Queries whose output location starts with one of these FAIL with Athena's access-denied reason. */
  deniedS3Prefixes?: string[]
  /** Unknown keys are valid. */
  accessKeys?: Record<string, 'valid' | 'expired' | 'invalid'>
  /**
   * Query executions of the past, per workgroup, served by ListQueryExecutions (newest first) and
   * BatchGetQueryExecution together with the queries started on the endpoint. Tests may push more.
   */
  queryHistory?: QueryExecutionFixture[]
  /** Ids BatchGetQueryExecution reports in UnprocessedQueryExecutionIds (INTERNAL_ERROR) even though they exist. */
  unprocessedQueryIds?: string[]
  /** Lake Formation LF-tags (ListLFTags, Search*ByLFTags, GetResourceLFTags); absent: none defined. */
  lfTags?: LakeFormationFixture
}

/** One LF-tag on a resource. Lake Formation stores keys and values in lower case. */
export interface LfTagPairFixture {
  key: string
  value: string
}

/**
 * LF-tags of one Glue catalog, as ASSIGNED (what the console's "assigned" view shows). The endpoint
 * derives what Lake Formation reports: a table inherits its database's tags, a column its table's,
 * and an assignment on the child overrides the inherited value of the same key.
 */
export interface LakeFormationFixture {
  /** The Glue CatalogId the tags belong to (default: accountId). */
  catalogId?: string
  /** The LF-tag definitions (ListLFTags): each key with its allowed values. */
  tags: Array<{ TagKey: string; TagValues: string[] }>
  /** Tags assigned to Glue databases (by name). */
  databases: Array<{ name: string; tags: LfTagPairFixture[] }>
  /** Tags assigned to tables, and to their columns (storage columns or partition keys). */
  tables: Array<{ db: string; name: string; tags?: LfTagPairFixture[]; columns?: Array<{ name: string; tags: LfTagPairFixture[] }> }>
}

// ---------------------------------------------------------------------------------------------
// The sample fixture

/** `generateTables` directive in the JSON: `count` copies of `template` named prefix + 000, 001… */
interface GenerateTablesDirective {
  count: number
  prefix: string
  /** A Glue Table without Name; `{name}` in strings is replaced by the table's name. */
  template: Omit<GlueTable, 'Name'>
}

/**
 * `prestoView` directive on a table in the JSON: the view's SQL and columns, readable; the loader
 * turns it into Athena's ViewOriginalText (`/* Presto View: <base64 JSON> *\/`) and ViewExpandedText.
 */
type FixtureTable = GlueTable & { prestoView?: PrestoViewDocument }
type FixtureDatabase = Omit<GlueDatabaseFixture, 'Tables'> & { Tables?: FixtureTable[]; generateTables?: GenerateTablesDirective }
/**
 * A query execution in the JSON, readable and relative to now (so the history never ages out of
 * a test's time window): the loader turns it into Athena's QueryExecution shape.
 */
export interface QueryHistoryFixture {
  id: string
  workGroup: string
  /** Submitted this many minutes before the catalog is loaded. */
  submittedMinutesAgo: number
  state: QueryExecutionFixture['Status']['State']
  statementType: QueryExecutionFixture['StatementType']
  substatementType?: string
  /** QueryExecutionContext.Database (Catalog is AwsDataCatalog unless `catalog` says otherwise). */
  database?: string
  catalog?: string
  /** TotalExecutionTimeInMillis; CompletionDateTime is the submission plus this. */
  totalMs: number
  scannedBytes?: number
  /** StateChangeReason of a FAILED or CANCELLED query. */
  reason?: string
  query: string
}
type FixtureFile = Omit<Catalog, 'glue' | 'queryHistory'> & { glue: Record<string, FixtureDatabase[]>; queryHistory?: QueryHistoryFixture[] }

// Beside this module when run from source; from dist/test/support (demo, bench) the JSON stays in test/fixtures.
const SAMPLE_CANDIDATES = [new URL('../fixtures/sample-catalog.json', import.meta.url), new URL('../../../test/fixtures/sample-catalog.json', import.meta.url)]
let sampleText: string | undefined

/** The sample catalog (test/fixtures/sample-catalog.json), expanded; a fresh deep copy each call. */
export function loadSampleCatalog(): Catalog {
  sampleText ??= readFileSync(SAMPLE_CANDIDATES.find((u) => existsSync(u)) ?? SAMPLE_CANDIDATES[0]!, 'utf8')
  return expandFixture(JSON.parse(sampleText) as FixtureFile)
}

function expandFixture(file: FixtureFile): Catalog {
  const glue: Record<string, GlueDatabaseFixture[]> = {}
  for (const [catalogId, dbs] of Object.entries(file.glue)) {
    glue[catalogId] = dbs.map((db) => {
      const { generateTables, Tables = [], ...rest } = db
      const tables: GlueTable[] = Tables.map(expandView)
      if (generateTables) {
        const width = String(generateTables.count - 1).length
        for (let i = 0; i < generateTables.count; i++) {
          const name = generateTables.prefix + String(i).padStart(Math.max(3, width), '0')
          tables.push({ Name: name, ...substitute(generateTables.template, name) })
        }
      }
      return { ...rest, Tables: tables }
    })
  }
  const { queryHistory, ...rest } = file
  return { ...rest, glue, ...(queryHistory ? { queryHistory: queryHistory.map((q) => queryExecutionOf(q, Date.now())) } : {}) }
}

/** A history fixture entry as Athena's QueryExecution, its times resolved against `now`. */
export function queryExecutionOf(q: QueryHistoryFixture, now: number): QueryExecutionFixture {
  const submitted = now - q.submittedMinutesAgo * 60_000
  const queueMs = Math.min(150, Math.floor(q.totalMs / 10))
  const finished = q.state === 'SUCCEEDED' || q.state === 'FAILED' || q.state === 'CANCELLED'
  return {
    QueryExecutionId: q.id,
    Query: q.query,
    StatementType: q.statementType,
    ...(q.substatementType ? { SubstatementType: q.substatementType } : {}),
    WorkGroup: q.workGroup,
    QueryExecutionContext: { ...(q.database ? { Database: q.database } : {}), Catalog: q.catalog ?? 'AwsDataCatalog' },
    ResultConfiguration: { OutputLocation: `s3://athena-results-123456789012/${q.workGroup}/${q.id}.${q.statementType === 'DML' ? 'csv' : 'txt'}` },
    Status: {
      State: q.state,
      SubmissionDateTime: new Date(submitted),
      ...(finished ? { CompletionDateTime: new Date(submitted + q.totalMs) } : {}),
      ...(q.reason ? { StateChangeReason: q.reason } : {}),
      ...(q.state === 'FAILED' ? { AthenaError: { ErrorCategory: 2, ErrorType: 1301, Retryable: false, ErrorMessage: q.reason ?? 'Query failed' } } : {}),
    },
    Statistics: {
      TotalExecutionTimeInMillis: q.totalMs,
      EngineExecutionTimeInMillis: Math.max(0, q.totalMs - queueMs - 40),
      QueryQueueTimeInMillis: queueMs,
      ServicePreProcessingTimeInMillis: 20,
      QueryPlanningTimeInMillis: Math.min(300, Math.floor(q.totalMs / 5)),
      ServiceProcessingTimeInMillis: 20,
      DataScannedInBytes: q.scannedBytes ?? 0,
    },
    EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
  }
}

/**
 * `count` generated executions in one workgroup, the newest `startMinutesAgo` ago and one every
 * `everyMinutes` before it (for paging and batching tests): SELECTs over sales.orders, ids
 * `gen-<workGroup>-0000`… in order from the newest.
 */
export function generateQueryHistory(opts: { workGroup: string; count: number; startMinutesAgo?: number; everyMinutes?: number; now?: number }): QueryExecutionFixture[] {
  const now = opts.now ?? Date.now()
  const out: QueryExecutionFixture[] = []
  for (let i = 0; i < opts.count; i++) {
    out.push(
      queryExecutionOf(
        {
          id: `gen-${opts.workGroup}-${String(i).padStart(4, '0')}`,
          workGroup: opts.workGroup,
          submittedMinutesAgo: (opts.startMinutesAgo ?? 5) + i * (opts.everyMinutes ?? 1),
          state: 'SUCCEEDED',
          statementType: 'DML',
          substatementType: 'SELECT',
          database: 'sales',
          totalMs: 800 + (i % 7) * 100,
          scannedBytes: 1024 * (i + 1),
          query: `SELECT order_id, total_amount FROM sales.orders WHERE order_id = ${i}`,
        },
        now,
      ),
    )
  }
  return out
}

function expandView(table: FixtureTable): GlueTable {
  const { prestoView, ...rest } = table
  if (!prestoView) return rest
  return { ...rest, ViewOriginalText: prestoViewText(prestoView), ViewExpandedText: '/* Presto View */' }
}

function substitute<T>(value: T, name: string): T {
  if (typeof value === 'string') return value.replaceAll('{name}', name) as T
  if (Array.isArray(value)) return value.map((v) => substitute(v, name)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, name)
    return out as T
  }
  return value
}

// ---------------------------------------------------------------------------------------------
// Generated catalogs for scale tests and the benchmark

const GEN_TYPES = [
  'bigint',
  'string',
  'int',
  'double',
  'boolean',
  'timestamp',
  'date',
  'decimal(12,2)',
  'varchar(64)',
  'char(2)',
  'array<string>',
  'map<string,string>',
  'struct<a:int,b:string>',
  'float',
  'smallint',
]
const GEN_TIME = '2024-01-15T08:30:00Z'

/**
 * A catalog of `schemas` Glue databases (schema_0000…) with `tablesPerSchema` tables each
 * (table_000000…) of `columnsPerTable` columns. Tables are made on access, not held: each
 * database's `Tables` is an array-like proxy that builds table i when it is read, so 100k tables ×
 * 20 columns cost almost nothing until a page is served. A table read twice is two equal objects;
 * assigning `Tables[i] = t` (or push, or setting length) does stick. Every 10th table (i % 10 == 9)
 * is an Athena view, every 5th is partitioned by dt, every 13th is an Iceberg table.
 */
export function generateCatalog(opts: { schemas: number; tablesPerSchema: number; columnsPerTable: number }): Catalog {
  const accountId = '123456789012'
  const sw = Math.max(4, String(opts.schemas - 1).length)
  const tw = Math.max(6, String(opts.tablesPerSchema - 1).length)
  const dbs: GlueDatabaseFixture[] = []
  for (let s = 0; s < opts.schemas; s++) {
    const dbName = `schema_${String(s).padStart(sw, '0')}`
    dbs.push({
      Name: dbName,
      Description: `Generated schema ${s}`,
      LocationUri: `s3://generated-lake-${accountId}/${dbName}/`,
      CreateTime: GEN_TIME,
      CatalogId: accountId,
      Parameters: {},
      Tables: lazyArray(opts.tablesPerSchema, (i) => generatedTable(dbName, `table_${String(i).padStart(tw, '0')}`, i, opts.columnsPerTable)),
    })
  }
  const sample = loadSampleCatalog()
  return {
    accountId,
    region: 'us-east-1',
    glue: { [accountId]: dbs },
    workgroups: sample.workgroups,
    dataCatalogs: sample.dataCatalogs.filter((c) => c.Type === 'GLUE'),
    deniedS3Prefixes: [],
  }
}

function generatedTable(db: string, name: string, i: number, ncols: number): GlueTable {
  const columns: GlueColumn[] = []
  for (let c = 0; c < ncols; c++) {
    const col: GlueColumn = { Name: c === 0 ? 'id' : `col_${c}`, Type: c === 0 ? 'bigint' : GEN_TYPES[(c + i) % GEN_TYPES.length]! }
    if (c % 3 === 0) col.Comment = `Column ${c} of ${name}`
    columns.push(col)
  }
  const location = `s3://generated-lake-123456789012/${db}/${name}/`
  if (i % 10 === 9) {
    const base = `table_${String(i - 1).padStart(name.length - 6, '0')}`
    const viewCols = columns.slice(0, Math.min(ncols, 5))
    return {
      Name: name,
      DatabaseName: db,
      TableType: 'VIRTUAL_VIEW',
      Owner: 'arn:aws:iam::123456789012:user/generator',
      CreateTime: GEN_TIME,
      UpdateTime: GEN_TIME,
      Retention: 0,
      PartitionKeys: [],
      Parameters: { comment: 'Presto View', presto_view: 'true' },
      StorageDescriptor: { Columns: viewCols, Location: '', Compressed: false, NumberOfBuckets: 0, SerdeInfo: {}, SortColumns: [], StoredAsSubDirectories: false },
      ViewOriginalText: prestoViewText({
        originalSql: `SELECT ${viewCols.map((c) => c.Name).join(', ')} FROM ${db}.${base}`,
        catalog: 'awsdatacatalog',
        schema: db,
        columns: viewCols.map((c) => ({ name: c.Name, type: c.Type ?? 'varchar' })),
        owner: 'arn:aws:iam::123456789012:user/generator',
        runAsInvoker: false,
      }),
      ViewExpandedText: '/* Presto View */',
    }
  }
  if (i % 13 === 0) {
    return {
      Name: name,
      DatabaseName: db,
      TableType: 'EXTERNAL_TABLE',
      Owner: 'hadoop',
      CreateTime: GEN_TIME,
      UpdateTime: GEN_TIME,
      Description: `Iceberg table ${name}`,
      Retention: 0,
      PartitionKeys: [],
      Parameters: { table_type: 'ICEBERG', metadata_location: `${location}metadata/00001-${i}.metadata.json` },
      StorageDescriptor: {
        Columns: columns.map((c, k) => ({ ...c, Parameters: { 'iceberg.field.id': String(k + 1), 'iceberg.field.optional': 'true', 'iceberg.field.current': 'true' } })),
        Location: location.slice(0, -1),
        Compressed: false,
        NumberOfBuckets: 0,
        SerdeInfo: {},
        SortColumns: [],
        StoredAsSubDirectories: false,
      },
    }
  }
  return {
    Name: name,
    DatabaseName: db,
    TableType: 'EXTERNAL_TABLE',
    Owner: 'hadoop',
    CreateTime: GEN_TIME,
    UpdateTime: GEN_TIME,
    Description: i % 2 === 0 ? `Generated table ${i}` : undefined,
    Retention: 0,
    PartitionKeys: i % 5 === 0 ? [{ Name: 'dt', Type: 'string', Comment: 'Ingestion date' }] : [],
    Parameters: { EXTERNAL: 'TRUE', classification: 'parquet' },
    StorageDescriptor: {
      Columns: columns,
      Location: location,
      Compressed: false,
      NumberOfBuckets: -1,
      StoredAsSubDirectories: false,
      InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', Parameters: { 'serialization.format': '1' } },
      BucketColumns: [],
      SortColumns: [],
      Parameters: {},
    },
  }
}

const INDEX = /^(0|[1-9]\d*)$/

/**
 * An array whose elements are built on read by `make(i)` (and not kept), except those assigned.
 * Array.isArray is true and the Array.prototype methods, spread, for…of and JSON.stringify work.
 */
export function lazyArray<T>(length: number, make: (i: number) => T): T[] {
  let len = length
  const assigned = new Map<number, T>()
  const read = (i: number): T | undefined => (i < len ? (assigned.has(i) ? assigned.get(i) : make(i)) : undefined)
  return new Proxy<T[]>([], {
    get(target, prop, receiver) {
      if (prop === 'length') return len
      if (typeof prop === 'string' && INDEX.test(prop)) return read(Number(prop))
      return Reflect.get(target, prop, receiver)
    },
    set(target, prop, value) {
      if (prop === 'length') {
        const n = Number(value)
        for (const k of assigned.keys()) if (k >= n) assigned.delete(k)
        len = n
        return true
      }
      if (typeof prop === 'string' && INDEX.test(prop)) {
        const i = Number(prop)
        assigned.set(i, value as T)
        if (i >= len) len = i + 1
        return true
      }
      return Reflect.set(target, prop, value)
    },
    has(target, prop) {
      if (typeof prop === 'string' && INDEX.test(prop)) return Number(prop) < len
      return Reflect.has(target, prop)
    },
    getOwnPropertyDescriptor(target, prop) {
      if (typeof prop === 'string' && INDEX.test(prop)) {
        const i = Number(prop)
        return i < len ? { value: read(i), writable: true, enumerable: true, configurable: true } : undefined
      }
      if (prop === 'length') return { value: len, writable: true, enumerable: false, configurable: false }
      return Reflect.getOwnPropertyDescriptor(target, prop)
    },
    ownKeys() {
      const keys: string[] = []
      for (let i = 0; i < len; i++) keys.push(String(i))
      keys.push('length')
      return keys
    },
  })
}
