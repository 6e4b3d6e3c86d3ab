/**
 * The payment callback: cloudPay invokes the function named in unifiedOrder with WeChat Pay's notification
 * fields (camelCase) as the event — no `$url`, no signature. Anyone able to call the function can send the
 * same shape, so a parsed callback is only a hint: confirm with `queryOrder` before crediting anything.
 * NOTE: the parser lives with the gateway's payment module (`@aiphoto/server/payment-callback`), which must read
 * the event without importing this SDK-bound package; the local fake pay sends the same shape. Re-exported here.
 */
export { isCloudPayCallbackEvent, parseCloudPayCallback } from '@aiphoto/server/payment-callback'

/** The reply that stops WeChat from re-sending the callback. */
export const CLOUDPAY_CALLBACK_ACK = Object.freeze({ errcode: 0, errmsg: 'SUCCESS' })

/** Any non-zero errcode makes WeChat retry the callback (for up to two days). */
export function cloudPayCallbackRetry(errmsg = 'RETRY'): { errcode: number; errmsg: string } {
  return { errcode: 1, errmsg }
}
