import type { Database, Table } from '@aws-sdk/client-glue'
import type { AwsCallSettings } from '../config.js'
import { createAwsClients } from '../aws/clients.js'
import { classifyAwsError } from '../aws/errors.js'
import { explainAwsFailure, type Operation } from '../athena/diagnose.js'
import { iterateCatalogDatabasePages, iterateCatalogTablePages, listFederatedCatalogs } from '../athena/federated.js'
import { isView, iterateDatabasePages, iterateTablePages } from '../athena/glue-catalog.js'
import { appendFqn, buildFqn } from '../openmetadata/fqn.js'
import { StepTracker } from '../openmetadata/status.js'
import { buildCreateDatabase, buildCreateDatabaseService, buildCreateSchema, buildCreateTable, stripSecrets } from '../openmetadata/table.js'
import { orderedMerge } from './ordered-merge.js'
import type { IngestPlan } from './plan.js'
import type { EntityRecord, IngestRecord, IngestTotals } from './records.js'

export interface IngestOptions {
  settings: AwsCallSettings
  signal?: AbortSignal
  /** false: service, databases and schemas only (the list-databases answer). */
  withTables: boolean
  /** Called now and then with progress figures (the route logs them). */
  onProgress?: (p: IngestProgress) => void
  progressEveryMs?: number
}

export interface IngestProgress {
  schemasDone: number
  schemasTotal: number
  tables: number
  elapsedMs: number
  tablesPerSecond: number
}

/** What a schema's reader hands the merge: records, and the events the status counts. */
type Item = { type: 'record'; record: EntityRecord } | { type: 'failed'; name: string; error: string } | { type: 'filtered' } | { type: 'schemaDone' }

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
  const totals: IngestTotals = { databases: 0, databaseSchemas: 0, tables: 0, views: 0 }
  const scope = { ...(plan.connection.catalogId ? { catalogId: plan.connection.catalogId } : {}), ...(opts.signal ? { signal: opts.signal } : {}) }
  const progress = progressReporter(opts, started, totals)
  let begun = false
  try {
    const glue: DatabaseSource = {
      name: plan.glueDatabaseName,
      listSchemas: () => iterateDatabasePages(clients.glue, scope),
      tablePages: (schema) => iterateTablePages(clients.glue, scope, schema),
      label: `Glue catalog ${plan.connection.catalogId ?? '(account default)'}`,
      tablesOperation: 'glue:GetTables',
    }
    // The first AWS call, before any output: its failure is the caller's HTTP error.
    const glueSchemas = filteredOut(plan.isDatabaseFiltered, plan.glueDatabaseName, buildFqn(plan.serviceName, plan.glueDatabaseName), plan)
      ? (tracker.filter(), undefined)
      : await collectPages(glue.listSchemas())

    begun = true
    yield count({ kind: 'databaseService', entity: buildCreateDatabaseService(plan.serviceName, stripSecrets(plan.connection)) })
    if (glueSchemas) yield* databaseRecords(glue, glueSchemas)
    if (plan.includeFederatedCatalogs) {
      let catalogs: Awaited<ReturnType<typeof listFederatedCatalogs>> = []
      try {
        catalogs = await listFederatedCatalogs(clients.athena, opts.signal)
      } catch (err) {
        tracker.fail(`${plan.serviceName} (Athena data catalogs)`, awsMessage(err, 'athena:ListDataCatalogs', plan))
      }
      for (const catalog of catalogs) {
        const name = catalog.CatalogName!
        if (filteredOut(plan.isDatabaseFiltered, name, buildFqn(plan.serviceName, name), plan)) {
          tracker.filter()
          continue
        }
        const source: DatabaseSource = {
          name,
          listSchemas: () => iterateCatalogDatabasePages(clients.athena, name, opts.signal),
          tablePages: (schema) => iterateCatalogTablePages(clients.athena, name, schema, opts.signal),
          label: `Athena data catalog ${name}`,
          tablesOperation: 'athena:ListTableMetadata',
        }
        let schemas: Database[]
        try {
          schemas = await collectPages(source.listSchemas())
        } catch (err) {
          tracker.fail(buildFqn(plan.serviceName, name), awsMessage(err, 'athena:ListDatabases', plan))
          continue
        }
        yield* databaseRecords(source, schemas)
      }
    }
  } catch (err) {
    if (!begun) throw err
    tracker.fail(plan.serviceName, err instanceof Error ? err.message : String(err))
  } finally {
    progress.stop()
    clients.destroy()
  }
  yield { kind: 'status', entity: tracker.summary(), elapsedMs: Date.now() - started, totals }

  function count(record: EntityRecord): EntityRecord {
    tracker.record()
    if (record.kind === 'database') totals.databases++
    else if (record.kind === 'databaseSchema') totals.databaseSchemas++
    else if (record.kind === 'table') record.entity.tableType === 'View' ? totals.views++ : totals.tables++
    return record
  }

  async function* databaseRecords(source: DatabaseSource, schemas: Database[]): AsyncGenerator<EntityRecord> {
    const databaseFqn = buildFqn(plan.serviceName, source.name)
    yield count({ kind: 'database', entity: buildCreateDatabase(source.name, plan.serviceName) })
    const kept = schemas.filter((s) => {
      const out = filteredOut(plan.isSchemaFiltered, s.Name!, safeFqn(databaseFqn, s.Name!), plan)
      if (out) tracker.filter()
      return !out
    })
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
        if (item.type === 'record') yield count(item.record)
        else if (item.type === 'failed') tracker.fail(item.name, item.error)
        else if (item.type === 'filtered') tracker.filter()
        else progress.schemaDone()
      }
      if (opts.signal?.aborted) return
    }
  }

  /** One schema: its record, then its tables one page (one batch) at a time, in Glue's order. */
  async function* schemaItems(source: DatabaseSource, databaseFqn: string, schema: Database): AsyncGenerator<Item[]> {
    const schemaName = schema.Name!
    let schemaFqn: string
    try {
      schemaFqn = appendFqn(databaseFqn, schemaName)
      yield [{ type: 'record', record: { kind: 'databaseSchema', entity: buildCreateSchema(schema, databaseFqn) } }]
    } catch (err) {
      yield [{ type: 'failed', name: `${databaseFqn}.${schemaName}`, error: (err as Error).message }]
      return
    }
    if (opts.withTables) {
      try {
        for await (const page of source.tablePages(schemaName)) yield page.map((table) => tableItem(table, schemaFqn))
      } catch (err) {
        if (opts.signal?.aborted) return
        yield [{ type: 'failed', name: schemaFqn, error: `Listing the tables of ${source.label} schema ${schemaName} failed: ${awsMessage(err, source.tablesOperation, plan)}` }]
      }
    }
    yield [{ type: 'schemaDone' }]
  }

  function tableItem(table: Table, schemaFqn: string): Item {
    const view = isView(table)
    if ((view && !plan.includeViews) || (!view && !plan.includeTables)) return { type: 'filtered' }
    let fqn: string
    try {
      fqn = appendFqn(schemaFqn, table.Name ?? '')
    } catch (err) {
      return { type: 'failed', name: `${schemaFqn}.${table.Name}`, error: (err as Error).message }
    }
    if (filteredOut(plan.isTableFiltered, table.Name ?? '', fqn, plan)) return { type: 'filtered' }
    try {
      return { type: 'record', record: { kind: 'table', entity: buildCreateTable(table, { schemaFqn }) } }
    } catch (err) {
      return { type: 'failed', name: fqn, error: (err as Error).message }
    }
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
  const classified = classifyAwsError(err)
  const explanation = explainAwsFailure(classified, {
    operation,
    region: plan.connection.awsConfig.awsRegion,
    ...(plan.connection.catalogId ? { catalogId: plan.connection.catalogId } : {}),
    ...(plan.connection.awsConfig.endPointURL ? { endpoint: plan.connection.awsConfig.endPointURL } : {}),
  })
  return `${explanation} (${classified.code}: ${classified.message})`
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
    addSchemas: (n: number) => { schemasTotal += n },
    schemaDone: () => { schemasDone++ },
    stop: () => {
      if (timer) { clearInterval(timer); report() }
    },
  }
}

