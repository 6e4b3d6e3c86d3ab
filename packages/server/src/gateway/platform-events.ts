/**
 * Events that arrive without `$url`: the timer trigger and the cloudPay payment callback.
 * Both are honoured only when the platform says no user is calling (a user could send the same shape
 * through callFunction); the payment callback is additionally verified with the provider before it credits.
 */
export type PlatformEvent =
  | { kind: 'timer'; triggerName: string }
  | { kind: 'payment-callback'; event: Record<string, unknown> }
  | { kind: 'unknown' }

export function classifyPlatformEvent(event: Record<string, unknown>): PlatformEvent {
  // CloudBase timer triggers send { Type: 'Timer', TriggerName, Time, Message }.
  if ((event.Type === 'Timer' || event.Type === 'timer') && typeof event.TriggerName === 'string') {
    return { kind: 'timer', triggerName: event.TriggerName }
  }
  // cloudPay callbacks carry returnCode/resultCode/outTradeNo (functionName = this gateway).
  if (typeof event.outTradeNo === 'string' && typeof event.returnCode === 'string') {
    return { kind: 'payment-callback', event }
  }
  return { kind: 'unknown' }
}

/** The reply WeChat Pay expects from a callback function: anything else makes it retry. */
export const PAYMENT_CALLBACK_ACK = Object.freeze({ errcode: 0, errmsg: 'SUCCESS' })
export interface PaymentCallbackReply {
  errcode: number
  errmsg: string
}
