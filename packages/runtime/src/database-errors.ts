/**
 * Recognising database errors without importing an SDK. CloudBase (`@cloudbase/node-sdk`) throws
 * `{ code: 'DATABASE_DUPLICATE_WRITE', message: '... E11000 duplicate key ...', requestId }`; `wx-server-sdk`
 * reports `errCode: -502001` with the MongoDB E11000 text; the local emulator throws the node-sdk shape.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false
  const e = err as { code?: unknown; errCode?: unknown; message?: unknown; errMsg?: unknown }
  if (e.code === 'DATABASE_DUPLICATE_WRITE') return true
  const text = `${typeof e.message === 'string' ? e.message : ''} ${typeof e.errMsg === 'string' ? e.errMsg : ''}`
  return /E11000|duplicate key/i.test(text)
}

/** A transaction lost to a concurrent write; `runTransaction` already retried it. */
export function isTransactionConflictError(err: unknown): boolean {
  return err !== null && typeof err === 'object' && (err as { code?: unknown }).code === 'DATABASE_TRANSACTION_CONFLICT'
}

/** The collection was never created (CloudBase does not create collections on first write). */
export function isCollectionNotExistError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false
  const e = err as { code?: unknown; errCode?: unknown }
  return e.code === 'DATABASE_COLLECTION_NOT_EXIST' || e.errCode === -502005
}
