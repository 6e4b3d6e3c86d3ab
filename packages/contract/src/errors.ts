/**
 * The closed set of error codes every action may answer with, and the envelope `main` returns.
 * The mini-program maps each code to the Chinese message below; the server may send a more specific message.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'INSUFFICIENT_CREDITS',
  'ALREADY_CHECKED_IN',
  'RATE_LIMITED',
  'UNKNOWN_ACTION',
  'PROVIDER_UNAVAILABLE',
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** Default user-facing message per code (Chinese UI). */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  UNAUTHENTICATED: '登录已失效，请重新登录',
  FORBIDDEN: '没有权限执行该操作',
  VALIDATION_FAILED: '请求参数有误',
  NOT_FOUND: '内容不存在或已删除',
  CONFLICT: '操作冲突，请稍后重试',
  INSUFFICIENT_CREDITS: '积分不足，请先充值',
  ALREADY_CHECKED_IN: '今天已经签到过了',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  UNKNOWN_ACTION: '不支持的操作',
  PROVIDER_UNAVAILABLE: '生成服务暂时不可用，请稍后再试',
  INTERNAL: '服务器开小差了，请稍后再试',
}

export interface SuccessEnvelope<T> {
  success: true
  data: T
}

export interface ErrorEnvelope {
  success: false
  code: ErrorCode
  message: string
  details?: unknown
}

export type Envelope<T> = SuccessEnvelope<T> | ErrorEnvelope

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}
