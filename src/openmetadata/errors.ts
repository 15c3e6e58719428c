/** Why a Glue object could not be turned into an OpenMetadata payload. */
export type MappingErrorCode =
  /**
   * A name OpenMetadata cannot hold: empty or over 256 characters (after encoding `"`, `::` and `>`, which
   * reserved-names.ts does for entity names; service names and LF-tags are never encoded, so those refuse them).
   * A column never raises this: columns.ts works around a bad column and warns.
   */
  | 'INVALID_NAME'
  /** A view's `/* Presto View: … *\/` payload is corrupted (see the ViewDecodeError in `cause`). */
  | 'VIEW_DECODE'

/**
 * A table (or database/schema) that cannot be mapped. The message names the entity and the reason, so the caller
 * can put it as-is into a `failures[]` entry of the step summary.
 */
export class MappingError extends Error {
  constructor(
    readonly code: MappingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'MappingError'
  }
}

/** Longest name OpenMetadata accepts (basic.json#/definitions/entityName, table.json#/definitions/columnName). */
export const OM_MAX_NAME_LENGTH = 256

/** Why `name` cannot be an OpenMetadata entity or column name, or undefined when it can. */
export function invalidNameReason(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty'
  if ([...name].length > OM_MAX_NAME_LENGTH) return `the name is longer than ${OM_MAX_NAME_LENGTH} characters`
  if (name.includes('"')) return 'the name contains a double quote ("), which OpenMetadata FQNs cannot hold'
  if (name.includes('::')) return "the name contains '::', which OpenMetadata names forbid"
  return undefined
}
