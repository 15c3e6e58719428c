// AWS Lake Formation (REST-JSON: `POST /<Action>`, JSON body, SigV4 service `lakeformation`):
// ListLFTags, SearchDatabasesByLFTags, SearchTablesByLFTags, GetResourceLFTags over the catalog's
// `lfTags` section (assignments) and its Glue databases and tables (the resources).
//
// What Lake Formation reports, and so what this serves:
//  - tags are inherited: a table carries its database's tags, a column its table's, unless the child
//    has its own value for that key (GetResourceLFTags without ShowAssignedLFTags, the search
//    results' LFTagsOnTable / LFTagsOnColumns);
//  - a search matches a table when, for every condition, the table or one of its columns carries one
//    of the condition's values; each hit comes with ALL its tags, whatever key was searched;
//  - the searches walk the catalog in windows of MaxResults resources and return the hits of each
//    window, so a page may be short or empty and still carry a NextToken (boto/boto3#3425 shows AWS
//    doing exactly that): a caller must follow NextToken to the end;
//  - TagValues in a condition: 1 to 50 (LFTag shape); an unknown key or value is EntityNotFound.
import type { GlueDatabaseFixture, GlueTable, LakeFormationFixture, LfTagPairFixture } from '../catalog.js'
import type { Ctx, Handler } from './context.js'
import { glueDatabases } from './glue.js'
import { AwsError, maxResults, parseSigV4, sameName } from './protocol.js'

/** The actions routed here; any other `POST /<Action>` signed for lakeformation is unknown. */
export const LAKE_FORMATION_ACTIONS = ['ListLFTags', 'SearchDatabasesByLFTags', 'SearchTablesByLFTags', 'GetResourceLFTags'] as const

const invalidInput = (message: string) => new AwsError('InvalidInputException', message, 400)
const entityNotFound = (message: string) => new AwsError('EntityNotFoundException', message, 400)
const accessDenied = (message: string) => new AwsError('AccessDeniedException', message, 403)

/**
 * The operation of a REST-JSON Lake Formation request: `POST /<Action>` whose SigV4 credential scope
 * names the `lakeformation` service. Undefined for anything else (other services keep their routes).
 */
export function lakeFormationOperation(method: string | undefined, url: string | undefined, authorization: string | undefined): string | undefined {
  if (method !== 'POST' || !url) return undefined
  const m = /^\/([A-Za-z]+)\/?(?:\?.*)?$/.exec(url)
  if (!m) return undefined
  return parseSigV4(authorization)?.service === 'lakeformation' ? m[1] : undefined
}

type Tags = Map<string, string>

/** The catalog's assignments, looked up case-insensitively (Glue and LF keep names in lower case). */
interface Assignments {
  catalogId: string
  definitions: Map<string, { key: string; values: Set<string> }>
  database: Map<string, Tags>
  table: Map<string, Tags>
  column: Map<string, Tags>
}

const lc = (s: string) => s.toLowerCase()
const tableKey = (db: string, table: string) => `${lc(db)}\u0000${lc(table)}`
const columnKey = (db: string, table: string, column: string) => `${tableKey(db, table)}\u0000${lc(column)}`

function toTags(pairs: LfTagPairFixture[] | undefined): Tags {
  const out: Tags = new Map()
  for (const p of pairs ?? []) out.set(lc(p.key), lc(p.value))
  return out
}

function catalogIdOf(ctx: Ctx): string {
  const id = ctx.body?.CatalogId
  return typeof id === 'string' && id !== '' ? id : ctx.catalog.accountId
}

/**
 * The assignments of the requested catalog. A catalog the caller's account cannot see (not in the
 * fixture's Glue section) is denied, as Lake Formation denies another account's catalog that was
 * not shared; a known catalog without `lfTags` has no tags at all.
 */
function assignments(ctx: Ctx, action: string): Assignments {
  const catalogId = catalogIdOf(ctx)
  if (!ctx.catalog.glue[catalogId]) {
    throw accessDenied(`User: ${ctx.principal.arn} is not authorized to perform: lakeformation:${action} on resource: arn:aws:glue:${ctx.region}:${catalogId}:catalog`)
  }
  const fixture: LakeFormationFixture | undefined = ctx.catalog.lfTags
  const a: Assignments = { catalogId, definitions: new Map(), database: new Map(), table: new Map(), column: new Map() }
  if (!fixture || (fixture.catalogId ?? ctx.catalog.accountId) !== catalogId) return a
  for (const t of fixture.tags) a.definitions.set(lc(t.TagKey), { key: lc(t.TagKey), values: new Set(t.TagValues.map(lc)) })
  for (const d of fixture.databases) a.database.set(lc(d.name), toTags(d.tags))
  for (const t of fixture.tables) {
    if (t.tags?.length) a.table.set(tableKey(t.db, t.name), toTags(t.tags))
    for (const c of t.columns ?? []) a.column.set(columnKey(t.db, t.name, c.name), toTags(c.tags))
  }
  return a
}

function merged(parent: Tags, own: Tags | undefined): Tags {
  if (!own || own.size === 0) return parent
  const out = new Map(parent)
  for (const [k, v] of own) out.set(k, v)
  return out
}

function pairs(a: Assignments, tags: Tags) {
  return [...tags].map(([TagKey, value]) => ({ CatalogId: a.catalogId, TagKey, TagValues: [value] }))
}

function columnsOf(t: GlueTable): string[] {
  return [...(t.StorageDescriptor?.Columns ?? []), ...(t.PartitionKeys ?? [])].map((c) => c.Name)
}

/** What Lake Formation reports for one table: database tags, the table's effective tags, each column's. */
function tableView(a: Assignments, db: GlueDatabaseFixture, t: GlueTable, assignedOnly = false) {
  const dbTags = a.database.get(lc(db.Name)) ?? new Map()
  const own = a.table.get(tableKey(db.Name, t.Name))
  const tableTags = assignedOnly ? (own ?? new Map()) : merged(dbTags, own)
  const columns: Array<{ name: string; tags: Tags }> = []
  for (const name of columnsOf(t)) {
    const ownColumn = a.column.get(columnKey(db.Name, t.Name, name))
    const tags = assignedOnly ? (ownColumn ?? new Map()) : merged(tableTags, ownColumn)
    if (tags.size > 0) columns.push({ name, tags })
  }
  return { dbTags, tableTags, columns }
}

interface Condition {
  key: string
  values: Set<string>
}

/** Validates a search Expression the way the service does: non-empty, 1–50 values, known keys and values. */
function expressionOf(ctx: Ctx, a: Assignments): Condition[] {
  const expr = ctx.body?.Expression
  if (!Array.isArray(expr) || expr.length === 0) {
    throw invalidInput("1 validation error detected: Value null at 'expression' failed to satisfy constraint: Member must not be null")
  }
  return expr.map((c: any, i: number) => {
    if (!c || typeof c.TagKey !== 'string' || c.TagKey === '') {
      throw invalidInput(`1 validation error detected: Value null at 'expression.${i + 1}.member.tagKey' failed to satisfy constraint: Member must not be null`)
    }
    const values = c.TagValues
    if (!Array.isArray(values) || values.length < 1 || values.length > 50) {
      throw invalidInput(
        `1 validation error detected: Value '${JSON.stringify(values)}' at 'expression.${i + 1}.member.tagValues' failed to satisfy constraint: ` +
          'Member must have length less than or equal to 50 and greater than or equal to 1',
      )
    }
    const def = a.definitions.get(lc(c.TagKey))
    if (!def || values.some((v: unknown) => typeof v !== 'string' || !def.values.has(lc(v)))) {
      throw entityNotFound('Tag or tag value does not exist.')
    }
    return { key: lc(c.TagKey), values: new Set(values.map((v: string) => lc(v))) }
  })
}

/** A page: MaxResults (at most `limit`) resources of the catalog scanned from the token's offset. */
function window(ctx: Ctx, total: number, scope: string, limit = 100): { start: number; end: number; nextToken?: string } {
  const max = maxResults(ctx.body?.MaxResults, { default: 100, min: 1, max: limit, clamp: false, invalid: invalidInput })
  let start = 0
  const token = ctx.body?.NextToken
  if (token !== undefined && token !== null && token !== '') {
    const o = decodeToken(token, scope)
    if (o === undefined || o > total) throw invalidInput('Invalid pagination token')
    start = o
  }
  const end = Math.min(total, start + max)
  return end < total ? { start, end, nextToken: encodeToken(scope, end) } : { start, end }
}

function encodeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, s: scope, o: offset }), 'utf8').toString('base64')
}

function decodeToken(token: unknown, scope: string): number | undefined {
  if (typeof token !== 'string') return undefined
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: unknown; s?: unknown; o?: unknown }
    return t.v === 1 && t.s === scope && typeof t.o === 'number' && Number.isInteger(t.o) && t.o >= 0 ? t.o : undefined
  } catch {
    return undefined
  }
}

function scopeOf(action: string, a: Assignments, conditions: Condition[]): string {
  return `lakeformation:${action}:${a.catalogId}:${JSON.stringify(conditions.map((c) => [c.key, [...c.values].sort()]))}`
}

const matches = (tags: Tags, c: Condition) => {
  const v = tags.get(c.key)
  return v !== undefined && c.values.has(v)
}

/** Every table of the catalog in Glue's order, visited from global offset `start` to `end`. */
function* tablesBetween(dbs: GlueDatabaseFixture[], start: number, end: number): Generator<[GlueDatabaseFixture, GlueTable]> {
  let base = 0
  for (const db of dbs) {
    const n = db.Tables.length
    if (base + n > start && base < end) {
      for (let i = Math.max(0, start - base); i < n && base + i < end; i++) yield [db, db.Tables[i]!]
    }
    base += n
    if (base >= end) return
  }
}

function findDatabase(ctx: Ctx, name: unknown): GlueDatabaseFixture {
  if (typeof name !== 'string' || name === '') throw invalidInput("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
  const db = glueDatabases(ctx, catalogIdOf(ctx)).find((d) => sameName(d.Name, name))
  if (!db) throw entityNotFound(`Database not found: ${name}`)
  return db
}

function findTable(ctx: Ctx, dbName: unknown, name: unknown): [GlueDatabaseFixture, GlueTable] {
  const db = findDatabase(ctx, dbName)
  const t = typeof name === 'string' ? db.Tables.find((x) => sameName(x.Name, name)) : undefined
  if (!t) throw entityNotFound(`Table not found: ${String(dbName)}.${String(name)}`)
  return [db, t]
}

export const lakeFormationHandlers: Record<string, Handler> = {
  ListLFTags(ctx) {
    const a = assignments(ctx, 'ListLFTags')
    const share = ctx.body?.ResourceShareType
    if (share !== undefined && share !== 'FOREIGN' && share !== 'ALL') throw invalidInput(`Invalid ResourceShareType: ${String(share)}`)
    // No foreign (shared) tags in the fixture: FOREIGN lists none, ALL the catalog's own.
    const all = share === 'FOREIGN' ? [] : [...a.definitions.values()]
    const scope = `lakeformation:ListLFTags:${a.catalogId}:${share ?? ''}`
    const w = window(ctx, all.length, scope, 1000)
    return {
      LFTags: all.slice(w.start, w.end).map((d) => ({ CatalogId: a.catalogId, TagKey: d.key, TagValues: [...d.values] })),
      ...(w.nextToken ? { NextToken: w.nextToken } : {}),
    }
  },

  SearchDatabasesByLFTags(ctx) {
    const a = assignments(ctx, 'SearchDatabasesByLFTags')
    const conditions = expressionOf(ctx, a)
    const dbs = glueDatabases(ctx, a.catalogId)
    const w = window(ctx, dbs.length, scopeOf('SearchDatabasesByLFTags', a, conditions))
    const DatabaseList = []
    for (const db of dbs.slice(w.start, w.end)) {
      const tags = a.database.get(lc(db.Name))
      if (tags && conditions.every((c) => matches(tags, c))) {
        DatabaseList.push({ Database: { CatalogId: a.catalogId, Name: db.Name }, LFTags: pairs(a, tags) })
      }
    }
    return { DatabaseList, ...(w.nextToken ? { NextToken: w.nextToken } : {}) }
  },

  SearchTablesByLFTags(ctx) {
    const a = assignments(ctx, 'SearchTablesByLFTags')
    const conditions = expressionOf(ctx, a)
    const dbs = glueDatabases(ctx, a.catalogId)
    const total = dbs.reduce((n, db) => n + db.Tables.length, 0)
    const w = window(ctx, total, scopeOf('SearchTablesByLFTags', a, conditions))
    const TableList = []
    for (const [db, t] of tablesBetween(dbs, w.start, w.end)) {
      const view = tableView(a, db, t)
      const hit = conditions.every((c) => matches(view.tableTags, c) || view.columns.some((col) => matches(col.tags, c)))
      if (!hit) continue
      TableList.push({
        Table: { CatalogId: a.catalogId, DatabaseName: db.Name, Name: t.Name },
        ...(view.dbTags.size ? { LFTagOnDatabase: pairs(a, view.dbTags) } : {}),
        ...(view.tableTags.size ? { LFTagsOnTable: pairs(a, view.tableTags) } : {}),
        ...(view.columns.length ? { LFTagsOnColumns: view.columns.map((c) => ({ Name: c.name, LFTags: pairs(a, c.tags) })) } : {}),
      })
    }
    return { TableList, ...(w.nextToken ? { NextToken: w.nextToken } : {}) }
  },

  GetResourceLFTags(ctx) {
    const a = assignments(ctx, 'GetResourceLFTags')
    const r = ctx.body?.Resource
    if (!r || typeof r !== 'object') throw invalidInput("1 validation error detected: Value null at 'resource' failed to satisfy constraint: Member must not be null")
    const assignedOnly = ctx.body?.ShowAssignedLFTags === true
    if (r.Database) {
      const db = findDatabase(ctx, r.Database.Name)
      const tags = a.database.get(lc(db.Name)) ?? new Map()
      return tags.size ? { LFTagOnDatabase: pairs(a, tags) } : {}
    }
    const ref = r.Table ?? r.TableWithColumns
    if (!ref) throw invalidInput('Resource must be a database, a table or table columns.')
    const [db, t] = findTable(ctx, ref.DatabaseName, ref.Name)
    const view = tableView(a, db, t, assignedOnly)
    const out: Record<string, unknown> = {}
    if (view.dbTags.size && !assignedOnly) out.LFTagOnDatabase = pairs(a, view.dbTags)
    if (r.Table && view.tableTags.size) out.LFTagsOnTable = pairs(a, view.tableTags)
    if (r.TableWithColumns) {
      // ColumnNames picks columns; without them (or with ColumnWildcard) every column but the excluded ones. The
      // API reference leaves the no-names case open; upstream OpenMetadata sends TableWithColumns without names.
      const names: unknown = r.TableWithColumns.ColumnNames
      const known = new Set(columnsOf(t).map(lc))
      let wanted: Set<string>
      if (Array.isArray(names) && names.length > 0) {
        for (const n of names) if (typeof n !== 'string' || !known.has(lc(n))) throw entityNotFound(`Column not found: ${String(n)}`)
        wanted = new Set(names.map((n: string) => lc(n)))
      } else {
        const excluded = new Set<string>((r.TableWithColumns.ColumnWildcard?.ExcludedColumnNames ?? []).map((n: string) => lc(n)))
        wanted = new Set([...known].filter((n) => !excluded.has(n)))
      }
      out.LFTagsOnColumns = view.columns.filter((c) => wanted.has(lc(c.name))).map((c) => ({ Name: c.name, LFTags: pairs(a, c.tags) }))
    }
    return out
  },
}
