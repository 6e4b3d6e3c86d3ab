/**
 * Input checks done before anything is written, so bad input fails with a clear INVALID_PARAM and changes nothing.
 * The rules are CloudBase's (MongoDB's) where they are documented; see docs/database-emulator.md.
 */
import { invalidParam, writeError } from './errors'

/** MongoDB's BSON document limit, which CloudBase (built on MongoDB) inherits. Measured on our JSON encoding. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
/** CloudBase's ceiling on `limit()`; the SDK already caps at 1000 and defaults to 100. */
export const MAX_LIMIT = 1000
export const DEFAULT_LIMIT = 100
const MAX_DEPTH = 100

const COLLECTION_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/

export function validateCollectionName(name: unknown): string {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name) || name.startsWith('system.')) {
    throw invalidParam(
      `invalid collection name ${JSON.stringify(name)}: 1-64 characters of letters, digits, '_', '-' or '.', not starting with '.'`,
    )
  }
  return name
}

/** A dotted field path as used in queries, orderBy, field() and update operators. */
export function validateFieldPath(path: string, what = 'field path'): string {
  if (typeof path !== 'string' || path.length === 0) throw invalidParam(`${what} must be a non-empty string`)
  for (const seg of path.split('.')) {
    if (seg.length === 0) throw invalidParam(`invalid ${what} '${path}': empty segment (e.g. '..')`)
    if (seg.startsWith('$')) throw invalidParam(`invalid ${what} '${path}': segment '${seg}' starts with '$'`)
  }
  return path
}

/** Field names inside stored documents: no '$' prefix, no '.', bounded depth. */
export function validateDocumentKeys(value: unknown, depth = 0): void {
  if (depth > MAX_DEPTH) throw invalidParam(`document nests deeper than ${MAX_DEPTH} levels`)
  if (value === null || typeof value !== 'object' || value instanceof Date) return
  if (value instanceof RegExp) return
  if (Array.isArray(value)) {
    for (const v of value) validateDocumentKeys(v, depth + 1)
    return
  }
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) throw invalidParam(`invalid field name '${k}': field names cannot start with '$'`)
    if (k.includes('.')) throw invalidParam(`invalid field name '${k}': field names cannot contain '.'`)
    validateDocumentKeys(v, depth + 1)
  }
}

export function validateDocumentSize(text: string, max: number): void {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > max) throw invalidParam(`document is ${bytes} bytes, over the ${max}-byte limit`)
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

const FIELD_OPERATORS = new Set([
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$all', '$elemMatch', '$exists', '$size', '$mod',
  '$regex', '$options', '$not', '$type',
])
const LOGICAL_OPERATORS = new Set(['$and', '$or', '$nor'])
const UNSUPPORTED_LOCALLY = new Set(['$geoNear', '$nearSphere', '$near', '$geoWithin', '$geoIntersects'])

/** Rejects anything that is not a plain MongoDB filter built from CloudBase's operators. */
export function validateQuery(query: unknown, depth = 0): asserts query is Record<string, unknown> {
  if (!isPlainObject(query)) throw invalidParam('query must be an object')
  if (depth > MAX_DEPTH) throw invalidParam('query nests too deeply')
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith('$')) {
      if (!LOGICAL_OPERATORS.has(key)) throw invalidParam(`unknown or forbidden top-level operator '${key}'`)
      if (!Array.isArray(value) || value.length === 0) throw invalidParam(`${key} needs a non-empty array`)
      for (const sub of value) validateQuery(sub, depth + 1)
      continue
    }
    validateFieldPath(key)
    validateFieldCondition(key, value, depth)
  }
}

function validateFieldCondition(path: string, value: unknown, depth: number): void {
  if (!isPlainObject(value)) return
  const keys = Object.keys(value)
  const ops = keys.filter((k) => k.startsWith('$'))
  if (ops.length === 0) return // equality with an embedded document
  if (ops.length !== keys.length) throw invalidParam(`field '${path}' mixes operators and plain fields`)
  for (const op of ops) {
    const arg = value[op]
    if (UNSUPPORTED_LOCALLY.has(op)) throw invalidParam(`operator '${op}' (geo) is not supported by the local emulator`)
    if (!FIELD_OPERATORS.has(op)) throw invalidParam(`unknown operator '${op}' on field '${path}'`)
    if ((op === '$in' || op === '$nin' || op === '$all') && !Array.isArray(arg)) throw invalidParam(`${op} needs an array`)
    if (op === '$exists' && typeof arg !== 'boolean') throw invalidParam('$exists needs a boolean')
    if (op === '$size' && !(Number.isInteger(arg) && (arg as number) >= 0)) throw invalidParam('$size needs a non-negative integer')
    if (op === '$not') {
      if (!(arg instanceof RegExp) && !isPlainObject(arg)) throw invalidParam('$not needs an operator expression or a regular expression')
      if (isPlainObject(arg)) validateFieldCondition(path, arg, depth + 1)
    }
    if (op === '$elemMatch') {
      if (!isPlainObject(arg)) throw invalidParam('$elemMatch needs an object')
      // Either a query on the elements' fields or operators on the elements themselves.
      const inner = Object.keys(arg)
      if (inner.every((k) => k.startsWith('$') && !LOGICAL_OPERATORS.has(k))) validateFieldCondition(path, arg, depth + 1)
      else validateQuery(arg, depth + 1)
    }
  }
}

const UPDATE_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$min', '$max', '$push', '$pull', '$pullAll', '$addToSet', '$pop', '$rename', '$bit',
])

/** An update document in operator form (what `doc.update` / `where().update` send with `merge: true`). */
export function validateUpdate(update: unknown): asserts update is Record<string, Record<string, unknown>> {
  if (!isPlainObject(update)) throw invalidParam('update data must be an object')
  const ops = Object.keys(update)
  if (ops.length === 0) throw invalidParam('update data must not be empty')
  const touched = new Set<string>()
  for (const op of ops) {
    if (!UPDATE_OPERATORS.has(op)) throw invalidParam(`unknown update operator '${op}'`)
    const fields = update[op]
    if (!isPlainObject(fields)) throw invalidParam(`${op} needs an object of field paths`)
    for (const [path, arg] of Object.entries(fields)) {
      validateFieldPath(path)
      if (path === '_id' || path.startsWith('_id.')) throw invalidParam("cannot update the immutable field '_id'")
      // Two operators on the same path, or on a path and its prefix, are refused before anything is applied.
      // mongodb/mongo src/mongo/db/update/update_object_node.cpp `parseAndMerge`: ConflictingUpdateOperators
      // "Updating the path 'a.b' would create a conflict at 'a'".
      for (const other of touched) {
        if (other === path || path.startsWith(other + '.')) {
          throw writeError(`Updating the path '${path}' would create a conflict at '${other}'`)
        }
        if (other.startsWith(path + '.')) throw writeError(`Updating the path '${other}' would create a conflict at '${path}'`)
      }
      touched.add(path)
      if ((op === '$inc' || op === '$mul') && (typeof arg !== 'number' || !Number.isFinite(arg))) {
        throw invalidParam(`${op} on '${path}' needs a finite number`)
      }
      if (op === '$rename') {
        if (typeof arg !== 'string') throw invalidParam('$rename needs a string target')
        validateFieldPath(arg)
        if (arg === '_id') throw invalidParam("cannot rename to '_id'")
        touched.add(arg)
      }
      if (op === '$set' || op === '$push' || op === '$addToSet' || op === '$min' || op === '$max') validateDocumentKeysInUpdate(arg)
    }
  }
}

function validateDocumentKeysInUpdate(arg: unknown): void {
  // `$push`/`$addToSet` modifiers ($each, $position, $slice, $sort) are operator keys, the rest is data.
  if (isPlainObject(arg) && Object.keys(arg).some((k) => k === '$each')) {
    for (const [k, v] of Object.entries(arg)) {
      if (!['$each', '$position', '$slice', '$sort'].includes(k)) throw invalidParam(`unknown modifier '${k}'`)
      if (k === '$each') validateDocumentKeys(v)
    }
    return
  }
  validateDocumentKeys(arg)
}
