/**
 * Every shell example of the README's "Try it" section runs against the sandbox and gives the answer the README
 * documents, so the README cannot drift from the service.
 *
 * The section's fenced blocks: a ```sh block followed (blank lines aside) by a ```json or ```text block is an
 * example and its documented answer; a ```sh block with no answer block is set-up (e.g. `export CONN=…`) that
 * every later example runs first. Answers are compared with all white space removed (the README wraps long
 * lines), and `…` in an answer stands for anything (ids, timestamps, elided records).
 *
 * The sandbox is the one `npm run sandbox` starts (test/support/sandbox.ts + the service with its token), on free
 * ports instead of 8080 / 4566: the commands' `localhost:8080` and `127.0.0.1:4566` are rewritten to them.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { loadAutomationSettings } from '../src/automation/settings.js'
import { SANDBOX_AUTH_TOKEN, SANDBOX_AUTOMATION, startSandboxAws } from './support/sandbox.js'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const SECTION = /^## (?:\d+\.\s*)?Try it\b.*$/m

interface Example {
  line: number
  command: string
  answer?: string
}

/** The sh blocks of the "Try it" section, each with the answer block that follows it, if any. */
export function examplesOf(markdown: string): Example[] {
  const start = markdown.search(SECTION)
  if (start < 0) return []
  const rest = markdown.slice(start)
  const next = rest.slice(1).search(/^## /m)
  const section = next < 0 ? rest : rest.slice(0, next + 1)
  const firstLine = markdown.slice(0, start).split('\n').length
  const fence = /^```(\w*)\n([\s\S]*?)^```\s*$/gm
  const blocks: Array<{ lang: string; body: string; index: number; end: number }> = []
  for (let m = fence.exec(section); m; m = fence.exec(section)) blocks.push({ lang: m[1]!, body: m[2]!, index: m.index, end: m.index + m[0].length })
  const out: Example[] = []
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!
    if (b.lang !== 'sh') continue
    const after = blocks[i + 1]
    const adjacent = after && /^\s*$/.test(section.slice(b.end, after.index)) && (after.lang === 'json' || after.lang === 'text')
    out.push({ line: firstLine + section.slice(0, b.index).split('\n').length - 1, command: b.body, ...(adjacent ? { answer: after.body } : {}) })
  }
  return out
}

/** The documented answer as a pattern: white space ignored, `…` for anything. */
export function answerPattern(answer: string): RegExp {
  const squeezed = answer.replace(/\s+/g, '')
  const parts = squeezed.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('[\\s\\S]*?')}$`)
}

/** Runs a script with bash in `cwd` (a scratch folder: examples may write files, as a user's shell would). */
function run(script: string, cwd: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { cwd, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 })
    })
  })
}

t.test('the README example parser finds examples and set-up blocks', async (t) => {
  const md = ['# x', '## 2. Try it', '```sh', 'export A=1', '```', '', '```sh', 'echo $A', '```', '```text', '1', '```', '## 3. Next', '```sh', 'no', '```'].join('\n')
  const found = examplesOf(md)
  t.same(
    found.map((e) => [e.command.trim(), e.answer?.trim()]),
    [
      ['export A=1', undefined],
      ['echo $A', '1'],
    ],
  )
  t.ok(answerPattern('{"a": 1, "id": "…"}').test('{"a":1,"id":"x-y z"}'))
  t.notOk(answerPattern('{"a": 1}').test('{"a":2}'))
})

t.test('every "Try it" example of the README gives its documented answer against the sandbox', async (t) => {
  const examples = examplesOf(README)
  t.ok(examples.filter((e) => e.answer !== undefined).length >= 8, `the README has examples with answers (${examples.length} blocks)`)
  const sandbox = await startSandboxAws()
  const app = await buildApp({
    logStream: false,
    config: {
      authTokens: [SANDBOX_AUTH_TOKEN],
      automation: loadAutomationSettings({ AUTOMATION_USERNAME: SANDBOX_AUTOMATION.username, AUTOMATION_PASSWORD: SANDBOX_AUTOMATION.password }),
      rateLimitMax: 0,
      maxEventLoopDelayMs: 0,
    },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(async () => {
    await app.close()
    await sandbox.aws.close()
  })
  const servicePort = (app.server.address() as AddressInfo).port
  const awsHost = new URL(sandbox.aws.url).host
  const localize = (s: string) => s.replaceAll('localhost:8080', `127.0.0.1:${servicePort}`).replaceAll('127.0.0.1:4566', awsHost)
  const scratch = t.testdir()
  let setup = 'set -o pipefail\n'
  for (const example of examples) {
    if (example.answer === undefined) {
      setup += localize(example.command) + '\n'
      continue
    }
    const result = await run(setup + localize(example.command), scratch)
    const shown = result.stdout.replaceAll(`127.0.0.1:${servicePort}`, 'localhost:8080').replaceAll(awsHost, '127.0.0.1:4566')
    t.equal(result.code, 0, `README line ${example.line}: exit code (stderr: ${result.stderr.slice(0, 300)})`)
    t.match(shown.replace(/\s+/g, ''), answerPattern(example.answer), `README line ${example.line}: ${example.command.split('\n')[0]}`)
  }
})
