import { resolve } from 'node:path'
import type { PipelineStore } from '../types.js'
import { checkLogMaxBytes, DEFAULT_LOG_MAX_BYTES, MissingSecretKeyError } from './common.js'
import { describeDatabaseUrl, PostgresPipelineStore } from './postgres.js'
import { parseSecretKey, SecretBox, SecretBoxError } from './secret-box.js'
import { SqlitePipelineStore } from './sqlite.js'

export { MissingSecretKeyError } from './common.js'

export interface PipelineStoreSettings {
  /** PostgreSQL connection string (DATABASE_URL); unset → the embedded SQLite store. */
  databaseUrl?: string | undefined
  /** PIPELINE_DB_PATH resolved against the working directory (default data/pipelines.sqlite). */
  sqlitePath: string
  /** PIPELINE_SECRET_KEY as given (already checked to be a valid key). */
  secretKey?: string | undefined
  /** PIPELINE_LOG_MAX_BYTES (default 1 MiB). */
  logMaxBytes: number
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim())

/** Reads the store's environment variables; each error names its variable and never repeats a secret value. */
export function loadPipelineStoreSettings(env: NodeJS.ProcessEnv = process.env): PipelineStoreSettings {
  const databaseUrl = nonEmpty(env.DATABASE_URL)
  if (databaseUrl !== undefined) {
    let url: URL | undefined
    try {
      url = new URL(databaseUrl)
    } catch {
      url = undefined
    }
    // The value may hold a password: the message describes the expected form instead of echoing it.
    if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || url.hostname === '') {
      throw new Error('DATABASE_URL must be a PostgreSQL connection URL such as postgres://user:password@host:5432/database (unset it to use the embedded SQLite store)')
    }
  }
  const secretKey = nonEmpty(env.PIPELINE_SECRET_KEY)
  if (secretKey !== undefined) parseSecretKey(secretKey) // throws naming PIPELINE_SECRET_KEY
  let logMaxBytes = DEFAULT_LOG_MAX_BYTES
  const rawMax = nonEmpty(env.PIPELINE_LOG_MAX_BYTES)
  if (rawMax !== undefined) {
    if (!/^\d+$/.test(rawMax)) throw new Error(`PIPELINE_LOG_MAX_BYTES must be a whole number of bytes (e.g. ${DEFAULT_LOG_MAX_BYTES}), got ${JSON.stringify(rawMax.slice(0, 40))}`)
    logMaxBytes = checkLogMaxBytes(Number(rawMax))
  }
  return { databaseUrl, sqlitePath: resolve(nonEmpty(env.PIPELINE_DB_PATH) ?? 'data/pipelines.sqlite'), secretKey, logMaxBytes }
}

export interface OpenPipelineStoreOptions {
  databaseUrl?: string | undefined
  sqlitePath: string
  secretKey?: string | undefined
  logMaxBytes?: number | undefined
  log?: { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void } | undefined
}

/**
 * Opens (and migrates) the pipeline store: PostgreSQL when databaseUrl is set, else SQLite at sqlitePath. Refuses to
 * open a store holding pipelines it cannot read: no PIPELINE_SECRET_KEY, or one that does not decrypt them.
 */
export async function openPipelineStore(options: OpenPipelineStoreOptions): Promise<PipelineStore> {
  const box = options.secretKey === undefined ? undefined : new SecretBox(parseSecretKey(options.secretKey))
  const storeOptions = { box, logMaxBytes: options.logMaxBytes }
  let store: PipelineStore
  let where: object
  if (options.databaseUrl !== undefined) {
    const log = options.log
    store = await PostgresPipelineStore.open(options.databaseUrl, {
      ...storeOptions,
      onPoolError: (err) => log?.warn({ store: 'postgres', err: { message: err.message } }, 'pipeline store: an idle database connection failed'),
    })
    where = { database: describeDatabaseUrl(options.databaseUrl) }
  } else {
    store = new SqlitePipelineStore(options.sqlitePath, storeOptions)
    where = { path: options.sqlitePath }
  }
  try {
    await checkReadable(store, box)
  } catch (err) {
    await store.close()
    throw err
  }
  options.log?.info({ store: store.kind, ...where, encrypted: box !== undefined }, 'pipeline store opened')
  return store
}

async function checkReadable(store: PipelineStore, box: SecretBox | undefined): Promise<void> {
  const count = await store.countPipelines()
  if (count === 0) return
  if (!box) {
    throw new MissingSecretKeyError(
      `PIPELINE_SECRET_KEY is not set, but the pipeline store holds ${count} deployed pipeline${count === 1 ? '' : 's'}, encrypted with it: they cannot be read without it. Set PIPELINE_SECRET_KEY to the key they were stored with.`,
    )
  }
  try {
    await store.listPipelines()
  } catch (err) {
    if (err instanceof SecretBoxError) {
      throw new Error('PIPELINE_SECRET_KEY does not decrypt the stored pipelines: it changed? Set it back to the key they were stored with (or redeploy them from OpenMetadata into an empty store).', {
        cause: err,
      })
    }
    throw err
  }
}
