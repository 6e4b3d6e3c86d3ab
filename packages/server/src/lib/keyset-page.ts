/** One page of a collection, newest first, keyset-paginated on (created_at, _id) — see lib/cursor.ts. */
import type { Runtime } from '@aiphoto/runtime'
import { decodeCursor, olderThan, toPage } from './cursor'
import { must } from './db'

export interface PageInput {
  pageSize: number
  cursor?: string | undefined
}

export async function keysetPage<T extends { _id: string; created_at: Date }>(rt: Runtime, collection: string, filter: Record<string, unknown>, input: PageInput) {
  const _ = rt.db.command
  const where = input.cursor ? _.and([filter, olderThan(_, decodeCursor(input.cursor))]) : filter
  const res = must(
    await rt.db.collection(collection).where(where).orderBy('created_at', 'desc').orderBy('_id', 'desc').limit(input.pageSize + 1).get(),
  ) as { data: T[] }
  return toPage(res.data, input.pageSize, (row) => new Date(row.created_at))
}
