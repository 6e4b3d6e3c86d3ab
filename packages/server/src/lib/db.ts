/**
 * Small helpers over the `@cloudbase/node-sdk` database API that every module uses.
 * NOTE: `@cloudbase/database` returns `{ code, message }` objects instead of throwing in some
 * configurations; `must` turns those into exceptions so no error is ever mistaken for data.
 */
import { isCollectionNotExistError, type Database } from '@aiphoto/runtime'

/**
 * What code that may run inside a transaction uses: `collection(name).doc(id)` and `.add()`, nothing else.
 * `@cloudbase/database` 1.4.3 sends the transaction id only with doc() operations and add()
 * (`document.js`, `collection.js`); `where().update/remove` and `count()` on a transaction's collection carry no
 * transaction id (`query.js`), so inside a callback they would silently run outside it, and `where().get()` is
 * refused by CloudBase. Typing the callback's handle this way makes such a call a compile error. The database
 * itself also fits this type, so helpers such as `getDoc` take either.
 */
export interface DbScope {
  collection(name: string): Pick<ReturnType<Database['collection']>, 'doc' | 'add'>
}

export class DatabaseError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'DatabaseError'
    this.code = code
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function must<T>(res: T): T {
  const r = res as { code?: unknown; message?: unknown } | null
  if (r && typeof r === 'object' && typeof r.code === 'string' && r.code) {
    throw new DatabaseError(r.code, String(r.message ?? r.code))
  }
  return res
}

/** Reads one document by id; works outside (`{ data: [doc] }`) and inside a transaction (`{ data: doc | null }`). */
export async function getDoc<T>(scope: DbScope, collection: string, id: string): Promise<T | null> {
  let res: { data: unknown }
  try {
    res = must(await scope.collection(collection).doc(id).get())
  } catch (err) {
    // NOTE: CloudBase answers a doc-get on a missing collection with an error, which means "no such doc" here.
    if (isCollectionNotExistError(err)) return null
    throw err
  }
  const data = res.data
  if (Array.isArray(data)) return (data[0] as T | undefined) ?? null
  return (data as T | null) ?? null
}

/**
 * An update patch whose embedded-object values replace the stored field whole (`_.set()`), instead of being
 * merged. `@cloudbase/database` turns a nested object in `update()` into dotted `$set` paths, which CloudBase
 * (MongoDB) refuses when the stored field is null or a scalar ("Cannot create field … in element {result: null}",
 * DATABASE_REQUEST_FAILED) — so a patch that writes an object onto a nullable field must go through this.
 */
export function wholeFields<T extends object>(db: Database, patch: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(patch)) out[k] = isEmbeddedObject(v) ? db.command.set(v) : v
  return out as T
}

function isEmbeddedObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v) as unknown
  // Commands (`_.inc()` …), Dates and other class instances are not embedded documents.
  return proto === Object.prototype || proto === null
}

/** Reads with a where + limit(1). */
export async function findOne<T>(db: Database, collection: string, where: object): Promise<T | null> {
  const res = must(await db.collection(collection).where(where).limit(1).get()) as { data: T[] }
  return res.data[0] ?? null
}

export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string') return new Date(value).toISOString()
  if (typeof value === 'number') return new Date(value).toISOString()
  return new Date(0).toISOString()
}

export function toIsoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toIso(value)
}
