/**
 * Errors that carry a contract code. Anything else thrown inside a handler is answered as INTERNAL
 * (with the original kept as `cause` for the server log only).
 */
import { ERROR_MESSAGES, type ErrorCode } from '@aiphoto/contract'

export class AppError extends Error {
  readonly code: ErrorCode
  readonly details?: unknown

  constructor(code: ErrorCode, message?: string, details?: unknown, options?: { cause?: unknown }) {
    super(message ?? ERROR_MESSAGES[code], options)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }
}

export const notFound = (message = '内容不存在或已删除') => new AppError('NOT_FOUND', message)
export const forbidden = (message?: string) => new AppError('FORBIDDEN', message)
export const conflict = (message?: string, details?: unknown) => new AppError('CONFLICT', message, details)
export const invalid = (message: string, details?: unknown) => new AppError('VALIDATION_FAILED', message, details)
