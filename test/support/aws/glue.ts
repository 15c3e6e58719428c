// AWS Glue (JSON 1.1, X-Amz-Target AWSGlue.<Action>): GetDatabases, GetDatabase, GetTables,
// GetTable, GetPartitions over the catalog's `glue` section.
import type { GlueColumn, GlueDatabaseFixture, GluePartitionFixture, GlueTable } from '../catalog.js'
import type { Ctx, Handler } from './context.js'
import { AwsError, maxResults, nameFilter, paginate, sameName, withEpochTimes } from './protocol.js'

const entityNotFound = (message: string) => new AwsError('EntityNotFoundException', message)
const validation = (message: string) => new AwsError('ValidationException', message)
const invalidToken = () => new AwsError('InvalidInputException', 'Invalid pagination token')

function required(ctx: Ctx, member: string, wire: string): string {
  const v = ctx.body[member]
  if (typeof v !== 'string' || v === '') {
    throw validation(`1 validation error detected: Value null at '${wire}' failed to satisfy constraint: Member must not be null`)
  }
  return v
}

function catalogId(ctx: Ctx): string {
  const id = ctx.body.CatalogId
  return typeof id === 'string' && id !== '' ? id : ctx.catalog.accountId
}

/** The databases of the requested CatalogId; an unknown CatalogId is EntityNotFoundException. */
export function glueDatabases(ctx: Ctx, id = catalogId(ctx)): GlueDatabaseFixture[] {
  const dbs = ctx.catalog.glue[id]
  if (!dbs) throw entityNotFound(`Catalog ${id} not found.`)
  return dbs
}

export function findGlueDatabase(dbs: GlueDatabaseFixture[], name: string): GlueDatabaseFixture | undefined {
  return dbs.find((d) => sameName(d.Name, name))
}

export function findGlueTable(db: GlueDatabaseFixture, name: string): GlueTable | undefined {
  const lower = name.toLowerCase()
  for (let i = 0; i < db.Tables.length; i++) {
    const t = db.Tables[i]!
    if (t.Name.toLowerCase() === lower) return t
  }
  return undefined
}

function database(ctx: Ctx, name: string): GlueDatabaseFixture {
  const db = findGlueDatabase(glueDatabases(ctx), name)
  if (!db) throw entityNotFound(`Database ${name} not found.`)
  return db
}

function table(ctx: Ctx, db: GlueDatabaseFixture, name: string): GlueTable {
  const t = findGlueTable(db, name)
  if (!t) throw entityNotFound(`Table ${name} not found.`)
  return t
}

function databaseOut(db: GlueDatabaseFixture, id: string) {
  const { Tables: _tables, ...rest } = db
  return withEpochTimes({
    CreateTableDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }],
    ...rest,
    CatalogId: db.CatalogId ?? id,
  })
}

function tableOut(t: GlueTable, db: GlueDatabaseFixture, id: string) {
  const { Partitions: _partitions, ...rest } = t
  return withEpochTimes({ ...rest, DatabaseName: db.Name, CatalogId: t.CatalogId ?? id, IsRegisteredWithLakeFormation: t.IsRegisteredWithLakeFormation ?? false, VersionId: t.VersionId ?? '0' })
}

/** Registered partitions: the fixture's, or three made up for a partitioned table without projection. */
export function partitionsOf(t: GlueTable): GluePartitionFixture[] {
  if (t.Partitions) return t.Partitions
  const keys = t.PartitionKeys ?? []
  if (!keys.length || t.Parameters?.['projection.enabled'] === 'true') return []
  return [0, 1, 2].map((i) => ({ Values: keys.map((k) => sampleValue(k, i)), CreationTime: t.UpdateTime ?? t.CreateTime }))
}

function sampleValue(k: GlueColumn, i: number): string {
  const type = (k.Type ?? 'string').toLowerCase()
  if (type === 'date' || /^(dt|date|day|ds)$/i.test(k.Name)) return `2024-01-${String(i + 1).padStart(2, '0')}`
  if (/^(int|integer|bigint|smallint|tinyint)$/.test(type)) return String(i)
  return `${k.Name}_${i}`
}

function partitionOut(p: GluePartitionFixture, t: GlueTable, db: GlueDatabaseFixture, id: string) {
  const keys = t.PartitionKeys ?? []
  const base = t.StorageDescriptor?.Location ?? ''
  const suffix = keys.map((k, n) => `${k.Name}=${p.Values[n] ?? ''}`).join('/')
  const location = base ? `${base.endsWith('/') ? base : base + '/'}${suffix}/` : ''
  return withEpochTimes({
    Values: p.Values,
    DatabaseName: db.Name,
    TableName: t.Name,
    CatalogId: id,
    CreationTime: p.CreationTime ?? t.CreateTime,
    ...(p.LastAccessTime !== undefined ? { LastAccessTime: p.LastAccessTime } : {}),
    StorageDescriptor: { ...t.StorageDescriptor, Location: location, ...p.StorageDescriptor },
    Parameters: p.Parameters ?? {},
  })
}

export const glueHandlers: Record<string, Handler> = {
  GetDatabases(ctx) {
    const id = catalogId(ctx)
    const dbs = glueDatabases(ctx, id)
    const max = maxResults(ctx.body.MaxResults, { default: 100, min: 1, max: 100, clamp: true, invalid: validation })
    const { page, nextToken } = paginate(dbs, { nextToken: ctx.body.NextToken, max, scope: `glue:GetDatabases:${id}`, invalid: invalidToken })
    const namesOnly = Array.isArray(ctx.body.AttributesToGet) && ctx.body.AttributesToGet.length === 1 && ctx.body.AttributesToGet[0] === 'NAME'
    return { DatabaseList: page.map((db) => (namesOnly ? { Name: db.Name } : databaseOut(db, id))), ...(nextToken ? { NextToken: nextToken } : {}) }
  },

  GetDatabase(ctx) {
    const name = required(ctx, 'Name', 'name')
    return { Database: databaseOut(database(ctx, name), catalogId(ctx)) }
  },

  GetTables(ctx) {
    const id = catalogId(ctx)
    const db = database(ctx, required(ctx, 'DatabaseName', 'databaseName'))
    const filter = nameFilter(ctx.body.Expression)
    if (!filter) throw new AwsError('InvalidInputException', `Invalid expression: ${String(ctx.body.Expression)}`)
    const tables = ctx.body.Expression ? db.Tables.filter((t) => filter(t.Name)) : db.Tables
    const max = maxResults(ctx.body.MaxResults, { default: 100, min: 1, max: 100, clamp: true, invalid: validation })
    const scope = `glue:GetTables:${id}:${db.Name}:${ctx.body.Expression ?? ''}`
    const { page, nextToken } = paginate(tables, { nextToken: ctx.body.NextToken, max, scope, invalid: invalidToken })
    return { TableList: page.map((t) => tableOut(t, db, id)), ...(nextToken ? { NextToken: nextToken } : {}) }
  },

  GetTable(ctx) {
    const db = database(ctx, required(ctx, 'DatabaseName', 'databaseName'))
    return { Table: tableOut(table(ctx, db, required(ctx, 'Name', 'name')), db, catalogId(ctx)) }
  },

  GetPartitions(ctx) {
    const id = catalogId(ctx)
    const db = database(ctx, required(ctx, 'DatabaseName', 'databaseName'))
    const t = table(ctx, db, required(ctx, 'TableName', 'tableName'))
    const max = maxResults(ctx.body.MaxResults, { default: 1000, min: 1, max: 1000, clamp: false, invalid: validation })
    const scope = `glue:GetPartitions:${id}:${db.Name}:${t.Name}`
    const { page, nextToken } = paginate(partitionsOf(t), { nextToken: ctx.body.NextToken, max, scope, invalid: invalidToken })
    return { Partitions: page.map((p) => partitionOut(p, t, db, id)), ...(nextToken ? { NextToken: nextToken } : {}) }
  },
}
