/**
 * Small helpers over the `@cloudbase/node-sdk` database API that every module uses.
 * NOTE: `@cloudbase/database` returns `{ code, message }` objects instead of throwing in some
 * configurations; `must` turns those into exceptions so no error is ever mistaken for data.
 */
import { isCollectionNotExistError, type Database } from '@aiphoto/runtime'

/** A transaction handle (`db.runTransaction(fn)`'s argument) or the database itself: both have `collection()`. */
export type DbScope = Pick<Database, 'collection'>

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
