/**
 * Keyset pagination on (created_at, _id), newest first. The seed paged on `_id` alone, which is not
 * time-ordered for CloudBase ids and skips or repeats items; ties in created_at are broken by _id.
 */
import { AppError } from '../errors'

export interface CursorPosition {
  t: number
  id: string
}

export function encodeCursor(pos: CursorPosition): string {
  return Buffer.from(JSON.stringify([pos.t, pos.id])).toString('base64url')
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && typeof parsed[0] === 'number' && Number.isFinite(parsed[0]) && typeof parsed[1] === 'string' && parsed[1].length <= 64) {
      return { t: parsed[0], id: parsed[1] }
    }
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', '分页参数无效', { field: 'cursor' })
}

/**
 * The "older than cursor" condition for `where`: created_at < t OR (created_at == t AND _id < id).
 * Usage: `coll.where(_.and([{ user_openid }, afterCursor(_, pos)])).orderBy('created_at','desc').orderBy('_id','desc')`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function olderThan(_: any, pos: CursorPosition, field = 'created_at'): Record<string, unknown> {
  const at = new Date(pos.t)
  return _.or([{ [field]: _.lt(at) }, { [field]: _.eq(at), _id: _.lt(pos.id) }])
}

/** Runs a page query that fetched `pageSize + 1` rows and returns items + next cursor. */
export function toPage<T extends { _id: string }>(rows: T[], pageSize: number, timeOf: (row: T) => Date): { rows: T[]; next_cursor: string | null } {
  const hasMore = rows.length > pageSize
  const pageRows = hasMore ? rows.slice(0, pageSize) : rows
  const last = pageRows[pageRows.length - 1]
  return { rows: pageRows, next_cursor: hasMore && last ? encodeCursor({ t: timeOf(last).getTime(), id: last._id }) : null }
}
