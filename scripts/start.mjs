// `npm start`: build when the compiled server is missing or older than the sources, then serve.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const entry = 'dist/src/server.js'
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const p = join(dir, e.name)
    return Math.max(max, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0)
  }, 0)

const stale = !existsSync(entry) || ['src', 'routes', 'schemas'].some((d) => newest(d) > statSync(entry).mtimeMs)
if (stale) {
  console.error('building (dist/ is missing or older than the sources)…')
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' })
}
await import(new URL('../' + entry, import.meta.url).href)
