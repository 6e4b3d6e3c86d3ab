/** Every failure of this package is a runtime `PaymentError` tagged with this provider. */
import { PaymentError, type PaymentErrorCode } from '@aiphoto/runtime'

export const PROVIDER = 'wechatpay-v3' as const

export function wechatPayError(
  code: PaymentErrorCode,
  message: string,
  options: { providerCode?: string; status?: number; cause?: unknown } = {},
): PaymentError {
  return new PaymentError(code, PROVIDER, message, options)
}
