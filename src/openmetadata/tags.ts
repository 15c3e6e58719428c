/**
 * Lake Formation LF-tags → OpenMetadata tags, as upstream's Athena source maps them
 * (ingestion/src/metadata/ingestion/source/database/athena/metadata.py `yield_tag` / `yield_table_tags`,
 * utils/tag_utils.py `get_ometa_tag_and_classification` / `get_tag_label`):
 *
 *  - the LF-tag key is an OpenMetadata Classification, the value a Tag in it: tagFQN `key.value`, each part quoted
 *    when it holds a `.` (fqn.ts, as upstream's fqn.build(Tag, classification_name, tag_name));
 *  - the label: source `Classification`, labelType `Automated`, state `Suggested` (upstream get_tag_label);
 *  - schema (Glue database) tags from the database's LF-tags; table tags from LFTagsOnTable and column tags from
 *    LFTagsOnColumns — which Lake Formation reports as EFFECTIVE tags, so by default a table repeats its
 *    database's tags and a column its table's ({@link TagOptions.inherited}; `false` keeps only what each resource
 *    assigns itself);
 *  - the classification and the tag must exist on the server before a label can point at them. Upstream emits,
 *    before the entities, one OMetaTagAndClassification per tag: CreateClassificationRequest {name: key,
 *    description: "ATHENA TAG CLASSIFICATION"} and CreateTagRequest {classification: key, name: value, description:
 *    "ATHENA TAG"} (PUT /v1/classifications, PUT /v1/tags, both create-or-update). {@link classificationsOf} gives
 *    exactly those, for every tag in use. (shared/openmetadata-spec holds neither schema: the shapes are upstream's
 *    api/classification/createClassification.json and createTag.json, both closed with name and description
 *    required.) Upstream's get_tag_label also drops a label whose tag does not exist on the server; a writer that
 *    creates the classifications first never needs to.
 *
 * A key or value OpenMetadata cannot hold as a name (empty, or with `::`; Lake Formation allows both) cannot become
 * a tag: lfTagToTagLabel throws for it, the other functions leave it out and {@link unusableLfTags} names it.
 */
import type { LfTag, LfTagIndex } from '../athena/lake-formation.js'
import { invalidNameReason, MappingError } from './errors.js'
import { buildFqn } from './fqn.js'
import type { CreateClassificationRequest, CreateTableRequest, CreateTagRequest, OmColumn, TagLabel } from './om-types.js'

/** Upstream's descriptions (athena/metadata.py ATHENA_TAG_CLASSIFICATION / ATHENA_TAG). */
export const ATHENA_CLASSIFICATION_DESCRIPTION = 'ATHENA TAG CLASSIFICATION'
export const ATHENA_TAG_DESCRIPTION = 'ATHENA TAG'

export interface TagOptions {
  /**
   * true (default, upstream parity): the effective tags Lake Formation reports — a table carries its database's
   * tags, a column its table's (and database's), each overridden by the resource's own value for a key.
   * false: only the tags each resource assigns itself.
   */
  inherited?: boolean
}

/** Why an LF-tag cannot become an OpenMetadata tag, or undefined when it can. */
function unusableReason(tag: LfTag): string | undefined {
  // Lake Formation accepts a whitespace-only value; as a tag name it would be an invisible, meaningless label.
  if (tag.key.length > 0 && tag.key.trim() === '') return 'its key is blank'
  if (tag.value.length > 0 && tag.value.trim() === '') return 'its value is blank'
  const key = invalidNameReason(tag.key)
  if (key) return `its key cannot be a classification name: ${key}`
  const value = invalidNameReason(tag.value)
  if (value) return `its value cannot be a tag name: ${value}`
  return undefined
}

const usable = (tag: LfTag) => unusableReason(tag) === undefined

/** One LF-tag as an OpenMetadata TagLabel (type/tagLabel.json). Throws MappingError for a key or value OM cannot hold. */
export function lfTagToTagLabel(tag: LfTag): TagLabel {
  const reason = unusableReason(tag)
  if (reason) throw new MappingError('INVALID_NAME', `Cannot map LF-tag ${JSON.stringify(`${tag.key}=${tag.value}`)}: ${reason}`)
  return { tagFQN: buildFqn(tag.key, tag.value), source: 'Classification', labelType: 'Automated', state: 'Suggested' }
}

function labels(tags: LfTag[]): TagLabel[] {
  return tags.filter(usable).map(lfTagToTagLabel)
}

/** Existing labels first, then new ones whose tagFQN is not there yet. */
function mergeLabels(existing: TagLabel[] | undefined, added: TagLabel[]): TagLabel[] {
  const out = [...(existing ?? [])]
  const seen = new Set(out.map((l) => l.tagFQN))
  for (const l of added) {
    if (seen.has(l.tagFQN)) continue
    seen.add(l.tagFQN)
    out.push(l)
  }
  return out
}

/** Tags of the OpenMetadata schema for Glue database `db` (CreateDatabaseSchemaRequest.tags). */
export function schemaTags(index: LfTagIndex, db: string): TagLabel[] {
  return labels(index.database(db))
}

/**
 * A copy of a CreateTableRequest with the LF-tags of Glue table `db`.`table` on the table and on its top-level
 * columns (matched by name, case-insensitively; nested children are left as they are). Labels already on the
 * request stay; nothing is added where there is no tag (no empty `tags`).
 */
export function applyTags(request: CreateTableRequest, index: LfTagIndex, db: string, table: string, opts: TagOptions = {}): CreateTableRequest {
  const { databases, tables, columns: taggedColumns } = index.counts
  if (databases + tables + taggedColumns === 0) return request // most catalogs: nothing to look up per column
  const inherited = opts.inherited !== false
  const tableLabels = labels(inherited ? index.effectiveTable(db, table) : index.table(db, table))
  const columns = request.columns.map((col): OmColumn => {
    const added = labels(inherited ? index.effectiveColumn(db, table, col.name) : index.column(db, table, col.name))
    return added.length ? { ...col, tags: mergeLabels(col.tags, added) } : col
  })
  const out: CreateTableRequest = { ...request, columns }
  if (tableLabels.length) out.tags = mergeLabels(request.tags, tableLabels)
  return out
}

export interface LfClassification {
  classification: CreateClassificationRequest
  tags: CreateTagRequest[]
}

/**
 * What a writer must create on the OpenMetadata server before any label points at it: one classification per
 * LF-tag key in use, with one tag per value in use (sorted). Write these first (PUT /v1/classifications, then PUT
 * /v1/tags); both are create-or-update, so a rerun is harmless.
 */
export function classificationsOf(index: LfTagIndex): LfClassification[] {
  const byKey = new Map<string, string[]>()
  for (const t of index.assigned()) {
    if (!usable(t)) continue
    byKey.set(t.key, [...(byKey.get(t.key) ?? []), t.value])
  }
  return [...byKey].map(([key, values]) => ({
    classification: { name: key, description: ATHENA_CLASSIFICATION_DESCRIPTION },
    // The classification by FQN (how the server looks it up): the key itself unless it holds a `.`.
    tags: values.map((value) => ({ classification: buildFqn(key), name: value, description: ATHENA_TAG_DESCRIPTION })),
  }))
}

/** One warning per assigned LF-tag that cannot become an OpenMetadata tag (left out of every payload). */
export function unusableLfTags(index: LfTagIndex): string[] {
  const out: string[] = []
  for (const t of index.assigned()) {
    const reason = unusableReason(t)
    if (reason) out.push(`LF-tag ${JSON.stringify(`${t.key}=${t.value}`)} is not ingested: ${reason}`)
  }
  return out
}
