/**
 * Turns a MongoDB filter into SQL on `ck(doc -> '$.path')` keys. Every pushed predicate is exactly equivalent to
 * MongoDB's for that predicate (scalar values only, type-bracketed ranges, paths never seen holding arrays or
 * embedded objects). Anything else is left out of the SQL and the plan is marked inexact, so the whole filter is
 * re-checked with mingo: SQL only ever narrows to a superset of the true matches.
 */
import { isKeyableScalar, keyOf, nextPrefix } from './sort-key'
import { existsExpr, pathExpr } from './store'
import { isPlainObject } from './validate'

export interface Cond {
  sql: string
  params: string[]
}

export interface FilterPlan {
  /** SQL boolean expression (a superset of the matches when `exact` is false). */
  where: string
  params: string[]
  /** True when `where` alone decides the filter, so no row needs re-checking. */
  exact: boolean
}

/** Whether a path may be pushed down for the collection (no arrays/embedded objects ever seen there). */
export type PathCheck = (path: string) => boolean

export function planFilter(query: Record<string, unknown> | null, scalarPath: PathCheck): FilterPlan {
  if (!query || Object.keys(query).length === 0) return { where: '1', params: [], exact: true }
  const { parts, exact } = planAnd(query, scalarPath)
  return { where: parts.length ? parts.map((p) => `(${p.sql})`).join(' AND ') : '1', params: parts.flatMap((p) => p.params), exact }
}

function planAnd(query: Record<string, unknown>, ok: PathCheck): { parts: Cond[]; exact: boolean } {
  const parts: Cond[] = []
  let exact = true
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and') {
      for (const sub of mergeFieldRanges(value as Array<Record<string, unknown>>)) {
        const r = planAnd(sub, ok)
        parts.push(...r.parts)
        exact &&= r.exact
      }
      continue
    }
    if (key === '$or' || key === '$nor') {
      const branches = value as Array<Record<string, unknown>>
      const keyset = key === '$or' ? planKeyset(branches, ok) : null
      if (keyset) {
        parts.push(keyset)
        continue
      }
      const subs = branches.map((b) => exactCond(b, ok))
      if (subs.some((s) => s === null)) {
        exact = false
        continue
      }
      const ors = (subs as Cond[]).map((s) => `(${s.sql})`).join(' OR ')
      parts.push({ sql: key === '$or' ? ors : `NOT (${ors})`, params: (subs as Cond[]).flatMap((s) => s.params) })
      continue
    }
    const cond = planField(key, value, ok)
    if (cond) parts.push(cond)
    else exact = false
  }
  return { parts, exact }
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte'])

/**
 * `_.gte(A).and(_.lt(B))` reaches us as `$and: [{ f: { $gte: A } }, { f: { $lt: B } }]`: the same conditions as
 * `{ f: { $gte: A, $lt: B } }` (MongoDB applies both to the field either way, arrays included), merged so the
 * range is planned as one seek (see boundedRange).
 */
function mergeFieldRanges(subs: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const merged = new Map<string, Record<string, unknown>>()
  const rest: Array<Record<string, unknown>> = []
  for (const sub of subs) {
    const keys = Object.keys(sub)
    const field = keys[0]
    const ops = field !== undefined && keys.length === 1 && !field.startsWith('$') ? sub[field] : undefined
    if (!isPlainObject(ops) || !Object.keys(ops).every((op) => RANGE_OPS.has(op))) {
      rest.push(sub)
      continue
    }
    const into = merged.get(field!) ?? {}
    if (Object.keys(ops).some((op) => op in into)) {
      rest.push(sub)
      continue
    }
    merged.set(field!, { ...into, ...ops })
  }
  return [...[...merged].map(([field, ops]) => ({ [field]: ops })), ...rest]
}

function exactCond(query: Record<string, unknown>, ok: PathCheck): Cond | null {
  const r = planAnd(query, ok)
  if (!r.exact) return null
  if (r.parts.length === 0) return { sql: '1', params: [] }
  return { sql: r.parts.map((p) => `(${p.sql})`).join(' AND '), params: r.parts.flatMap((p) => p.params) }
}

function planField(path: string, value: unknown, ok: PathCheck): Cond | null {
  if (!ok(path)) return null
  const expr = pathExpr(path)
  if (expr === null) return null
  if (isPlainObject(value)) {
    const ops = Object.entries(value)
    if (ops.length === 0 || !ops.every(([k]) => k.startsWith('$'))) return null // embedded-document equality
    const bounded = boundedRange(expr, ops)
    if (bounded) return bounded
    const conds: Cond[] = []
    for (const [op, arg] of ops) {
      const c = planOperator(path, expr, op, arg, ok)
      if (!c) return null
      conds.push(c)
    }
    return { sql: conds.map((c) => `(${c.sql})`).join(' AND '), params: conds.flatMap((c) => c.params) }
  }
  return eq(expr, value)
}

function eq(expr: string, v: unknown): Cond | null {
  if (!isKeyableScalar(v)) return null
  return { sql: `${expr} = ?`, params: [keyOf(v)] }
}

function planOperator(path: string, expr: string, op: string, arg: unknown, ok: PathCheck): Cond | null {
  switch (op) {
    case '$eq':
      return eq(expr, arg)
    case '$ne': {
      const c = eq(expr, arg)
      return c && { sql: `${expr} <> ?`, params: c.params }
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return range(expr, op, arg)
    case '$in':
    case '$nin': {
      const values = arg as unknown[]
      if (!values.every(isKeyableScalar)) return null
      if (values.length === 0) return { sql: op === '$in' ? '0' : '1', params: [] }
      const marks = values.map(() => '?').join(', ')
      return { sql: `${expr} ${op === '$in' ? 'IN' : 'NOT IN'} (${marks})`, params: values.map(keyOf) }
    }
    case '$exists': {
      const e = existsExpr(path)
      if (e === null) return null
      return { sql: arg ? e : `NOT (${e})`, params: [] }
    }
    case '$not': {
      if (!isPlainObject(arg)) return null
      const inner = planField(path, arg, ok)
      return inner && { sql: `NOT (${inner.sql})`, params: inner.params }
    }
    default:
      return null
  }
}

function range(expr: string, op: string, v: unknown): Cond | null {
  // NOTE: ranges against null follow quirks that differ between MongoDB versions and mingo; leave them to mingo.
  if (v === null || !isKeyableScalar(v)) return null
  const key = keyOf(v)
  const prefix = key[0]!
  switch (op) {
    case '$gt':
      return { sql: `${expr} > ? AND ${expr} < ?`, params: [key, nextPrefix(prefix)] }
    case '$gte':
      return { sql: `${expr} >= ? AND ${expr} < ?`, params: [key, nextPrefix(prefix)] }
    case '$lt':
      return { sql: `${expr} < ? AND ${expr} >= ?`, params: [key, prefix] }
    default:
      return { sql: `${expr} <= ? AND ${expr} >= ?`, params: [key, prefix] }
  }
}

/**
 * `{ $gte: A, $lt: B }` of one type: one seekable range `A <= x < B`. Planned separately, each bound would carry
 * its own type bracket (`x < <next type>`), and SQLite may seek on the bracket instead of B, reading on to the
 * end of the index (a day's roll-up read every later day).
 */
function boundedRange(expr: string, ops: Array<[string, unknown]>): Cond | null {
  if (ops.length !== 2) return null
  const lower = ops.find(([op]) => op === '$gt' || op === '$gte')
  const upper = ops.find(([op]) => op === '$lt' || op === '$lte')
  if (!lower || !upper) return null
  const [lo, hi] = [lower[1], upper[1]]
  if (lo === null || hi === null || !isKeyableScalar(lo) || !isKeyableScalar(hi)) return null
  const [klo, khi] = [keyOf(lo), keyOf(hi)]
  // Different types: each bound keeps its own bracket (the general path).
  if (klo[0] !== khi[0]) return null
  return { sql: `${expr} ${lower[0] === '$gt' ? '>' : '>='} ? AND ${expr} ${upper[0] === '$lt' ? '<' : '<='} ?`, params: [klo, khi] }
}

/**
 * Keyset pagination `$or: [{a: {$lt: X}}, {a: X, b: {$lt: Y}}]` (or `$gt`) becomes a
 * range seek on `ka` (SQLite scans from the cursor, not from the top), plus the type brackets that keep
 * MongoDB's semantics.
 */
function planKeyset(branches: Array<Record<string, unknown>>, ok: PathCheck): Cond | null {
  if (branches.length !== 2) return null
  const [first, second] = branches as [Record<string, unknown>, Record<string, unknown>]
  const firstKeys = Object.keys(first)
  const secondKeys = Object.keys(second)
  if (firstKeys.length !== 1 || secondKeys.length !== 2) return null
  const a = firstKeys[0]!
  const b = secondKeys.find((k) => k !== a)
  if (!b || !secondKeys.includes(a) || a.startsWith('$') || b.startsWith('$')) return null
  const firstOp = singleOp(first[a])
  const secondOp = singleOp(second[b])
  if (!firstOp || !secondOp) return null
  const dir = firstOp.op
  if ((dir !== '$lt' && dir !== '$gt') || secondOp.op !== dir) return null
  const aEq = isPlainObject(second[a]) ? singleOp(second[a]) : { op: '$eq', arg: second[a] }
  if (!aEq || aEq.op !== '$eq') return null
  const x = firstOp.arg
  const y = secondOp.arg
  if (x === null || y === null || !isKeyableScalar(x) || !isKeyableScalar(y) || !sameValue(aEq.arg, x)) return null
  if (!ok(a) || !ok(b)) return null
  const ea = pathExpr(a)
  const eb = pathExpr(b)
  if (!ea || !eb) return null
  const kx = keyOf(x)
  const ky = keyOf(y)
  const px = kx[0]!
  const py = ky[0]!
  // NOTE: SQLite does not match row values against expression indexes, so the bound on the first key is kept
  // scalar (`ka <= X`, a range seek) and the tie on X is resolved per row; only rows equal to X are re-checked.
  if (dir === '$lt') {
    return {
      sql: `${ea} <= ? AND ${ea} >= ? AND (${ea} < ? OR ${eb} < ?) AND (${ea} < ? OR ${eb} >= ?)`,
      params: [kx, px, kx, ky, kx, py],
    }
  }
  return {
    sql: `${ea} >= ? AND ${ea} < ? AND (${ea} > ? OR ${eb} > ?) AND (${ea} > ? OR ${eb} < ?)`,
    params: [kx, nextPrefix(px), kx, ky, kx, nextPrefix(py)],
  }
}

function singleOp(v: unknown): { op: string; arg: unknown } | null {
  if (!isPlainObject(v)) return null
  const entries = Object.entries(v)
  if (entries.length !== 1) return null
  const [op, arg] = entries[0]!
  return op.startsWith('$') ? { op, arg } : null
}

function sameValue(a: unknown, b: unknown): boolean {
  return isKeyableScalar(a) && keyOf(a) === keyOf(b)
}

/** ORDER BY for a sort spec, or null when any path may hold arrays/objects (then mingo sorts). */
export function planOrder(order: Array<[string, 1 | -1]>, ok: PathCheck): string | null {
  const terms: string[] = []
  for (const [path, dir] of order) {
    if (!ok(path)) return null
    const expr = pathExpr(path)
    if (!expr) return null
    terms.push(`${expr} ${dir === -1 ? 'DESC' : 'ASC'}`)
  }
  // A total order: ties broken by _id in the direction of the last key (so a declared index can serve it),
  // the same rule the mingo path applies.
  if (!order.some(([p]) => p === '_id')) terms.push(`k ${order[order.length - 1]![1] === -1 ? 'DESC' : 'ASC'}`)
  return terms.join(', ')
}
