/** A table as a statement names it: one, two or three identifier parts, normalised. */
export interface TableRef {
  /** The data catalog (`awsdatacatalog`, a federated catalog); absent when the SQL does not name it and no default was given. */
  catalog?: string
  /** The schema (Glue database); absent when the SQL does not name it and no default was given. */
  schema?: string
  table: string
}

/** A column of a source table. */
export interface ColumnRef {
  table: TableRef
  column: string
}

/** How one column of a target table is made: `function(fromColumns) -> toColumn`. */
export interface ColumnLineage {
  /** The table written; absent for a bare SELECT, whose output columns are described (a view's SQL: the view's columns). */
  target?: TableRef
  toColumn: string
  fromColumns: ColumnRef[]
  /** The expression's SQL text when the column is not a plain copy of one source column. */
  function?: string
}

export interface LineageDefaults {
  /** Catalog of names with one or two parts (Athena: QueryExecutionContext.Catalog, default AwsDataCatalog). */
  defaultCatalog?: string
  /** Schema of names with one part (Athena: QueryExecutionContext.Database). */
  defaultSchema?: string
}

/**
 * Athena identifiers are case-insensitive and Glue stores names in lower case, quoted or not
 * (`"Sales"."Orders"` is `sales.orders`): every part is lower-cased. A quoted part keeps everything
 * else (`"order-history"`, `"web.sessions"`), with `""` unescaped.
 */
export function identifierPart(raw: string): string {
  const text = raw.trim()
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replaceAll('""', '"').toLowerCase()
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) return text.slice(1, -1).replaceAll('``', '`').toLowerCase()
  return text.toLowerCase()
}

/** A TableRef from 1–3 normalised parts, defaults filling the parts the SQL left out. */
export function tableRef(parts: string[], defaults: LineageDefaults = {}): TableRef {
  const table = parts[parts.length - 1]!
  const schema = parts.length >= 2 ? parts[parts.length - 2] : defaults.defaultSchema?.toLowerCase()
  const catalog = parts.length >= 3 ? parts[parts.length - 3] : defaults.defaultCatalog?.toLowerCase()
  return { ...(catalog ? { catalog } : {}), ...(schema ? { schema } : {}), table }
}

/** A stable key: parts joined by `.`, each quoted when it contains one (so `lakehouse."web.sessions"` stays distinct). */
export function tableKey(t: TableRef): string {
  return [t.catalog, t.schema, t.table]
    .filter((p): p is string => p !== undefined)
    .map((p) => (p.includes('.') || p.includes('"') ? `"${p.replaceAll('"', '""')}"` : p))
    .join('.')
}

export function sameTable(a: TableRef, b: TableRef): boolean {
  return tableKey(a) === tableKey(b)
}

/** Tables in first-seen order, each once. */
export function uniqueTables(tables: Iterable<TableRef>): TableRef[] {
  const seen = new Map<string, TableRef>()
  for (const t of tables) if (!seen.has(tableKey(t))) seen.set(tableKey(t), t)
  return [...seen.values()]
}
