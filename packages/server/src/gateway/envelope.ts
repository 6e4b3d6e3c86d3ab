/** Turns anything thrown into the error envelope; INTERNAL never carries a stack or an SDK message. */
import { ERROR_MESSAGES, type ErrorEnvelope } from '@aiphoto/contract'
import { isTransactionConflictError } from '@aiphoto/runtime'
import * as z from 'zod'
import { AppError } from '../errors'

export function toErrorEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof AppError) {
    const env: ErrorEnvelope = { success: false, code: err.code, message: err.message }
    if (err.details !== undefined) env.details = err.details
    return env
  }
  // CloudBase resolves contention on one document (e.g. a burst of debits by one user) with transaction conflicts;
  // when runTransaction's retries are spent the caller may simply try again, which CONFLICT says.
  if (isTransactionConflictError(err)) return { success: false, code: 'CONFLICT', message: ERROR_MESSAGES.CONFLICT }
  if (err instanceof z.ZodError) {
    return { success: false, code: 'VALIDATION_FAILED', message: ERROR_MESSAGES.VALIDATION_FAILED, details: { issues: zodIssues(err) } }
  }
  return { success: false, code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL }
}

export function zodIssues(err: z.ZodError): Array<{ path: string; message: string }> {
  return err.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
}

export function errorEnvelope(code: ErrorEnvelope['code'], message?: string, details?: unknown): ErrorEnvelope {
  const env: ErrorEnvelope = { success: false, code, message: message ?? ERROR_MESSAGES[code] }
  if (details !== undefined) env.details = details
  return env
}
