/**
 * Events that arrive without `$url`: the timer trigger and the cloudPay payment callback.
 * Both are honoured only when the platform says no user is calling (a user could send the same shape
 * through callFunction); the payment callback is additionally verified with the provider before it credits.
 */
export type PlatformEvent =
  | { kind: 'timer'; triggerName: string }
  | { kind: 'payment-callback'; event: Record<string, unknown> }
  | { kind: 'media-check'; event: Record<string, unknown> }
  | { kind: 'http'; event: Record<string, unknown> }
  | { kind: 'unknown' }

export function classifyPlatformEvent(event: Record<string, unknown>): PlatformEvent {
  // CloudBase timer triggers send { Type: 'Timer', TriggerName, Time, Message }.
  if ((event.Type === 'Timer' || event.Type === 'timer') && typeof event.TriggerName === 'string') {
    return { kind: 'timer', triggerName: event.TriggerName }
  }
  // The message push of mediaCheckAsync verdicts (消息推送, event wxa_media_check), configured to call this function.
  if (event.MsgType === 'event' && event.Event === 'wxa_media_check') return { kind: 'media-check', event }
  // The HTTP access service (WeChat Pay v3 notify_url): { path, httpMethod, headers, body, isBase64Encoded, ... }.
  if (typeof event.httpMethod === 'string' && typeof event.path === 'string') return { kind: 'http', event }
  // cloudPay callbacks carry returnCode/resultCode/outTradeNo (functionName = this gateway).
  if (typeof event.outTradeNo === 'string' && typeof event.returnCode === 'string') {
    return { kind: 'payment-callback', event }
  }
  return { kind: 'unknown' }
}

/**
 * What a function answers a message push with: the plain string "success" tells WeChat it was received
 * (消息推送: "回复 success"); anything it cannot read makes it deliver again.
 */
export const MESSAGE_PUSH_ACK = 'success'

/** The reply WeChat Pay expects from a callback function: anything else makes it retry. */
export const PAYMENT_CALLBACK_ACK = Object.freeze({ errcode: 0, errmsg: 'SUCCESS' })
export interface PaymentCallbackReply {
  errcode: number
  errmsg: string
}
