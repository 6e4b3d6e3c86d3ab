/**
 * The ONE crediting path of a recharge, shared by the payment callback, `payment/getOrder` (a lost notification)
 * and the stale-order sweep (a payment that raced the close). It trusts nothing it is told: the order must exist,
 * a claim (notification) must match the order's amount and payer, and the provider itself must answer SUCCESS
 * with the same amount. Crediting is one transaction — order `pending|closed → paid` + ledger entry
 * `recharge:<out_trade_no>` + balance — so replays, sequential or concurrent, credit nothing more.
 */
import { isDuplicateKeyError, type PaymentNotification, type Runtime, type TradeQueryResult, type TradeState } from '@aiphoto/runtime'
import type { OrderDoc } from '../../data/documents'
import { findOne, getDoc, must } from '../../lib/db'
import { applyCreditChange, runTx } from '../ledger/ledger'
import { logPaymentEvent } from './payment-log'

export type SettleSource = 'callback' | 'query' | 'close'

export interface SettleRequest {
  outTradeNo: string
  /** What a notification claims; absent when we ask on our own initiative (getOrder, sweep). */
  claim?: Pick<PaymentNotification, 'totalFee' | 'payerOpenid' | 'transactionId'>
  /** A provider answer the caller already has (saves a second query). */
  known?: TradeQueryResult
  source: SettleSource
  requestId?: string | null
}

export type SettleOutcome =
  | { result: 'credited'; order: OrderDoc; balance: number; afterClose: boolean }
  | { result: 'already_paid'; order: OrderDoc }
  | { result: 'refunded'; order: OrderDoc }
  | { result: 'unknown_order' }
  | { result: 'claim_mismatch'; order: OrderDoc; field: 'amount' | 'payer' }
  | { result: 'not_paid'; order: OrderDoc; tradeState: TradeState }
  | { result: 'provider_mismatch'; order: OrderDoc; field: 'amount' }
  | { result: 'provider_unavailable'; order: OrderDoc }

export async function findOrderByOutTradeNo(rt: Runtime, outTradeNo: string): Promise<OrderDoc | null> {
  return findOne<OrderDoc>(rt.db, 'orders', { out_trade_no: outTradeNo })
}

export async function settleOrder(rt: Runtime, req: SettleRequest, now: Date): Promise<SettleOutcome> {
  const log = (level: 'info' | 'warn' | 'error', event: string, openid: string | null, details: Record<string, unknown>, persist = true) =>
    logPaymentEvent(rt, { level, event, outTradeNo: req.outTradeNo, openid, source: req.source, details, requestId: req.requestId ?? null, persist }, now)

  const order = await findOrderByOutTradeNo(rt, req.outTradeNo)
  if (!order) {
    await log('warn', 'payment_unknown_order', null, { claimed_fee: req.claim?.totalFee ?? null })
    return { result: 'unknown_order' }
  }
  const owner = order.user_openid

  if (req.claim) {
    if (req.claim.totalFee !== order.amount_fen) {
      await log('warn', 'payment_claim_amount_mismatch', owner, { claimed_fee: req.claim.totalFee, amount_fen: order.amount_fen })
      return { result: 'claim_mismatch', order, field: 'amount' }
    }
    if (req.claim.payerOpenid !== undefined && req.claim.payerOpenid !== owner) {
      await log('warn', 'payment_claim_payer_mismatch', owner, {})
      return { result: 'claim_mismatch', order, field: 'payer' }
    }
  }
  if (order.status === 'paid') {
    await log('info', 'payment_duplicate', owner, { transaction_id: order.transaction_id }, req.source === 'callback')
    return { result: 'already_paid', order }
  }
  if (order.status === 'refunded') {
    await log('warn', 'payment_for_refunded_order', owner, {}, req.source === 'callback')
    return { result: 'refunded', order }
  }

  let trade: TradeQueryResult
  try {
    trade = req.known ?? (await rt.payment.queryOrder(order.out_trade_no))
  } catch (err) {
    await log('warn', 'payment_query_failed', owner, { error: String((err as Error)?.message ?? err).slice(0, 200) }, false)
    return { result: 'provider_unavailable', order }
  }
  if (trade.tradeState !== 'SUCCESS') {
    // getOrder polls while the user pays: only callbacks and sweeps leave a document.
    await log(req.source === 'query' ? 'info' : 'warn', 'payment_not_paid', owner, { trade_state: trade.tradeState, order_status: order.status }, req.source !== 'query')
    return { result: 'not_paid', order, tradeState: trade.tradeState }
  }
  if (trade.amountFen !== order.amount_fen) {
    await log('error', 'payment_provider_amount_mismatch', owner, { provider_fee: trade.amountFen ?? null, amount_fen: order.amount_fen })
    return { result: 'provider_mismatch', order, field: 'amount' }
  }

  const transactionId = trade.transactionId ?? req.claim?.transactionId ?? null
  const paidAt = trade.paidAt ?? now
  let credited: { balance: number; afterClose: boolean } | 'already_paid'
  try {
    credited = await runTx(rt.db, async (tx) => {
      const current = await getDoc<OrderDoc>(tx, 'orders', order._id)
      if (!current || current.status === 'paid' || current.status === 'refunded') return 'already_paid' as const
      must(await tx.collection('orders').doc(order._id).update({ status: 'paid', transaction_id: transactionId, paid_at: paidAt, updated_at: now }))
      const change = await applyCreditChange(
        tx,
        { key: `recharge:${order.out_trade_no}`, openid: owner, delta: order.credits, kind: 'recharge', refId: order.out_trade_no, reason: order.package_name },
        now,
      )
      return { balance: change.balance, afterClose: current.status === 'closed' }
    })
  } catch (err) {
    // A concurrent delivery may have won (CloudBase reports a conflict or a duplicate ledger key): judge by the order.
    const after = await getDoc<OrderDoc>(rt.db, 'orders', order._id)
    if (after?.status !== 'paid' && !isDuplicateKeyError(err)) throw err
    credited = 'already_paid'
  }
  if (credited === 'already_paid') {
    const latest = (await getDoc<OrderDoc>(rt.db, 'orders', order._id)) ?? order
    await log('info', 'payment_duplicate', owner, { transaction_id: latest.transaction_id, concurrent: true }, req.source === 'callback')
    return { result: 'already_paid', order: latest }
  }
  const paidOrder: OrderDoc = { ...order, status: 'paid', transaction_id: transactionId, paid_at: paidAt, updated_at: now }
  await log(credited.afterClose ? 'warn' : 'info', credited.afterClose ? 'payment_credited_after_close' : 'payment_credited', owner, {
    credits: order.credits,
    amount_fen: order.amount_fen,
    transaction_id: transactionId,
    balance: credited.balance,
  })
  return { result: 'credited', order: paidOrder, balance: credited.balance, afterClose: credited.afterClose }
}
