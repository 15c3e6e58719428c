// Amazon Athena metadata operations: GetWorkGroup, ListWorkGroups, ListDataCatalogs,
// GetDataCatalog, ListDatabases, GetDatabase, ListTableMetadata, GetTableMetadata. GLUE data
// catalogs are answered from the catalog's `glue` section (Parameters['catalog-id']).
import type { AthenaDataCatalogFixture, AthenaDatabaseFixture, AthenaTableMetadata, AthenaWorkGroupFixture, GlueTable, StringMap } from '../catalog.js'
import type { Ctx, Handler } from './context.js'
import { findGlueTable } from './glue.js'
import { AwsError, maxResults, nameFilter, paginate, sameName, withEpochTimes } from './protocol.js'

export function invalidRequest(message: string, code?: string): AwsError {
  return new AwsError('InvalidRequestException', message, 400, code ? { AthenaErrorCode: code, ErrorCode: code } : {})
}
const invalidToken = () => invalidRequest('Invalid NextToken.', 'INVALID_INPUT')
const metadata = (message: string) => new AwsError('MetadataException', message)
const page50 = (value: unknown, min = 1) => maxResults(value, { default: 50, min, max: 50, clamp: false, invalid: (m) => invalidRequest(m, 'INVALID_INPUT') })

export const DEFAULT_ENGINE = { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' }

export function findWorkGroup(ctx: Ctx, name: string): AthenaWorkGroupFixture | undefined {
  return ctx.catalog.workgroups.find((w) => w.Name === name)
}

export function workGroupNotFound(): AwsError {
  return invalidRequest('WorkGroup is not found.', 'INVALID_INPUT')
}

function dataCatalog(ctx: Ctx, name: unknown): AthenaDataCatalogFixture | undefined {
  return typeof name === 'string' ? ctx.catalog.dataCatalogs.find((c) => sameName(c.Name, name)) : undefined
}

function requireString(ctx: Ctx, member: string, wire: string): string {
  const v = ctx.body[member]
  if (typeof v !== 'string' || v === '') {
    throw invalidRequest(`1 validation error detected: Value null at '${wire}' failed to satisfy constraint: Member must not be null`, 'INVALID_INPUT')
  }
  return v
}

function catalogForListing(ctx: Ctx): AthenaDataCatalogFixture {
  const name = requireString(ctx, 'CatalogName', 'catalogName')
  const c = dataCatalog(ctx, name)
  if (!c) throw metadata(`DataCatalog ${name} was not found.`)
  return c
}

/** The databases of a data catalog, in Athena's Database shape, each with its tables. */
interface AthenaDb {
  Name: string
  Description?: string
  Parameters?: StringMap
  tables: () => readonly AthenaTableMetadata[]
  table: (name: string) => AthenaTableMetadata | undefined
}

function databasesOf(ctx: Ctx, c: AthenaDataCatalogFixture): AthenaDb[] {
  if (c.Type === 'GLUE') {
    const id = c.Parameters?.['catalog-id'] ?? ctx.catalog.accountId
    return (ctx.catalog.glue[id] ?? []).map((db) => ({
      Name: db.Name,
      ...(db.Description !== undefined ? { Description: db.Description } : {}),
      Parameters: db.Parameters ?? {},
      tables: () => lazyMap(db.Tables, glueToAthena),
      table: (name: string) => {
        const t = findGlueTable(db, name)
        return t && glueToAthena(t)
      },
    }))
  }
  return (c.databases ?? []).map((db: AthenaDatabaseFixture) => ({
    Name: db.Name,
    ...(db.Description !== undefined ? { Description: db.Description } : {}),
    Parameters: db.Parameters ?? {},
    tables: () => db.tables,
    table: (name: string) => db.tables.find((t) => sameName(t.Name, name)),
  }))
}

/** A read-only view of `items` mapped on access (keeps generated catalogs lazy through paging). */
function lazyMap<A, B>(items: readonly A[], f: (a: A) => B): readonly B[] {
  return {
    get length() {
      return items.length
    },
    slice(start?: number, end?: number) {
      return items.slice(start, end).map(f)
    },
    filter(pred: (b: B) => boolean) {
      const out: B[] = []
      for (let i = 0; i < items.length; i++) {
        const b = f(items[i]!)
        if (pred(b)) out.push(b)
      }
      return out
    },
  } as unknown as readonly B[]
}

function database(ctx: Ctx, c: AthenaDataCatalogFixture, name: string): AthenaDb {
  const db = databasesOf(ctx, c).find((d) => sameName(d.Name, name))
  if (!db) {
    throw metadata(
      c.Type === 'GLUE'
        ? `Database ${name} not found. (Service: AWSGlue; Status Code: 400; Error Code: EntityNotFoundException; Request ID: ${glueRequestId(name)}; Proxy: null)`
        : `Database ${name} not found.`,
    )
  }
  return db
}

function glueRequestId(seed: string): string {
  let h = 0
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  const hex = h.toString(16).padStart(8, '0')
  return `${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}`
}

/** Athena's TableMetadata for a Glue table: Athena adds the storage facts to Parameters. */
export function glueToAthena(t: GlueTable): AthenaTableMetadata {
  const sd = t.StorageDescriptor ?? {}
  const params: StringMap = { ...t.Parameters }
  if (sd.InputFormat) params.inputformat = sd.InputFormat
  if (sd.OutputFormat) params.outputformat = sd.OutputFormat
  if (sd.Location) params.location = sd.Location
  if (sd.SerdeInfo?.SerializationLibrary) params['serde.serialization.lib'] = sd.SerdeInfo.SerializationLibrary
  for (const [k, v] of Object.entries(sd.SerdeInfo?.Parameters ?? {})) params[`serde.param.${k}`] = v
  const col = (c: { Name: string; Type?: string; Comment?: string }) => ({
    Name: c.Name,
    ...(c.Type !== undefined ? { Type: c.Type } : {}),
    ...(c.Comment !== undefined ? { Comment: c.Comment } : {}),
  })
  return {
    Name: t.Name,
    ...(t.CreateTime !== undefined ? { CreateTime: t.CreateTime } : {}),
    ...(t.LastAccessTime !== undefined ? { LastAccessTime: t.LastAccessTime } : {}),
    ...(t.TableType !== undefined ? { TableType: t.TableType } : {}),
    Columns: (sd.Columns ?? []).map(col),
    PartitionKeys: (t.PartitionKeys ?? []).map(col),
    Parameters: params,
  }
}

function workGroupOut(w: AthenaWorkGroupFixture) {
  const cfg = w.Configuration ?? {}
  return withEpochTimes({
    Name: w.Name,
    State: w.State,
    Configuration: {
      ResultConfiguration: cfg.ResultConfiguration ?? {},
      EnforceWorkGroupConfiguration: cfg.EnforceWorkGroupConfiguration ?? false,
      PublishCloudWatchMetricsEnabled: cfg.PublishCloudWatchMetricsEnabled ?? false,
      RequesterPaysEnabled: cfg.RequesterPaysEnabled ?? false,
      EngineVersion: { ...DEFAULT_ENGINE, ...cfg.EngineVersion },
      EnableMinimumEncryptionConfiguration: false,
      ...(cfg.BytesScannedCutoffPerQuery !== undefined ? { BytesScannedCutoffPerQuery: cfg.BytesScannedCutoffPerQuery } : {}),
    },
    ...(w.Description !== undefined ? { Description: w.Description } : {}),
    ...(w.CreationTime !== undefined ? { CreationTime: w.CreationTime } : {}),
  })
}

const next = (token: string | undefined) => (token ? { NextToken: token } : {})

export const athenaCatalogHandlers: Record<string, Handler> = {
  GetWorkGroup(ctx) {
    const w = findWorkGroup(ctx, requireString(ctx, 'WorkGroup', 'workGroup'))
    if (!w) throw workGroupNotFound()
    return { WorkGroup: workGroupOut(w) }
  },

  ListWorkGroups(ctx) {
    const max = page50(ctx.body.MaxResults)
    const { page, nextToken } = paginate(ctx.catalog.workgroups, { nextToken: ctx.body.NextToken, max, scope: 'athena:ListWorkGroups', invalid: invalidToken })
    const summaries = page.map((w) => {
      const out = workGroupOut(w)
      return {
        Name: out.Name,
        State: out.State,
        ...(out.Description !== undefined ? { Description: out.Description } : {}),
        ...(out.CreationTime !== undefined ? { CreationTime: out.CreationTime } : {}),
        EngineVersion: out.Configuration.EngineVersion,
      }
    })
    return { WorkGroups: summaries, ...next(nextToken) }
  },

  ListDataCatalogs(ctx) {
    const max = page50(ctx.body.MaxResults, 2)
    const { page, nextToken } = paginate(ctx.catalog.dataCatalogs, { nextToken: ctx.body.NextToken, max, scope: 'athena:ListDataCatalogs', invalid: invalidToken })
    return { DataCatalogsSummary: page.map((c) => ({ CatalogName: c.Name, Type: c.Type })), ...next(nextToken) }
  },

  GetDataCatalog(ctx) {
    const name = requireString(ctx, 'Name', 'name')
    const c = dataCatalog(ctx, name)
    if (!c) throw invalidRequest(`DataCatalog ${name} was not found.`)
    return { DataCatalog: { Name: c.Name, ...(c.Description !== undefined ? { Description: c.Description } : {}), Type: c.Type, Parameters: c.Parameters ?? {} } }
  },

  ListDatabases(ctx) {
    const c = catalogForListing(ctx)
    const max = page50(ctx.body.MaxResults)
    const { page, nextToken } = paginate(databasesOf(ctx, c), { nextToken: ctx.body.NextToken, max, scope: `athena:ListDatabases:${c.Name}`, invalid: invalidToken })
    return { DatabaseList: page.map(({ tables: _t, table: _u, ...db }) => db), ...next(nextToken) }
  },

  GetDatabase(ctx) {
    const c = catalogForListing(ctx)
    const { tables: _t, table: _u, ...db } = database(ctx, c, requireString(ctx, 'DatabaseName', 'databaseName'))
    return { Database: db }
  },

  ListTableMetadata(ctx) {
    const c = catalogForListing(ctx)
    const db = database(ctx, c, requireString(ctx, 'DatabaseName', 'databaseName'))
    const filter = nameFilter(ctx.body.Expression)
    if (!filter) throw invalidRequest(`Invalid expression: ${String(ctx.body.Expression)}`, 'INVALID_INPUT')
    const all = db.tables()
    const tables = ctx.body.Expression ? all.filter((t) => filter(t.Name)) : all
    const max = page50(ctx.body.MaxResults)
    const scope = `athena:ListTableMetadata:${c.Name}:${db.Name}:${ctx.body.Expression ?? ''}`
    const { page, nextToken } = paginate(tables, { nextToken: ctx.body.NextToken, max, scope, invalid: invalidToken })
    return { TableMetadataList: page.map(withEpochTimes), ...next(nextToken) }
  },

  GetTableMetadata(ctx) {
    const c = catalogForListing(ctx)
    const db = database(ctx, c, requireString(ctx, 'DatabaseName', 'databaseName'))
    const name = requireString(ctx, 'TableName', 'tableName')
    const t = db.table(name)
    if (!t) {
      throw metadata(
        c.Type === 'GLUE'
          ? `Table ${name} not found. (Service: AWSGlue; Status Code: 400; Error Code: EntityNotFoundException; Request ID: ${glueRequestId(name)}; Proxy: null)`
          : `Table ${name} not found.`,
      )
    }
    return { TableMetadata: withEpochTimes(t) }
  },
}
