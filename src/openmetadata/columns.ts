/**
 * Glue columns → OpenMetadata `column` objects (entity/data/table.json#/definitions/column).
 *
 * Top-level non-complex columns are typed exactly as upstream's Athena connector types them — through its SQLAlchemy
 * dialect, with `dataLength` and `constraint: NULL` (sql_column_handler.py, athena/utils.py; see data-types.ts) — so
 * that switching from upstream's connector gives no table a new version. Below that, and for complex top-level
 * types, these deliberate differences from upstream's string parser (column_type_parser.py), each an upstream
 * shortcoming rather than a design choice:
 *  - the type string is parsed by a real parser (hive-type.ts), so nesting at any depth works; upstream's
 *    `array<array<struct<…>>>` loses the struct's fields — here they become the column's `children`;
 *    Presto/Trino spellings (`row(a integer)`, `array(varchar)`) parse too (upstream drops such a column);
 *  - `dataTypeDisplay` is the type exactly as written (upstream lower-cases and strips spaces for complex types);
 *  - nested `decimal(p,s)` gets `precision`/`scale` (upstream puts p into `dataLength`);
 *  - nested `dataLength` only on CHAR/VARCHAR/BINARY/VARBINARY, the types the OpenMetadata server requires it on;
 *  - a nested type missing from the map is UNKNOWN (as upstream's parser);
 *  - a type that cannot be parsed at all is an UNKNOWN column with a warning (upstream drops the column).
 */
import type { Column } from '@aws-sdk/client-glue'
import { athenaDialectTypeOf, DEFAULT_DATA_LENGTH, isAthenaComplexType, LENGTH_REQUIRED_TYPES, omTypeForName } from './data-types.js'
import { OM_MAX_NAME_LENGTH } from './errors.js'
import { parseHiveType, TypeParseError, type HiveStructField, type HiveType } from './hive-type.js'
import type { OmColumn, OmDataType } from './om-types.js'
import { encodeReservedName } from './reserved-names.js'

/** The Glue column fields this module reads. */
export type GlueColumn = Pick<Column, 'Name' | 'Type' | 'Comment' | 'Parameters'>

/**
 * Glue keeps the columns of an Iceberg table's earlier schemas, flagged `iceberg.field.current = "false"`; they are
 * not columns of the table any more. Returns the others, in order.
 */
export function dropNonCurrentIcebergColumns<T extends GlueColumn>(columns: readonly T[]): T[] {
  return columns.filter((c) => c.Parameters?.['iceberg.field.current']?.trim().toLowerCase() !== 'false')
}

/** The OpenMetadata dataType of a parsed Hive type. */
export function omTypeOf(node: HiveType): OmDataType {
  switch (node.kind) {
    case 'array':
      return 'ARRAY'
    case 'map':
      return 'MAP'
    case 'struct':
      return 'STRUCT'
    case 'union':
      return 'UNION'
    case 'primitive':
      return omTypeForName(node.name)
  }
}

/**
 * The struct whose fields become an array column's `children`: the element itself when it is a struct, or — through
 * any number of array levels — the struct at the bottom (`array<array<struct<…>>>`). Undefined otherwise.
 */
function structUnderArrays(element: HiveType): HiveStructField[] | undefined {
  let node = element
  while (node.kind === 'array') node = node.element
  return node.kind === 'struct' ? node.fields : undefined
}

/** Told each column-level problem the mapping worked around; the message names the column (a dotted path when nested). */
export type ColumnWarn = (message: string) => void
const ignoreWarning: ColumnWarn = () => {}

/**
 * The OpenMetadata name of a column, or undefined when the column cannot have one. Upstream's column handler names an
 * unnamed column `" "` (sql_column_handler.py: "Passing whitespace if column name is an empty string") and encodes
 * `"`, `::` and `>` (reserved-names.ts); a name still longer than OpenMetadata's 256 characters fails upstream's
 * model, which drops that column and keeps the table — so does this, with a warning.
 */
function columnNameOf(raw: string, path: string, warn: ColumnWarn): string | undefined {
  if (raw === '') {
    warn(`column ${JSON.stringify(path)}: the column has no name; named " " as upstream names it`)
    return ' '
  }
  const name = encodeReservedName(raw)
  // Code points, as JSON Schema counts them; a name within the limit in UTF-16 units is within it in code points.
  if (name.length > OM_MAX_NAME_LENGTH && [...name].length > OM_MAX_NAME_LENGTH) {
    warn(`column ${JSON.stringify(path)}: left out, its name is longer than the ${OM_MAX_NAME_LENGTH} characters OpenMetadata accepts`)
    return undefined
  }
  if (name !== raw) warn(`column ${JSON.stringify(path)}: named ${JSON.stringify(name)}, OpenMetadata's encoding of '"', '::' and '>'`)
  return name
}

/**
 * The OpenMetadata column for a parsed type, with the rules upstream applies below the top level (and here to
 * complex top-level types too). `path` is the dotted column path used in warnings (defaults to `name`).
 * `dataTypeDisplay` is the node's own text; children carry their own type text. Undefined when the column's name
 * cannot be held (see columnNameOf).
 */
export function hiveTypeToOmColumn(rawName: string, node: HiveType, path: string = rawName, warn: ColumnWarn = ignoreWarning): OmColumn | undefined {
  const name = columnNameOf(rawName, path, warn)
  if (name === undefined) return undefined
  const dataType = omTypeOf(node)
  const col: OmColumn = { name, dataType, dataTypeDisplay: node.raw }
  switch (node.kind) {
    case 'primitive': {
      if ((dataType === 'DECIMAL' || dataType === 'NUMERIC') && node.params.length > 0) {
        col.precision = node.params[0]!
        col.scale = node.params[1] ?? 0
      }
      if (LENGTH_REQUIRED_TYPES.has(dataType)) col.dataLength = node.params[0] ?? DEFAULT_DATA_LENGTH
      break
    }
    case 'array': {
      col.arrayDataType = omTypeOf(node.element)
      const fields = structUnderArrays(node.element)
      if (fields) col.children = fieldsToColumns(fields, path, warn)
      break
    }
    case 'struct':
      col.children = fieldsToColumns(node.fields, path, warn)
      break
    case 'map':
    case 'union':
      // Upstream emits neither children nor key/value/member types for these; the display text holds them.
      break
  }
  return col
}

function fieldsToColumns(fields: HiveStructField[], parentPath: string, warn: ColumnWarn): OmColumn[] {
  const out: OmColumn[] = []
  for (const f of fields) {
    const child = hiveTypeToOmColumn(f.name, f.type, `${parentPath}.${f.name}`, warn)
    if (!child) continue
    if (f.comment) child.description = f.comment
    out.push(child)
  }
  return out
}

/**
 * A top-level non-complex column as upstream's Athena dialect types it (data-types.ts athenaDialectTypeOf), with what
 * upstream's column handler adds to every such column: `dataLength` (the char/varchar length, else 1) and
 * `constraint: NULL` (Athena reports every column nullable and has no keys).
 */
function dialectColumn(name: string, node: HiveType, raw: string): OmColumn {
  const dataType = athenaDialectTypeOf(raw)
  const params = node.kind === 'primitive' ? node.params : []
  const col: OmColumn = { name, dataType, dataTypeDisplay: raw }
  if (dataType === 'DECIMAL' && params.length > 0) {
    col.precision = params[0]!
    col.scale = params[1] ?? 0
  }
  col.dataLength = (dataType === 'CHAR' || dataType === 'VARCHAR') && params.length > 0 ? params[0]! : DEFAULT_DATA_LENGTH
  col.constraint = 'NULL'
  return col
}

/**
 * Parsed type trees by type text. A catalog repeats the same few hundred type strings across many
 * thousands of columns; parsing each once takes the parser off the ingest's hot path. Trees are never
 * mutated, so sharing them is safe; the map is emptied when full so memory stays bounded.
 */
const parsedTypes = new Map<string, HiveType>()
const PARSED_TYPES_MAX = 10_000

function parseCached(type: string): HiveType {
  let node = parsedTypes.get(type)
  if (node === undefined) {
    node = parseHiveType(type)
    if (parsedTypes.size >= PARSED_TYPES_MAX) parsedTypes.clear()
    parsedTypes.set(type, node)
  }
  return node
}

/**
 * One Glue column → OpenMetadata column; never throws. A type that cannot be parsed (or no type at all) gives a column
 * of dataType UNKNOWN whose dataTypeDisplay is the raw text, and a warning naming the column. Undefined (with a
 * warning) only for a name OpenMetadata cannot hold even encoded.
 */
export function mapGlueColumn(column: GlueColumn, ordinalPosition?: number, warn: ColumnWarn = ignoreWarning): OmColumn | undefined {
  const rawName = column.Name ?? ''
  const type = column.Type ?? ''
  let col: OmColumn | undefined
  let node: HiveType | undefined
  if (type.trim() === '') {
    warn(`column ${JSON.stringify(rawName)}: the column has no type; mapped as UNKNOWN`)
  } else {
    try {
      node = parseCached(type)
    } catch (err) {
      if (!(err instanceof TypeParseError)) throw err
      warn(`column ${JSON.stringify(rawName)}: unparseable type (${err.message}); mapped as UNKNOWN`)
    }
  }
  if (node === undefined) {
    const name = columnNameOf(rawName, rawName, warn)
    if (name === undefined) return undefined
    col = { name, dataType: 'UNKNOWN' }
    if (type !== '') col.dataTypeDisplay = type
  } else if (isAthenaComplexType(type)) {
    col = hiveTypeToOmColumn(rawName, node, rawName, warn)
    if (col === undefined) return undefined
    col.dataTypeDisplay = type
  } else {
    const name = columnNameOf(rawName, rawName, warn)
    if (name === undefined) return undefined
    col = dialectColumn(name, node, type)
  }
  if (column.Comment) col.description = column.Comment
  if (ordinalPosition !== undefined) col.ordinalPosition = ordinalPosition
  return col
}

/**
 * A table's columns: the storage columns, then the partition keys (Athena's column order), with `ordinalPosition`
 * 1, 2, … over the columns kept. Nested children carry no ordinalPosition (as upstream). Non-current Iceberg columns
 * are dropped first. Problems with single columns go to `warn`; they never cost the table.
 */
export function mapGlueColumns(columns: readonly GlueColumn[] = [], partitionKeys: readonly GlueColumn[] = [], warn: ColumnWarn = ignoreWarning): OmColumn[] {
  const all = [...dropNonCurrentIcebergColumns(columns), ...dropNonCurrentIcebergColumns(partitionKeys)]
  const mapped: OmColumn[] = []
  for (const c of all) {
    const col = mapGlueColumn(c, mapped.length + 1, warn)
    if (col) mapped.push(col)
  }
  return mapped
}
