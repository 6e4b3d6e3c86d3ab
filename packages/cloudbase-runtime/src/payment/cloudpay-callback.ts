/**
 * The payment callback: cloudPay invokes the function named in unifiedOrder with WeChat Pay's notification
 * fields (camelCase) as the event — no `$url`, no signature. Anyone able to call the function can send the
 * same shape, so a parsed callback is only a hint: confirm with `queryOrder` before crediting anything.
 */
import type { PaymentNotification } from '@aiphoto/runtime'
import { parseCompactBeijing } from './beijing-time'
import { feeOf, stringOf } from './cloudpay-codes'

/** The reply that stops WeChat from re-sending the callback. */
export const CLOUDPAY_CALLBACK_ACK = Object.freeze({ errcode: 0, errmsg: 'SUCCESS' })

/** Any non-zero errcode makes WeChat retry the callback (for up to two days). */
export function cloudPayCallbackRetry(errmsg = 'RETRY'): { errcode: number; errmsg: string } {
  return { errcode: 1, errmsg }
}

/** True for an event shaped like a cloudPay payment callback (as opposed to a `$url` call or a timer trigger). */
export function isCloudPayCallbackEvent(event: unknown): event is Record<string, unknown> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false
  const e = event as Record<string, unknown>
  if ('$url' in e) return false
  return typeof e.returnCode === 'string' && (typeof e.outTradeNo === 'string' || typeof e.subMchId === 'string')
}

/**
 * Reads a callback event; null when it is not one, names no order, or (with `expect.subMchId`) belongs to
 * another merchant. `success` needs both returnCode and resultCode to be SUCCESS.
 */
export function parseCloudPayCallback(event: Record<string, unknown>, expect: { subMchId?: string } = {}): PaymentNotification | null {
  if (!isCloudPayCallbackEvent(event)) return null
  const outTradeNo = stringOf(event.outTradeNo)
  if (!outTradeNo) return null
  if (expect.subMchId !== undefined && event.subMchId !== expect.subMchId) return null

  const notification: PaymentNotification = {
    outTradeNo,
    totalFee: feeOf(event.totalFee) ?? 0,
    transactionId: stringOf(event.transactionId) ?? '',
    success: event.returnCode === 'SUCCESS' && event.resultCode === 'SUCCESS',
  }
  // NOTE: `openid` belongs to cloudPay's service-provider appid; our user's openid is `subOpenid`.
  const payer = stringOf(event.subOpenid)
  if (payer) notification.payerOpenid = payer
  const paidAt = parseCompactBeijing(event.timeEnd)
  if (paidAt) notification.paidAt = paidAt
  return notification
}
