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
}

export interface PaymentPort {
  readonly provider: PaymentProviderName
  createPayment(input: CreatePaymentInput): Promise<PaymentParams>
  /** Asks the provider itself: a notification is never trusted without this. */
  queryOrder(outTradeNo: string): Promise<TradeQueryResult>
  closeOrder(outTradeNo: string): Promise<void>
}
