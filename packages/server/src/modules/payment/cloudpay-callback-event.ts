/**
 * The cloudPay payment callback event, read and written. cloudPay invokes the function named in unifiedOrder with
 * WeChat Pay's notification fields (camelCase) as the event — no `$url`, no signature — and the local fake pay
 * delivers the very same shape, so one parser serves both. Anyone able to call the function can send this shape:
 * a parsed callback is only a claim to check with the provider (`queryOrder`) before anything is credited.
 * Pure (no SDK, no I/O) so the gateway, the local cloud and the CloudBase adapter share it.
 */
import type { PaymentNotification } from '@aiphoto/runtime'

const BEIJING_OFFSET_MS = 8 * 3600 * 1000

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

/**
 * The event cloudPay would deliver for a notification: how the local fake pay (and tests) call the gateway exactly
 * as WeChat does. `parseCloudPayCallback(cloudPayCallbackEventOf(n))` gives `n` back (paidAt to the second).
 */
export function cloudPayCallbackEventOf(n: PaymentNotification, merchant: { subMchId?: string } = {}): Record<string, unknown> {
  const event: Record<string, unknown> = {
    returnCode: 'SUCCESS',
    resultCode: n.success ? 'SUCCESS' : 'FAIL',
    subMchId: merchant.subMchId ?? 'local',
    tradeType: 'JSAPI',
    feeType: 'CNY',
    totalFee: n.totalFee,
    cashFee: n.totalFee,
    outTradeNo: n.outTradeNo,
    transactionId: n.transactionId,
  }
  if (n.payerOpenid) event.subOpenid = n.payerOpenid
  if (n.paidAt) event.timeEnd = formatCompactBeijing(n.paidAt)
  return event
}

/** totalFee arrives as a number, occasionally as a numeric string; fen are integers. */
function feeOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** WeChat Pay v2 (which cloudPay wraps) writes times as `yyyyMMddHHmmss` in Beijing time (UTC+8, no DST). */
function formatCompactBeijing(date: Date): string {
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '')
}

function parseCompactBeijing(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
  const time = Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS
  return Number.isNaN(time) ? undefined : new Date(time)
}
