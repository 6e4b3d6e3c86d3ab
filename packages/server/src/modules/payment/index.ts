/** The payment module: credit packages, recharge orders and their verified crediting, daily check-in, records. */
export { paymentProcedures } from './procedures'
export { handlePaymentCallback, handlePaymentNotification, replyFor } from './payment-callback'
export { closeStaleOrders, closeStaleOrder, sweepStaleOrders, ORDER_TTL_MS, MAX_OPEN_ORDERS, type SweepResult } from './orders'
export { settleOrder, type SettleOutcome, type SettleRequest } from './settle-order'
export { seedCreditPackages, DEFAULT_PACKAGES } from './credit-packages'
export { checkinAward, CHECKIN_BASE_CREDITS, CHECKIN_STREAK_CREDITS, CHECKIN_STREAK_EVERY } from './daily-checkin'
export { cloudPayCallbackEventOf, isCloudPayCallbackEvent, parseCloudPayCallback } from './cloudpay-callback-event'
export { handleHttpAccess, rawBodyOf, WECHATPAY_NOTIFY_PATH, type HttpAccessEvent, type HttpAccessReply } from './http-notify'
