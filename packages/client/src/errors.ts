/**
 * The one error type the mini-program sees: a contract error code (or NETWORK when no envelope arrived)
 * with a Chinese message that can be shown to the user as is.
 */
import { ERROR_MESSAGES, type ErrorCode } from '@aiphoto/contract'

/** Contract codes plus the client's own code for "no answer from the server". */
export type ClientErrorCode = ErrorCode | 'NETWORK'

export const CLIENT_ERROR_MESSAGES: Record<ClientErrorCode, string> = {
  ...ERROR_MESSAGES,
  NETWORK: '网络异常，请检查网络后重试',
}

const CJK = /[\u3400-\u9fff]/

/** Picks the server's message when it is already Chinese (more specific), else the code's default. */
export function userMessage(code: ClientErrorCode, serverMessage?: string): string {
  if (serverMessage && CJK.test(serverMessage)) return serverMessage
  return CLIENT_ERROR_MESSAGES[code]
}

export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly code: ClientErrorCode
  /** The action that failed, when known. */
  readonly url: string | undefined
  /** What the server said, verbatim (may be English or empty). */
  readonly serverMessage: string | undefined
  readonly details: unknown

  constructor(init: { code: ClientErrorCode; message?: string; url?: string; serverMessage?: string; details?: unknown; cause?: unknown }) {
    super(init.message ?? userMessage(init.code, init.serverMessage), init.cause === undefined ? undefined : { cause: init.cause })
    this.code = init.code
    this.url = init.url
    this.serverMessage = init.serverMessage
    this.details = init.details
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError
}

/** A Chinese message for anything caught in a page: ApiError keeps its own, anything else is generic. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  return CLIENT_ERROR_MESSAGES.INTERNAL
}
