/**
 * Errors shaped exactly like `@cloudbase/node-sdk`'s: its requester throws `TcbError` (an `Error` with
 * `code`, `message`, `requestId`) whenever the database API answers with a `code`. The emulator answers
 * with the same codes CloudBase uses, so `isDuplicateKeyError` and friends work on both.
 */
export const DB_ERROR = {
  INVALID_PARAM: 'INVALID_PARAM',
  COLLECTION_NOT_EXIST: 'DATABASE_COLLECTION_NOT_EXIST',
  COLLECTION_ALREADY_EXIST: 'DATABASE_COLLECTION_ALREADY_EXIST',
  DUPLICATE_WRITE: 'DATABASE_DUPLICATE_WRITE',
  TRANSACTION_CONFLICT: 'DATABASE_TRANSACTION_CONFLICT',
  TRANSACTION_FAIL: 'DATABASE_TRANSACTION_FAIL',
  REQUEST_FAILED: 'DATABASE_REQUEST_FAILED',
} as const

export type DbErrorCode = (typeof DB_ERROR)[keyof typeof DB_ERROR]

/** The shape a CloudBase database API answers with when it fails. */
export interface DbErrorBody {
  code: string
  message: string
  requestId: string
}

/** Same fields and prototype chain shape as node-sdk's `TcbError` (`Error` + code/message/requestId). */
export class LocalDbError extends Error {
  readonly code: string
  readonly requestId: string
  constructor(body: DbErrorBody) {
    super(body.message)
    this.code = body.code
    this.message = body.message
    this.requestId = body.requestId
  }
}

/** Thrown inside the engine; the requester turns it into a `LocalDbError` carrying the request id. */
export class EngineError extends Error {
  constructor(
    readonly code: DbErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export const invalidParam = (message: string): EngineError => new EngineError(DB_ERROR.INVALID_PARAM, message)

export const collectionNotExist = (name: string): EngineError =>
  new EngineError(
    DB_ERROR.COLLECTION_NOT_EXIST,
    `[ResourceNotFound] Db or Table not exist: ${name}. Please check your request, but if the problem cannot be solved, contact us.`,
  )

export const duplicateKey = (collection: string, index: string, key: string): EngineError =>
  new EngineError(
    DB_ERROR.DUPLICATE_WRITE,
    `[FailedOperation] E11000 duplicate key error collection: ${collection} index: ${index} dup key: ${key}`,
  )

export const transactionConflict = (detail: string): EngineError =>
  new EngineError(DB_ERROR.TRANSACTION_CONFLICT, `[FailedOperation.TransactionConflict] database transaction conflict: ${detail}`)

/**
 * A MongoDB write error (PathNotViable, TypeMismatch, ConflictingUpdateOperators, ...). CloudBase passes it on as
 * its generic database error `DATABASE_REQUEST_FAILED` (https://docs.cloudbase.net/error-code/basic) with the
 * server's message; wx-server-sdk 4.0.2 maps that code to errCode -502001 "database request fail" (index.js).
 */
export const writeError = (message: string): EngineError => new EngineError(DB_ERROR.REQUEST_FAILED, message)
