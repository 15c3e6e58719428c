/**
 * Glue columns → OpenMetadata `column` objects (entity/data/table.json#/definitions/column).
 *
 * Follows upstream OpenMetadata's Athena/Glue handling (column_type_parser.py + sql_column_handler.py) with these
 * deliberate differences, each an upstream shortcoming rather than a design choice:
 *  - the type string is parsed by a real parser (hive-type.ts), so nesting at any depth works; upstream's
 *    `array<array<struct<…>>>` loses the struct's fields — here they become the column's `children`;
 *  - `dataTypeDisplay` is the type exactly as written (upstream lower-cases and strips spaces for complex types);
 *  - nested `decimal(p,s)` gets `precision`/`scale` (upstream puts p into `dataLength`);
 *  - `dataLength` only on CHAR/VARCHAR/BINARY/VARBINARY, the types the OpenMetadata server requires it on
 *    (upstream's SQL handler puts `dataLength: 1` on every primitive column);
 *  - a type missing from the map is UNKNOWN (upstream's Athena dialect falls back to NullType → NULL).
 */
import type { Column } from '@aws-sdk/client-glue'
import { DEFAULT_DATA_LENGTH, LENGTH_REQUIRED_TYPES, omTypeForName } from './data-types.js'
import { invalidNameReason, MappingError } from './errors.js'
import { parseHiveType, TypeParseError, type HiveStructField, type HiveType } from './hive-type.js'
import type { OmColumn, OmDataType } from './om-types.js'

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

function checkName(name: string, path: string): void {
  const reason = invalidNameReason(name)
  if (reason) throw new MappingError('INVALID_NAME', `column ${JSON.stringify(path)}: ${reason}`, path)
}

/**
 * The OpenMetadata column for a parsed type. `path` is the dotted column path used in error messages (defaults to
 * `name`). `dataTypeDisplay` is the node's own text; children carry their own type text.
 */
export function hiveTypeToOmColumn(name: string, node: HiveType, path: string = name): OmColumn {
  checkName(name, path)
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
      if (fields) col.children = fieldsToColumns(fields, path)
      break
    }
    case 'struct':
      col.children = fieldsToColumns(node.fields, path)
      break
    case 'map':
    case 'union':
      // Upstream emits neither children nor key/value/member types for these; the display text holds them.
      break
  }
  return col
}

function fieldsToColumns(fields: HiveStructField[], parentPath: string): OmColumn[] {
  return fields.map((f) => {
    const child = hiveTypeToOmColumn(f.name, f.type, `${parentPath}.${f.name}`)
    if (f.comment) child.description = f.comment
    return child
  })
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
 * One Glue column → OpenMetadata column. Throws {@link MappingError} (naming the column) for an unparseable or
 * missing type, or a name OpenMetadata cannot hold.
 */
export function mapGlueColumn(column: GlueColumn, ordinalPosition?: number): OmColumn {
  const name = column.Name ?? ''
  checkName(name, name)
  const type = column.Type
  if (type === undefined || type.trim() === '') {
    throw new MappingError('MISSING_TYPE', `column ${JSON.stringify(name)}: the column has no type`, name)
  }
  let node: HiveType
  try {
    node = parseCached(type)
  } catch (err) {
    if (err instanceof TypeParseError) {
      throw new MappingError('TYPE_PARSE', `column ${JSON.stringify(name)}: unparseable type: ${err.message}`, name, {
        cause: err,
      })
    }
    throw err
  }
  const col = hiveTypeToOmColumn(name, node)
  col.dataTypeDisplay = type
  if (column.Comment) col.description = column.Comment
  if (ordinalPosition !== undefined) col.ordinalPosition = ordinalPosition
  return col
}

/**
 * A table's columns: the storage columns, then the partition keys (Athena's column order), with `ordinalPosition`
 * 1, 2, … over both. Nested children carry no ordinalPosition (as upstream). Non-current Iceberg columns are
 * dropped first.
 */
export function mapGlueColumns(columns: readonly GlueColumn[] = [], partitionKeys: readonly GlueColumn[] = []): OmColumn[] {
  const all = [...dropNonCurrentIcebergColumns(columns), ...dropNonCurrentIcebergColumns(partitionKeys)]
  return all.map((c, i) => mapGlueColumn(c, i + 1))
}
