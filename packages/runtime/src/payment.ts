/**
 * Payment provider: WeChat cloudPay inside cloud development, WeChat Pay API v3 outside it,
 * and a local fake provider with a checkout page for the local cloud.
 */
export type PaymentProviderName = 'cloudpay' | 'wechatpay-v3' | 'local'

/** What the client needs to start paying. */
export type PaymentParams =
  | {
      kind: 'wechat'
      /** Exactly the object `wx.requestPayment` takes. */
      params: { timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string }
    }
  | { kind: 'checkout'; url: string }

export interface CreatePaymentInput {
  outTradeNo: string
  amountFen: number
  description: string
  payerOpenid: string
  clientIp?: string
  /** When the provider should stop accepting payment. */
  expiresAt: Date
}

export type TradeState = 'SUCCESS' | 'NOTPAY' | 'CLOSED' | 'REFUND' | 'USERPAYING' | 'PAYERROR' | 'NOT_FOUND' | 'UNKNOWN'

export interface TradeQueryResult {
  tradeState: TradeState
  amountFen?: number
  transactionId?: string
  payerOpenid?: string
  paidAt?: Date
}

/** A payment notification after the adapter parsed (and, where the wire format allows, verified) it. */
export interface PaymentNotification {
  outTradeNo: string
  totalFee: number
  transactionId: string
  success: boolean
  payerOpenid?: string
  /** When the provider says the payment completed, if it says so. */
  paidAt?: Date
}

export interface PaymentPort {
  readonly provider: PaymentProviderName
  createPayment(input: CreatePaymentInput): Promise<PaymentParams>
  /** Asks the provider itself: a notification is never trusted without this. */
  queryOrder(outTradeNo: string): Promise<TradeQueryResult>
  closeOrder(outTradeNo: string): Promise<void>
  /**
   * Providers that notify over HTTP (WeChat Pay API v3): authenticates and reads a notification from the request as
   * received (headers and the raw body bytes). Throws PaymentError BAD_SIGNATURE, UNKNOWN_SERIAL, STALE_TIMESTAMP,
   * DECRYPT_FAILED or MALFORMED. Absent for providers whose notifications arrive otherwise (cloudPay, local).
   */
  readHttpNotification?(request: { headers: Record<string, string | string[] | undefined>; rawBody: Uint8Array }): PaymentNotification
}

/**
 * Why a payment adapter call failed. Adapters throw `PaymentError` so domain code can map failures
 * without knowing which provider it talks to:
 * - INVALID_INPUT: refused before anything was sent (bad out_trade_no, amount, description).
 * - REJECTED: the provider answered with a business refusal (e.g. order already paid); retrying won't help.
 * - UNAVAILABLE: network error, timeout, 5xx, throttling; retrying later may help.
 * - BAD_RESPONSE: the provider's answer was malformed or failed signature verification.
 * - BAD_SIGNATURE, UNKNOWN_SERIAL, STALE_TIMESTAMP, DECRYPT_FAILED, MALFORMED: an incoming notification
 *   could not be authenticated or read.
 */
export type PaymentErrorCode =
  | 'INVALID_INPUT'
  | 'REJECTED'
  | 'UNAVAILABLE'
  | 'BAD_RESPONSE'
  | 'BAD_SIGNATURE'
  | 'UNKNOWN_SERIAL'
  | 'STALE_TIMESTAMP'
  | 'DECRYPT_FAILED'
  | 'MALFORMED'

export class PaymentError extends Error {
  override readonly name = 'PaymentError'
  readonly code: PaymentErrorCode
  readonly provider: PaymentProviderName
  /** The provider's own error code (e.g. `ORDERPAID`, `ORDER_NOT_EXIST`), when it gave one. */
  readonly providerCode?: string
  /** HTTP status, for HTTP providers. */
  readonly status?: number

  constructor(
    code: PaymentErrorCode,
    provider: PaymentProviderName,
    message: string,
    options: { providerCode?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.provider = provider
    if (options.providerCode !== undefined) this.providerCode = options.providerCode
    if (options.status !== undefined) this.status = options.status
  }
}

/** True for a `PaymentError`, also across duplicated module instances. */
export function isPaymentError(error: unknown): error is PaymentError {
  return error instanceof PaymentError || (error instanceof Error && error.name === 'PaymentError' && 'code' in error)
}

/** WeChat Pay's `trade_state` values (cloudPay and API v3 share them) in the port's vocabulary. */
const WECHAT_TRADE_STATES: Record<string, TradeState> = {
  SUCCESS: 'SUCCESS',
  NOTPAY: 'NOTPAY',
  CLOSED: 'CLOSED',
  REFUND: 'REFUND',
  USERPAYING: 'USERPAYING',
  PAYERROR: 'PAYERROR',
  // NOTE: a revoked order can no longer be paid, which is what CLOSED means to the domain.
  REVOKED: 'CLOSED',
  // ACCEPT: received, waiting for the debit (deferred-debit scenarios) — still in flight.
  ACCEPT: 'USERPAYING',
}

export function wechatTradeState(state: unknown): TradeState {
  return (typeof state === 'string' && Object.prototype.hasOwnProperty.call(WECHAT_TRADE_STATES, state) && WECHAT_TRADE_STATES[state]) || 'UNKNOWN'
}
