import type { Database, Table } from '@aws-sdk/client-glue'
import type { AwsCallSettings } from '../config.js'
import { createAwsClients } from '../aws/clients.js'
import { describeAwsFailure, type Operation } from '../athena/diagnose.js'
import { iterateCatalogDatabasePages, iterateCatalogTablePages, listFederatedCatalogs } from '../athena/federated.js'
import { isView, iterateDatabasePages, iterateTablePages } from '../athena/glue-catalog.js'
import { appendFqn, buildFqn } from '../openmetadata/fqn.js'
import { StepTracker } from '../openmetadata/status.js'
import { buildCreateDatabase, buildCreateDatabaseService, buildCreateSchema, buildCreateTable, stripSecrets } from '../openmetadata/table.js'
import { cutFailureMessage } from '../shutdown.js'
import { EMPTY_LF_TAG_INDEX, loadLfTags, type LfTagIndex } from '../athena/lake-formation.js'
import { buildStorageLineage } from '../openmetadata/lineage.js'
import { applyTags, classificationsOf, schemaTags, unusableLfTags } from '../openmetadata/tags.js'
import { buildStaleScope } from '../openmetadata/stale.js'
import { withSourceHash } from '../openmetadata/source-hash.js'
import { orderedMerge } from './ordered-merge.js'
import { viewLineage, type ViewContext } from './view-lineage.js'
import type { IngestPlan } from './plan.js'
import type { EntityRecord, IngestRecord, IngestTotals } from './records.js'
import type { CreateDatabaseSchemaRequest } from '../openmetadata/om-types.js'

export interface IngestOptions {
  settings: AwsCallSettings
  signal?: AbortSignal
  /** false: service, databases and schemas only (the list-databases answer). */
  withTables: boolean
  /** Called now and then with progress figures (the route logs them). */
  onProgress?: (p: IngestProgress) => void
  progressEveryMs?: number
  /** Told each warning (counted in the status; StepSummary has no room for their text). */
  onWarning?: (message: string) => void
  /** Told each failure as it is counted (a schema whose listing failed, a table that could not be mapped). */
  onFailure?: (name: string, error: string) => void
}

export interface IngestProgress {
  schemasDone: number
  schemasTotal: number
  tables: number
  elapsedMs: number
  tablesPerSecond: number
}

/** What a schema's reader hands the merge: records, and the events the status counts. */
type Item =
  | { type: 'record'; record: EntityRecord; fqn?: string }
  | { type: 'failed'; name: string; error: string }
  | { type: 'filtered' }
  | { type: 'warning'; message: string }
  /** Emitted after every table of the run, so that both ends of the edge exist before it. */
  | { type: 'deferred'; record: EntityRecord }
  | { type: 'schemaDone' }

/** Where one OpenMetadata database's schemas and tables come from. */
interface DatabaseSource {
  name: string
  listSchemas: () => AsyncIterable<Database[]>
  tablePages: (schema: string) => AsyncIterable<Table[]>
  /** Names the catalog in failure messages. */
  label: string
  tablesOperation: Operation
}

export const STEP_NAME = 'Athena'

/**
 * Pages a schema's reader may fetch ahead of the output. Enough that the readers of the next schemas
 * keep AWS busy while one schema streams out; small enough that memory stays flat (at most about
 * concurrency × 2 × PAGES_AHEAD pages are held, whatever the catalog's size).
 */
const PAGES_AHEAD = 6

/**
 * Reads the catalog and yields OpenMetadata records: service → database → schema → tables, then the
 * status. The first AWS call (the Glue database listing) happens before the first record, so a
 * credentials or catalog error is thrown (for a clean HTTP error) instead of breaking a stream.
 * Afterwards nothing throws: a schema or table that fails becomes a `failures` entry and the run goes on.
 */
export async function* ingest(plan: IngestPlan, opts: IngestOptions): AsyncGenerator<IngestRecord> {
  const started = Date.now()
  const clients = createAwsClients(plan.connection.awsConfig, opts.settings)
  const tracker = new StepTracker(STEP_NAME)
  const totals: IngestTotals = { databases: 0, databaseSchemas: 0, tables: 0, views: 0, lineage: 0, staleScopes: 0, tags: 0 }
  const scope = {
    ...(plan.connection.catalogId ? { catalogId: plan.connection.catalogId } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.settings.paging ? { paging: opts.settings.paging } : {}),
  }
  const progress = progressReporter(opts, started, totals)
  /** LF-tags of the Glue catalog; empty unless includeTags and Lake Formation answered. */
  let lfIndex: LfTagIndex = EMPTY_LF_TAG_INDEX
  /** View lineage, held back until every table has been emitted (a view may read a later schema). */
  const deferred: EntityRecord[] = []
  let begun = false
  /** markDeletedDatabases: the databases emitted, and whether every database was enumerated without error. */
  const seenDatabases: string[] = []
  let databasesClean = true
  try {
    const glue: DatabaseSource = {
      name: plan.glueDatabaseName,
      listSchemas: () => iterateDatabasePages(clients.glue, scope),
      tablePages: (schema) => iterateTablePages(clients.glue, scope, schema),
      label: `Glue catalog ${plan.connection.catalogId ?? '(account default)'}`,
      tablesOperation: 'glue:GetTables',
    }
    const glueFiltered = filteredOut(plan.isDatabaseFiltered, plan.glueDatabaseName, buildFqn(plan.serviceName, plan.glueDatabaseName), plan)
    // LF-tags are read in a few batched searches, alongside the database listing.
    const lfTags =
      plan.includeTags && opts.withTables && !glueFiltered
        ? loadLfTags(clients.lakeFormation, scope).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          )
        : undefined
    // The first AWS call, before any output: its failure is the caller's HTTP error.
    const glueSchemas = glueFiltered ? (tracker.filter(), undefined) : await collectPages(glue.listSchemas())

    begun = true
    yield count({ kind: 'databaseService', entity: buildCreateDatabaseService(plan.serviceName, stripSecrets(plan.connection)) })
    if (lfTags) {
      const loaded = await lfTags
      if ('error' in loaded) {
        if (opts.signal?.aborted) throw loaded.error
        fail('Tags and Classifications', `Lake Formation tags could not be read: ${(loaded.error as Error).message}`)
      } else {
        const { index, warnings } = loaded.value
        lfIndex = index
        for (const w of [...warnings, ...unusableLfTags(index)]) warn(w)
        for (const { classification, tags } of classificationsOf(index)) {
          yield count({ kind: 'classification', entity: classification })
          for (const tag of tags) yield count({ kind: 'tag', entity: tag })
        }
      }
    }
    if (glueSchemas) yield* databaseRecords(glue, glueSchemas)
    if (plan.includeFederatedCatalogs) {
      let catalogs: Awaited<ReturnType<typeof listFederatedCatalogs>> = []
      try {
        catalogs = await listFederatedCatalogs(clients.athena, scope)
      } catch (err) {
        databasesClean = false
        fail(`${plan.serviceName} (Athena data catalogs)`, awsMessage(err, 'athena:ListDataCatalogs', plan))
      }
      for (const catalog of catalogs) {
        const name = catalog.CatalogName!
        if (filteredOut(plan.isDatabaseFiltered, name, buildFqn(plan.serviceName, name), plan)) {
          tracker.filter()
          continue
        }
        const source: DatabaseSource = {
          name,
          listSchemas: () => iterateCatalogDatabasePages(clients.athena, name, scope),
          tablePages: (schema) => iterateCatalogTablePages(clients.athena, name, schema, scope),
          label: `Athena data catalog ${name}`,
          tablesOperation: 'athena:ListTableMetadata',
        }
        let schemas: Database[]
        try {
          schemas = await collectPages(source.listSchemas())
        } catch (err) {
          databasesClean = false
          fail(buildFqn(plan.serviceName, name), awsMessage(err, 'athena:ListDatabases', plan))
          continue
        }
        yield* databaseRecords(source, schemas)
      }
    }
    if (plan.markDeletedDatabases && opts.withTables && !opts.signal?.aborted) {
      // As for tables: a database that could not be enumerated is not absent from the source.
      if (databasesClean) yield count({ kind: 'staleScope', entity: buildStaleScope(buildFqn(plan.serviceName), seenDatabases, 'databaseService') })
      else warn(`${plan.serviceName}: no stale-database clean-up, the databases were not all listed without errors`)
    }
    for (const record of deferred.splice(0)) {
      if (opts.signal?.aborted) break
      yield count(record)
    }
  } catch (err) {
    if (!begun) throw err
    fail(plan.serviceName, err instanceof Error ? err.message : String(err))
  } finally {
    progress.stop()
    clients.destroy()
  }
  // Cut short (client gone, or a shutdown's grace period over): the status line says so.
  if (opts.signal?.aborted) fail(plan.serviceName, cutFailureMessage(opts.signal))
  yield { kind: 'status', entity: tracker.summary(), elapsedMs: Date.now() - started, totals }

  function fail(name: string, error: unknown): void {
    tracker.fail(name, error)
    opts.onFailure?.(name, error instanceof Error ? error.message : String(error))
  }

  function warn(message: string): void {
    tracker.warning()
    opts.onWarning?.(message)
  }

  function count(record: EntityRecord): EntityRecord {
    tracker.record()
    if (record.kind === 'database') totals.databases++
    else if (record.kind === 'databaseSchema') totals.databaseSchemas++
    else if (record.kind === 'table') totals[record.entity.tableType === 'View' ? 'views' : 'tables']++
    else if (record.kind === 'lineage') totals.lineage++
    else if (record.kind === 'staleScope') totals.staleScopes++
    else if (record.kind === 'tag') totals.tags++
    return record
  }

  async function* databaseRecords(source: DatabaseSource, schemas: Database[]): AsyncGenerator<EntityRecord> {
    const databaseFqn = buildFqn(plan.serviceName, source.name)
    yield count({ kind: 'database', entity: withSourceHash(buildCreateDatabase(source.name, plan.serviceName)) })
    seenDatabases.push(databaseFqn)
    const seenSchemas: string[] = []
    const kept = schemas.filter((s) => {
      const out = filteredOut(plan.isSchemaFiltered, s.Name!, safeFqn(databaseFqn, s.Name!), plan)
      if (out) tracker.filter()
      return !out
    })
    if (plan.markDeletedTables && opts.withTables && kept.length < schemas.length) {
      warn(`${schemas.length - kept.length} filtered schema(s) of ${databaseFqn} get no stale-table clean-up: their tables were not read`)
    }
    progress.addSchemas(kept.length)
    const producers = kept.map((schema) => () => schemaItems(source, databaseFqn, schema))
    const merged = orderedMerge(producers, {
      concurrency: plan.schemaConcurrency,
      buffer: PAGES_AHEAD,
      lookahead: plan.schemaConcurrency * 2,
      ...(opts.signal ? { signal: opts.signal } : {}),
    })
    for await (const batch of merged) {
      for (const item of batch) {
        if (item.type === 'record') {
          if (item.record.kind === 'databaseSchema') seenSchemas.push(appendFqn(item.record.entity.database, item.record.entity.name))
          yield count(item.record)
        } else if (item.type === 'failed') fail(item.name, item.error)
        else if (item.type === 'filtered') tracker.filter()
        else if (item.type === 'warning') warn(item.message)
        else if (item.type === 'deferred') deferred.push(item.record)
        else progress.schemaDone()
      }
      if (opts.signal?.aborted) return
    }
    if (plan.markDeletedSchemas && opts.withTables) {
      // Every kept schema's record must have been built: one that failed is not absent from the source.
      if (seenSchemas.length === kept.length) yield count({ kind: 'staleScope', entity: buildStaleScope(databaseFqn, seenSchemas, 'database') })
      else warn(`${databaseFqn}: no stale-schema clean-up, ${kept.length - seenSchemas.length} schema(s) could not be read`)
    }
  }

  /** A Glue database's LF-tags on its schema (LF-tags exist for the Glue catalog only); no empty `tags`. */
  function withSchemaTags(request: CreateDatabaseSchemaRequest, isGlue: boolean): CreateDatabaseSchemaRequest {
    const tags = isGlue ? schemaTags(lfIndex, request.name) : []
    return tags.length ? { ...request, tags } : request
  }

  /** One schema: its record, then its tables one page (one batch) at a time, in Glue's order. */
  async function* schemaItems(source: DatabaseSource, databaseFqn: string, schema: Database): AsyncGenerator<Item[]> {
    const schemaName = schema.Name!
    const names = { serviceName: plan.serviceName, databaseName: source.name, schemaName, glueDatabaseName: plan.glueDatabaseName, isGlue: source.tablesOperation === 'glue:GetTables' }
    let schemaFqn: string
    try {
      schemaFqn = appendFqn(databaseFqn, schemaName)
      yield [{ type: 'record', record: { kind: 'databaseSchema', entity: withSourceHash(withSchemaTags(buildCreateSchema(schema, databaseFqn), names.isGlue)) } }]
    } catch (err) {
      yield [{ type: 'failed', name: `${databaseFqn}.${schemaName}`, error: (err as Error).message }]
      return
    }
    if (opts.withTables) {
      // The stale-table scope is only safe when every table of the schema was seen and mapped.
      const seen: string[] = []
      let clean = true
      try {
        for await (const page of source.tablePages(schemaName)) {
          const batch = page.flatMap((table) => tableItems(table, schemaFqn, names))
          for (const item of batch) {
            if (item.type === 'failed') clean = false
            else if (item.type === 'record' && item.fqn) seen.push(item.fqn)
          }
          yield batch
        }
      } catch (err) {
        if (opts.signal?.aborted) return
        clean = false
        yield [{ type: 'failed', name: schemaFqn, error: `Listing the tables of ${source.label} schema ${schemaName} failed: ${awsMessage(err, source.tablesOperation, plan)}` }]
      }
      if (plan.markDeletedTables) {
        yield [
          clean
            ? { type: 'record', record: { kind: 'staleScope', entity: buildStaleScope(schemaFqn, seen) } }
            : { type: 'warning', message: `${schemaFqn}: no stale-table clean-up, its listing did not complete without errors` },
        ]
      }
    }
    yield [{ type: 'schemaDone' }]
  }

  /** A table's record, then the lineage that ends at it (both ends' records come first). */
  function tableItems(table: Table, schemaFqn: string, names: ViewContext & { isGlue: boolean }): Item[] {
    const view = isView(table)
    if ((view && !plan.includeViews) || (!view && !plan.includeTables)) return [{ type: 'filtered' }]
    let fqn: string
    try {
      fqn = appendFqn(schemaFqn, table.Name ?? '')
    } catch (err) {
      return [{ type: 'failed', name: `${schemaFqn}.${table.Name}`, error: (err as Error).message }]
    }
    if (filteredOut(plan.isTableFiltered, table.Name ?? '', fqn, plan)) return [{ type: 'filtered' }]
    let entity
    // A column typed UNKNOWN or a name encoded is a warning, never a lost table (and so never a lost stale clean-up).
    const warnings: Item[] = []
    const onWarning = (message: string) => warnings.push({ type: 'warning', message: `${schemaFqn}: ${message}` })
    try {
      entity = buildCreateTable(table, { schemaFqn, includeDDL: plan.includeDDL, onWarning })
      if (names.isGlue) entity = applyTags(entity, lfIndex, names.schemaName, table.Name ?? entity.name)
      // Last, over the request as sent: the sink skips a table whose stored hash equals this one.
      entity = withSourceHash(entity)
    } catch (err) {
      return [...warnings, { type: 'failed', name: fqn, error: (err as Error).message }]
    }
    const items: Item[] = [...warnings, { type: 'record', record: { kind: 'table', entity }, fqn }]
    if (plan.storageServiceName && entity.locationPath) {
      const edge = buildStorageLineage(plan.storageServiceName, entity.locationPath, fqn)
      if (edge) items.push({ type: 'record', record: { kind: 'lineage', entity: edge } })
    }
    if (view && plan.includeViewLineage && entity.schemaDefinition) {
      const lineage = viewLineage(entity.schemaDefinition, { name: entity.name, fqn }, names)
      for (const edge of lineage.edges) items.push({ type: 'deferred', record: { kind: 'lineage', entity: edge } })
      if (lineage.warning) items.push({ type: 'warning', message: lineage.warning })
    }
    return items
  }
}

function filteredOut(isFiltered: (n: string) => boolean, name: string, fqn: string, plan: IngestPlan): boolean {
  return isFiltered(plan.useFqnForFiltering ? fqn : name)
}

function safeFqn(parent: string, name: string): string {
  try {
    return appendFqn(parent, name)
  } catch {
    return `${parent}.${name}`
  }
}

async function collectPages<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = []
  for await (const page of pages) all.push(...page)
  return all
}

function awsMessage(err: unknown, operation: Operation, plan: IngestPlan): string {
  return describeAwsFailure(err, {
    operation,
    region: plan.connection.awsConfig.awsRegion,
    ...(plan.connection.catalogId ? { catalogId: plan.connection.catalogId } : {}),
    ...(plan.connection.awsConfig.endPointURL ? { endpoint: plan.connection.awsConfig.endPointURL } : {}),
  }).message
}

function progressReporter(opts: IngestOptions, started: number, totals: IngestTotals) {
  let schemasTotal = 0
  let schemasDone = 0
  const report = () => {
    const elapsedMs = Date.now() - started
    const tables = totals.tables + totals.views
    opts.onProgress?.({ schemasDone, schemasTotal, tables, elapsedMs, tablesPerSecond: Math.round((tables / Math.max(elapsedMs, 1)) * 1000) })
  }
  const timer = opts.onProgress ? setInterval(report, opts.progressEveryMs ?? 10_000) : undefined
  timer?.unref()
  return {
    addSchemas: (n: number) => {
      schemasTotal += n
    },
    schemaDone: () => {
      schemasDone++
    },
    stop: () => {
      if (timer) {
        clearInterval(timer)
        report()
      }
    },
  }
}
