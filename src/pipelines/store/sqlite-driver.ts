/**
 * Which better-sqlite3 the embedded store runs on. better-sqlite3 12 and older wrap their objects with Node's raw
 * ObjectWrap, whose destructor on Node 24.19+ checks for a current Environment that a garbage collection run off a
 * platform task does not have: the process aborts (SIGABRT, "Assertion failed: (env) != nullptr" in
 * RemoveEnvironmentCleanupHook, WiseLibs/better-sqlite3#1515; our CI's Node 24 run hit it). Version 13 is built on
 * node-addon-api, ships N-API prebuilds in the package (no build, no download) and is fine there, but needs Node 22:
 * on Node 20 it crashes. So Node 22 and later load 13 (the `better-sqlite3-node22` alias), Node 20 loads 12 (an
 * optional dependency, built by npm install for that Node). Both have the same API.
 */
import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'

export const SQLITE_DRIVER = Number(process.versions.node.split('.')[0]) >= 22 ? 'better-sqlite3-node22' : 'better-sqlite3'

let loaded: typeof BetterSqlite3 | undefined

/** The driver's Database class, loaded on first use (a service that never deploys a pipeline never loads it). */
export function sqliteDatabase(): typeof BetterSqlite3 {
  if (!loaded) {
    try {
      loaded = createRequire(import.meta.url)(SQLITE_DRIVER) as typeof BetterSqlite3
    } catch (err) {
      throw new Error(
        `The embedded pipeline store needs ${SQLITE_DRIVER} (Node ${process.versions.node}), which did not load: ${(err as Error).message}. ` +
          'Reinstall with npm ci (on Node 20 it is built from source: python3, make and g++), or set DATABASE_URL to use PostgreSQL.',
        { cause: err },
      )
    }
  }
  return loaded
}
