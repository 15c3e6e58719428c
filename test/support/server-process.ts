// The service as a real process (src/server.ts through tap's TypeScript loader), for what only a process shows:
// signals, process-wide warnings, every line it writes.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ServerProcess {
  port: number
  /** Everything written to stdout and stderr so far. */
  output(): string
  /** Resolves with the exit code. */
  exited: Promise<number | null>
  kill(signal?: NodeJS.Signals): void
}

interface TapLike {
  teardown(fn: () => unknown): void
}

/** Starts the server on a free port with `env` over the test's environment; resolves once it listens. */
export async function startServerProcess(t: TapLike, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import=@tapjs/typescript/import', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', AWS_EC2_METADATA_DISABLED: 'true', TS_NODE_TRANSPILE_ONLY: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s:\n${out}`)), 60_000)
    const poll = setInterval(() => {
      const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m) {
        clearInterval(poll)
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    }, 5) // the moment it listens: start-up tests send their first requests right then
    void exited.then((code) => {
      clearInterval(poll)
      clearTimeout(timer)
      reject(new Error(`the server exited (${code}) before listening:\n${out}`))
    })
  })
  return { port, output: () => out, exited, kill: (signal = 'SIGTERM') => void child.kill(signal) }
}
