/**
 * Every line the server process writes is JSON: its own log lines and Node's process warnings (the AWS SDK's
 * multi-line NodeVersionSupportWarning on Node < 22) alike. A real process, since warnings are process-wide.
 */
import t from 'tap'
import { startFakeAws } from './support/aws-endpoint.js'
import { athenaConnection } from './support/harness.js'
import { startServerProcess } from './support/server-process.js'

t.test('the server process logs only JSON lines, process warnings included', async (t) => {
  const aws = await startFakeAws()
  t.teardown(() => aws.close())
  const server = await startServerProcess(t, { LOG_LEVEL: 'info', AUTH_TOKEN: '', MAX_EVENT_LOOP_DELAY_MS: '0' })
  const { port, exited } = server
  // An AWS call constructs the SDK clients, which is when the SDK warns about old Node versions.
  const res = await fetch(`http://127.0.0.1:${port}/v1/test-connection`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(athenaConnection(aws)),
  })
  t.equal(res.status, 200)
  server.kill('SIGTERM')
  t.equal(await exited, 0)
  const lines = server
    .output()
    .split('\n')
    .filter((l) => l.trim() !== '')
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
