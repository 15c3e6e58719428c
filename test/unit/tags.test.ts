import type { Table } from '@aws-sdk/client-glue'
import type { TaggedTable } from '@aws-sdk/client-lakeformation'
import t from 'tap'
import { buildLfTagIndex, EMPTY_LF_TAG_INDEX } from '../../src/athena/lake-formation.js'
import { MappingError } from '../../src/openmetadata/errors.js'
import type { OmColumn, TagLabel } from '../../src/openmetadata/om-types.js'
import { buildCreateSchema, buildCreateTable } from '../../src/openmetadata/table.js'
import { applyTags, ATHENA_CLASSIFICATION_DESCRIPTION, ATHENA_TAG_DESCRIPTION, classificationsOf, lfTagToTagLabel, schemaTags, unusableLfTags } from '../../src/openmetadata/tags.js'
import { loadSampleCatalog } from '../support/catalog.js'
import { assertOm, validateOm } from '../support/om-spec.js'

const ACCOUNT = '123456789012'
const TAG_LABEL = 'type/tagLabel.json'
const CREATE_TABLE = 'api/data/createTable.json'
const COLUMN = 'entity/data/table.json#/definitions/column'

const pair = (key: string, value: string) => ({ CatalogId: ACCOUNT, TagKey: key, TagValues: [value] })
const label = (tagFQN: string): TagLabel => ({ tagFQN, source: 'Classification', labelType: 'Automated', state: 'Suggested' })

const sample = loadSampleCatalog()
function glueTable(db: string, name: string) {
  const table = sample.glue[ACCOUNT]!.find((d) => d.Name === db)!.Tables.find((x) => x.Name === name)!
  // The fixture's timestamps are ISO strings; the mapping does not read them.
  return buildCreateTable(table as unknown as Table, { schemaFqn: `athena_prod.default.${db}` })
}
function columnsOf(db: string, name: string): string[] {
  const table = sample.glue[ACCOUNT]!.find((d) => d.Name === db)!.Tables.find((x) => x.Name === name)!
  return [...(table.StorageDescriptor?.Columns ?? []), ...(table.PartitionKeys ?? [])].map((c) => c.Name)
}

/**
 * A search hit as Lake Formation reports it: effective tags — the table carries its database's, every column its
 * table's (overridden by the column's own).
 */
function hit(db: string, name: string, dbTags: Array<[string, string]>, own: Array<[string, string]>, columns: Record<string, Array<[string, string]>> = {}): TaggedTable {
  const table = new Map([...dbTags, ...own])
  return {
    Table: { CatalogId: ACCOUNT, DatabaseName: db, Name: name },
    ...(dbTags.length ? { LFTagOnDatabase: dbTags.map(([k, v]) => pair(k, v)) } : {}),
    ...(table.size ? { LFTagsOnTable: [...table].map(([k, v]) => pair(k, v)) } : {}),
    LFTagsOnColumns: columnsOf(db, name)
      .map((c) => ({ Name: c, tags: new Map([...table, ...(columns[c] ?? [])]) }))
      .filter((c) => c.tags.size)
      .map((c) => ({ Name: c.Name, LFTags: [...c.tags].map(([k, v]) => pair(k, v)) })),
  }
}

const SALES: Array<[string, string]> = [['domain', 'sales']]
const LAKEHOUSE: Array<[string, string]> = [['domain', 'analytics.core']]
const index = buildLfTagIndex({
  databases: [
    { Database: { CatalogId: ACCOUNT, Name: 'sales' }, LFTags: [pair('domain', 'sales')] },
    { Database: { CatalogId: ACCOUNT, Name: 'lakehouse' }, LFTags: [pair('domain', 'analytics.core')] },
  ],
  tables: [
    hit('sales', 'customers', SALES, [], { email: [['classification', 'pii']] }),
    hit('sales', 'customer_profiles', SALES, [], { profile: [['classification', 'pii']] }),
    hit('sales', 'orders', SALES, [['tier', 'gold']]),
    hit('lakehouse', 'web.sessions', LAKEHOUSE, [['tier', 'silver']]),
    // The same table from another key's search: merged, not duplicated.
    hit('sales', 'customers', SALES, [], { email: [['classification', 'pii']] }),
  ],
})

t.test('lfTagToTagLabel: key = classification, value = tag; upstream’s source, labelType and state', async (t) => {
  const l = lfTagToTagLabel({ key: 'tier', value: 'gold' })
  t.same(l, label('tier.gold'))
  assertOm(t, TAG_LABEL, l)
  const dotted = lfTagToTagLabel({ key: 'domain', value: 'analytics.core' })
  t.equal(dotted.tagFQN, 'domain."analytics.core"', 'a part with a dot is quoted')
  assertOm(t, TAG_LABEL, dotted)
  t.equal(lfTagToTagLabel({ key: 'data.owner', value: 'team-a' }).tagFQN, '"data.owner".team-a')
  t.equal(lfTagToTagLabel({ key: 'zone', value: 'eu west/1' }).tagFQN, 'zone.eu west/1', 'spaces and slashes (LF allows them) need no quoting')
  for (const bad of [
    { key: 'k', value: '' },
    { key: 'k', value: 'a::b' },
    { key: '', value: 'v' },
  ]) {
    t.throws(() => lfTagToTagLabel(bad), MappingError, `${JSON.stringify(bad)} cannot become a tag`)
  }
  t.notOk(validateOm(TAG_LABEL, { ...l, extra: 1 }).valid, 'tagLabel is closed: nothing else may be added')
})

t.test('applyTags: effective tags on the table and its top-level columns (upstream parity)', async (t) => {
  const request = glueTable('sales', 'customers')
  const before = JSON.stringify(request)
  const out = applyTags(request, index, 'sales', 'customers')
  t.equal(JSON.stringify(request), before, 'the input is not changed')
  t.same(out.tags, [label('domain.sales')], 'the database’s tag repeated on the table')
  const email = out.columns.find((c) => c.name === 'email')!
  t.same(email.tags, [label('classification.pii'), label('domain.sales')])
  t.same(out.columns.find((c) => c.name === 'first_name')!.tags, [label('domain.sales')], 'inherited by every column')
  assertOm(t, CREATE_TABLE, out)
  for (const c of out.columns) assertOm(t, COLUMN, c, `column ${c.name}`)
  t.same({ ...out, tags: undefined, columns: out.columns.map(({ tags: _t, ...c }) => c) }, { ...request, tags: undefined }, 'nothing else changes')
})

t.test('applyTags with inherited: false keeps what each resource assigns itself', async (t) => {
  const customers = applyTags(glueTable('sales', 'customers'), index, 'sales', 'customers', { inherited: false })
  t.notOk('tags' in customers, 'no table tags, and no empty array')
  t.same(
    customers.columns.filter((c) => c.tags).map((c) => [c.name, c.tags]),
    [['email', [label('classification.pii')]]],
  )
  assertOm(t, CREATE_TABLE, customers)

  const orders = applyTags(glueTable('sales', 'orders'), index, 'sales', 'orders', { inherited: false })
  t.same(orders.tags, [label('tier.gold')])
  t.ok(orders.columns.every((c) => !c.tags))
  assertOm(t, CREATE_TABLE, orders)
})

t.test('applyTags leaves nested children alone and keeps labels already there', async (t) => {
  const request = glueTable('sales', 'customer_profiles')
  const profile = request.columns.find((c) => c.name === 'profile')!
  t.ok(profile.children?.length, 'a struct column with children')
  const existing = label('PersonalData.Personal')
  const withExisting = { ...request, tags: [existing], columns: request.columns.map((c) => (c.name === 'profile' ? { ...c, tags: [existing, label('classification.pii')] } : c)) }
  const out = applyTags(withExisting, index, 'sales', 'customer_profiles')
  const tagged = out.columns.find((c) => c.name === 'profile')!
  t.same(tagged.tags, [existing, label('classification.pii'), label('domain.sales')], 'existing first, no duplicate')
  t.same(tagged.children, profile.children, 'children untouched')
  const nestedTags = (cols: OmColumn[] | undefined): boolean => (cols ?? []).some((c) => c.tags !== undefined || nestedTags(c.children))
  t.notOk(nestedTags(tagged.children), 'no tags below the top level')
  t.same(out.tags, [existing, label('domain.sales')])
  assertOm(t, CREATE_TABLE, out)
})

t.test('applyTags on a dotted table name and a dotted tag value', async (t) => {
  const out = applyTags(glueTable('lakehouse', 'web.sessions'), index, 'lakehouse', 'web.sessions')
  t.same(out.tags, [label('domain."analytics.core"'), label('tier.silver')])
  t.same(out.columns[0]!.tags, [label('domain."analytics.core"'), label('tier.silver')])
  assertOm(t, CREATE_TABLE, out)
  const untagged = glueTable('lakehouse', 'dim_date')
  t.same(applyTags(untagged, EMPTY_LF_TAG_INDEX, 'lakehouse', 'dim_date'), untagged, 'no index, no change')
})

t.test('schemaTags: the Glue database’s LF-tags for CreateDatabaseSchemaRequest.tags', async (t) => {
  t.same(schemaTags(index, 'sales'), [label('domain.sales')])
  t.same(schemaTags(index, 'lakehouse'), [label('domain."analytics.core"')])
  t.same(schemaTags(index, 'empty_schema'), [])
  for (const l of schemaTags(index, 'lakehouse')) assertOm(t, TAG_LABEL, l)
  // The entity and the refreshed CreateDatabaseSchemaRequest both have `tags: TagLabel[]`: a schema record carrying the
  // Glue database's LF-tags is a valid create request.
  assertOm(t, 'entity/data/databaseSchema.json#/properties/tags', schemaTags(index, 'sales'))
  const schema = { ...buildCreateSchema({ Name: 'sales' }, 'athena_prod.default'), tags: schemaTags(index, 'sales') }
  assertOm(t, 'api/data/createDatabaseSchema.json', schema)
  // …and a malformed label there is still refused (the request's `tags` is checked, not ignored).
  const bad = validateOm('api/data/createDatabaseSchema.json', { ...schema, tags: [{ tagFQN: 'domain.sales' }] })
  t.notOk(bad.valid)
  t.match(bad.errors, /\/tags\/0 .*required/)
})

t.test('classificationsOf: one classification per key in use, one tag per value in use, upstream’s requests', async (t) => {
  t.same(classificationsOf(index), [
    {
      classification: { name: 'classification', description: ATHENA_CLASSIFICATION_DESCRIPTION },
      tags: [{ classification: 'classification', name: 'pii', description: ATHENA_TAG_DESCRIPTION }],
    },
    {
      classification: { name: 'domain', description: ATHENA_CLASSIFICATION_DESCRIPTION },
      tags: [
        { classification: 'domain', name: 'analytics.core', description: ATHENA_TAG_DESCRIPTION },
        { classification: 'domain', name: 'sales', description: ATHENA_TAG_DESCRIPTION },
      ],
    },
    {
      classification: { name: 'tier', description: ATHENA_CLASSIFICATION_DESCRIPTION },
      tags: [
        { classification: 'tier', name: 'gold', description: ATHENA_TAG_DESCRIPTION },
        { classification: 'tier', name: 'silver', description: ATHENA_TAG_DESCRIPTION },
      ],
    },
  ])
  t.same(ATHENA_CLASSIFICATION_DESCRIPTION, 'ATHENA TAG CLASSIFICATION')
  t.same(ATHENA_TAG_DESCRIPTION, 'ATHENA TAG')
  // Every label any payload carries points at a tag classificationsOf creates.
  const created = new Set(classificationsOf(index).flatMap((c) => c.tags.map((tag) => lfTagToTagLabel({ key: c.classification.name, value: tag.name }).tagFQN)))
  const used = ['customers', 'customer_profiles', 'orders'].flatMap((name) => {
    const out = applyTags(glueTable('sales', name), index, 'sales', name)
    return [...(out.tags ?? []), ...out.columns.flatMap((c) => c.tags ?? [])].map((l) => l.tagFQN)
  })
  t.ok(used.length > 0 && used.every((fqn) => created.has(fqn)))
  t.equal(classificationsOf(buildLfTagIndex({ databases: [{ Database: { Name: 'x' }, LFTags: [pair('data.owner', 'a')] }] }))[0]!.tags[0]!.classification, '"data.owner"', 'the classification by FQN')
})

t.test('LF-tags OpenMetadata cannot name are left out and reported', async (t) => {
  const odd = buildLfTagIndex({
    databases: [{ Database: { Name: 'sales' }, LFTags: [pair('domain', 'sales'), pair('code', 'a::b'), pair('empty', ''), pair('blank', '   '), pair('  ', 'x')] }],
  })
  t.same(schemaTags(odd, 'sales'), [label('domain.sales')])
  t.same(
    classificationsOf(odd).map((c) => c.classification.name),
    ['domain'],
  )
  t.same(unusableLfTags(odd), [
    'LF-tag "  =x" is not ingested: its key is blank',
    'LF-tag "blank=   " is not ingested: its value is blank',
    'LF-tag "code=a::b" is not ingested: its value cannot be a tag name: the name contains \'::\', which OpenMetadata names forbid',
    'LF-tag "empty=" is not ingested: its value cannot be a tag name: the name is empty',
  ])
  t.same(unusableLfTags(index), [])
})

t.test('the index is the same whether Lake Formation reports effective or only assigned tags', async (t) => {
  const assignedOnly = buildLfTagIndex({
    databases: [{ Database: { Name: 'sales' }, LFTags: [pair('domain', 'sales')] }],
    tables: [
      { Table: { DatabaseName: 'sales', Name: 'orders' }, LFTagOnDatabase: [pair('domain', 'sales')], LFTagsOnTable: [pair('tier', 'gold')] },
      { Table: { DatabaseName: 'sales', Name: 'customers' }, LFTagsOnColumns: [{ Name: 'email', LFTags: [pair('classification', 'pii')] }] },
    ],
  })
  for (const [db, name, cols] of [
    ['sales', 'orders', ['order_id', 'status']],
    ['sales', 'customers', ['email', 'first_name']],
  ] as const) {
    t.same(assignedOnly.table(db, name), index.table(db, name))
    t.same(assignedOnly.effectiveTable(db, name), index.effectiveTable(db, name))
    for (const c of cols) {
      t.same(assignedOnly.column(db, name, c), index.column(db, name, c), `${name}.${c}`)
      t.same(assignedOnly.effectiveColumn(db, name, c), index.effectiveColumn(db, name, c), `${name}.${c}`)
    }
  }
  // A child that assigns the value it would inherit anyway is the same thing as inheriting it.
  const redundant = buildLfTagIndex({ tables: [{ Table: { DatabaseName: 'sales', Name: 'orders' }, LFTagOnDatabase: [pair('domain', 'sales')], LFTagsOnTable: [pair('domain', 'sales')] }] })
  t.same(redundant.table('sales', 'orders'), [])
  t.same(redundant.effectiveTable('sales', 'orders'), [{ key: 'domain', value: 'sales' }])
  t.same(redundant.database('sales'), [{ key: 'domain', value: 'sales' }], 'database tags also come from table hits')
})
