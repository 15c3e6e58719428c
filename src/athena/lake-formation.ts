/**
 * Lake Formation LF-tags of a Glue catalog, read in batches into an index the mapping can look up.
 *
 * Calls (never one per table or per database):
 *   ListLFTags, pages of 1000                                   → the tag keys and their values
 *   for each key, for each group of at most 50 of its values (an LFTag condition holds 1–50 values):
 *     SearchDatabasesByLFTags [{TagKey, TagValues: group}], pages of 100
 *     SearchTablesByLFTags    [{TagKey, TagValues: group}], pages of 100
 *   total = ⌈keys / 1000⌉ + Σ_key Σ_group (database search pages + table search pages)
 * A search page holds at most 100 hits; AWS also returns short or empty pages with a NextToken (it scans the
 * catalog page by page, boto/boto3#3425), so a search costs between ⌈hits / 100⌉ and about ⌈catalog size / 100⌉
 * pages. Every page is followed to the end. The connection's catalogId goes on every call.
 *
 * Why the union of the searches is the complete assignment: every resource that carries a tag (k, v) — on itself,
 * inherited from its database, or (tables) on one of its columns — is a hit of the search for key k with the group
 * holding v, and every hit comes back with ALL its LF-tags (TaggedDatabase.LFTags; TaggedTable.LFTagOnDatabase,
 * LFTagsOnTable, LFTagsOnColumns), whatever key was searched. Assumption, not stated by the API reference: a table
 * whose only tags sit on columns is a hit of the column's key (an LF-tag grant on TABLE resources does reach single
 * columns, TBAC notes, and the search exists to show where a grant applies). Should AWS not match it, such a table is
 * still complete as soon as any other key hits it (database or table tag); one tagged ONLY on columns of an untagged
 * database would then be missed — there is no batched call to find it, and per-table GetResourceLFTags is what this
 * module exists to avoid. A tag the caller may not DESCRIBE is not listed by ListLFTags, so it is never searched
 * (its assignments appear only where a hit of another key reports them).
 *
 * Inheritance: Lake Formation reports EFFECTIVE tags (a table carries its database's tags, a column its table's,
 * unless the child assigns its own value for that key; GetResourceLFTags without ShowAssignedLFTags, and the
 * search results). The index keeps what each resource assigns itself (reported minus what it would inherit anyway)
 * and derives the effective tags from database → table → column, so it holds whichever way AWS reports them.
 * Upstream OpenMetadata (athena/metadata.py `yield_table_tags`, client.py `get_table_and_column_tags`) labels the
 * table with LFTagsOnTable and each column with its LFTagsOnColumns entry from GetResourceLFTags (default
 * ShowAssignedLFTags=false): effective tags, i.e. inherited tags repeated on tables and columns. tags.ts follows that
 * by default.
 *
 * Access denied on any call → an empty index and a warning (tags are optional; the ingest goes on). A tag deleted
 * between ListLFTags and its search (EntityNotFoundException) → that key is skipped with a warning. Anything else
 * (throttling or 5xx after the SDK's retries, network) → {@link LakeFormationReadError}; an abort → the AbortError.
 */
import {
  ListLFTagsCommand,
  SearchDatabasesByLFTagsCommand,
  SearchTablesByLFTagsCommand,
  type LakeFormationClient,
  type LFTagPair,
  type TaggedDatabase,
  type TaggedTable,
} from '@aws-sdk/client-lakeformation'
import { classifyAwsError, type ClassifiedAwsError } from '../aws/errors.js'
import { boundedPages, type ListingScope } from '../aws/paging.js'

/** ListLFTags' page size limit. */
export const LF_LIST_PAGE_SIZE = 1000
/** SearchDatabasesByLFTags / SearchTablesByLFTags page size limit. */
export const LF_SEARCH_PAGE_SIZE = 100
/** Values one LFTag condition may hold. */
export const LF_VALUES_PER_CONDITION = 50

/** One LF-tag on a resource: key and value as Lake Formation stores them (lower case). */
export interface LfTag {
  key: string
  value: string
}

/** An LF-tag definition (ListLFTags): a key and its allowed values. */
export interface LfTagDefinition {
  key: string
  values: string[]
}

/**
 * Every LF-tag assignment of one catalog. Names are matched case-insensitively (Glue and Lake Formation keep them
 * in lower case). Lists are sorted by key; a resource has at most one value per key.
 */
export interface LfTagIndex {
  /** Tags of a Glue database (an OpenMetadata schema). */
  database(name: string): LfTag[]
  /** Tags a table assigns itself (not those it only inherits from its database). */
  table(db: string, name: string): LfTag[]
  /** Tags a column assigns itself (not those it only inherits from its table or database). */
  column(db: string, table: string, column: string): LfTag[]
  /** The table's tags as Lake Formation reports them: its database's, overridden by its own. */
  effectiveTable(db: string, name: string): LfTag[]
  /** The column's tags as Lake Formation reports them: its table's effective tags, overridden by its own. */
  effectiveColumn(db: string, table: string, column: string): LfTag[]
  /** Every distinct tag assigned somewhere (so every tag an effective list can hold), sorted. */
  assigned(): LfTag[]
  /** The definitions ListLFTags returned. */
  definitions(): LfTagDefinition[]
  /** How many databases, tables and columns assign tags themselves. */
  readonly counts: { databases: number; tables: number; columns: number }
}

/** Calls made, per action. */
export interface LfCallCounts {
  listLfTags: number
  searchDatabases: number
  searchTables: number
}

export interface LoadLfTagsResult {
  index: LfTagIndex
  /** One line each: access denied, a tag deleted meanwhile. The caller counts them as warnings. */
  warnings: string[]
  calls: LfCallCounts
}

export interface LoadLfTagsOptions extends ListingScope {
  /** The Glue catalog (account id); passed on every call when set. */
  catalogId?: string
  /** Tag keys searched at once (default 4). */
  concurrency?: number
}

/** A Lake Formation call failed for another reason than access denied (after the SDK's retries). */
export class LakeFormationReadError extends Error {
  constructor(
    readonly action: string,
    readonly classified: ClassifiedAwsError,
    options?: { cause?: unknown },
  ) {
    super(`Reading Lake Formation tags failed at ${action}: ${classified.code}: ${classified.message}`, options)
    this.name = 'LakeFormationReadError'
  }
}

type Tags = Map<string, string>

const lc = (s: string) => s.toLowerCase()
const SEP = '\u0000'

function sorted(tags: Tags | undefined): LfTag[] {
  if (!tags || tags.size === 0) return []
  return [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => ({ key, value }))
}

function overlay(parent: Tags | undefined, own: Tags | undefined): Tags {
  const out: Tags = new Map(parent)
  for (const [k, v] of own ?? []) out.set(k, v)
  return out
}

/** The entries of `reported` that `inherited` does not already give (what the resource assigns itself). */
function ownPart(reported: Tags, inherited: Tags): Tags {
  const out: Tags = new Map()
  for (const [k, v] of reported) if (inherited.get(k) !== v) out.set(k, v)
  return out
}

function tagsOf(pairs: LFTagPair[] | undefined): Tags {
  const out: Tags = new Map()
  for (const p of pairs ?? []) {
    const value = p.TagValues?.[0]
    if (p.TagKey && value !== undefined) out.set(lc(p.TagKey), lc(value))
  }
  return out
}

/** Builds the index from search hits; `freeze()` hands out the read-only view. */
class IndexBuilder {
  private readonly databases = new Map<string, Tags>()
  /** Reported (possibly effective) tags, merged over every hit of the same resource. */
  private readonly tablesReported = new Map<string, { db: string; tags: Tags; columns: Map<string, Tags> }>()

  constructor(private readonly defs: LfTagDefinition[]) {}

  addDatabase(name: string | undefined, pairs: LFTagPair[] | undefined): void {
    if (!name) return
    const key = lc(name)
    this.databases.set(key, overlay(this.databases.get(key), tagsOf(pairs)))
  }

  addTable(
    db: string | undefined,
    name: string | undefined,
    onDb: LFTagPair[] | undefined,
    onTable: LFTagPair[] | undefined,
    onColumns: Array<{ Name?: string; LFTags?: LFTagPair[] }> | undefined,
  ): void {
    if (!db || !name) return
    if (onDb?.length) this.addDatabase(db, onDb)
    const key = `${lc(db)}${SEP}${lc(name)}`
    const entry = this.tablesReported.get(key) ?? { db: lc(db), tags: new Map<string, string>(), columns: new Map<string, Tags>() }
    for (const [k, v] of tagsOf(onTable)) entry.tags.set(k, v)
    for (const c of onColumns ?? []) {
      if (!c.Name) continue
      const col = lc(c.Name)
      entry.columns.set(col, overlay(entry.columns.get(col), tagsOf(c.LFTags)))
    }
    this.tablesReported.set(key, entry)
  }

  freeze(): LfTagIndex {
    const databases = new Map([...this.databases].filter(([, t]) => t.size > 0))
    const tables = new Map<string, Tags>()
    const columns = new Map<string, Tags>()
    for (const [key, entry] of this.tablesReported) {
      const dbTags = databases.get(entry.db) ?? new Map<string, string>()
      const ownTable = ownPart(entry.tags, dbTags)
      if (ownTable.size) tables.set(key, ownTable)
      const effective = overlay(dbTags, ownTable)
      for (const [col, reported] of entry.columns) {
        const own = ownPart(reported, effective)
        if (own.size) columns.set(`${key}${SEP}${col}`, own)
      }
    }
    return frozenIndex(databases, tables, columns, this.defs)
  }
}

function frozenIndex(databases: Map<string, Tags>, tables: Map<string, Tags>, columns: Map<string, Tags>, defs: LfTagDefinition[]): LfTagIndex {
  const tKey = (db: string, t: string) => `${lc(db)}${SEP}${lc(t)}`
  const effTable = (db: string, t: string) => overlay(databases.get(lc(db)), tables.get(tKey(db, t)))
  const assigned = new Map<string, LfTag>()
  for (const m of [databases, tables, columns]) {
    for (const tags of m.values()) for (const [key, value] of tags) assigned.set(`${key}${SEP}${value}`, { key, value })
  }
  const assignedList = [...assigned.values()].sort((a, b) => (a.key === b.key ? (a.value < b.value ? -1 : 1) : a.key < b.key ? -1 : 1))
  return {
    database: (name) => sorted(databases.get(lc(name))),
    table: (db, name) => sorted(tables.get(tKey(db, name))),
    column: (db, t, c) => sorted(columns.get(`${tKey(db, t)}${SEP}${lc(c)}`)),
    effectiveTable: (db, name) => sorted(effTable(db, name)),
    effectiveColumn: (db, t, c) => sorted(overlay(effTable(db, t), columns.get(`${tKey(db, t)}${SEP}${lc(c)}`))),
    assigned: () => assignedList.map((t) => ({ ...t })),
    definitions: () => defs.map((d) => ({ key: d.key, values: [...d.values] })),
    counts: { databases: databases.size, tables: tables.size, columns: columns.size },
  }
}

/** An index without any tag (Lake Formation not readable, or not used). */
export const EMPTY_LF_TAG_INDEX: LfTagIndex = frozenIndex(new Map(), new Map(), new Map(), [])

/**
 * The index from search results as Lake Formation returns them (SearchDatabasesByLFTags' DatabaseList,
 * SearchTablesByLFTags' TableList; the same resource may come several times). Pure: what {@link loadLfTags} uses,
 * and what tests build an index with.
 */
export function buildLfTagIndex(hits: { definitions?: LfTagDefinition[]; databases?: TaggedDatabase[]; tables?: TaggedTable[] }): LfTagIndex {
  const builder = new IndexBuilder(hits.definitions ?? [])
  for (const d of hits.databases ?? []) builder.addDatabase(d.Database?.Name, d.LFTags)
  for (const t of hits.tables ?? []) builder.addTable(t.Table?.DatabaseName, t.Table?.Name, t.LFTagOnDatabase, t.LFTagsOnTable, t.LFTagsOnColumns)
  return builder.freeze()
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** An error already turned into the action it happened at. */
class AtAction extends Error {
  constructor(
    readonly action: string,
    readonly original: unknown,
  ) {
    super(action)
  }
}

function isAbort(err: unknown, signal: AbortSignal | undefined): boolean {
  return Boolean(signal?.aborted) || (err as { name?: string } | undefined)?.name === 'AbortError'
}

/** Reads every LF-tag assignment of the catalog (see the module comment for the calls and the guarantees). */
export async function loadLfTags(lf: LakeFormationClient, opts: LoadLfTagsOptions = {}): Promise<LoadLfTagsResult> {
  const calls: LfCallCounts = { listLfTags: 0, searchDatabases: 0, searchTables: 0 }
  const warnings: string[] = []
  const catalog = opts.catalogId ? { CatalogId: opts.catalogId } : {}
  const send = { abortSignal: opts.signal }

  /** A bounded listing whose every failure, the bound's included, is turned into the action it happened at. */
  async function* pagesAt<P extends { NextToken?: string | undefined }>(action: string, fetch: (token: string | undefined) => Promise<P>): AsyncGenerator<P> {
    try {
      yield* boundedPages(action, opts.paging, fetch, (page) => page.NextToken)
    } catch (err) {
      throw new AtAction(action, err)
    }
  }

  try {
    const defs: LfTagDefinition[] = []
    const tagPages = pagesAt('lakeformation:ListLFTags', (token) => {
      calls.listLfTags++
      return lf.send(new ListLFTagsCommand({ ...catalog, MaxResults: LF_LIST_PAGE_SIZE, ...(token ? { NextToken: token } : {}) }), send)
    })
    for await (const page of tagPages) {
      for (const t of page.LFTags ?? []) if (t.TagKey && t.TagValues?.length) defs.push({ key: lc(t.TagKey), values: t.TagValues.map(lc) })
    }

    const builder = new IndexBuilder(defs)
    const conditions = defs.flatMap((d) => chunks(d.values, LF_VALUES_PER_CONDITION).map((values) => ({ key: d.key, values })))

    async function searchCondition(c: { key: string; values: string[] }): Promise<void> {
      const Expression = [{ TagKey: c.key, TagValues: c.values }]
      const databasePages = pagesAt('lakeformation:SearchDatabasesByLFTags', (next) => {
        calls.searchDatabases++
        return lf.send(new SearchDatabasesByLFTagsCommand({ ...catalog, Expression, MaxResults: LF_SEARCH_PAGE_SIZE, ...(next ? { NextToken: next } : {}) }), send)
      })
      for await (const page of databasePages) for (const d of page.DatabaseList ?? []) builder.addDatabase(d.Database?.Name, d.LFTags)
      const tablePages = pagesAt('lakeformation:SearchTablesByLFTags', (next) => {
        calls.searchTables++
        return lf.send(new SearchTablesByLFTagsCommand({ ...catalog, Expression, MaxResults: LF_SEARCH_PAGE_SIZE, ...(next ? { NextToken: next } : {}) }), send)
      })
      for await (const page of tablePages) {
        for (const t of page.TableList ?? []) builder.addTable(t.Table?.DatabaseName, t.Table?.Name, t.LFTagOnDatabase, t.LFTagsOnTable, t.LFTagsOnColumns)
      }
    }

    // A small pool of workers over the conditions; the first failure stops the others from starting new ones.
    // Boxed: a worker that throws `undefined` has failed too.
    let failure: { error: unknown } | undefined
    let cursor = 0
    const worker = async () => {
      while (failure === undefined && cursor < conditions.length) {
        const c = conditions[cursor++]!
        try {
          await searchCondition(c)
        } catch (err) {
          const original = err instanceof AtAction ? err.original : err
          if (!isAbort(original, opts.signal) && classifyAwsError(original).code === 'EntityNotFoundException') {
            warnings.push(`Lake Formation tag "${c.key}" disappeared while it was read (${(original as Error).message}); its assignments are left out`)
            continue
          }
          failure ??= { error: err }
        }
      }
    }
    const width = Math.max(1, Math.min(opts.concurrency ?? 4, conditions.length))
    await Promise.all(Array.from({ length: width }, worker))
    if (failure !== undefined) throw failure.error
    return { index: builder.freeze(), warnings, calls }
  } catch (err) {
    const action = err instanceof AtAction ? err.action : 'lakeformation'
    const original = err instanceof AtAction ? err.original : err
    if (isAbort(original, opts.signal)) throw original
    const classified = classifyAwsError(original)
    if (classified.kind === 'accessDenied') {
      const denied = classified.deniedAction ?? action
      warnings.push(
        `Lake Formation tags not read: access denied at ${denied} (${classified.code}: ${classified.message}). ` +
          'Tags need lakeformation:ListLFTags, lakeformation:SearchDatabasesByLFTags and lakeformation:SearchTablesByLFTags ' +
          'in IAM and DESCRIBE on the LF-tags in Lake Formation',
      )
      return { index: EMPTY_LF_TAG_INDEX, warnings, calls }
    }
    throw new LakeFormationReadError(action, classified, { cause: original })
  }
}
