/**
 * OpenMetadata's encoding of the characters its names cannot hold as such: `::` (the entityLink / column-path
 * separator, forbidden by entityName's pattern), `>` (entityLink's closing bracket) and `"` (FQN quoting).
 *
 * Upstream's ingestion replaces them before a create request leaves the client (ingestion/src/metadata/
 * ingestion/models/custom_basemodel_validation.py `replace_separators`, read at the Collate-licensed 2025 version:
 * CreateTableRequest's `name`, its columns and their children, and the `name` of every other non-service Create*
 * model), and the server builds every FQN from the encoded name. Doing the same here keeps our names and FQNs equal to
 * those upstream's connector gives the same table, instead of refusing the entity.
 */

export const RESERVED_COLON = '__reserved__colon__'
export const RESERVED_ARROW = '__reserved__arrow__'
export const RESERVED_QUOTE = '__reserved__quote__'

/**
 * `a::b>c"d` → `a__reserved__colon__b__reserved__arrow__c__reserved__quote__d`. Same order as upstream (`::` first, so
 * `:::` → `__reserved__colon__:`). Idempotent: an encoded name holds none of the three.
 */
export function encodeReservedName(name: string): string {
  if (!name.includes(':') && !name.includes('>') && !name.includes('"')) return name
  return name.replaceAll('::', RESERVED_COLON).replaceAll('>', RESERVED_ARROW).replaceAll('"', RESERVED_QUOTE)
}
