// A deterministic corpus of hostile request bodies for the three POST routes: wrong types at every
// field of AthenaConnection, awsConfig and the Source block (derived from the TypeBox schemas, so a new
// field is covered the day it is added), missing and extra fields, huge strings, deep nesting,
// prototype-pollution keys, invalid UTF-8, non-JSON, wrong content types, invalid and catastrophic
// filter regexes, refused endpoints. Every body is invalid for the route it is sent to: the service
// must answer each with a 4xx whose message says what is wrong — and never echo a secret.
import { AthenaConnection, AwsCredentials } from '../../schemas/athena-connection.js'
import { DatabaseServiceMetadataPipeline, Source } from '../../schemas/requests.js'
import { TEST_SECRETS } from './harness.js'

export type Route = '/v1/test-connection' | '/v1/databases' | '/v1/ingest'
export const ROUTES: Route[] = ['/v1/test-connection', '/v1/databases', '/v1/ingest']

export interface HostileCase {
  name: string
  route: Route
  /** Sent as is: a string or bytes (so that invalid JSON / UTF-8 / __proto__ keys survive). */
  payload: string | Buffer
  /** Default application/json; null: no content-type header. */
  contentType?: string | null
  /** The status expected when one is certain (413, 415); otherwise any 4xx. */
  status?: number
  /** What the message must mention; default: the body or a field. */
  mentions?: RegExp
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
export type Obj = { [k: string]: Json }

/** What every 4xx message must mention at least: the body, a field path or the field's name. */
export const MENTIONS_BODY_OR_FIELD = /body|awsConfig|[Ff]ilterPattern|serviceName|content-type|JSON|UTF-8|media type/

export interface CorpusOptions {
  /** The fake AWS endpoint: the corpus' connections are otherwise valid and would reach it. */
  endPointURL: string
  bodyLimitBytes: number
}

// ---------------------------------------------------------------------------------------------------------
// Wrong values by JSON type, derived from a schema
// ---------------------------------------------------------------------------------------------------------

const SAMPLES: Array<{ type: string; value: Json }> = [
  { type: 'string', value: 'text' },
  { type: 'integer', value: 42 },
  { type: 'number', value: 1.5 },
  { type: 'boolean', value: true },
  { type: 'null', value: null },
  { type: 'array', value: ['x', 1] },
  { type: 'object', value: { nested: 'object' } },
  { type: 'string', value: '' },
]

function jsonTypes(schema: Record<string, unknown>): Set<string> | undefined {
  const types = new Set<string>()
  const add = (s: Record<string, unknown>) => {
    const t = s.type
    if (typeof t === 'string') types.add(t)
    else if (Array.isArray(t)) t.forEach((x) => types.add(String(x)))
    for (const key of ['anyOf', 'oneOf'] as const) {
      if (Array.isArray(s[key])) (s[key] as Array<Record<string, unknown>>).forEach(add)
    }
  }
  add(schema)
  if (types.size === 0) return undefined
  if (types.has('number')) types.add('integer')
  return types
}

/** Up to `n` values whose JSON type the schema does not accept (rotated by `seed`, deterministic). */
export function wrongValues(schema: Record<string, unknown>, seed: number, n = 3): Json[] {
  const types = jsonTypes(schema)
  if (!types) return []
  // An integer-only field refuses 1.5 (a "number"); a number field takes 42 (an "integer"): jsonTypes adds it.
  const wrong = SAMPLES.filter((s) => !types.has(s.type))
  const out: Json[] = []
  for (let i = 0; i < Math.min(n, wrong.length); i++) out.push(wrong[(seed + i) % wrong.length]!.value)
  if (schema.enum && types.has('string')) out.push('NotAValidEnumValue')
  return out
}

export function propertiesOf(schema: unknown): Array<[string, Record<string, unknown>]> {
  return Object.entries((schema as { properties: Record<string, Record<string, unknown>> }).properties)
}

// ---------------------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------------------

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T
}

export function baseConnection(endPointURL: string): Obj {
  return {
    type: 'Athena',
    awsConfig: {
      awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      awsSecretAccessKey: TEST_SECRETS.secretAccessKey,
      awsSessionToken: TEST_SECRETS.sessionToken,
      awsRegion: 'us-east-1',
      endPointURL,
    },
    s3StagingDir: 's3://athena-results-123456789012/primary/',
    workgroup: 'primary',
  }
}

/** The connection wrapped as each route takes it (test-connection: its three forms, in turn). */
function wrap(route: Route, conn: Json, variant: number): Obj {
  if (route !== '/v1/test-connection') return { type: 'athena', serviceName: 'athena_prod', serviceConnection: { config: conn } }
  switch (variant % 3) {
    case 0:
      return conn as Obj
    case 1:
      return { connection: { config: conn }, serviceType: 'Database', connectionType: 'Athena' }
    default:
      return { serviceConnection: { config: conn } }
  }
}

/** A mutated copy of `root`: `path` names the object to change, `mutate` changes it. */
export function mutated(root: Obj, path: string[], mutate: (o: Obj) => void): Obj {
  const copy = clone(root)
  let node: Obj = copy
  for (const key of path) node = node[key] as Obj
  mutate(node)
  return copy
}

/** A JSON text nesting `depth` objects (or arrays): built as text, no recursion anywhere. */
export function deepText(depth: number, kind: 'object' | 'array' = 'object'): string {
  return kind === 'object' ? '{"d":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + '1' + ']'.repeat(depth)
}

/** Replaces the JSON value at `"key":"MARKER"` in a serialized body with raw JSON text. */
function withRaw(body: Obj, raw: string): string {
  return JSON.stringify(body).replace('"@@RAW@@"', raw)
}

/** Catastrophic for a backtracking engine; valid, and linear-time, on RE2 (filter patterns run there). */
export const CATASTROPHIC_REGEX = ['(a+)+$', '(.*a){20}', '(a|aa)+$', '(\\w*)*$', '.*.*.*x', '(x+x+)+y', '([a-z]+)*$', '(a|a?)+$', '((ab)*)+$', '^(([a-z])+.)+[A-Z]([a-z])+$', '(.{0,9}){13}!']
/** Invalid Python, or Python that RE2 cannot express (backreference, lookaround, conditional, atomic, possessive, count). */
const INVALID_REGEX = [
  '(',
  '[a-',
  '*x',
  'a{2,1}',
  '(?L)abc',
  '\\',
  ')(',
  'a'.repeat(600),
  '(?<n>a)(?<n>b)',
  '(a)\\1',
  '(?P<n>a)(?P=n)',
  'a(?=b)',
  '(?<!a)b',
  '(a)?(?(1)b|c)',
  '(?>a)',
  'a*+',
  'a{1001}',
]

export function hostileCorpus(opts: CorpusOptions): HostileCase[] {
  const cases: HostileCase[] = []
  const conn = baseConnection(opts.endPointURL)
  let seed = 0
  const json = (name: string, route: Route, body: Json, extra: Partial<HostileCase> = {}) => cases.push({ name, route, payload: JSON.stringify(body), ...extra })
  const everyRoute = (name: string, makeConn: () => Json, extra: Partial<HostileCase> = {}) => ROUTES.forEach((route, i) => json(`${name} → ${route}`, route, wrap(route, makeConn(), seed + i), extra))

  // 1. Wrong types at every AthenaConnection field, and at every awsConfig field.
  for (const [field, schema] of propertiesOf(AthenaConnection)) {
    for (const value of wrongValues(schema, seed++)) {
      everyRoute(`connection.${field} = ${JSON.stringify(value)}`, () => mutated(conn, [], (o) => void (o[field] = value)))
    }
  }
  for (const [field, schema] of propertiesOf(AwsCredentials)) {
    for (const value of wrongValues(schema, seed++)) {
      everyRoute(`awsConfig.${field} = ${JSON.stringify(value)}`, () => mutated(conn, ['awsConfig'], (o) => void (o[field] = value)))
    }
  }

  // 2. Wrong types at every field of the Source block, its sourceConfig.config and its options.
  const source = wrap('/v1/ingest', conn, 0)
  const sourceRoutes: Route[] = ['/v1/databases', '/v1/ingest']
  for (const [field, schema] of propertiesOf(Source)) {
    for (const value of wrongValues(schema, seed++)) {
      for (const route of ROUTES)
        json(
          `source.${field} = ${JSON.stringify(value)} → ${route}`,
          route,
          mutated(source, [], (o) => void (o[field] = value)),
        )
    }
  }
  const withPipeline = mutated(source, [], (o) => void (o.sourceConfig = { config: { type: 'DatabaseMetadata' } }))
  for (const [field, schema] of propertiesOf(DatabaseServiceMetadataPipeline)) {
    for (const value of wrongValues(schema, seed++, 2)) {
      for (const route of sourceRoutes) {
        json(
          `sourceConfig.config.${field} = ${JSON.stringify(value)} → ${route}`,
          route,
          mutated(withPipeline, ['sourceConfig', 'config'], (o) => void (o[field] = value)),
        )
      }
    }
  }
  const optionsSchema = (Source as unknown as { properties: { options: Record<string, unknown> } }).properties.options
  for (const [field, schema] of propertiesOf(optionsSchema)) {
    for (const value of wrongValues(schema, seed++)) {
      for (const route of sourceRoutes)
        json(
          `options.${field} = ${JSON.stringify(value)} → ${route}`,
          route,
          mutated(source, [], (o) => void (o.options = { [field]: value })),
        )
    }
  }
  for (const [name, value] of [
    ['options.schemaConcurrency', 0],
    ['options.schemaConcurrency', 33],
    ['options.schemaConcurrency', 1e9],
  ] as const) {
    for (const route of sourceRoutes)
      json(
        `${name} = ${value} → ${route}`,
        route,
        mutated(source, [], (o) => void (o.options = { schemaConcurrency: value })),
      )
  }
  for (const route of sourceRoutes) {
    json(`sourceConfig = "x" → ${route}`, route, { ...source, sourceConfig: 'x' })
    json(
      `sourceConfig.config.type = "DatabaseUsage" → ${route}`,
      route,
      mutated(withPipeline, ['sourceConfig', 'config'], (o) => void (o.type = 'DatabaseUsage')),
    )
    json(`serviceName with "::" → ${route}`, route, { ...source, serviceName: 'a::b' })
    json(`serviceName "" → ${route}`, route, { ...source, serviceName: '' })
    json(`serviceName 257 chars → ${route}`, route, { ...source, serviceName: 's'.repeat(257) })
    json(`serviceName with a double quote → ${route}`, route, { ...source, serviceName: 'a"b' })
    json(
      `databaseName with a double quote → ${route}`,
      route,
      mutated(source, ['serviceConnection', 'config'], (o) => void (o.databaseName = 'my"db')),
    )
  }

  // 3. Missing required fields.
  for (const field of (AthenaConnection as unknown as { required: string[] }).required) {
    everyRoute(`connection without ${field}`, () => mutated(conn, [], (o) => void delete o[field]))
  }
  everyRoute('awsConfig without awsRegion', () => mutated(conn, ['awsConfig'], (o) => void delete o.awsRegion))
  for (const route of ROUTES) {
    json(`no connection at all → ${route}`, route, {})
    json(`serviceConnection without config → ${route}`, route, { serviceName: 'svc', serviceConnection: {} })
    json(`connection without config → ${route}`, route, { connection: {} })
  }
  json('ingest without serviceName', '/v1/ingest', { serviceConnection: { config: conn } })

  // 4. Extra fields, at several depths.
  const extras: Array<[string, Json]> = [
    ['colour', 'blue'],
    ['awsKey', TEST_SECRETS.secretAccessKey],
    ['k'.repeat(10_000), 1],
    ['prototype', { polluted: 'yes' }],
    ['', 'empty key'],
  ]
  for (const [key, value] of extras) {
    const label = key.length > 20 ? `${key.slice(0, 5)}…(${key.length})` : JSON.stringify(key)
    everyRoute(`extra ${label} in the connection`, () => mutated(conn, [], (o) => void (o[key] = value)))
    everyRoute(`extra ${label} in awsConfig`, () => mutated(conn, ['awsConfig'], (o) => void (o[key] = value)))
    for (const route of ROUTES) json(`extra ${label} at the root → ${route}`, route, { ...wrap(route, conn, 1), [key]: value })
    for (const route of sourceRoutes) {
      json(
        `extra ${label} in serviceConnection → ${route}`,
        route,
        mutated(source, ['serviceConnection'], (o) => void (o[key] = value)),
      )
      json(
        `extra ${label} in sourceConfig.config → ${route}`,
        route,
        mutated(withPipeline, ['sourceConfig', 'config'], (o) => void (o[key] = value)),
      )
      json(`extra ${label} in options → ${route}`, route, { ...source, options: { [key]: value } })
    }
  }
  json('form (a) and (b) together', '/v1/test-connection', { ...conn, connection: { config: conn } })
  json('form (b) and (c) together', '/v1/test-connection', { connection: { config: conn }, serviceConnection: { config: conn } })
  json('connectionType not Athena', '/v1/test-connection', { connection: { config: conn }, connectionType: 'Mysql' })
  json('TestServiceConnectionRequest sibling without connection', '/v1/test-connection', { ...conn, serviceType: 'Database' })

  // 5. Huge strings: within the body limit (refused by what they are) and over it (413).
  const within = Math.floor(opts.bodyLimitBytes * 0.8)
  const over = opts.bodyLimitBytes + 1024
  for (const route of ROUTES) {
    json(`huge unknown property (${within} B) → ${route}`, route, { ...wrap(route, conn, 0), junk: 'j'.repeat(within) })
    json(
      `huge awsRegion (${within} B) → ${route}`,
      route,
      wrap(
        route,
        mutated(conn, ['awsConfig'], (o) => void (o.awsRegion = 'r'.repeat(within))),
        1,
      ),
    )
    json(
      `huge endPointURL to a metadata address → ${route}`,
      route,
      wrap(
        route,
        mutated(conn, ['awsConfig'], (o) => void (o.endPointURL = `http://169.254.169.254/${'p'.repeat(within)}`)),
        2,
      ),
    )
    json(
      `huge filter pattern → ${route}`,
      route,
      wrap(
        route,
        mutated(conn, [], (o) => void (o.schemaFilterPattern = { includes: ['x'.repeat(within)] })),
        0,
      ),
    )
    json(
      `huge secret over the limit (${over} B) → ${route}`,
      route,
      wrap(
        route,
        mutated(conn, ['awsConfig'], (o) => void (o.awsSecretAccessKey = TEST_SECRETS.secretAccessKey + 's'.repeat(over))),
        0,
      ),
      { status: 413, mentions: /too large/ },
    )
    json(
      `huge workgroup over the limit → ${route}`,
      route,
      wrap(
        route,
        mutated(conn, [], (o) => void (o.workgroup = 'w'.repeat(over))),
        1,
      ),
      { status: 413, mentions: /BODY_LIMIT_BYTES/ },
    )
  }
  for (const route of sourceRoutes) json(`huge serviceName (${within} B) → ${route}`, route, { ...source, serviceName: 'n'.repeat(within) })

  // 6. Deep nesting (10,000 levels), as text: where the schema closes the object, and as the body itself.
  for (const depth of [1_000, 10_000]) {
    for (const route of ROUTES) {
      cases.push({ name: `body is ${depth} nested arrays → ${route}`, route, payload: deepText(depth, 'array') })
      cases.push({ name: `body is ${depth} nested objects → ${route}`, route, payload: deepText(depth) })
      cases.push({ name: `${depth} levels in an unknown root property → ${route}`, route, payload: withRaw({ ...wrap(route, conn, 2), deep: '@@RAW@@' }, deepText(depth)) })
      cases.push({
        name: `${depth} levels in awsConfig → ${route}`,
        route,
        payload: withRaw(
          wrap(
            route,
            mutated(conn, ['awsConfig'], (o) => void (o.awsRegion = '@@RAW@@')),
            0,
          ),
          deepText(depth),
        ),
      })
      cases.push({
        name: `${depth} levels in connectionArguments (free-form) → ${route}`,
        route,
        payload: withRaw(
          wrap(
            route,
            mutated(conn, [], (o) => void (o.connectionArguments = { deep: '@@RAW@@' })),
            0,
          ),
          deepText(depth),
        ),
        mentions: /deeper than/,
      })
      cases.push({
        name: `${depth} levels in connectionOptions → ${route}`,
        route,
        payload: withRaw(
          wrap(
            route,
            mutated(conn, [], (o) => void (o.connectionOptions = { opt: '@@RAW@@' })),
            1,
          ),
          deepText(depth),
        ),
      })
    }
    for (const route of sourceRoutes) {
      cases.push({
        name: `${depth} levels in sourceConfig.config → ${route}`,
        route,
        payload: withRaw(
          mutated(withPipeline, ['sourceConfig', 'config'], (o) => void (o.deep = '@@RAW@@')),
          deepText(depth),
        ),
      })
      cases.push({ name: `${depth} levels in options → ${route}`, route, payload: withRaw({ ...source, options: '@@RAW@@' }, `{"schemaConcurrency":${deepText(depth)}}`) })
    }
  }

  // 7. Prototype-pollution keys at several depths (raw text: an object literal would not keep them).
  const poison = ['"__proto__":{"polluted":"yes","isAdmin":true}', '"constructor":{"prototype":{"polluted":"yes"}}']
  for (const key of poison) {
    const short = key.slice(1, 12)
    for (const route of ROUTES) {
      const body = JSON.stringify(wrap(route, conn, 0))
      cases.push({ name: `${short} at the root → ${route}`, route, payload: body.replace(/^\{/, `{${key},`) })
      cases.push({ name: `${short} in awsConfig → ${route}`, route, payload: body.replace('"awsConfig":{', `"awsConfig":{${key},`) })
      cases.push({
        name: `${short} in connectionArguments → ${route}`,
        route,
        payload: JSON.stringify(
          wrap(
            route,
            mutated(conn, [], (o) => void (o.connectionArguments = { a: 1 })),
            2,
          ),
        ).replace('"connectionArguments":{', `"connectionArguments":{${key},`),
      })
      cases.push({
        name: `${short} in a filter pattern → ${route}`,
        route,
        payload: JSON.stringify(
          wrap(
            route,
            mutated(conn, [], (o) => void (o.schemaFilterPattern = { includes: ['^s'] })),
            1,
          ),
        ).replace('"schemaFilterPattern":{', `"schemaFilterPattern":{${key},`),
      })
    }
    for (const route of sourceRoutes) {
      cases.push({
        name: `${short} in sourceConfig.config → ${route}`,
        route,
        payload: JSON.stringify(withPipeline).replace('"config":{"type":"DatabaseMetadata"', `"config":{${key},"type":"DatabaseMetadata"`),
      })
      cases.push({ name: `${short} in options → ${route}`, route, payload: JSON.stringify({ ...source, options: { schemaConcurrency: 2 } }).replace('"options":{', `"options":{${key},`) })
      cases.push({
        name: `${short} 6 levels deep → ${route}`,
        route,
        payload: JSON.stringify(mutated(source, [], (o) => void (o.serviceConnection = { config: mutated(conn, [], (c) => void (c.connectionArguments = { l1: { l2: { l3: 'x' } } })) }))).replace(
          '"l3":"x"',
          `"l3":"x",${key}`,
        ),
      })
    }
  }

  // 8. Invalid UTF-8 inside otherwise valid JSON.
  const badBytes: Array<[string, number[]]> = [
    ['0xff', [0xff]],
    ['lone continuation', [0x80]],
    ['truncated 2-byte', [0xc3, 0x28]],
    ['overlong /', [0xc0, 0xaf]],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ]
  for (const [label, bytes] of badBytes) {
    for (const route of ROUTES) {
      const text = JSON.stringify(
        wrap(
          route,
          mutated(conn, [], (o) => void (o.workgroup = '@@BYTES@@')),
          0,
        ),
      )
      const [before, after] = text.split('@@BYTES@@') as [string, string]
      cases.push({
        name: `invalid UTF-8 (${label}) in workgroup → ${route}`,
        route,
        payload: Buffer.concat([Buffer.from(`${before}pri`), Buffer.from(bytes), Buffer.from(`mary${after}`)]),
        mentions: /UTF-8/,
      })
    }
  }

  // 8b. Valid UTF-8 whose JSON escapes make a lone surrogate (no UTF-8 can carry one; encodeURIComponent throws on it).
  for (const [label, escape] of [
    ['high', '\\ud800'],
    ['low', '\\udfff'],
    ['reversed pair', '\\ude00\\ud83d'],
  ]) {
    for (const route of ROUTES) {
      const text = JSON.stringify(
        wrap(
          route,
          mutated(conn, [], (o) => void (o.workgroup = '@@ESC@@')),
          0,
        ),
      )
      cases.push({ name: `lone surrogate (${label}) in workgroup → ${route}`, route, payload: text.replace('@@ESC@@', `pri${escape}mary`), mentions: /workgroup is not well-formed Unicode/ })
    }
    for (const route of sourceRoutes)
      json(
        `lone surrogate (${label}) in serviceName → ${route}`,
        route,
        { ...source, serviceName: JSON.parse(`"svc${escape}"`) as string },
        { mentions: /body\/serviceName is not well-formed Unicode/ },
      )
  }

  // 9. Not JSON at all, or JSON that is not an object.
  const notJson = [
    '{"type": "Athena",',
    "{'type': 'Athena'}",
    '{"a":1,}',
    '{"a":NaN}',
    '{"a":1} // comment',
    'undefined',
    '\u0000\u0001\u0002',
    '<xml/>',
    '{"a":"unterminated',
    '{"a":1}}',
    '   ',
    'null',
    '[]',
    '"just a string"',
    '123',
    'true',
    '{"a":01}',
    '{"a":"\\x41"}',
  ]
  for (const text of notJson) for (const route of ROUTES) cases.push({ name: `not a JSON object: ${JSON.stringify(text.slice(0, 24))} → ${route}`, route, payload: text })
  for (const route of ROUTES) cases.push({ name: `empty body → ${route}`, route, payload: '' })

  // 10. Wrong content types (the body itself is a valid connection / source).
  const types: Array<string | null> = [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'text/html',
    'application/octet-stream',
    'application/vnd.api+json',
    'application/jsonx',
    'text/json',
    null,
  ]
  for (const type of types) {
    for (const route of ROUTES) {
      cases.push({ name: `content-type ${type ?? '(none)'} → ${route}`, route, payload: JSON.stringify(wrap(route, conn, 0)), contentType: type, status: 415, mentions: /media type|content-type/i })
    }
  }

  // 11. Filter patterns that are invalid or that RE2 cannot run (catastrophic ones are valid: oddButValidBodies).
  for (const pattern of INVALID_REGEX) {
    everyRoute(`schemaFilterPattern ${JSON.stringify(pattern.slice(0, 24))}`, () => mutated(conn, [], (o) => void (o.schemaFilterPattern = { includes: ['^ok$'], excludes: [pattern] })), {
      mentions: /[Ff]ilterPattern/,
    })
    for (const route of sourceRoutes) {
      for (const field of ['databaseFilterPattern', 'schemaFilterPattern', 'tableFilterPattern']) {
        json(
          `sourceConfig ${field} ${JSON.stringify(pattern.slice(0, 24))} → ${route}`,
          route,
          mutated(withPipeline, ['sourceConfig', 'config'], (o) => void (o[field] = { includes: [pattern] })),
          { mentions: new RegExp(field) },
        )
      }
    }
  }
  for (const route of ROUTES) {
    json(
      `filter pattern of the wrong shape → ${route}`,
      route,
      wrap(
        route,
        mutated(conn, [], (o) => void (o.schemaFilterPattern = { includes: '^sales' })),
        0,
      ),
    )
    json(
      `filter pattern list of numbers → ${route}`,
      route,
      wrap(
        route,
        mutated(conn, [], (o) => void (o.tableFilterPattern = { excludes: [1, 2] })),
        1,
      ),
    )
  }

  // 12. Endpoints the service must not call, and regions that are not regions.
  for (const endPointURL of [
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/',
    'http://0xA9FEA9FE/',
    'http://0251.0376.0251.0376/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00:ec2::254]/',
    'http://metadata.google.internal/',
    'file:///etc/passwd',
    `http://user:${TEST_SECRETS.secretAccessKey}@127.0.0.1:1/`,
    'not a url',
    'javascript:alert(1)',
  ]) {
    everyRoute(`endPointURL ${endPointURL.slice(0, 40)}`, () => mutated(conn, ['awsConfig'], (o) => void (o.endPointURL = endPointURL)), { mentions: /endPointURL/ })
  }
  for (const awsRegion of ['evil.example/x', '', 'us-east-1.attacker.test', '../../etc', 'us-east-1\r\nHost: evil']) {
    everyRoute(`awsRegion ${JSON.stringify(awsRegion)}`, () => mutated(conn, ['awsConfig'], (o) => void (o.awsRegion = awsRegion)), { mentions: /awsRegion/ })
  }
  return cases
}

/** Bodies that are odd but valid: the service may serve them; it must not crash, answer 5xx or echo a secret. */
export function oddButValidBodies(endPointURL: string): Array<{ name: string; route: Route; payload: string }> {
  const conn = baseConnection(endPointURL)
  const out: Array<{ name: string; route: Route; payload: string }> = []
  for (const route of ROUTES) {
    const withArgs = (raw: string) =>
      withRaw(
        wrap(
          route,
          mutated(conn, [], (o) => void (o.connectionArguments = '@@RAW@@')),
          0,
        ),
        raw,
      )
    out.push({ name: `50 levels inside connectionArguments (free-form) → ${route}`, route, payload: withArgs(`{"deep":${deepText(50)}}`) })
    out.push({ name: `"prototype" key inside connectionArguments → ${route}`, route, payload: withArgs('{"prototype":{"polluted":"yes"},"constructor":"x"}') })
    out.push({
      name: `brackets and quotes inside strings do not count as nesting → ${route}`,
      route,
      payload: JSON.stringify(
        wrap(
          route,
          mutated(conn, [], (o) => void (o.workgroup = '[{\\"'.repeat(100))),
          2,
        ),
      ),
    })
    out.push({
      name: `unicode everywhere → ${route}`,
      route,
      payload: JSON.stringify(
        wrap(
          route,
          mutated(conn, [], (o) => void (o.databaseName = 'ünï\u{1F600}\u202Ecode')),
          1,
        ),
      ),
    })
    for (const pattern of CATASTROPHIC_REGEX) {
      out.push({
        name: `catastrophic-shaped filter ${pattern} (linear time on RE2) → ${route}`,
        route,
        payload: JSON.stringify(
          wrap(
            route,
            mutated(conn, [], (o) => void (o.schemaFilterPattern = { includes: ['^ok$'], excludes: [pattern] })),
            3,
          ),
        ),
      })
    }
  }
  return out
}
