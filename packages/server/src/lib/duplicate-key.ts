/**
 * Whether a database error is a unique-key violation (CloudBase `DATABASE_DUPLICATE_WRITE` / Mongo E11000),
 * as thrown by both the SDK and the local emulator. Idempotent inserts rely on it.
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  if (!e || typeof e !== 'object') return false
  return e.code === 'DATABASE_DUPLICATE_WRITE' || (typeof e.message === 'string' && /E11000|duplicate key/i.test(e.message))
}
