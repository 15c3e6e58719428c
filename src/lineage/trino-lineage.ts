/**
 * Table and column lineage from a Trino parse tree (dt-sql-parser's TrinoSql grammar).
 *
 * The walker resolves names the way Trino does, as far as SQL alone allows: WITH names shadow tables
 * in the query they belong to (and in later WITH entries, or in their own body with WITH RECURSIVE);
 * a column is looked up through the FROM clause's aliases, derived tables and CTEs down to base
 * tables; lambda parameters are not columns. Without a catalog it cannot expand `*` over a base
 * table, nor decide which of several base tables an unqualified column belongs to: such columns
 * get no column lineage (never a guess).
 */
import { trinoGrammar as g } from './parsers.js'
import { identifierPart, tableKey, tableRef, uniqueTables, type ColumnLineage, type ColumnRef, type LineageDefaults, type TableRef } from './table-ref.js'

/** The slice of antlr4ng's ParseTree the walker needs (kept structural: antlr4ng is dt-sql-parser's dependency, not ours). */
export interface Node {
  children?: Node[] | null
  getText(): string
  start?: { start: number } | null
  stop?: { stop: number } | null
}

export interface StatementLineage {
  /** Tables the statement writes: CTAS, INSERT, MERGE, UPDATE, DELETE, CREATE [OR REPLACE] VIEW, CREATE TABLE. */
  targets: TableRef[]
  /** Tables the statement reads (CTE names and the target itself, unless it is also read, excluded). */
  sources: TableRef[]
  columns: ColumnLineage[]
  /** Equality join conditions between columns of two different tables (`ON o.customer_id = c.customer_id`). */
  joins: Array<[ColumnRef, ColumnRef]>
  /** What the statement is: `select`, `createTableAsSelect`, `insert`, `merge`, `update`, `delete`, `createView`, `createTable`, `other`. */
  statementType: string
}

/** One output column of a query: its name (when SQL gives it one) and where its values come from. */
interface OutputColumn {
  name?: string
  sources: ColumnRef[]
  /** SQL text of the expression when it is not a plain column. */
  expression?: string
}

/** A query's output; `opaque` from the first `*` over a relation whose columns SQL alone cannot know. */
interface Shape {
  columns: OutputColumn[]
  opaque: boolean
}

/** A FROM-clause relation as seen by the columns of its query. */
interface Relation {
  /** What a qualifier can name it by: its alias, else the table's own name. */
  alias?: string
  table?: TableRef
  /** Derived tables, CTEs, UNNEST: their output. */
  shape?: Shape
}

type Scope = Map<string, Shape | 'pending'>

export function lineageOfStatements(tree: Node, sql: string, defaults: LineageDefaults): StatementLineage[] {
  const out: StatementLineage[] = []
  const visit = (n: Node) => {
    if (n instanceof g.SingleStatementContext) {
      out.push(new StatementWalker(sql, defaults).statement(n.statement()))
      return
    }
    for (const c of n.children ?? []) visit(c)
  }
  visit(tree)
  return out
}

class StatementWalker {
  private readonly sources: TableRef[] = []
  private readonly joins: Array<[ColumnRef, ColumnRef]> = []

  constructor(
    private readonly sql: string,
    private readonly defaults: LineageDefaults,
  ) {}

  statement(s: Node): StatementLineage {
    const result = (statementType: string, targets: TableRef[] = [], columns: ColumnLineage[] = []): StatementLineage => ({
      targets: uniqueTables(targets),
      sources: uniqueTables(this.sources),
      columns,
      joins: this.joins,
      statementType,
    })

    if (s instanceof g.StatementDefaultContext) {
      // A bare query writes nothing; its output columns are still described (for a view's SQL, the view's columns).
      const shape = this.rootQuery(s.rootQuery(), new Map())
      return result('select', [], columnLineage(undefined, shape, undefined))
    }
    if (s instanceof g.CreateTableAsSelectContext) {
      const target = this.nameOf(s.tableNameCreate())
      const shape = this.rootQuery(s.rootQuery() as Node, new Map())
      const names = s
        .columnListCreate()
        ?.columnNameCreate()
        .map((c) => identifierPart(c.getText()))
      return result('createTableAsSelect', [target], columnLineage(target, shape, names))
    }
    if (s instanceof g.CreateViewContext || s instanceof g.CreateMaterializedViewContext) {
      const target = this.nameOf(s.viewNameCreate())
      const shape = this.rootQuery(s.rootQuery(), new Map())
      return result('createView', [target], columnLineage(target, shape, undefined))
    }
    if (s instanceof g.InsertIntoContext) {
      const target = this.nameOf(s.tableRef())
      const shape = this.rootQuery(s.rootQuery(), new Map())
      const names = s
        .columnList()
        ?.columnRef()
        .map((c) => lastPart(this.parts(c.qualifiedName() as Node)))
      // Without a column list the values go to the table's columns by position, which SQL alone does not name.
      return result('insert', [target], names ? columnLineage(target, shape, names) : [])
    }
    if (s instanceof g.MergeContext) return this.merge(s, result)
    if (s instanceof g.UpdateContext) {
      const target = this.nameOf(s.tableRef())
      const rels = [{ alias: target.table, table: target }]
      const columns: ColumnLineage[] = []
      for (const a of s.updateAssignment()) {
        const from = this.expression(a.expression(), rels, [], new Map())
        if (from.sources.length > 0) columns.push(lineageEntry(target, identifierPart(a.identifier().getText()), from))
      }
      const where = s.whereClause()
      if (where) this.expression(where, rels, [], new Map())
      return result('update', [target], columns)
    }
    if (s instanceof g.DeleteContext) {
      const target = this.nameOf(s.tableRef())
      const where = s.whereClause()
      if (where) this.expression(where, [{ alias: target.table, table: target }], [], new Map())
      return result('delete', [target])
    }
    if (s instanceof g.CreateTableContext) return result('createTable', [this.nameOf(s.tableNameCreate())])
    if (s instanceof g.ExplainAnalyzeContext) {
      // EXPLAIN ANALYZE runs the statement: what it reads and writes is real.
      const inner = this.statement(s.statement())
      return { ...inner, statementType: 'explainAnalyze' }
    }
    // Anything else (EXPLAIN, PREPARE, SHOW …): whatever queries it holds are read, nothing is written.
    this.anyQueries(s, [], new Map())
    return result('other')
  }

  // -- statements ---------------------------------------------------------------------------------

  private merge(s: InstanceType<typeof g.MergeContext>, result: (t: string, targets?: TableRef[], c?: ColumnLineage[]) => StatementLineage) {
    const target = this.nameOf(s.tableRef())
    const targetAlias = s.identifier() ? identifierPart(s.identifier()!.getText()) : target.table
    const rels: Relation[] = []
    this.relation(s.relation(), new Map(), rels, [])
    const all: Relation[] = [{ alias: targetAlias, table: target }, ...rels]
    this.expression(s.expression(), all, [], new Map())
    const columns: ColumnLineage[] = []
    for (const c of s.mergeCase()) {
      const mc = c as unknown as { _condition?: Node; _targets?: Node[]; _values?: Node[] }
      if (mc._condition) this.expression(mc._condition, all, [], new Map())
      const targets = mc._targets ?? []
      const values = mc._values ?? []
      values.forEach((v, i) => {
        const from = this.expression(v, all, [], new Map())
        const name = targets[i] ? identifierPart(targets[i].getText()) : undefined
        const fromSources = from.sources.filter((r) => tableKey(r.table) !== tableKey(target))
        if (name && fromSources.length > 0) columns.push(lineageEntry(target, name, { ...from, sources: fromSources }))
      })
    }
    return result('merge', [target], mergeDuplicates(columns))
  }

  // -- queries ------------------------------------------------------------------------------------

  private rootQuery(rq: Node, scope: Scope): Shape {
    const q = (rq as InstanceType<typeof g.RootQueryContext>).query()
    return this.query(q, scope, [])
  }

  /** `[WITH …] queryNoWith`; `outer` are the enclosing queries' relations (correlated references). */
  private query(q: Node, scope: Scope, outer: Relation[]): Shape {
    if (!(q instanceof g.QueryStatementContext)) {
      this.anyQueries(q, outer, scope)
      return { columns: [], opaque: true }
    }
    let inner = scope
    const w = q.with()
    if (w) {
      inner = new Map(scope)
      const recursive = Boolean(w.KW_RECURSIVE())
      for (const nq of w.namedQuery()) {
        const name = identifierPart(nq.identifier().getText())
        if (recursive) inner.set(name, 'pending')
        let shape = this.query(nq.query(), inner, outer)
        const aliases = nq
          .columnAliases()
          ?.identifier()
          .map((i) => identifierPart(i.getText()))
        if (aliases) shape = renamed(shape, aliases)
        inner.set(name, shape)
      }
    }
    return this.queryNoWith(q.queryNoWith(), inner, outer)
  }

  private queryNoWith(qnw: Node, scope: Scope, outer: Relation[]): Shape {
    const ctx = qnw as InstanceType<typeof g.QueryNoWithContext>
    const shape = this.queryTerm(ctx.queryTerm(), scope, outer)
    for (const item of ctx.sortItem()) this.anyQueries(item, outer, scope)
    return shape
  }

  private queryTerm(t: Node, scope: Scope, outer: Relation[]): Shape {
    if (t instanceof g.SetOperationContext) {
      const [left, right] = t.queryTerm().map((x) => this.queryTerm(x as Node, scope, outer))
      return union(left!, right!)
    }
    if (t instanceof g.QueryTermDefaultContext) return this.queryPrimary(t.queryPrimary(), scope, outer)
    this.anyQueries(t, outer, scope)
    return { columns: [], opaque: true }
  }

  private queryPrimary(p: Node, scope: Scope, outer: Relation[]): Shape {
    if (p instanceof g.QueryPrimaryDefaultContext) return this.querySpecification(p.querySpecification(), scope, outer)
    if (p instanceof g.SubqueryContext) return this.queryNoWith(p.queryNoWith(), scope, outer)
    if (p instanceof g.TableContext) {
      const rel = this.tableReference(p.tableRef(), scope)
      return rel.shape ?? { columns: [], opaque: true }
    }
    // VALUES (…): literal rows, maybe with scalar subqueries.
    this.anyQueries(p, outer, scope)
    return { columns: [], opaque: true }
  }

  private querySpecification(spec: Node, scope: Scope, outer: Relation[]): Shape {
    const q = spec as InstanceType<typeof g.QuerySpecificationContext>
    const rels: Relation[] = []
    for (const r of q.relation()) this.relation(r, scope, rels, outer)
    const visible = [...rels, ...outer]
    for (const clause of [q.whereClause(), q.havingClause()]) {
      if (clause) this.expression(clause, rels, outer, scope, { joins: true })
    }
    const groupBy = q.groupBy()
    if (groupBy) this.anyQueries(groupBy, visible, scope)
    for (const w of q.windowDefinition()) this.anyQueries(w, visible, scope)

    const columns: OutputColumn[] = []
    let opaque = false
    for (const item of q.selectList().selectItem()) {
      const alias = item.identifier() ? identifierPart(item.identifier()!.getText()) : undefined
      const literal = item.selectLiteralColumnName()
      const expr = item.selectExpressionColumnName()
      if (literal) {
        const parts = this.parts(literal.columnRef().qualifiedName() as Node)
        columns.push({ name: alias ?? lastPart(parts), sources: this.resolveColumn(parts, rels, outer) })
      } else if (expr) {
        const e = expr.expression() as Node
        const from = this.expression(e, rels, outer, scope)
        columns.push({ ...from, ...(alias ? { name: alias } : {}) })
      } else if (item.selectAllWithoutTable()) {
        for (const r of rels) opaque = expandStar(r, columns) || opaque
      } else if (item.tableAllColumns()) {
        const parts = this.parts(item.tableAllColumns()!.primaryExpression())
        const r = findRelation(parts, rels)
        const aliases = item
          .columnAliases()
          ?.identifier()
          .map((i) => identifierPart(i.getText()))
        const start = columns.length
        opaque = (r ? expandStar(r, columns) : true) || opaque
        if (aliases) aliases.forEach((a, i) => columns[start + i] && (columns[start + i]!.name = a))
      }
      if (opaque) break
    }
    return { columns, opaque }
  }

  // -- FROM ---------------------------------------------------------------------------------------

  /** Adds the relations of one FROM item (joins flattened) to `rels`. */
  private relation(r: Node, scope: Scope, rels: Relation[], outer: Relation[]): void {
    if (r instanceof g.JoinRelationContext) {
      for (const c of r.children ?? []) {
        if (c instanceof g.RelationContext || c instanceof g.SampledRelationContext) this.relation(c, scope, rels, outer)
      }
      const criteria = r.joinCriteria()
      const on = criteria?.booleanExpression()
      if (on) this.expression(on, rels, outer, scope, { joins: true })
      // The grammar has a rule of its own for a lone `ON a.x = b.y`.
      const equality = criteria?.joinColumnEquality()
      if (equality) {
        const [left, right] = equality.joinColumnReference().map((c) => this.resolveColumn(this.parts(c as Node), rels, outer))
        this.addJoin(left ?? [], right ?? [])
      }
      return
    }
    if (r instanceof g.RelationDefaultContext) return this.relation(r.sampledRelation(), scope, rels, outer)
    if (r instanceof g.SampledRelationContext) {
      const pattern = r.patternRecognition()
      return this.aliased(pattern.aliasedRelation(), pattern, scope, rels, outer)
    }
    this.anyQueries(r, [...rels, ...outer], scope)
  }

  private aliased(a: Node, pattern: Node, scope: Scope, rels: Relation[], outer: Relation[]): void {
    const ctx = a as InstanceType<typeof g.AliasedRelationContext>
    const p = pattern as InstanceType<typeof g.PatternRecognitionContext>
    const aliasNode = ctx.identifier() ?? p.identifier()
    const alias = aliasNode ? identifierPart(aliasNode.getText()) : undefined
    const columnAliases = (ctx.columnAliases() ?? p.columnAliases())?.identifier().map((i) => identifierPart(i.getText()))
    const primary = ctx.relationPrimary() as Node
    let rel: Relation
    if (primary instanceof g.TableNameContext) {
      rel = this.tableReference(primary.tableOrViewName().tableRef() ?? (primary.tableOrViewName().viewRef() as Node), scope)
      const period = primary.queryPeriod()
      if (period) this.anyQueries(period, [...rels, ...outer], scope)
    } else if (primary instanceof g.ParenthesizedRelationContext) {
      // (a JOIN b): its relations are visible by their own aliases.
      this.relation(primary.relation(), scope, rels, outer)
      return
    } else if (primary instanceof g.ExpressionSourceTableContext) {
      rel = this.sourceTable(primary.relationSourceTable(), scope, rels, outer)
    } else {
      this.anyQueries(primary, [...rels, ...outer], scope)
      rel = { shape: { columns: [], opaque: true } }
    }
    if (alias) rel = { ...rel, alias }
    if (columnAliases && rel.shape) rel = { ...rel, shape: renamed(rel.shape, columnAliases) }
    else if (columnAliases && rel.table) rel = { ...rel, shape: { columns: columnAliases.map((n) => ({ name: n, sources: [{ table: rel.table!, column: n }] })), opaque: false } }
    rels.push(rel)
  }

  private sourceTable(s: Node, scope: Scope, rels: Relation[], outer: Relation[]): Relation {
    if (s instanceof g.SubqueryRelationContext || s instanceof g.LateralContext) {
      // LATERAL sees the relations to its left.
      const lateralOuter = s instanceof g.LateralContext ? [...rels, ...outer] : outer
      return { shape: this.query(s.query(), scope, lateralOuter) }
    }
    if (s instanceof g.UnnestContext) {
      // Its columns are named by the alias's column list (AS t(a, b)), applied by the caller.
      const columns = s.expression().map((e) => {
        const { name: _name, ...c } = this.expression(e, rels, outer, scope)
        return c
      })
      return { shape: { columns, opaque: false } }
    }
    this.anyQueries(s, [...rels, ...outer], scope)
    return { shape: { columns: [], opaque: true } }
  }

  /** A table name in FROM (or `TABLE t`): a CTE in scope, else a base table (a source). */
  private tableReference(ref: Node, scope: Scope): Relation {
    const parts = this.parts(ref)
    if (parts.length === 1) {
      const cte = scope.get(parts[0]!)
      if (cte === 'pending') return { alias: parts[0]!, shape: { columns: [], opaque: true } }
      if (cte) return { alias: parts[0]!, shape: cte }
    }
    const table = tableRef(parts, this.defaults)
    this.sources.push(table)
    return { alias: table.table, table }
  }

  // -- expressions --------------------------------------------------------------------------------

  /**
   * The columns an expression reads (resolved to base-table columns) and its SQL text; queries
   * inside it (scalar, IN, EXISTS subqueries) are walked for their sources. With `joins`, equality
   * comparisons between columns of two different base tables are recorded as joins.
   */
  private expression(e: Node, rels: Relation[], outer: Relation[], scope: Scope, opts: { joins?: boolean } = {}): OutputColumn {
    const found: ColumnRef[] = []
    let plain: string | undefined
    const walk = (n: Node, lambdaParams: Set<string>) => {
      if (n instanceof g.ColumnReferenceContext) {
        const parts = this.parts(n.columnName().qualifiedName())
        if (!lambdaParams.has(parts[0]!)) found.push(...this.resolveColumn(parts, rels, outer))
        return
      }
      if (n instanceof g.LambdaContext) {
        const params = new Set(lambdaParams)
        for (const id of n.identifier()) params.add(identifierPart(id.getText()))
        walk(n.expression(), params)
        return
      }
      if (n instanceof g.QueryContext) {
        const shape = this.query(n, scope, [...rels, ...outer])
        // A scalar subquery's value is its (single) output column.
        if (isScalarSubquery(n) && shape.columns[0]) found.push(...shape.columns[0].sources)
        return
      }
      if (opts.joins && n instanceof g.PredicatedContext) this.recordJoin(n, rels, outer)
      for (const c of n.children ?? []) walk(c, lambdaParams)
    }
    walk(e, new Set())
    const bare = bareColumn(e)
    if (bare) plain = lastPart(this.parts(bare))
    const sources = dedupeColumns(found)
    return bare ? { name: plain, sources } : { sources, expression: this.text(e) }
  }

  /** Walks a subtree only for the queries it contains (sources; no column lineage). */
  private anyQueries(n: Node, visible: Relation[], scope: Scope): void {
    if (n instanceof g.QueryContext) {
      this.query(n, scope, visible)
      return
    }
    for (const c of n.children ?? []) this.anyQueries(c, visible, scope)
  }

  private recordJoin(p: InstanceType<typeof g.PredicatedContext>, rels: Relation[], outer: Relation[]): void {
    const cmp = p.predicate()
    if (!(cmp instanceof g.ComparisonContext) || cmp.comparisonOperator().getText() !== '=') return
    const left = bareColumn(p.valueExpression())
    const right = bareColumn(cmp.valueExpression())
    if (!left || !right) return
    this.addJoin(this.resolveColumn(this.parts(left), rels, outer), this.resolveColumn(this.parts(right), rels, outer))
  }

  private addJoin(a: ColumnRef[], b: ColumnRef[]): void {
    if (a.length === 1 && b.length === 1 && tableKey(a[0]!.table) !== tableKey(b[0]!.table)) this.joins.push([a[0]!, b[0]!])
  }

  /**
   * A column reference's base-table columns. `x.y…`: `x` an alias (or table name, or `schema.table`)
   * of a relation, then `y` its column (further parts are ROW fields); otherwise `x` is the column
   * and the rest ROW fields. An unqualified column resolves when exactly one relation can have it.
   */
  private resolveColumn(parts: string[], rels: Relation[], outer: Relation[]): ColumnRef[] {
    for (const scope of [rels, outer]) {
      for (const k of [3, 2, 1]) {
        if (parts.length <= k) continue
        const rel = findRelation(parts.slice(0, k), scope)
        if (rel) return columnOf(rel, parts[k]!)
      }
    }
    const column = parts[0]!
    for (const scope of [rels, outer]) {
      const derived = scope.filter((r) => r.shape && !r.shape.opaque && r.shape.columns.some((c) => c.name === column))
      const unknown = scope.filter((r) => r.table && !r.shape)
      if (derived.length === 1 && unknown.length === 0) return columnOf(derived[0]!, column)
      if (derived.length === 0 && unknown.length === 1) return columnOf(unknown[0]!, column)
      if (derived.length + unknown.length > 0) return []
    }
    return []
  }

  // -- names --------------------------------------------------------------------------------------

  private nameOf(n: Node): TableRef {
    return tableRef(this.parts(n), this.defaults)
  }

  /** The identifier parts under a name node (tableRef, qualifiedName, tableNameCreate …), normalised. */
  private parts(n: Node): string[] {
    const out: string[] = []
    const walk = (x: Node) => {
      if (x instanceof g.IdentifierContext) {
        out.push(identifierPart(x.getText()))
        return
      }
      for (const c of x.children ?? []) walk(c)
    }
    walk(n)
    return out
  }

  private text(n: Node): string {
    const start = n.start?.start
    const stop = n.stop?.stop
    if (start === undefined || stop === undefined || stop < start) return n.getText()
    return this.sql.slice(start, stop + 1)
  }
}

// -- helpers --------------------------------------------------------------------------------------

function lastPart(parts: string[]): string {
  return parts[parts.length - 1]!
}

/** The qualifiedName node when an expression is nothing but a column reference (`o.total_amount`). */
function bareColumn(e: Node): Node | undefined {
  let n: Node = e
  for (;;) {
    if (n instanceof g.ColumnReferenceContext) return n.columnName().qualifiedName()
    const kids = (n.children ?? []).filter((c) => c.children !== undefined && c.children !== null)
    const terminals = (n.children ?? []).length - kids.length
    if (kids.length !== 1 || terminals > 0) return undefined
    n = kids[0]!
  }
}

function isScalarSubquery(q: Node): boolean {
  // The QueryContext's parent chain: SubqueryExpressionContext (scalar) vs InSubquery / Exists.
  const parent = (q as unknown as { parent?: Node }).parent
  return parent instanceof g.SubqueryExpressionContext
}

function findRelation(qualifier: string[], rels: Relation[]): Relation | undefined {
  if (qualifier.length === 1) return rels.find((r) => r.alias === qualifier[0])
  // schema.table / catalog.schema.table: a base table named that way and not aliased otherwise.
  return rels.find((r) => {
    if (!r.table || (r.alias && r.alias !== r.table.table)) return false
    const name = [r.table.catalog, r.table.schema, r.table.table].filter((x): x is string => x !== undefined)
    return qualifier.every((q, i) => name[name.length - qualifier.length + i] === q)
  })
}

function columnOf(rel: Relation, column: string): ColumnRef[] {
  if (rel.shape) {
    if (rel.shape.opaque) {
      const named = rel.shape.columns.find((c) => c.name === column)
      return named ? named.sources : []
    }
    return rel.shape.columns.find((c) => c.name === column)?.sources ?? []
  }
  return rel.table ? [{ table: rel.table, column }] : []
}

/** Appends a relation's columns for `*`; true when they cannot be known (a base table, or an opaque shape). */
function expandStar(r: Relation, columns: OutputColumn[]): boolean {
  if (!r.shape || r.shape.opaque) return true
  columns.push(...r.shape.columns)
  return false
}

function renamed(shape: Shape, names: string[]): Shape {
  return { ...shape, columns: shape.columns.map((c, i) => (names[i] ? { ...c, name: names[i] } : c)) }
}

function union(a: Shape, b: Shape): Shape {
  const n = Math.max(a.columns.length, b.columns.length)
  const columns: OutputColumn[] = []
  for (let i = 0; i < n; i++) {
    const x = a.columns[i]
    const y = b.columns[i]
    columns.push({
      ...(x?.name ? { name: x.name } : {}),
      sources: dedupeColumns([...(x?.sources ?? []), ...(y?.sources ?? [])]),
      ...(x?.expression || y?.expression ? { expression: (x?.expression ?? y?.expression)! } : {}),
    })
  }
  return { columns, opaque: a.opaque || b.opaque }
}

function dedupeColumns(cols: ColumnRef[]): ColumnRef[] {
  const seen = new Map<string, ColumnRef>()
  for (const c of cols) seen.set(`${tableKey(c.table)}\u0000${c.column}`, c)
  return [...seen.values()]
}

function lineageEntry(target: TableRef | undefined, toColumn: string, from: OutputColumn): ColumnLineage {
  return { ...(target ? { target } : {}), toColumn, fromColumns: from.sources, ...(from.expression ? { function: from.expression } : {}) }
}

/** Target column ← source columns, positionally onto `names` when given (a column list), else by output name. */
function columnLineage(target: TableRef | undefined, shape: Shape, names: string[] | undefined): ColumnLineage[] {
  const out: ColumnLineage[] = []
  shape.columns.forEach((c, i) => {
    const name = names ? names[i] : c.name
    if (name && c.sources.length > 0) out.push(lineageEntry(target, name, c))
  })
  return out
}

/** MERGE can set one column in several WHEN clauses: one entry per column, sources merged. */
function mergeDuplicates(columns: ColumnLineage[]): ColumnLineage[] {
  const by = new Map<string, ColumnLineage>()
  for (const c of columns) {
    const prev = by.get(c.toColumn)
    if (!prev) by.set(c.toColumn, c)
    else by.set(c.toColumn, { ...prev, fromColumns: dedupeColumns([...prev.fromColumns, ...c.fromColumns]), ...(prev.function || c.function ? { function: prev.function ?? c.function } : {}) })
  }
  return [...by.values()]
}
