/**
 * The gateway's payment callback handler: parse the cloudPay event, verify and credit through `settleOrder`, and
 * answer WeChat. Acknowledging (`errcode: 0`) stops WeChat's retries, so it is answered only when retrying cannot
 * change the outcome; anything that may turn out differently later (provider unreachable, not paid YET) is refused
 * so WeChat delivers it again. The full table is in docs/credits.md ("Payment callback decisions").
 */
import type { PaymentNotification, Runtime, TradeState } from '@aiphoto/runtime'
import { PAYMENT_CALLBACK_ACK, type PaymentCallbackReply } from '../../gateway/platform-events'
import { parseCloudPayCallback } from './cloudpay-callback-event'
import { logPaymentEvent } from './payment-log'
import { settleOrder, type SettleOutcome } from './settle-order'

/** Provider states after which the order may still be paid: ask WeChat to deliver again later. */
const MAY_STILL_PAY: ReadonlySet<TradeState> = new Set(['NOTPAY', 'USERPAYING', 'UNKNOWN'])

export function retryReply(reason: string): PaymentCallbackReply {
  return { errcode: 1, errmsg: reason }
}

/** Whether an outcome is final (acknowledge) or may change on a later delivery (refuse → WeChat retries). */
export function replyFor(outcome: SettleOutcome): PaymentCallbackReply {
  switch (outcome.result) {
    case 'credited':
    case 'already_paid':
    case 'refunded':
    case 'unknown_order':
    case 'claim_mismatch':
    case 'provider_mismatch':
      return { ...PAYMENT_CALLBACK_ACK }
    case 'not_paid':
      return MAY_STILL_PAY.has(outcome.tradeState) ? retryReply(outcome.tradeState) : { ...PAYMENT_CALLBACK_ACK }
    case 'provider_unavailable':
      return retryReply('PROVIDER_UNAVAILABLE')
  }
}

export async function handlePaymentCallback(rt: Runtime, event: Record<string, unknown>, meta: { requestId: string }): Promise<PaymentCallbackReply> {
  const notification = parseCloudPayCallback(event)
  if (!notification) {
    rt.logger.warn('payment_callback_unreadable', { request_id: meta.requestId })
    // Retrying an unreadable event cannot make it readable.
    return { ...PAYMENT_CALLBACK_ACK }
  }
  const handled = await handlePaymentNotification(rt, notification, meta)
  return handled.acknowledge ? { ...PAYMENT_CALLBACK_ACK } : retryReply(handled.reason)
}

/**
 * Provider-neutral entry for a notification that an adapter already read (cloudPay event above; a WeChat Pay v3
 * HTTP notification after `verifyNotification`): verify with the provider and credit once. `acknowledge: false`
 * means "answer so that the provider retries" (v3: `notificationReply('retry')`).
 */
export async function handlePaymentNotification(
  rt: Runtime,
  notification: PaymentNotification,
  meta: { requestId: string },
): Promise<{ acknowledge: boolean; reason: string; result: SettleOutcome['result'] | 'failed_payment' }> {
  const now = rt.clock.now()
  if (!notification.success) {
    // The provider reports a failed payment: the order stays pending (the user may pay again until it expires).
    await logPaymentEvent(rt, { level: 'info', event: 'payment_failed_notification', outTradeNo: notification.outTradeNo, openid: null, source: 'callback', requestId: meta.requestId, persist: false }, now)
    return { acknowledge: true, reason: 'FAILED_PAYMENT', result: 'failed_payment' }
  }
  const claim: { totalFee: number; transactionId: string; payerOpenid?: string } = { totalFee: notification.totalFee, transactionId: notification.transactionId }
  if (notification.payerOpenid !== undefined) claim.payerOpenid = notification.payerOpenid
  const outcome = await settleOrder(rt, { outTradeNo: notification.outTradeNo, claim, source: 'callback', requestId: meta.requestId }, now)
  const reply = replyFor(outcome)
  return { acknowledge: reply.errcode === 0, reason: reply.errmsg, result: outcome.result }
}
