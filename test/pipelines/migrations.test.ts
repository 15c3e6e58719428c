import t from 'tap'
import { LATEST_SCHEMA_VERSION, migrateSqlite, MIGRATIONS, pendingMigrations, SchemaTooNewError } from '../../src/pipelines/store/migrations.js'
import { sqliteDatabase } from '../../src/pipelines/store/sqlite-driver.js'

t.test('the migration list: versions 1, 2, … in order, each with SQL for both databases', async (t) => {
  t.same(
    MIGRATIONS.map((m) => m.version),
    MIGRATIONS.map((_, i) => i + 1),
  )
  t.equal(LATEST_SCHEMA_VERSION, MIGRATIONS.length)
  for (const m of MIGRATIONS) {
    t.ok(m.name.length > 0 && m.sqlite.trim().length > 0 && m.postgres.trim().length > 0, `migration ${m.version} is complete`)
  }
})

t.test('pendingMigrations: what is newer than the database, in order; a database ahead of the code is refused', async (t) => {
  const list = [
    { version: 2, name: 'b', sqlite: 'x', postgres: 'x' },
    { version: 1, name: 'a', sqlite: 'x', postgres: 'x' },
    { version: 3, name: 'c', sqlite: 'x', postgres: 'x' },
  ]
  t.same(
    pendingMigrations(0, 'db', list).map((m) => m.version),
    [1, 2, 3],
  )
  t.same(
    pendingMigrations(2, 'db', list).map((m) => m.version),
    [3],
  )
  t.same(pendingMigrations(3, 'db', list), [])
  const err = t.throws(() => pendingMigrations(4, 'SQLite file /x.sqlite', list)) as SchemaTooNewError
  t.ok(err instanceof SchemaTooNewError)
  t.match(err.message, /\(SQLite file \/x\.sqlite\) is at schema version 4, but this release only knows versions up to 3/)
})

t.test('migrateSqlite applies each migration once and records it', async (t) => {
  const db = new (sqliteDatabase())(':memory:')
  t.teardown(() => db.close())
  const list = [
    { version: 1, name: 'one', sqlite: 'CREATE TABLE a (x INTEGER)', postgres: '' },
    { version: 2, name: 'two', sqlite: 'CREATE TABLE b (x INTEGER)', postgres: '' },
  ]
  t.same(migrateSqlite(db, 'mem', list.slice(0, 1)), [1])
  t.same(migrateSqlite(db, 'mem', list), [2], 'only the new one')
  t.same(migrateSqlite(db, 'mem', list), [], 'then nothing')
  t.same(db.prepare('SELECT version, name FROM athena_schema_migrations ORDER BY version').all(), [
    { version: 1, name: 'one' },
    { version: 2, name: 'two' },
  ])
  const bad = [...list, { version: 3, name: 'broken', sqlite: 'CREATE TABLE c (x INTEGER); SELECT * FROM nowhere', postgres: '' }]
  t.throws(() => migrateSqlite(db, 'mem', bad), /no such table/)
  t.same(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'c'").get(), { n: 0 }, 'a failed migration leaves nothing behind')
  t.equal((db.prepare('SELECT MAX(version) AS v FROM athena_schema_migrations').get() as { v: number }).v, 2)
})
