/**
 * What a failed call looks like to the caller in production, so domain code meets the real shapes locally.
 * Sources (read from the packages, `npm pack`):
 * - `@cloudbase/node-sdk` 3.17.2 `dist/utils/utils.js`: `TcbError` = `Error` + `code`, `message`, `requestId`,
 *   thrown by `processReturn` whenever the API answers with a `code` (`dist/utils/tcbapirequester.js` `request`).
 * - same package, `dist/utils/tcbapirequester.js`: a non-200 HTTP answer → `TcbError` with the numeric status as
 *   `code` and `"<status> <text> | [<url>]"` as message.
 * - same package, `dist/utils/request-core.js` `onTimeout`: a plain `Error` with `code` `ETIMEDOUT` ("connect
 *   timeout", nothing was sent) or `ESOCKETTIMEDOUT` ("request timeout", sent and unanswered: it may have been
 *   applied); `ECONNRESET` comes from Node's socket. Default timeout 15 s (`defaultTimeout`).
 * - `@cloudbase/database` 1.4.3 `src/const/code.ts`: `DATABASE_REQUEST_FAILED` "database request failed",
 *   `DATABASE_TRANSACTION_CONFLICT` "database transaction conflict"; node-sdk `dist/const/code.js`: `SYS_ERR`
 *   "system error", `STORAGE_REQUEST_FAIL` "storage request fail".
 */

/** node-sdk's TcbError. */
export class InjectedTcbError extends Error {
  readonly code: string | number
  readonly requestId: string
  readonly injected = true
  constructor(code: string | number, message: string, requestId: string) {
    super(message)
    this.code = code
    this.message = message
    this.requestId = requestId
  }
}

/** Node's socket / node-sdk's timeout errors (no requestId: no answer came back). */
export class InjectedNetworkError extends Error {
  readonly code: 'ETIMEDOUT' | 'ESOCKETTIMEDOUT' | 'ECONNRESET'
  readonly injected = true
  readonly connecting: boolean
  constructor(code: 'ETIMEDOUT' | 'ESOCKETTIMEDOUT' | 'ECONNRESET') {
    super(code === 'ETIMEDOUT' ? 'connect timeout' : code === 'ESOCKETTIMEDOUT' ? 'request timeout' : 'socket hang up')
    this.code = code
    this.connecting = code === 'ETIMEDOUT'
  }
}

/** The invocation's instance was killed: every later call of it fails with this (the caller sees the function die). */
export class InstanceKilledError extends Error {
  readonly injected = true
  constructor(readonly at: string) {
    super(`instance killed (injected) at ${at}`)
    this.name = 'InstanceKilledError'
  }
}

export const DB_URL = 'https://tcb-api.tencentcloudapi.com/admin'

/** A failure that happened before the request was applied. */
export function transientDbError(pick: number, requestId: string): Error {
  if (pick < 0.4) return new InjectedTcbError('DATABASE_REQUEST_FAILED', 'database request failed', requestId)
  if (pick < 0.7) return new InjectedTcbError('SYS_ERR', 'system error', requestId)
  return new InjectedNetworkError('ETIMEDOUT')
}

/** A failure after the request was applied: the answer is lost. */
export function ambiguousError(pick: number): Error {
  if (pick < 0.6) return new InjectedNetworkError('ESOCKETTIMEDOUT')
  if (pick < 0.8) return new InjectedNetworkError('ECONNRESET')
  return new InjectedTcbError(502, `502 Bad Gateway | [${DB_URL}]`, '')
}

export function conflictError(requestId: string): Error {
  return new InjectedTcbError('DATABASE_TRANSACTION_CONFLICT', 'database transaction conflict', requestId)
}

export function storageError(pick: number, requestId: string): Error {
  return pick < 0.7
    ? new InjectedTcbError('STORAGE_REQUEST_FAIL', '[InternalError]: storage request fail', requestId)
    : new InjectedTcbError('SYS_ERR', '[ServiceUnavailable]: system error', requestId)
}

export function isInjected(err: unknown): boolean {
  return err !== null && typeof err === 'object' && (err as { injected?: unknown }).injected === true
}
