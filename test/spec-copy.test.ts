/**
 * The repository's copy of the OpenMetadata spec (vendor/openmetadata-spec) must be byte for byte the team's
 * shared folder, when that folder is beside the repository: a refresh there is noticed here. A user's fresh clone
 * has no such folder; the comparison is then skipped and says so.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import t from 'tap'
import { OM_SPEC_DIR, REPO_ROOT } from './support/om-spec.js'

const SHARED = resolve(REPO_ROOT, '..', 'shared', 'openmetadata-spec')
/** Ours only: says what the folder is and how to refresh it. */
const OWN_FILES = new Set(['NOTICE.md'])

function tree(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name)
      if (statSync(full).isDirectory()) walk(full)
      else out.push(relative(dir, full).split(sep).join('/'))
    }
  }
  walk(dir)
  return out.sort()
}

t.test('the vendored spec carries its manifest, licence note and every schema the tests name', async (t) => {
  const ours = tree(OM_SPEC_DIR)
  t.ok(ours.includes('README.md'), 'manifest (README.md) present')
  t.match(readFileSync(join(OM_SPEC_DIR, 'NOTICE.md'), 'utf8'), /Apache License, Version 2\.0/)
  for (const needed of ['api/data/createTable.json', 'api/data/createDatabaseSchema.json', 'entity/services/connections/testConnectionResult.json', 'DANGLING_REFS.txt']) {
    t.ok(ours.includes(needed), needed)
  }
})

t.test('the vendored spec is the shared folder, file for file', { skip: existsSync(SHARED) ? false : `no ${SHARED} beside the repository (a user's clone): nothing to compare` }, async (t) => {
  const shared = tree(SHARED)
  const ours = tree(OM_SPEC_DIR).filter((f) => !OWN_FILES.has(f))
  t.same(ours, shared, 'same files')
  for (const file of shared) {
    if (!ours.includes(file)) continue
    const same = readFileSync(join(SHARED, file)).equals(readFileSync(join(OM_SPEC_DIR, file)))
    t.ok(same, `${file} unchanged (refresh: copy ../shared/openmetadata-spec into vendor/openmetadata-spec)`)
  }
})
