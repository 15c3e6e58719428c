import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { type Test } from 'tap'

/**
 * A fresh, empty PostgreSQL database for one test, dropped at its teardown. Where the server comes from, in order:
 *  1. TEST_DATABASE_URL: a server someone runs; each call creates database t_<random> on it.
 *  2. The PostgreSQL server binaries (Debian: /usr/lib/postgresql/<major>/bin): one throwaway cluster per test
 *     process in a temp directory, trust auth on 127.0.0.1, a free port; stopped and removed when the process exits.
 *     initdb refuses to run as root, so as root it runs as the `postgres` OS user (runuser), which owns the directory.
 *  3. Neither: the test fails when CI is set (CI must test PostgreSQL), else it is skipped with the reason.
 * Answers the database URL, or undefined after failing/skipping `t` (the caller just returns).
 */
export async function startPostgres(t: Test): Promise<string | undefined> {
  let serverUrl = process.env.TEST_DATABASE_URL
  if (!serverUrl) {
    const binDir = findPostgresBin()
    if (!binDir) {
      const reason = 'no PostgreSQL: set TEST_DATABASE_URL, or install the server binaries (apt-get install postgresql: /usr/lib/postgresql/*/bin/initdb)'
      if (process.env.CI) t.fail(`CI must test PostgreSQL, but there is ${reason}`)
      else t.pass('PostgreSQL test', { skip: reason })
      return undefined
    }
    cluster ??= startCluster(binDir)
    serverUrl = await cluster
  }
  const name = `t_${randomBytes(6).toString('hex')}`
  await admin(serverUrl, `CREATE DATABASE ${name}`)
  t.teardown(() => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** The newest installed major's bin directory holding initdb and pg_ctl. */
export function findPostgresBin(root = '/usr/lib/postgresql'): string | undefined {
  if (!existsSync(root)) return undefined
  const majors = readdirSync(root)
    .filter((d) => /^\d+(\.\d+)?$/.test(d))
    .sort((a, b) => Number(b) - Number(a))
  for (const major of majors) {
    const bin = join(root, major, 'bin')
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin
  }
  return undefined
}

let cluster: Promise<string> | undefined

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function startCluster(binDir: string): Promise<string> {
  const asRoot = process.getuid?.() === 0
  const run = (cmd: string, args: string[]): string => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(binDir, cmd), ...args]] : [join(binDir, cmd), args]
    return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  }
  const dir = mkdtempSync(join(tmpdir(), 'athena-pg-'))
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(dir, uid, gid)
  }
  chmodSync(dir, 0o700)
  const data = join(dir, 'data')
  const logFile = join(dir, 'server.log')
  let started = false
  const stop = (): void => {
    if (started) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } catch {
        // already gone
      }
      started = false
    }
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', stop)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop()
      process.kill(process.pid, signal)
    })
  }
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions'])
  } catch (err) {
    throw new Error(`initdb failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err })
  }
  // Another test process may take the free port between the probe and the start: try a few.
  let lastError = ''
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort()
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`
    try {
      run('pg_ctl', ['-D', data, '-o', opts, '-l', logFile, '-w', '-t', '60', 'start'])
      started = true
      return `postgres://postgres@127.0.0.1:${port}/postgres`
    } catch (err) {
      lastError = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : String((err as { stderr?: string }).stderr ?? err)
    }
  }
  throw new Error(`could not start a PostgreSQL cluster in ${dir}: ${lastError}`)
}
