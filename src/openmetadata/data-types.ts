import type { OmDataType } from './om-types.js'

/**
 * Source type name (upper case, words joined by one space) → OpenMetadata dataType.
 *
 * This is upstream OpenMetadata's `ColumnTypeParser._SOURCE_TYPE_TO_OM_TYPE`
 * (ingestion/src/metadata/ingestion/source/database/column_type_parser.py, Apache-2.0), entry for entry, with
 * upstream's own override `BIT → BINARY` applied (it is set whenever sqlalchemy's mssql dialect imports, i.e.
 * always). Left out: the two ClickHouse keys `AggregateFunction()` / `SimpleAggregateFunction()`, which no Hive
 * type name can spell. Hive names it contains: STRING, INT, INTEGER, TINYINT, SMALLINT, BIGINT, FLOAT, REAL, DOUBLE,
 * BOOLEAN, DATE, TIMESTAMP, DECIMAL, NUMERIC, CHAR, VARCHAR, BINARY, VARBINARY, JSON, INTERVAL, VOID; the complex
 * kinds (ARRAY/MAP/STRUCT/UNION) are decided by the parser, not by this table.
 */
export const SOURCE_TYPE_TO_OM_TYPE: Readonly<Record<string, OmDataType>> = {
  ARRAY: 'ARRAY',
  BIGINT: 'BIGINT',
  BIGNUMERIC: 'NUMERIC',
  BIGSERIAL: 'BIGINT',
  BINARY: 'BINARY',
  BIT: 'BINARY',
  BLOB: 'BLOB',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  BPCHAR: 'CHAR',
  BYTEINT: 'BYTEINT',
  BYTES: 'BYTES',
  CHAR: 'CHAR',
  'CHARACTER VARYING': 'VARCHAR',
  'BINARY VARYING': 'VARBINARY',
  CURSOR: 'BINARY',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  DATETIME2: 'DATETIME',
  DATETIMEOFFSET: 'DATETIME',
  DECIMAL: 'DECIMAL',
  'DOUBLE PRECISION': 'DOUBLE',
  DOUBLE_PRECISION: 'DOUBLE',
  DOUBLE: 'DOUBLE',
  ENUM: 'ENUM',
  FLOAT: 'FLOAT',
  FLOAT4: 'FLOAT',
  FLOAT32: 'FLOAT',
  FLOAT64: 'DOUBLE',
  FLOAT8: 'DOUBLE',
  GEOGRAPHY: 'GEOGRAPHY',
  GEOMETRY: 'GEOMETRY',
  HYPERLOGLOG: 'BINARY',
  IMAGE: 'BINARY',
  INT: 'INT',
  INT2: 'SMALLINT',
  INT4: 'INT',
  INT8: 'BIGINT',
  INT16: 'BIGINT',
  TUPLE: 'TUPLE',
  SPATIAL: 'SPATIAL',
  INT32: 'BIGINT',
  INT64: 'BIGINT',
  INT128: 'BIGINT',
  INT256: 'BIGINT',
  INTEGER: 'INT',
  UINT: 'INT',
  UINT2: 'SMALLINT',
  UINT4: 'INT',
  UINT8: 'BIGINT',
  UINT16: 'BIGINT',
  UINT32: 'BIGINT',
  UINT64: 'BIGINT',
  UINT128: 'BIGINT',
  UINT256: 'BIGINT',
  'INTERVAL DAY TO SECOND': 'INTERVAL',
  'INTERVAL YEAR TO MONTH': 'INTERVAL',
  INTERVAL: 'INTERVAL',
  'LONG RAW': 'BINARY',
  'LONG VARCHAR': 'VARCHAR',
  LONGBLOB: 'LONGBLOB',
  MAP: 'MAP',
  MEDIUMBLOB: 'MEDIUMBLOB',
  MEDIUMINT: 'INT',
  MEDIUMTEXT: 'MEDIUMTEXT',
  MONEY: 'NUMBER',
  NCHAR: 'CHAR',
  NTEXT: 'TEXT',
  NULL: 'NULL',
  NUMBER: 'NUMBER',
  NUMERIC: 'NUMERIC',
  NVARCHAR: 'VARCHAR',
  OBJECT: 'JSON',
  RAW: 'BINARY',
  REAL: 'FLOAT',
  RECORD: 'STRUCT',
  ROWID: 'VARCHAR',
  ROWVERSION: 'NUMBER',
  SET: 'SET',
  SMALLDATETIME: 'DATETIME',
  SMALLINT: 'SMALLINT',
  SMALLMONEY: 'NUMBER',
  SMALLSERIAL: 'SMALLINT',
  SQL_VARIANT: 'VARBINARY',
  STRING: 'STRING',
  STRUCT: 'STRUCT',
  ROW: 'STRUCT',
  TABLE: 'BINARY',
  TEXT: 'TEXT',
  TIME: 'TIME',
  'TIMESTAMP WITHOUT TIME ZONE': 'TIMESTAMP',
  'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP',
  'TIME WITH TIME ZONE': 'TIME',
  'TIME WITHOUT TIME ZONE': 'TIME',
  TIMESTAMP: 'TIMESTAMP',
  TIMESTAMPTZ: 'TIMESTAMP',
  TIMESTAMP_NTZ: 'TIMESTAMP',
  TIMESTAMP_LTZ: 'TIMESTAMP',
  TIMESTAMP_TZ: 'TIMESTAMP',
  TIMETZ: 'TIMESTAMP',
  TINYINT: 'TINYINT',
  UNION: 'UNION',
  UROWID: 'VARCHAR',
  VARBINARY: 'VARBINARY',
  VARCHAR: 'VARCHAR',
  VARIANT: 'JSON',
  JSON: 'JSON',
  JSONB: 'JSON',
  UUID: 'UUID',
  POINT: 'GEOMETRY',
  POLYGON: 'GEOMETRY',
  BYTEA: 'BYTEA',
  UNKNOWN: 'UNKNOWN',
  HLLSKETCH: 'HLLSKETCH',
  SUPER: 'SUPER',
  BOX: 'GEOMETRY',
  CIRCLE: 'GEOMETRY',
  LINE: 'GEOMETRY',
  LSEG: 'GEOMETRY',
  PATH: 'GEOMETRY',
  PG_LSN: 'PG_LSN',
  PG_SNAPSHOT: 'PG_SNAPSHOT',
  TSQUERY: 'TSQUERY',
  TXID_SNAPSHOT: 'TXID_SNAPSHOT',
  XML: 'XML',
  TSVECTOR: 'TSVECTOR',
  MACADDR: 'MACADDR',
  MACADDR8: 'MACADDR',
  CIDR: 'CIDR',
  INET: 'INET',
  BINARY_DOUBLE: 'DOUBLE',
  BINARY_FLOAT: 'FLOAT',
  XMLTYPE: 'XML',
  BFILE: 'BINARY',
  CLOB: 'CLOB',
  NCLOB: 'CLOB',
  LONG: 'LONG',
  LOWCARDINALITY: 'LOWCARDINALITY',
  DATETIME64: 'DATETIME',
  VOID: 'NULL',
  TINYBLOB: 'BLOB',
  LONGTEXT: 'TEXT',
  TINYTEXT: 'TEXT',
  YEAR: 'YEAR',
  EMPTY: 'NULL',
  I2: 'INT',
  I4: 'INT',
  R4: 'FLOAT',
  R8: 'DOUBLE',
  CY: 'NUMERIC',
  BSTR: 'BINARY',
  IDISPATCH: 'BINARY',
  ERROR: 'VARCHAR',
  IUNKNOWN: 'UNKNOWN',
  UI1: 'INT',
  BYREF: 'BINARY',
  I1: 'INT',
  UI2: 'SMALLINT',
  UI4: 'INT',
  I8: 'BIGINT',
  UI8: 'BIGINT',
  GUID: 'BINARY',
  VECTOR: 'BINARY',
  FILETIME: 'BINARY',
  RESERVED: 'BINARY',
  STR: 'STRING',
  WSTR: 'STRING',
  UDT: 'JSON',
  DBDATE: 'DATE',
  DBTIME: 'TIME',
  DBTIMESTAMP: 'TIMESTAMP',
  HCHAPTER: 'VARCHAR',
  PROPVARIANT: 'BINARY',
  VARNUMERIC: 'NUMERIC',
  WDC_INT: 'INT',
  WDC_FLOAT: 'FLOAT',
  WDC_STRING: 'STRING',
  WDC_DATETIME: 'DATETIME',
  WDC_BOOL: 'BOOLEAN',
  WDC_DATE: 'DATE',
  WDC_GEOMETRY: 'GEOMETRY',
}

/** OpenMetadata types the server refuses without a `dataLength` (CHAR, VARCHAR, BINARY, VARBINARY). */
export const LENGTH_REQUIRED_TYPES: ReadonlySet<OmDataType> = new Set<OmDataType>(['CHAR', 'VARCHAR', 'BINARY', 'VARBINARY'])

/**
 * `dataLength` given to a length-requiring type written without a length (`binary`, `varchar` in a view): 1, as
 * upstream's column handler does (`col_data_length = 1 if col_data_length is None`).
 */
export const DEFAULT_DATA_LENGTH = 1

/** OpenMetadata dataType for a primitive source type name (case-insensitive); UNKNOWN when it is not in the map. */
const typeByName = new Map<string, OmDataType>()

export function omTypeForName(name: string): OmDataType {
  let type = typeByName.get(name)
  if (type === undefined) {
    const key = name.replace(/\s+/g, ' ').trim().toUpperCase()
    type = Object.hasOwn(SOURCE_TYPE_TO_OM_TYPE, key) ? SOURCE_TYPE_TO_OM_TYPE[key]! : 'UNKNOWN'
    // Type names are few (a catalog repeats the same handful); bound the map anyway.
    if (typeByName.size < 4096) typeByName.set(name, type)
  }
  return type
}

/**
 * Top-level column types, as upstream's Athena connector types them. Upstream does not read a top-level primitive
 * type with ColumnTypeParser's map above: it goes through its Athena SQLAlchemy dialect first
 * (ingestion/src/metadata/ingestion/source/database/athena/utils.py `_get_column_type`, Collate-licensed 2025
 * version: a `col_map` of type name → SQLAlchemy type), then `ColumnTypeParser.get_column_type` turns that
 * SQLAlchemy type back into a dataType. The round trip is lossy — tinyint and smallint become INT, double becomes
 * FLOAT, varbinary becomes BINARY — and every name outside `col_map` (uniontype, interval, time, uuid, ipaddress,
 * `timestamp with time zone`, …) becomes SQLAlchemy's NullType, i.e. `NULL`. Matching it keeps a table ingested by
 * upstream from getting a new version when ingested here.
 */
const ATHENA_DIALECT_TYPES: Readonly<Record<string, OmDataType>> = {
  boolean: 'BOOLEAN',
  float: 'FLOAT',
  double: 'FLOAT',
  real: 'FLOAT',
  tinyint: 'INT',
  smallint: 'INT',
  integer: 'INT',
  int: 'INT',
  bigint: 'BIGINT',
  string: 'STRING',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  binary: 'BINARY',
  varbinary: 'BINARY',
  json: 'JSON',
  decimal: 'DECIMAL',
  varchar: 'VARCHAR',
  char: 'CHAR',
}

/** pyathena's `AthenaDialect._pattern_column_type`, applied (as upstream does) after removing spaces and lower-casing. */
const ATHENA_COLUMN_TYPE = /^([a-zA-Z]+)(?:$|[(|<](.+)[)|>]$)/

/**
 * Whether upstream reads a top-level type as complex (athena/utils.py `is_complex_type`: the raw type starts with
 * array, map, struct or row). Those go through its own string parser, like nested types here; all others through
 * the dialect ({@link athenaDialectTypeOf}). A `uniontype<…>` is not complex there.
 */
export function isAthenaComplexType(raw: string): boolean {
  return /^\s*(array|map|struct|row)/i.test(raw)
}

const dialectTypeByRaw = new Map<string, OmDataType>()

/** The dataType upstream's Athena dialect gives a top-level non-complex column type (see ATHENA_DIALECT_TYPES). */
export function athenaDialectTypeOf(raw: string): OmDataType {
  let type = dialectTypeByRaw.get(raw)
  if (type === undefined) {
    const compact = raw.replaceAll(' ', '').toLowerCase()
    const name = ATHENA_COLUMN_TYPE.exec(compact)?.[1] ?? compact
    type = Object.hasOwn(ATHENA_DIALECT_TYPES, name) ? ATHENA_DIALECT_TYPES[name]! : 'NULL'
    // A catalog repeats a handful of type strings over every column; bound the map anyway.
    if (dialectTypeByRaw.size < 4096) dialectTypeByRaw.set(raw, type)
  }
  return type
}
