import t from 'tap'
import { athenaConnection, ingestRecords, startHarness } from '../support/harness.js'

type H = Awaited<ReturnType<typeof startHarness>>

async function ingest(h: H, options: Record<string, unknown> = {}) {
  return ingestRecords(t, h, {
    serviceName: 'svc',
    serviceConnection: { config: athenaConnection(h.aws) },
    sourceConfig: { config: { type: 'DatabaseMetadata', schemaFilterPattern: { includes: ['^sales$', '^lakehouse$'] } } },
    options,
  })
}

t.test("a view's SQL gives one edge per table it reads, with column lineage, after every table", async (t) => {
  const h = await startHarness(t)
  const records = await ingest(h)
  const lineage = records.filter((r) => r.kind === 'lineage')
  t.same(
    lineage.map((r) => [r.entity.edge.fromEntity, r.entity.edge.toEntity]),
    [
      [
        { type: 'table', fullyQualifiedName: 'svc.default.sales.orders' },
        { type: 'table', fullyQualifiedName: 'svc.default.sales.orders_enriched' },
      ],
      [
        { type: 'table', fullyQualifiedName: 'svc.default.sales.customers' },
        { type: 'table', fullyQualifiedName: 'svc.default.sales.orders_enriched' },
      ],
    ],
  )
  const fromOrders = lineage[0]!.entity.edge.lineageDetails
  t.equal(fromOrders.source, 'ViewLineage')
  t.match(fromOrders.sqlQuery, /^SELECT o\.order_id/)
  t.same(
    fromOrders.columnsLineage.find((c: { toColumn: string }) => c.toColumn.endsWith('.order_id')),
    {
      fromColumns: ['svc.default.sales.orders.order_id'],
      toColumn: 'svc.default.sales.orders_enriched.order_id',
    },
  )
  const name = lineage[1]!.entity.edge.lineageDetails.columnsLineage.find((c: { toColumn: string }) => c.toColumn.endsWith('.customer_name'))
  t.same(name.fromColumns, ['svc.default.sales.customers.first_name', 'svc.default.sales.customers.last_name'])
  t.match(name.function, /concat/)
  const lastTable = records.map((r) => r.kind).lastIndexOf('table')
  t.ok(records.indexOf(lineage[0]!) > lastTable, 'view lineage comes after every table, so both ends exist')
  t.equal(h.aws.count('athena:StartQueryExecution'), 0, 'no query per view')
})

t.test('a view whose SQL cannot be parsed is a warning, never a failure', async (t) => {
  const h = await startHarness(t)
  const lakehouse = h.aws.catalog.glue[h.aws.catalog.accountId]!.find((d) => d.Name === 'lakehouse')!
  const broken = structuredClone(h.aws.catalog.glue[h.aws.catalog.accountId]!.find((d) => d.Name === 'sales')!.Tables.find((x) => x.TableType === 'VIRTUAL_VIEW')!)
  broken.Name = 'broken_view'
  broken.DatabaseName = 'lakehouse'
  broken.ViewOriginalText = 'SELEC * FORM nowhere WHERE ((('
  broken.ViewExpandedText = broken.ViewOriginalText
  lakehouse.Tables.push(broken)
  const records = await ingest(h)
  const status = records.at(-1)!.entity
  t.equal(status.errors, 0)
  t.equal(status.warnings, 2, 'the broken view, plus the filtered schemas getting no stale-table clean-up')
  t.ok(
    records.some((r) => r.kind === 'table' && r.entity.name === 'broken_view'),
    'the view itself is ingested',
  )
  t.match(h.logs(), /svc\.default\.lakehouse\.broken_view: view SQL could not be parsed for lineage/)
})

t.test('includeViewLineage: false emits none', async (t) => {
  const h = await startHarness(t)
  const records = await ingest(h, { includeViewLineage: false })
  t.same(
    records.filter((r) => r.kind === 'lineage'),
    [],
  )
})
