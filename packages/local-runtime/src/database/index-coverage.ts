/**
 * Whether a query would be served by one of the declared indexes on CloudBase, by CloudBase's and MongoDB's
 * documented rules (not by what SQLite happens to do locally). Used by tests that enumerate the product's
 * hot-path queries and fail when one has no index.
 *
 * Rules, each with its source:
 * 1. Prefix. A compound index is used only through a prefix of its fields: index (name, age, score) serves
 *    queries on name, name+age, name+age+score, never age or score alone.
 *    https://docs.cloudbase.net/database/data-index ("组合索引 … 支持前缀匹配查询", "索引前缀规则")
 * 2. Sort. The index provides the order only when the sort keys follow the index fields in order, with every
 *    direction the same as the index's or every one inverted; a sort on fields after the start of the index
 *    needs equality conditions on all the index fields before them.
 *    https://www.mongodb.com/docs/manual/tutorial/sort-results-with-indexes/ ("Sort on Multiple Fields",
 *    "Sort and Index Prefix", "Sort and Non-prefix Subset of an Index")
 *    Stricter than MongoDB where CloudBase documents nothing: an `$in` of several values or a range before the sort
 *    keys breaks the order (MongoDB may merge-sort `$in` branches; we do not count on it).
 * 3. Bounded. Every field the query constrains by equality, `$in` or a range is a key of the index, so the filter is
 *    decided on index keys and no document is read only to be thrown away (MongoDB filters on index keys before
 *    FETCH; https://www.mongodb.com/docs/manual/core/query-optimization/ "Covered Query"). A field with a negative or
 *    existence condition ($ne, $nin, $exists, $not, regular expressions) cannot bound an index and is ignored.
 * Equality on `_id` (doc(id) operations) is always served by the `_id` index.
 */
import type { IndexSpec } from '@aiphoto/runtime'
import { isPlainObject } from './validate'

export interface QueryShape {
  collection: string
  /** Fields compared for equality (`$eq`, a plain value, `$in` of one value). */
  eq: string[]
  /** Fields with `$in` of several values. */
  in: string[]
  /** Fields with `$gt/$gte/$lt/$lte` (and the leading field of a keyset `$or`). */
  range: string[]
  /** `orderBy` in order. */
  sort: Array<[string, 1 | -1]>
  /** Alternatives of a general `$or`: each is served separately (with the fields outside the `$or`). */
  or?: QueryShape[][]
}

export interface CoverageResult {
  served: boolean
  /** The index that serves it (or '_id_'). */
  index?: string
  /** Why no declared index serves it. */
  reasons: string[]
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte'])

/** The shape of a decoded MongoDB filter plus order, as the emulator receives them from `@cloudbase/database`. */
export function shapeOf(collection: string, query: Record<string, unknown> | null, sort: Array<[string, 1 | -1]>): QueryShape {
  const shape: QueryShape = { collection, eq: [], in: [], range: [], sort }
  if (query) addConditions(shape, query)
  shape.eq = [...new Set(shape.eq)]
  shape.in = [...new Set(shape.in)].filter((f) => !shape.eq.includes(f))
  shape.range = [...new Set(shape.range)].filter((f) => !shape.eq.includes(f))
  return shape
}

function addConditions(shape: QueryShape, query: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and') {
      for (const sub of value as Array<Record<string, unknown>>) addConditions(shape, sub)
      continue
    }
    if (key === '$or') {
      const branches = value as Array<Record<string, unknown>>
      const keyset = keysetField(branches)
      if (keyset) shape.range.push(keyset)
      else (shape.or ??= []).push(branches.map((b) => shapeOf(shape.collection, b, [])))
      continue
    }
    if (key === '$nor') continue
    addField(shape, key, value)
  }
}

function addField(shape: QueryShape, path: string, value: unknown): void {
  if (!isPlainObject(value) || !Object.keys(value).some((k) => k.startsWith('$'))) {
    if (!(value instanceof RegExp)) shape.eq.push(path)
    return
  }
  for (const [op, arg] of Object.entries(value)) {
    if (op === '$eq') shape.eq.push(path)
    else if (op === '$in' && Array.isArray(arg)) (arg.length === 1 ? shape.eq : shape.in).push(path)
    else if (RANGE_OPS.has(op)) shape.range.push(path)
  }
}

/** `$or: [{a: {$lt: X}}, {a: X, b: {$lt: Y}}]` (keyset pagination): a range on `a` in index terms. */
function keysetField(branches: Array<Record<string, unknown>>): string | null {
  if (branches.length !== 2) return null
  const [first, second] = branches
  const keys = Object.keys(first!)
  if (keys.length !== 1) return null
  const field = keys[0]!
  const cond = first![field]
  if (!isPlainObject(cond) || !Object.keys(cond).every((k) => RANGE_OPS.has(k))) return null
  return field in second! ? field : null
}

/** Whether one of `indexes` (of the shape's collection) serves the query under the rules above. */
export function coverage(shape: QueryShape, indexes: IndexSpec[]): CoverageResult {
  if (shape.or) {
    // Every branch of every $or must be served on its own (MongoDB plans each $or clause separately).
    const reasons: string[] = []
    const used: string[] = []
    for (const branches of shape.or) {
      for (const b of branches) {
        const merged: QueryShape = { ...shape, or: undefined, eq: [...shape.eq, ...b.eq], in: [...shape.in, ...b.in], range: [...shape.range, ...b.range] }
        const r = coverage(merged, indexes)
        if (!r.served) reasons.push(...r.reasons.map((x) => `$or branch: ${x}`))
        else used.push(r.index!)
      }
    }
    return reasons.length ? { served: false, reasons } : { served: true, index: [...new Set(used)].join('+'), reasons: [] }
  }
  // `_id` (equality or a list of ids) is served by the `_id` index every collection has.
  if ((shape.eq.includes('_id') || (shape.in.includes('_id') && shape.eq.length === 0 && shape.range.length === 0)) && shape.sort.length === 0) {
    return { served: true, index: '_id_', reasons: [] }
  }
  const reasons: string[] = []
  for (const spec of indexes.filter((i) => i.collection === shape.collection)) {
    const why = servedBy(shape, spec)
    if (why === null) return { served: true, index: spec.name, reasons: [] }
    reasons.push(`${spec.name}: ${why}`)
  }
  if (reasons.length === 0) reasons.push(`no index is declared on ${shape.collection}`)
  return { served: false, reasons }
}

/** null when `spec` serves `shape`; otherwise the rule it breaks. */
function servedBy(shape: QueryShape, spec: IndexSpec): string | null {
  const fields = spec.fields.map((f) => f.field)
  const bounded = [...shape.eq, ...shape.in, ...shape.range]
  const first = fields[0]!
  // Rule 1: the index's first field is constrained (or, with no filter at all, it is the first sort key).
  if (bounded.length > 0 ? !bounded.includes(first) : shape.sort[0]?.[0] !== first) return `its first field '${first}' is not in the query (prefix rule)`
  // Rule 3: every bounded field is a key of the index.
  const outside = bounded.filter((f) => !fields.includes(f))
  if (outside.length) return `'${outside.join("', '")}' not in the index, documents would be read to be filtered`
  // Rule 2: after the leading equality fields, the sort keys (minus fields fixed by equality) come next, all in
  // the index's directions or all inverted.
  const sort = shape.sort.filter(([f]) => !shape.eq.includes(f))
  if (sort.length === 0) return null
  let p = 0
  while (p < fields.length && shape.eq.includes(fields[p]!)) p++
  const inverted = sort[0]![1] !== spec.fields[p]?.direction
  for (let i = 0; i < sort.length; i++) {
    const idx = spec.fields[p + i]
    const [f, dir] = sort[i]!
    if (!idx || idx.field !== f) {
      const before = fields.slice(0, p + i + 1).find((x) => shape.in.includes(x) || shape.range.includes(x))
      return before
        ? `the sort on '${f}' comes after '${before}', which is not an equality (the index order is not the sort order)`
        : `the sort key '${f}' is not index field ${p + i + 1} after the equality prefix`
    }
    if ((dir !== idx.direction) !== inverted) return `the sort directions do not match the index's (${describe(spec)}) or all of them inverted`
  }
  return null
}

function describe(spec: IndexSpec): string {
  return spec.fields.map((f) => `${f.field} ${f.direction === 1 ? 'asc' : 'desc'}`).join(', ')
}
