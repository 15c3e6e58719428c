// Issue 12 §2, with the real entry point: src/server.ts started with the default MAX_EVENT_LOOP_DELAY_MS,
// /v1 requests sent the moment it logs "Server listening": none is shed for the service's own start-up.
// The requests fail validation (400) so that they load no AWS SDK module: under the test's TypeScript
// loader a module loaded on first use is compiled then, blocking the loop for reasons of the loader's own.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { rawRequest } from './support/raw-http.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

t.test('right after start, /v1 requests are answered, not shed; /health says healthy', async (t) => {
  const child = spawn(process.execPath, ['--import=@tapjs/typescript/import', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', AUTH_TOKEN: '', AWS_EC2_METADATA_DISABLED: 'true', TS_NODE_TRANSPILE_ONLY: '1' },
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
    }, 5)
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)))
  })
  const answers = []
  for (let i = 0; i < 10; i++) {
    answers.push(await rawRequest(port, { method: 'POST', target: '/v1/databases', json: {} }))
  }
  t.same(
    answers.map((a) => a.status),
    Array(10).fill(400),
    `every request reaches validation, none is a 503: ${answers.find((a) => a.status !== 400)?.body ?? ''}`,
  )
  t.match(JSON.parse(answers[0]!.body).message, /serviceName|serviceConnection/, 'the 400 names the missing field')
  t.notMatch(out, /"msg":"load shedding"/, 'nothing was shed')
  const health = await rawRequest(port, { method: 'GET', target: '/health' })
  t.equal(health.status, 200)
  t.equal(JSON.parse(health.body).status, 'healthy')
})
