/**
 * One order-preserving TEXT key per value, so SQLite compares, indexes and sorts values exactly as MongoDB does
 * for scalars: a type prefix in BSON type order (null/missing < numbers < strings < objects < arrays < booleans
 * < dates), then an encoding whose binary order is the value order. Range predicates are bracketed to the
 * prefix, which gives MongoDB's "compare within a type" semantics without any fallback.
 */
import { encodeWire } from './codec'

export const TYPE_PREFIX = {
  null: '1',
  number: '2',
  string: '3',
  object: '4',
  array: '5',
  boolean: '8',
  date: '9',
} as const

const view = new DataView(new ArrayBuffer(8))

/** Order-preserving 16-hex-digit encoding of a float64 (NaN sorts below every number, as in MongoDB). */
export function encodeNumber(n: number): string {
  if (Number.isNaN(n)) return '0000000000000000'
  view.setFloat64(0, n === 0 ? 0 : n)
  let hi = view.getUint32(0)
  let lo = view.getUint32(4)
  if (hi & 0x80000000) {
    hi = ~hi >>> 0
    lo = ~lo >>> 0
  } else {
    hi = (hi | 0x80000000) >>> 0
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0')
}

/** Whether a value has an exact, order-faithful key (what the planner may push down). */
export function isKeyableScalar(v: unknown): boolean {
  if (v === null) return true
  if (typeof v === 'string' || typeof v === 'boolean') return true
  if (typeof v === 'number') return Number.isFinite(v)
  if (v instanceof Date) return !Number.isNaN(v.getTime())
  return false
}

/** The key of a JS value; `undefined` (a missing field) keys like null, as MongoDB sorts and matches them. */
export function keyOf(v: unknown): string {
  if (v === null || v === undefined) return TYPE_PREFIX.null
  switch (typeof v) {
    case 'number':
      return TYPE_PREFIX.number + encodeNumber(v)
    case 'string':
      return TYPE_PREFIX.string + v
    case 'boolean':
      return TYPE_PREFIX.boolean + (v ? '1' : '0')
    default:
      if (v instanceof Date) return TYPE_PREFIX.date + encodeNumber(v.getTime())
      // Same text SQLite's `->` yields for the stored fragment, so JS-side and SQL-side keys agree.
      if (Array.isArray(v)) return TYPE_PREFIX.array + encodeWire(v)
      return TYPE_PREFIX.object + encodeWire(v)
  }
}

/** Upper bound of a type bracket: the next prefix character. */
export function nextPrefix(prefix: string): string {
  return String.fromCharCode(prefix.charCodeAt(0) + 1)
}

/**
 * The SQL function `ck(json)`: key of a JSON fragment as produced by SQLite's `doc -> '$.path'` (NULL when the
 * path is missing). Registered deterministic so it can back expression indexes.
 */
export function keyOfJsonFragment(fragment: string | null): string {
  if (fragment === null) return TYPE_PREFIX.null
  const c = fragment.charCodeAt(0)
  if (c === 0x22 /* " */) return TYPE_PREFIX.string + (JSON.parse(fragment) as string)
  if (c === 0x7b /* { */) {
    if (fragment.startsWith('{"$date":{"$numberLong":"')) {
      return TYPE_PREFIX.date + encodeNumber(Number(fragment.slice(25, fragment.indexOf('"', 25))))
    }
    if (fragment.startsWith('{"$numberDouble":"')) {
      const v = fragment.slice(18, fragment.indexOf('"', 18))
      return TYPE_PREFIX.number + encodeNumber(v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity)
    }
    return TYPE_PREFIX.object + fragment
  }
  if (c === 0x5b /* [ */) return TYPE_PREFIX.array + fragment
  if (c === 0x74 /* t */) return TYPE_PREFIX.boolean + '1'
  if (c === 0x66 /* f */) return TYPE_PREFIX.boolean + '0'
  if (c === 0x6e /* n */) return TYPE_PREFIX.null
  return TYPE_PREFIX.number + encodeNumber(Number(fragment))
}
