/**
 * Executes a filter + sort + skip + limit over one collection: SQL does what the planner could push down
 * (with LIMIT/OFFSET when the plan is exact and the order is pushable, so SQLite reads about a page of rows);
 * mingo re-checks inexact plans and sorts orders SQL cannot express.
 */
import { Query, find as mingoFind } from 'mingo'
import { decodeStored, type Doc } from './codec'
import { planFilter, planOrder } from './planner'
import type { SqliteStore } from './store'

export interface FindOptions {
  order: Array<[string, 1 | -1]>
  skip: number
  /** Infinity for "all" (updates, removes, counts). */
  limit: number
  /** False evaluates everything with mingo over a full scan (the reference for tests and the bench baseline). */
  pushdown: boolean
  /** Counts rows SQLite examines (slower; bench and explain only). */
  instrument?: boolean
}

export interface Candidate {
  k: string
  text: string
  ver: number
  doc?: Doc
}

export interface QueryTrace {
  collection: string
  sql: string
  params: unknown[]
  pushedDown: boolean
  exact: boolean
  orderInSql: boolean
  rowsFromSql: number
  rowsReturned: number
  /** Rows SQLite examined (only when instrumented). */
  rowsExamined?: number
}

export function findRows(
  store: SqliteStore,
  collection: string,
  query: Record<string, unknown> | null,
  opts: FindOptions,
  onTrace?: (t: QueryTrace) => void,
): Candidate[] {
  const ok = (p: string) => store.isScalarPath(collection, p)
  const plan = opts.pushdown ? planFilter(query, ok) : { where: '1', params: [], exact: !query || Object.keys(query).length === 0 }
  const orderSql = opts.order.length === 0 ? 'rowid' : opts.pushdown ? planOrder(opts.order, ok) : null
  const matcher = plan.exact ? null : new Query(query ?? {}, {})
  const sqlLimit = plan.exact && orderSql !== null && Number.isFinite(opts.limit)
  let where = plan.where
  if (opts.instrument) where = `xcount(k) AND (${where})`
  const sql =
    `SELECT k, doc AS text, ver FROM ${store.table(collection)} WHERE ${where}` +
    (orderSql ? ` ORDER BY ${orderSql}` : '') +
    (sqlLimit ? ` LIMIT ? OFFSET ?` : '')
  const params: unknown[] = sqlLimit ? [...plan.params, opts.limit, opts.skip] : plan.params
  const before = store.examined
  const stmt = store.prepared(sql)
  let rowsFromSql = 0
  let out: Candidate[]
  if (sqlLimit || (matcher === null && orderSql !== null)) {
    out = stmt.all(...params) as Candidate[]
    rowsFromSql = out.length
    if (!sqlLimit) out = out.slice(opts.skip, opts.skip + opts.limit)
  } else if (orderSql !== null) {
    // Ordered by SQL, filtered here: stop as soon as the page is full.
    out = []
    let skipped = 0
    for (const row of stmt.iterate(...params) as IterableIterator<Candidate>) {
      rowsFromSql++
      row.doc = decodeStored(row.text)
      if (!matcher!.test(row.doc)) continue
      if (skipped < opts.skip) {
        skipped++
        continue
      }
      out.push(row)
      if (out.length >= opts.limit) break
    }
  } else {
    const matched: Candidate[] = []
    for (const row of stmt.iterate(...params) as IterableIterator<Candidate>) {
      rowsFromSql++
      row.doc = decodeStored(row.text)
      if (matcher === null || matcher.test(row.doc)) matched.push(row)
    }
    out = sortWithMingo(matched, opts.order).slice(opts.skip, opts.skip + opts.limit)
  }
  if (onTrace) {
    onTrace({
      collection,
      sql,
      params,
      pushedDown: opts.pushdown,
      exact: plan.exact,
      orderInSql: orderSql !== null,
      rowsFromSql,
      rowsReturned: out.length,
      ...(opts.instrument ? { rowsExamined: store.examined - before } : {}),
    })
  }
  return out
}

/** Counts matches; exact plans count in SQL. */
export function countRows(store: SqliteStore, collection: string, query: Record<string, unknown> | null, pushdown: boolean): number {
  const ok = (p: string) => store.isScalarPath(collection, p)
  const plan = pushdown ? planFilter(query, ok) : { where: '1', params: [], exact: !query || Object.keys(query).length === 0 }
  if (plan.exact) {
    return (store.prepared(`SELECT count(*) AS n FROM ${store.table(collection)} WHERE ${plan.where}`).get(...plan.params) as { n: number }).n
  }
  const matcher = new Query(query ?? {}, {})
  let n = 0
  for (const row of store.prepared(`SELECT doc FROM ${store.table(collection)} WHERE ${plan.where}`).iterate(...plan.params) as IterableIterator<{ doc: string }>) {
    if (matcher.test(decodeStored(row.doc))) n++
  }
  return n
}

function sortWithMingo(rows: Candidate[], order: Array<[string, 1 | -1]>): Candidate[] {
  if (order.length === 0) return rows
  const spec: Record<string, 1 | -1> = {}
  for (const [p, d] of order) spec[p] = d
  if (!('_id' in spec)) spec['_id'] = order[order.length - 1]![1]
  // mingo sorts documents; carry the row along under a symbol-free wrapper key.
  const wrapped = rows.map((r, i) => ({ ...(r.doc as Doc), __local_row__: i }))
  const sorted = mingoFind(wrapped, {}).sort(spec).all() as Array<{ __local_row__: number }>
  return sorted.map((w) => rows[w.__local_row__]!)
}
