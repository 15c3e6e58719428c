/**
 * Validates payloads against the OpenMetadata JSON Schemas in vendor/openmetadata-spec (the project's own unchanged copy of
 * the team's spec folder; test/spec-copy.test.ts checks it against ../shared/openmetadata-spec when that exists),
 * following that folder's README "Validator notes":
 *
 *  - every *.json file is registered under a URI made from its RELATIVE PATH (`https://om.local/<relpath>`), never
 *    under its `$id` (ids are not uniform there), so relative `$ref`s resolve file to file; `$id` is dropped from the
 *    in-memory copies (also nested ones);
 *  - drafts are mixed (draft-07 / 2020-12): `$schema` is stripped everywhere and ONE Ajv2020 instance validates all of
 *    them. That is safe for this set: no file uses a keyword whose meaning differs between the two drafts (no array
 *    `items`, `additionalItems`, `dependencies`, `$recursiveRef`...), and refs into `definitions` or `$defs` are plain
 *    JSON pointers either way (om-spec.test.ts checks both);
 *  - `strict: false` tolerates the custom keywords (`javaType`, `javaInterfaces`, `javaEnums`, `mask`,
 *    `existingJavaType`, `@comment`, `descriptions`, the `".{1,}"` key, ...); ajv-formats supplies `uri`, `url`,
 *    `password`, `date-time`, `email`, ...; `utc-millisec`, `timezone` and `queryBuilder` are registered as no-ops;
 *  - the stale stored `entity/services/connections/database/athenaConnection.json` is REPLACED by the UI's dereferenced
 *    copy `ui-resolved/connections/database/athenaConnection.json` (current upstream; also registered unmodified
 *    under its own path), to which we add an optional
 *    `catalogId: string`: current upstream has it (PR #25356, Jan 2026, after the UI copy was made), and without it
 *    our connections, which may carry it, would be wrongly rejected as `additionalProperties`;
 *  - each target file listed in DANGLING_REFS.txt is stubbed as `{"not": {}}` (matches nothing), with an entry at each
 *    JSON pointer that some `$ref` uses into it. README says "empty" entries; we use `{}` (anything) for refs used as a
 *    plain subschema (e.g. pipelineObservability's `serviceType` → pipelineService.json#/definitions/pipelineServiceType)
 *    but `{"not": {}}` for refs that are a direct branch of a `oneOf`/`anyOf` (testServiceConnection's `connection` is a
 *    oneOf over `<x>Service.json#/definitions/<x>Connection`): an "anything" branch there would make every
 *    databaseConnection match two branches and fail the oneOf;
 *  - for the two version-skew entries (`<file> -> <ref>`), an empty `definitions/entityName` is added to the in-memory
 *    copy of the target file (database.json / databaseSchema.json), as README prescribes (so `name` of the stale
 *    CreateDatabase/CreateDatabaseSchema copies is not checked at all).
 *
 * The stale create-request copies lack fields current upstream has (`owners`, `domains`, `dataProducts`, ...): we do
 * NOT patch them in; our payloads simply do not use fields those copies reject. The one exception is `sourceHash`
 * on CreateDatabase/CreateDatabaseSchema, which our payloads carry as upstream's do: it is added to the in-memory
 * copies with createTable.json's own definition (string, 1–32 characters).
 *
 * Payloads are validated as they travel (JSON round-trip, so `undefined` members vanish), without defaults or type
 * coercion, so validation never mutates the caller's object. The Ajv instance is built once, lazily; compiled
 * validators are cached per schema path.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import type { Ajv2020, ValidateFunction, ErrorObject } from 'ajv/dist/2020.js'
import type { FormatsPlugin } from 'ajv-formats'

// ajv and ajv-formats are CommonJS; createRequire sidesteps their default-export interop quirks under NodeNext.
const require = createRequire(import.meta.url)
const { Ajv2020: Ajv2020Class } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }
const addFormats = require('ajv-formats') as FormatsPlugin

/** Repo root: two levels up from test/support/, three from the compiled dist/test/support/ (the benchmark runs that). */
export const REPO_ROOT = [2, 3].map((up) => resolve(dirname(fileURLToPath(import.meta.url)), ...Array<string>(up).fill('..'))).find((dir) => existsSync(join(dir, 'vendor', 'openmetadata-spec')))!
/** The spec folder the tests validate against: the repository's own copy, so a fresh clone needs nothing beside it. */
export const OM_SPEC_DIR = resolve(REPO_ROOT, 'vendor', 'openmetadata-spec')
/** Base URI under which each spec file is registered by its relative path. */
export const OM_BASE_URI = 'https://om.local/'

const ATHENA_PATH = 'entity/services/connections/database/athenaConnection.json'
const ATHENA_UI_RESOLVED_PATH = 'ui-resolved/connections/database/athenaConnection.json'
const CREATE_TABLE_PATH = 'api/data/createTable.json'
const SOURCE_HASH_OVERLAY = ['api/data/createDatabase.json', 'api/data/createDatabaseSchema.json']

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Reads a spec file (relative path, `/`-separated) as JSON, unmodified. */
export function readSpecJson(relPath: string): JsonObject {
  return JSON.parse(readFileSync(join(OM_SPEC_DIR, ...relPath.split('/')), 'utf8')) as JsonObject
}

function listJsonFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...listJsonFiles(full))
    else if (name.endsWith('.json')) out.push(relative(OM_SPEC_DIR, full).split(sep).join('/'))
  }
  return out.sort()
}

/** Drops `$id` and `$schema` (string-valued, i.e. keywords, not property names) at every depth. */
function stripIds(node: Json): void {
  if (Array.isArray(node)) {
    for (const item of node) stripIds(item)
  } else if (isObject(node)) {
    for (const key of ['$id', '$schema']) if (typeof node[key] === 'string') delete node[key]
    for (const value of Object.values(node)) stripIds(value)
  }
}

interface RefUse {
  /** Target file as a relative path (resolved against the referring file). */
  file: string
  /** JSON pointer inside the target ('' for the whole file). */
  pointer: string
  /** Whether the `$ref` schema is a direct branch of a oneOf/anyOf. */
  asBranch: boolean
}

/** Every `$ref` used in `schema` (a file at `relPath`), resolved to a target file + pointer. */
function collectRefs(relPath: string, schema: Json): RefUse[] {
  const uses: RefUse[] = []
  const visit = (node: Json, asBranch: boolean) => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, false)
      return
    }
    if (!isObject(node)) return
    const ref = node.$ref
    if (typeof ref === 'string') {
      const target = new URL(ref, OM_BASE_URI + relPath)
      if (target.href.startsWith(OM_BASE_URI)) {
        uses.push({
          file: decodeURIComponent(target.pathname.slice(1)),
          pointer: decodeURIComponent(target.hash.replace(/^#/, '')),
          asBranch,
        })
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'oneOf' || key === 'anyOf') && Array.isArray(value)) for (const item of value) visit(item, true)
      else visit(value, false)
    }
  }
  visit(schema, false)
  return uses
}

/** Sets `value` at JSON pointer `pointer` inside `root`, creating objects on the way; keeps an existing entry. */
function setAtPointer(root: JsonObject, pointer: string, value: Json): void {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  let node: JsonObject = root
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      if (!(part in node)) node[part] = value
      return
    }
    if (!isObject(node[part])) node[part] = {}
    node = node[part]
  })
}

interface DanglingRefs {
  files: Set<string>
  /** `<referring file> -> <ref>` entries: target file → pointers to add as empty schemas. */
  skew: Map<string, string[]>
}

function readDanglingRefs(): DanglingRefs {
  const files = new Set<string>()
  const skew = new Map<string, string[]>()
  for (const raw of readFileSync(join(OM_SPEC_DIR, 'DANGLING_REFS.txt'), 'utf8').split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const arrow = line.indexOf('->')
    if (arrow < 0) {
      files.add(line)
      continue
    }
    const from = line.slice(0, arrow).trim()
    const ref = line.slice(arrow + 2).trim()
    const target = new URL(ref, OM_BASE_URI + from)
    const file = decodeURIComponent(target.pathname.slice(1))
    skew.set(file, [...(skew.get(file) ?? []), decodeURIComponent(target.hash.replace(/^#/, ''))])
  }
  return { files, skew }
}

/** The in-memory schema set: relative path → schema, exactly what gets registered. */
export function buildSpecSchemas(): Map<string, JsonObject> {
  const schemas = new Map<string, JsonObject>()
  // Every file under its own path (the ui-resolved copy too, unmodified: self-contained, no refs).
  for (const rel of listJsonFiles(OM_SPEC_DIR)) schemas.set(rel, readSpecJson(rel))

  // Current upstream AthenaConnection instead of the stale copy, plus catalogId (PR #25356).
  const athena = readSpecJson(ATHENA_UI_RESOLVED_PATH)
  ;(athena.properties as JsonObject).catalogId = {
    title: 'Catalog ID',
    description: 'Added by upstream PR #25356 (optional; not in the ui-resolved copy).',
    type: 'string',
  }
  schemas.set(ATHENA_PATH, athena)

  // sourceHash on the stale CreateDatabase/CreateDatabaseSchema copies, as current upstream has it (generated
  // openmetadata-ui .../generated/api/data/createDatabase.ts and createDatabaseSchema.ts: `sourceHash?: string`),
  // defined exactly as createTable.json (current here) defines it.
  const sourceHash = (schemas.get(CREATE_TABLE_PATH)!.properties as JsonObject).sourceHash!
  for (const rel of SOURCE_HASH_OVERLAY) (schemas.get(rel)!.properties as JsonObject).sourceHash = structuredClone(sourceHash)

  const dangling = readDanglingRefs()
  // Version skew: empty definitions/entityName in the target files.
  for (const [file, pointers] of dangling.skew) {
    const target = schemas.get(file)
    if (!target) throw new Error(`DANGLING_REFS.txt names ${file}, which is not in the spec folder`)
    for (const pointer of pointers) setAtPointer(target, pointer, {})
  }
  // Dangling files: {"not": {}} plus entries at the pointers used into them.
  const uses = [...schemas].flatMap(([rel, schema]) => collectRefs(rel, schema))
  for (const file of dangling.files) {
    if (schemas.has(file)) throw new Error(`DANGLING_REFS.txt lists ${file}, but the spec folder has it`)
    const stub: JsonObject = { not: {} }
    for (const use of uses.filter((u) => u.file === file && u.pointer !== '')) {
      setAtPointer(stub, use.pointer, use.asBranch ? { not: {} } : {})
    }
    schemas.set(file, stub)
  }
  for (const schema of schemas.values()) stripIds(schema)
  return schemas
}

let ajvSingleton: Ajv2020 | undefined
const validators = new Map<string, ValidateFunction>()

/** The shared Ajv2020 instance with every spec file registered (built on first use). */
export function getOmAjv(): Ajv2020 {
  if (ajvSingleton) return ajvSingleton
  const ajv = new Ajv2020Class({
    strict: false,
    allErrors: true,
    validateFormats: true,
    useDefaults: false,
    coerceTypes: false,
  })
  addFormats(ajv)
  // OpenMetadata's own formats (data-url: an uploaded certificate), accepted as any string as the server's validator does.
  for (const format of ['utc-millisec', 'timezone', 'queryBuilder', 'data-url']) ajv.addFormat(format, true)
  for (const [rel, schema] of buildSpecSchemas()) ajv.addSchema(schema, OM_BASE_URI + rel)
  ajvSingleton = ajv
  return ajv
}

/** Compiled validator for a schema path such as `api/data/createTable.json` or `x.json#/definitions/y`. */
export function omValidator(schemaRelPath: string): ValidateFunction {
  const cached = validators.get(schemaRelPath)
  if (cached) return cached
  const validate = getOmAjv().compile({ $ref: OM_BASE_URI + schemaRelPath.replace(/^\.?\//, '') })
  validators.set(schemaRelPath, validate)
  return validate
}

/**
 * ajv's errors, most useful first: the `not`/`oneOf`/`anyOf`/`if` lines (e.g. one "must NOT be valid" per stubbed
 * connector in databaseService's oneOf) are only shown when nothing more specific was reported.
 */
function formatErrors(all: ErrorObject[] | null | undefined, max = 12): string {
  if (!all || all.length === 0) return ''
  const specific = all.filter((e) => !['not', 'oneOf', 'anyOf', 'if'].includes(e.keyword))
  const errors = specific.length > 0 ? specific : all
  const lines = errors.slice(0, max).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`)
  if (errors.length > max) lines.push(`... and ${errors.length - max} more`)
  return lines.join('; ')
}

/** Validates `payload` (as it would travel as JSON) against the spec schema at `schemaRelPath`. */
export function validateOm(schemaRelPath: string, payload: unknown): { valid: boolean; errors: string } {
  const validate = omValidator(schemaRelPath)
  const wire: unknown = payload === undefined ? undefined : JSON.parse(JSON.stringify(payload))
  const valid = validate(wire) === true
  return { valid, errors: valid ? '' : formatErrors(validate.errors) }
}

/** Anything with tap's `t.ok` (typed loosely: tap's own signature takes a message/extra tuple). */
export interface OkAsserter {
  ok(value: any, ...messageAndExtra: any[]): unknown
}

/** Asserts (with `t.ok`) that `payload` is valid against the spec schema; the message carries ajv's errors. */
export function assertOm(t: OkAsserter, schemaRelPath: string, payload: unknown, msg?: string): boolean {
  const { valid, errors } = validateOm(schemaRelPath, payload)
  t.ok(valid, `${msg ?? `valid ${schemaRelPath}`}${valid ? '' : `: ${errors}`}`)
  return valid
}
