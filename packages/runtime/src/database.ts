/**
 * The database port is the `@cloudbase/node-sdk` database API itself (`@cloudbase/database`'s `Db`).
 * Domain code builds queries with it in both runtimes: in the cloud the SDK sends them to CloudBase,
 * locally `@aiphoto/local-runtime` executes the very same requests on SQLite.
 * NOTE: type-only import; this package stays free of SDK code at runtime.
 */
import type { Db } from '@cloudbase/database'

export type Database = Db

/** Shape of a `get()` result, as `@cloudbase/node-sdk` returns it. */
export interface GetResult<T> {
  data: T[]
  requestId?: string
}

/** Shape of a `doc(id).get()` result. node-sdk returns an array with zero or one document. */
export interface DocGetResult<T> {
  data: T[]
  requestId?: string
}

export interface UpdateResult {
  updated: number
  requestId?: string
}

export interface RemoveResult {
  deleted: number
  requestId?: string
}

export interface AddResult {
  id: string
  requestId?: string
}

/** One declared index: the same list creates SQLite expression indexes locally and CloudBase indexes in the cloud. */
export interface IndexSpec {
  collection: string
  name: string
  fields: Array<{ field: string; direction: 1 | -1 }>
  unique?: boolean
}
