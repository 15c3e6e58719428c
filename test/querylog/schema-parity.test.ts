// schemas/query-log.ts against OpenMetadata's databaseServiceQueryUsagePipeline.json and
// databaseServiceQueryLineagePipeline.json: the same properties, types, defaults, titles and
// descriptions, closed; and the if/then/else that picks one by `type`.
import t from 'tap'
import { Value } from 'typebox/value'
import { DatabaseServiceQueryLineagePipeline, DatabaseServiceQueryUsagePipeline, QueryLogSource } from '../../schemas/query-log.js'
import { readSpecJson, validateOm } from '../support/om-spec.js'

type Schema = Record<string, any>

function resolveType(spec: Schema, prop: Schema): Schema {
  if (typeof prop.$ref === 'string' && prop.$ref.startsWith('#/definitions/')) return { ...spec.definitions[prop.$ref.slice(14)], ...prop }
  return prop
}

for (const [file, ours] of [
  ['metadataIngestion/databaseServiceQueryUsagePipeline.json', DatabaseServiceQueryUsagePipeline],
  ['metadataIngestion/databaseServiceQueryLineagePipeline.json', DatabaseServiceQueryLineagePipeline],
] as const) {
  t.test(file, async (t) => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- JsonObject's values are Json | undefined, Schema's any: tsc needs the cast
    const spec = readSpecJson(file) as Schema
    const mine = ours as unknown as Schema
    t.equal(mine.title, spec.title)
    t.equal(mine.description, spec.description)
    t.equal(mine.additionalProperties, false, 'closed')
    t.same(Object.keys(mine.properties).sort(), Object.keys(spec.properties).sort(), 'every property, no other')
    t.same(mine.required ?? [], spec.required ?? [])
    for (const [name, raw] of Object.entries(spec.properties as Record<string, Schema>)) {
      const theirs = resolveType(spec, raw)
      const p = mine.properties[name] as Schema
      if (typeof raw.$ref === 'string' && raw.$ref.includes('filterPattern.json')) {
        t.same(Object.keys(p.properties).sort(), ['excludes', 'includes'], `${name}: a FilterPattern`)
        t.equal(p.additionalProperties, false)
      } else {
        for (const k of ['type', 'enum', 'default', 'minimum']) t.same(p[k], theirs[k], `${name}: same ${k}`)
        if (theirs.items) t.same(p.items.type, theirs.items.type, `${name}: same items`)
      }
      for (const k of ['title', 'description']) if (raw[k] !== undefined) t.equal(p[k], raw[k], `${name}: same ${k}`)
    }
  })
}

t.test('QueryLogSource: type picks the pipeline; configs valid for OpenMetadata too', async (t) => {
  const base = {
    serviceName: 'athena_prod',
    serviceConnection: { config: { type: 'Athena', awsConfig: { awsRegion: 'us-east-1' }, s3StagingDir: 's3://b/p/', workgroup: 'primary' } },
  }
  const usage = { type: 'DatabaseUsage', queryLogDuration: 3, resultLimit: 500, stageFileLocation: '/tmp/q' }
  const lineage = { type: 'DatabaseLineage', queryLogDuration: 3, processViewLineage: false, tableFilterPattern: { includes: ['^orders'] } }
  t.ok(Value.Check(QueryLogSource, { ...base, sourceConfig: { config: usage } }))
  t.ok(Value.Check(QueryLogSource, { ...base, sourceConfig: { config: lineage } }))
  t.ok(Value.Check(QueryLogSource, { ...base, sourceConfig: { config: { queryLogDuration: 2 } } }), 'no type: usage')
  t.notOk(Value.Check(QueryLogSource, { ...base, sourceConfig: { config: { ...lineage, stageFileLocation: '/tmp' } } }), 'a usage-only property in a lineage config')
  t.notOk(Value.Check(QueryLogSource, { ...base, sourceConfig: { config: { ...usage, processViewLineage: true } } }), 'a lineage-only property in a usage config')
  t.ok(validateOm('metadataIngestion/databaseServiceQueryUsagePipeline.json', usage).valid)
  t.ok(validateOm('metadataIngestion/databaseServiceQueryLineagePipeline.json', lineage).valid)
})
