import t from 'tap'
import { hostileCorpus, MENTIONS_BODY_OR_FIELD, oddButValidBodies, ROUTES } from '../support/hostile-corpus.js'
import { athenaConnection, startHarness, TEST_SECRETS } from '../support/harness.js'
import { invalidRecords, parseNdjson } from '../support/records.js'

const SECRETS = Object.values(TEST_SECRETS)
const AUTH = { authorization: `Bearer ${TEST_SECRETS.bearer}` }

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s))
}

t.test('the hostile corpus: only 4xx answers naming the problem — no 5xx, no crash, no secret, no AWS call', async (t) => {
  const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort()
  const h = await startHarness(t, { config: { authTokens: [TEST_SECRETS.bearer] } })
  const corpus = hostileCorpus({ endPointURL: h.aws.url, bodyLimitBytes: h.app.serviceConfig.bodyLimitBytes })
  t.ok(corpus.length >= 500, `${corpus.length} bodies`)
  for (const route of ROUTES) t.ok(corpus.filter((c) => c.route === route).length >= 150, `${route} gets its share`)
  t.equal(new Set(corpus.map((c) => c.name)).size, corpus.length, 'every case has its own name')

  const problems: string[] = []
  const statuses: Record<number, number> = {}
  for (const c of corpus) {
    const headers: Record<string, string> = { ...AUTH }
    if (c.contentType !== null) headers['content-type'] = c.contentType ?? 'application/json'
    const res = await h.app.inject({ method: 'POST', url: c.route, payload: c.payload, headers })
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
    let message = ''
    try {
      const body = res.json<{ statusCode?: number; message?: unknown }>()
      message = typeof body.message === 'string' ? body.message : ''
      if (body.statusCode !== res.statusCode) problems.push(`${c.name}: body.statusCode ${body.statusCode} ≠ ${res.statusCode}`)
    } catch {
      problems.push(`${c.name}: the answer is not JSON: ${res.body.slice(0, 200)}`)
    }
    if (res.statusCode < 400 || res.statusCode >= 500) problems.push(`${c.name}: status ${res.statusCode}: ${res.body.slice(0, 300)}`)
    if (c.status !== undefined && res.statusCode !== c.status) problems.push(`${c.name}: status ${res.statusCode}, expected ${c.status}: ${message}`)
    if (message.trim() === '') problems.push(`${c.name}: empty message`)
    else if (!(c.mentions ?? MENTIONS_BODY_OR_FIELD).test(message)) problems.push(`${c.name}: the message does not say what is wrong: ${message.slice(0, 300)}`)
    if (message.length > 2_000) problems.push(`${c.name}: the message echoes too much (${message.length} chars)`)
    const leaked = leaks(res.body + JSON.stringify(res.headers))
    if (leaked.length > 0) problems.push(`${c.name}: the answer echoes a secret`)
  }
  t.same(problems, [], 'every hostile body got a 4xx with a message that names the problem')
  t.comment(`statuses: ${JSON.stringify(statuses)}`)
  t.equal(h.aws.count(), 0, 'no hostile body reached AWS')
  t.same(leaks(h.logs()), [], 'no secret in the log')
  t.same(Object.getOwnPropertyNames(Object.prototype).sort(), protoBefore, 'Object.prototype has no new property')
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no pollution through __proto__')
  t.equal(({} as Record<string, unknown>).isAdmin, undefined)
  const health = await h.app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200, 'the service still answers')
})

t.test('odd but valid bodies (free-form connectionArguments 50 levels deep, a "prototype" key): no 5xx, no pollution, no secret', async (t) => {
  const h = await startHarness(t)
  for (const c of oddButValidBodies(h.aws.url)) {
    const res = await h.app.inject({ method: 'POST', url: c.route, payload: c.payload, headers: { 'content-type': 'application/json' } })
    t.ok(res.statusCode < 500, `${c.name}: ${res.statusCode} ${res.statusCode >= 400 ? res.body.slice(0, 200) : ''}`)
    t.same(leaks(res.body), [], `${c.name}: no secret echoed`)
    t.notMatch(res.body, /deeper than/, `${c.name}: not refused for nesting`)
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined)
  t.same(leaks(h.logs()), [])
})

t.test('__proto__ and constructor.prototype keys are a 400 that says so (not a 500, not silently dropped)', async (t) => {
  const h = await startHarness(t)
  const body = JSON.stringify(athenaConnection(h.aws))
  for (const key of ['"__proto__":{"polluted":1}', '"constructor":{"prototype":{"polluted":1}}']) {
    const res = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: body.replace('"awsConfig":{', `"awsConfig":{${key},`), headers: { 'content-type': 'application/json' } })
    t.equal(res.statusCode, 400)
    t.match(res.json().message, /Request body contains a forbidden key: "__proto__" or "constructor.prototype"/)
  }
  const notJson = await h.app.inject({
    method: 'POST',
    url: '/v1/test-connection',
    payload: `{"awsConfig":{"awsSecretAccessKey":"${TEST_SECRETS.secretAccessKey}",}`,
    headers: { 'content-type': 'application/json' },
  })
  t.equal(notJson.statusCode, 400)
  t.match(notJson.json().message, /^Request body is not valid JSON \(error at position \d+\)$/, 'says where, quotes nothing of the body')
  const utf8 = await h.app.inject({
    method: 'POST',
    url: '/v1/test-connection',
    payload: Buffer.concat([Buffer.from('{"workgroup":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    headers: { 'content-type': 'application/json' },
  })
  t.equal(utf8.statusCode, 400)
  t.match(utf8.json().message, /not valid UTF-8/)
})

t.test('filter regexes catastrophic for a backtracking engine are accepted and answered correctly (RE2, linear time)', async (t) => {
  const h = await startHarness(t)
  // Names that make (a+)+$ backtrack for seconds (2^29 paths) on a backtracking engine.
  const glue = h.aws.catalog.glue[h.aws.catalog.accountId]!
  const long = [0, 1, 2].map((i) => `${'a'.repeat(29)}!${i}`)
  for (const name of long) glue.push({ Name: name, Tables: [] })
  const sample = ['sales', 'lakehouse', 'empty_schema', 'clickstream', 'Legacy_Mixed_Case']
  const conn = athenaConnection(h.aws)
  // What Python's re.match(pattern, name, re.IGNORECASE) answers for each schema name.
  const cases: Array<[string, string[]]> = [
    ['(a+)+$', []],
    ['(.*a){20}', long],
    ['(a|aa)+$', []],
    ['(\\w*)*$', sample],
    ['(.{0,9}){13}!', long],
  ]
  for (const [pattern, kept] of cases) {
    const res = await h.app.inject({ method: 'POST', url: '/v1/databases', payload: { serviceConnection: { config: { ...conn, schemaFilterPattern: { includes: [pattern] } } } } })
    t.equal(res.statusCode, 200, `${pattern}: ${res.body.slice(0, 200)}`)
    t.same(
      res.json().databaseSchemas.map((s: { name: string }) => s.name),
      kept,
      pattern,
    )
    const ingest = await h.app.inject({
      method: 'POST',
      url: '/v1/ingest',
      payload: { serviceName: 'svc', serviceConnection: { config: conn }, sourceConfig: { config: { schemaFilterPattern: { excludes: [pattern] } } } },
    })
    t.equal(ingest.statusCode, 200, `${pattern}: ${ingest.body.slice(0, 200)}`)
    const records = parseNdjson(ingest.body)
    t.same(invalidRecords(records), [], `${pattern}: every record valid against the OpenMetadata schema`)
    t.same(
      records.filter((r) => r.kind === 'databaseSchema').map((r) => r.entity.name),
      [...sample, ...long].filter((n) => !kept.includes(n)),
      `${pattern} as an exclude`,
    )
    const connection = await h.app.inject({ method: 'POST', url: '/v1/test-connection', payload: { ...conn, schemaFilterPattern: { includes: [pattern] } } })
    t.equal(connection.statusCode, 200, `${pattern}: ${connection.body.slice(0, 200)}`)
  }
})
