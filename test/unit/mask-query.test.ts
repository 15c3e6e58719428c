// Literal masking of the queries written to OpenMetadata (upstream ingestion/lineage/masker.py mask_query).
import t from 'tap'
import { maskQuery } from '../../src/lineage/mask-query.js'

t.test('string and numeric literals become ?', async (t) => {
  t.equal(maskQuery("SELECT * FROM sales.orders WHERE status = 'RETURNED' AND total > 100.5"), 'SELECT * FROM sales.orders WHERE status = ? AND total > ?')
  t.equal(maskQuery("WHERE dt BETWEEN '2024-06-01' AND '2024-06-07' LIMIT 10"), 'WHERE dt BETWEEN ? AND ? LIMIT ?')
  t.equal(maskQuery("WHERE name = 'O''Brien' OR x IN (1, 2e3, .5)"), 'WHERE name = ? OR x IN (?, ?, ?)')
  t.equal(
    maskQuery("WITH (format = 'PARQUET', partitioned_by = ARRAY['day']) AS SELECT DATE '2024-01-01', interval '1' day"),
    'WITH (format = ?, partitioned_by = ARRAY[?]) AS SELECT DATE ?, interval ? day',
  )
})

t.test('identifiers, quoted identifiers and comments are kept', async (t) => {
  const kept = 'SELECT a."Account_ID", t1.col_2, `x 1` FROM "Legacy_Mixed_Case"."order-history" h /* 42 */ -- 7\nJOIN lakehouse."web.sessions" s ON s.id = h.id'
  t.equal(maskQuery(kept), kept)
  t.equal(maskQuery('SELECT "it\'s" FROM t'), 'SELECT "it\'s" FROM t', 'a quote inside a quoted identifier is not a literal')
  t.equal(maskQuery('SELECT 1day, x1 FROM t'), 'SELECT 1day, x1 FROM t', 'a name that starts with digits is no number')
})

t.test('two statements that differ only in their literals mask to one text; an unterminated literal is masked to the end', async (t) => {
  t.equal(maskQuery("SELECT * FROM t WHERE id = 7 AND c = 'a'"), maskQuery("SELECT * FROM t WHERE id = 123 AND c = 'zz'"))
  t.equal(maskQuery("SELECT 'abc"), 'SELECT ?')
  t.equal(maskQuery(''), '')
})
