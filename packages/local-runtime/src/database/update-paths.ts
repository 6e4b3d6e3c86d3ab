/**
 * MongoDB's rules for applying an update to one document, which CloudBase inherits (it runs MongoDB and passes
 * the write error through as its generic database error, `DATABASE_REQUEST_FAILED` "数据库请求失败,数据库通用错误",
 * https://docs.cloudbase.net/error-code/basic; node-sdk 3.17.2 `utils/utils.js` `TcbError` keeps `code`/`message`).
 *
 * `@cloudbase/database` 1.4.3 (`serializer/update.js`, `encodeUpdateObject`) flattens nested objects into dotted
 * `$set` paths, so `update({ result: { images } })` sends `$set: { 'result.images': ... }`, which only works when
 * `result` is missing or an object. These checks run on the whole update before anything is changed, so a
 * failing update writes nothing. Messages are MongoDB's own (the server's text is what the caller sees).
 */
import type { Doc } from './codec'
import { writeError } from './errors'
import { isPlainObject } from './validate'

/**
 * Operators that create the path when it is missing. The others ($unset, $pull, $pullAll, $pop, the source of
 * $rename) treat a missing or non-traversable path as a no-op.
 * mongodb/mongo src/mongo/db/update/modifier_node.cpp `applyToNonexistentElement` (allowCreation()),
 * unset_node.h / array_culling_node.h / pop_node.h (allowCreation() = false).
 */
const CREATING = new Set(['$set', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate', '$bit'])

/**
 * Throws MongoDB's error when `update` cannot be applied to `doc`; returns normally when it can (including the
 * no-op cases). `update` has already passed `validateUpdate` (operators and path syntax).
 */
export function assertUpdateApplicable(doc: Doc, update: Record<string, Record<string, unknown>>): void {
  for (const [op, fields] of Object.entries(update)) {
    for (const [path, arg] of Object.entries(fields)) {
      assertPath(doc, op, path)
      // $rename moves an existing value to the target, which is created like a $set
      // (mongodb/mongo src/mongo/db/update/rename_node.cpp applies a SetElementNode at the destination).
      if (op === '$rename' && typeof arg === 'string' && valueAt(doc, path) !== undefined) assertPath(doc, '$set', arg)
    }
  }
}

function valueAt(doc: Doc, path: string): unknown {
  let cur: unknown = doc
  for (const seg of path.split('.')) {
    const next = childOf(cur, seg)
    if (next === NOT_TRAVERSABLE || next === undefined) return undefined
    cur = next
  }
  return cur
}

function assertPath(doc: Doc, op: string, path: string): void {
  const segs = path.split('.')
  let parent: unknown = doc
  let parentName = ''
  let reached = true
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i]!
    const child = childOf(parent, seg)
    if (child === NOT_TRAVERSABLE) {
      // An array reached with a non-numeric part.
      // mongodb/mongo src/mongo/db/update/path_support.cpp `createPathAt`: PathNotViable
      // "Cannot create field '<part>' in element {<name>: <value>}".
      if (CREATING.has(op)) throw writeError(`Cannot create field '${seg}' in element {${parentName}: ${shellValue(parent)}}`)
      reached = false
      break
    }
    if (child === undefined) {
      reached = false // the rest of the path is created (creating operators) or the op is a no-op
      break
    }
    if (child === null || typeof child !== 'object' || child instanceof Date || child instanceof RegExp) {
      // A null or scalar parent cannot hold a field: same rule, same text, e.g.
      // "Cannot create field 'images' in element {result: null}" (path_support.cpp `createPathAt`, PathNotViable).
      if (CREATING.has(op)) throw writeError(`Cannot create field '${segs[i + 1]}' in element {${seg}: ${shellValue(child)}}`)
      reached = false
      break
    }
    parent = child
    parentName = seg
  }
  if (!reached) return
  const last = segs[segs.length - 1]!
  const current = childOf(parent, last)
  if (current === NOT_TRAVERSABLE) {
    if (CREATING.has(op)) throw writeError(`Cannot create field '${last}' in element {${parentName}: ${shellValue(parent)}}`)
    return
  }
  if (current === undefined) return
  assertLeaf(op, last, current, doc)
}

function assertLeaf(op: string, field: string, current: unknown, doc: Doc): void {
  const id = `_id: ${shellValue(doc._id)}`
  switch (op) {
    case '$inc':
    case '$mul':
      // mongodb/mongo src/mongo/db/update/arithmetic_node.cpp `updateExistingElement`: TypeMismatch.
      if (typeof current !== 'number') {
        throw writeError(`Cannot apply ${op} to a value of non-numeric type. {${id}} has the field '${field}' of non-numeric type ${typeName(current)}`)
      }
      return
    case '$push':
      // mongodb/mongo src/mongo/db/update/push_node.cpp `updateExistingElement`: BadValue.
      if (!Array.isArray(current)) {
        throw writeError(`The field '${field}' must be an array but is of type ${typeName(current)} in document {${id}}`)
      }
      return
    case '$addToSet':
      // mongodb/mongo src/mongo/db/update/addtoset_node.cpp `updateExistingElement`: BadValue.
      if (!Array.isArray(current)) {
        throw writeError(`Cannot apply $addToSet to non-array field. Field named '${field}' has non-array type ${typeName(current)}`)
      }
      return
    case '$pop':
      // mongodb/mongo src/mongo/db/update/pop_node.cpp `updateExistingElement`: TypeMismatch.
      if (!Array.isArray(current)) throw writeError(`Path '${field}' contains an element of non-array type '${typeName(current)}'`)
      return
    case '$pull':
    case '$pullAll':
      // mongodb/mongo src/mongo/db/update/array_culling_node.cpp `updateExistingElement`: BadValue.
      if (!Array.isArray(current)) throw writeError('Cannot apply $pull to a non-array value')
      return
    default:
      return
  }
}

const NOT_TRAVERSABLE = Symbol('not traversable')

function childOf(parent: unknown, seg: string): unknown {
  if (Array.isArray(parent)) {
    if (!/^\d+$/.test(seg)) return NOT_TRAVERSABLE
    return parent[Number(seg)]
  }
  if (isPlainObject(parent)) return Object.prototype.hasOwnProperty.call(parent, seg) ? parent[seg] : undefined
  return NOT_TRAVERSABLE
}

/** BSON type names as MongoDB prints them (`typeName()` in src/mongo/bson/bsontypes.cpp). */
export function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (v instanceof Date) return 'date'
  if (v instanceof RegExp) return 'regex'
  switch (typeof v) {
    case 'string':
      return 'string'
    case 'boolean':
      return 'bool'
    case 'number':
      return Number.isInteger(v) && Math.abs(v) <= 2 ** 31 - 1 ? 'int' : 'double'
    case 'object':
      return 'object'
    default:
      return typeof v
  }
}

/** A value the way the MongoDB server prints an element in messages (close enough to match by text). */
function shellValue(v: unknown): string {
  if (v === null) return 'null'
  if (v === undefined) return 'undefined'
  if (v instanceof Date) return `new Date(${v.getTime()})`
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v !== 'object') return String(v)
  if (Array.isArray(v)) return `[ ${v.map(shellValue).join(', ')} ]`
  return `{ ${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}: ${shellValue(x)}`)
    .join(', ')} }`
}
