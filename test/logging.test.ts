/**
 * Every line the server process writes is JSON: its own log lines and Node's process warnings (the AWS SDK's
 * multi-line NodeVersionSupportWarning on Node < 22) alike. A real process, since warnings are process-wide.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { startFakeAws } from './support/aws-endpoint.js'
import { athenaConnection } from './support/harness.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

t.test('the server process logs only JSON lines, process warnings included', async (t) => {
  const aws = await startFakeAws()
  t.teardown(() => aws.close())
  const child = spawn(process.execPath, ['--import=@tapjs/typescript/import', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', AUTH_TOKEN: '', AWS_EC2_METADATA_DISABLED: 'true', TS_NODE_TRANSPILE_ONLY: '1', MAX_EVENT_LOOP_DELAY_MS: '0' },
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
    }, 20)
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)))
  })
  // An AWS call constructs the SDK clients, which is when the SDK warns about old Node versions.
  const res = await fetch(`http://127.0.0.1:${port}/v1/test-connection`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(athenaConnection(aws)),
  })
  t.equal(res.status, 200)
  child.kill('SIGTERM')
  t.equal(await exited, 0)
  const lines = out.split('\n').filter((l) => l.trim() !== '')
  t.ok(lines.length >= 3, `${lines.length} lines`)
  const notJson = lines.filter((l) => {
    try {
      return typeof JSON.parse(l) !== 'object'
    } catch {
      return true
    }
  })
  t.same(notJson, [], 'every line is JSON')
  const major = Number(process.versions.node.split('.')[0])
  if (major < 22) {
    const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string; warning?: { name: string } }).find((l) => /NodeVersionSupportWarning/.test(l.msg))
    t.ok(warning, 'the SDK warning is a log line')
    t.equal(warning?.level, 40, 'at warn level')
    t.notMatch(warning?.msg ?? '', /\n/, 'on one line')
  }
})
