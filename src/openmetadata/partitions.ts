/**
 * Glue partition keys (+ Athena partition-projection table parameters) → OpenMetadata `tablePartition`
 * (entity/data/table.json#/definitions/tablePartition: `{ columns: [{ columnName, intervalType, interval? }] }`).
 *
 * Upstream (ingestion/.../database/athena/metadata.py `get_table_partition_details` + `ATHENA_INTERVAL_TYPE_MAP`)
 * classifies each partition key by `projection.<col>.type`, falling back to the key's own type:
 *
 *   projection type      → intervalType          key type (no projection)      → intervalType
 *   date                 → TIME-UNIT             date, timestamp               → TIME-UNIT
 *   integer              → INTEGER-RANGE         tinyint/smallint/int/bigint   → INTEGER-RANGE
 *   enum                 → ENUM  (*)             anything else (string, …)     → COLUMN-VALUE
 *   injected             → INJECTED
 *   anything else        → OTHER (*)
 *
 * (*) Upstream maps `enum` to COLUMN-VALUE and unknown projection types to COLUMN-VALUE; the schema now has ENUM and
 * OTHER, which say exactly what they are. Upstream also reads `projection.<col>.type` even when
 * `projection.enabled` is not "true" — Athena then ignores the projection, and so does this module (the key is
 * classified by its type). Upstream never fills `interval`; here a date projection gives its unit (`DAY`, or
 * `15 MINUTE` when `projection.<col>.interval` is not 1) and an integer projection its step, when configured.
 */
import type { Column } from '@aws-sdk/client-glue'
import { omTypeOf } from './columns.js'
import { encodeReservedName } from './reserved-names.js'
import { parseHiveType } from './hive-type.js'
import type { OmPartitionColumnDetails, OmPartitionIntervalType, OmTablePartition } from './om-types.js'

const PROJECTION_TYPE_MAP: Record<string, OmPartitionIntervalType> = {
  date: 'TIME-UNIT',
  integer: 'INTEGER-RANGE',
  enum: 'ENUM',
  injected: 'INJECTED',
}

/** Athena's `projection.<col>.interval.unit` values (ChronoUnit names) → the singular used in `interval`. */
const UNIT_NAMES: Record<string, string> = {
  YEARS: 'YEAR',
  MONTHS: 'MONTH',
  WEEKS: 'WEEK',
  DAYS: 'DAY',
  HOURS: 'HOUR',
  MINUTES: 'MINUTE',
  SECONDS: 'SECOND',
  MILLIS: 'MILLISECOND',
  MILLISECONDS: 'MILLISECOND',
}

/** Parameters with lower-cased keys (Athena writes them lower-case; Glue keeps whatever was written). */
function lowerKeys(parameters: Record<string, string> | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(parameters ?? {})) if (typeof v === 'string') out.set(k.toLowerCase(), v.trim())
  return out
}

export function isProjectionEnabled(parameters: Record<string, string> | undefined): boolean {
  return lowerKeys(parameters).get('projection.enabled')?.toLowerCase() === 'true'
}

function intervalTypeOfKeyType(type: string | undefined): OmPartitionIntervalType {
  if (!type) return 'COLUMN-VALUE'
  let dataType: string
  try {
    dataType = omTypeOf(parseHiveType(type))
  } catch {
    return 'COLUMN-VALUE' // the column mapping reports the bad type
  }
  switch (dataType) {
    case 'DATE':
    case 'DATETIME':
    case 'TIMESTAMP':
      return 'TIME-UNIT'
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return 'INTEGER-RANGE'
    default:
      return 'COLUMN-VALUE'
  }
}

function dateInterval(params: Map<string, string>, col: string): string | undefined {
  const rawUnit = params.get(`projection.${col}.interval.unit`)
  const step = params.get(`projection.${col}.interval`)
  if (!rawUnit) return step || undefined
  const unit = UNIT_NAMES[rawUnit.toUpperCase()] ?? rawUnit.toUpperCase()
  return step && step !== '1' ? `${step} ${unit}` : unit
}

/** The partition details of one key. */
export function partitionColumnDetails(key: Pick<Column, 'Name' | 'Type'>, parameters: Record<string, string> | undefined): OmPartitionColumnDetails {
  // The partition names its column by the column's OpenMetadata name, reserved characters encoded (columns.ts).
  const columnName = encodeReservedName(key.Name ?? '')
  const params = lowerKeys(parameters)
  const col = (key.Name ?? '').toLowerCase()
  const projectionType = params.get('projection.enabled')?.toLowerCase() === 'true' ? params.get(`projection.${col}.type`)?.toLowerCase() : undefined
  if (!projectionType) return { columnName, intervalType: intervalTypeOfKeyType(key.Type) }
  const intervalType = PROJECTION_TYPE_MAP[projectionType] ?? 'OTHER'
  const details: OmPartitionColumnDetails = { columnName, intervalType }
  if (intervalType === 'TIME-UNIT') {
    const interval = dateInterval(params, col)
    if (interval) details.interval = interval
  } else if (intervalType === 'INTEGER-RANGE') {
    const step = params.get(`projection.${col}.interval`)
    if (step) details.interval = step
  }
  return details
}

/** The table's partitioning, or undefined when it has no partition keys (e.g. unpartitioned, or Iceberg). */
export function buildTablePartition(partitionKeys: readonly Pick<Column, 'Name' | 'Type'>[] | undefined, parameters: Record<string, string> | undefined): OmTablePartition | undefined {
  if (!partitionKeys || partitionKeys.length === 0) return undefined
  return { columns: partitionKeys.map((k) => partitionColumnDetails(k, parameters)) }
}
