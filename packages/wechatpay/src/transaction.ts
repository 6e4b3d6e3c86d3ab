/** The v3 transaction object (query answers and decrypted notifications) and its mapping onto the port's types. */
import { wechatTradeState, type PaymentNotification, type TradeQueryResult, type TradeState } from '@aiphoto/runtime'
import { parseRfc3339 } from './time'

export interface V3Transaction {
  appid?: string
  mchid?: string
  out_trade_no: string
  transaction_id?: string
  trade_type?: string
  trade_state: string
  trade_state_desc?: string
  success_time?: string
  payer?: { openid?: string }
  amount?: { total?: number; payer_total?: number; currency?: string; payer_currency?: string }
}


export function mapTradeState(state: unknown): TradeState {
  return wechatTradeState(state)
}

export function isV3Transaction(value: unknown): value is V3Transaction {
  if (typeof value !== 'object' || value === null) return false
  const tx = value as Record<string, unknown>
  return typeof tx.out_trade_no === 'string' && typeof tx.trade_state === 'string'
}

function integerOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined
}

export function toTradeQueryResult(tx: V3Transaction): TradeQueryResult {
  const result: TradeQueryResult = { tradeState: mapTradeState(tx.trade_state) }
  const amount = integerOrUndefined(tx.amount?.total)
  if (amount !== undefined) result.amountFen = amount
  if (tx.transaction_id) result.transactionId = tx.transaction_id
  if (tx.payer?.openid) result.payerOpenid = tx.payer.openid
  const paidAt = parseRfc3339(tx.success_time)
  if (paidAt) result.paidAt = paidAt
  return result
}

export function toPaymentNotification(tx: V3Transaction): PaymentNotification {
  const notification: PaymentNotification = {
    outTradeNo: tx.out_trade_no,
    totalFee: integerOrUndefined(tx.amount?.total) ?? 0,
    transactionId: tx.transaction_id ?? '',
    success: tx.trade_state === 'SUCCESS',
  }
  if (tx.payer?.openid) notification.payerOpenid = tx.payer.openid
  const paidAt = parseRfc3339(tx.success_time)
  if (paidAt) notification.paidAt = paidAt
  return notification
}
