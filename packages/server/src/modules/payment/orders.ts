/**
 * Recharge orders: creation (with the provider's payment parameters), the caller's own order with a provider
 * check while pending (covers a lost notification), and closing unpaid orders after a timeout — lazily when an
 * order is read or listed, and by `closeStaleOrders` which the timer (or `admin/runCleanup`) calls.
 */
import { isDuplicateKeyError, isPaymentError, type Runtime } from '@aiphoto/runtime'
import type * as z from 'zod'
import type { rechargeRecordSchema } from '@aiphoto/contract'
import { AppError } from '../../errors'
import type { CreditPackageDoc, OrderDoc } from '../../data/documents'
import { getDoc, must, toIso, toIsoOrNull } from '../../lib/db'
import { requireUser } from '../user/user-service'
import { PACKAGES_COLLECTION } from './credit-packages'
import { newOutTradeNo } from './out-trade-no'
import { logPaymentEvent } from './payment-log'
import { findOrderByOutTradeNo, settleOrder } from './settle-order'

/** An unpaid order stops being payable (here and at the provider, which gets the same expiry) after 30 minutes. */
export const ORDER_TTL_MS = 30 * 60 * 1000
/** At most this many payable orders per user at a time (the contract also limits createOrder to 10 a minute). */
export const MAX_OPEN_ORDERS = 5

type RechargeRecord = z.input<typeof rechargeRecordSchema>

export function toRechargeRecord(o: OrderDoc): RechargeRecord {
  return {
    out_trade_no: o.out_trade_no,
    package_id: o.package_id,
    package_name: o.package_name,
    amount_fen: o.amount_fen,
    credits: o.credits,
    status: o.status,
    created_at: toIso(o.created_at),
    paid_at: toIsoOrNull(o.paid_at),
  }
}

const isStale = (o: OrderDoc, now: Date) => o.status === 'pending' && new Date(o.expires_at).getTime() <= now.getTime()

export interface CreatedOrder {
  order_id: string
  out_trade_no: string
  amount_fen: number
  credits: number
  expires_at: string
  payment: Awaited<ReturnType<Runtime['payment']['createPayment']>>
}

export async function createOrder(rt: Runtime, openid: string, packageId: string, requestId: string, now: Date): Promise<CreatedOrder> {
  await requireUser(rt, openid)
  const pkg = await getDoc<CreditPackageDoc>(rt.db, PACKAGES_COLLECTION, packageId)
  if (!pkg || !pkg.is_active) throw new AppError('NOT_FOUND', '套餐不存在或已下架')

  const open = must(await rt.db.collection('orders').where({ user_openid: openid, status: 'pending' }).orderBy('created_at', 'asc').limit(50).get()) as { data: OrderDoc[] }
  let payable = 0
  for (const o of open.data) {
    if (isStale(o, now)) await closeStaleOrder(rt, o, now, requestId)
    else payable++
  }
  if (payable >= MAX_OPEN_ORDERS) throw new AppError('RATE_LIMITED', '未支付的订单过多，请先完成支付或稍后再试', { open_orders: payable })

  const expiresAt = new Date(now.getTime() + ORDER_TTL_MS)
  const credits = pkg.base_credits + pkg.bonus_credits
  let order: OrderDoc | null = null
  for (let attempt = 0; attempt < 3 && !order; attempt++) {
    const candidate: OrderDoc = {
      _id: rt.ids.id(),
      user_openid: openid,
      type: 'recharge',
      amount: pkg.price_fen,
      credits,
      status: 'pending',
      created_at: now,
      out_trade_no: newOutTradeNo(rt, now),
      package_id: pkg._id,
      package_name: pkg.name,
      amount_fen: pkg.price_fen,
      transaction_id: null,
      paid_at: null,
      expires_at: expiresAt,
      closed_at: null,
      updated_at: now,
    }
    try {
      must(await rt.db.collection('orders').add(candidate))
      order = candidate
    } catch (err) {
      // NOTE: out_trade_no is unique (index); a collision of 72 random bits is retried, anything else is not.
      if (attempt === 2 || !isDuplicateKeyError(err)) throw err
    }
  }
  if (!order) throw new AppError('CONFLICT', '下单失败，请重试')

  try {
    const payment = await rt.payment.createPayment({
      outTradeNo: order.out_trade_no,
      amountFen: order.amount_fen,
      description: `AI摄影师-${pkg.name}`,
      payerOpenid: openid,
      expiresAt,
    })
    return { order_id: order._id, out_trade_no: order.out_trade_no, amount_fen: order.amount_fen, credits, expires_at: expiresAt.toISOString(), payment }
  } catch (err) {
    // The provider never took this order: close it so it neither counts as open nor shows as payable.
    must(await rt.db.collection('orders').where({ _id: order._id, status: 'pending' }).update({ status: 'closed', closed_at: now, updated_at: now }))
    const transient = isPaymentError(err) && err.code === 'UNAVAILABLE'
    rt.logger[transient ? 'warn' : 'error']('payment_create_failed', {
      request_id: requestId,
      out_trade_no: order.out_trade_no,
      code: isPaymentError(err) ? err.code : 'UNEXPECTED',
      provider_code: isPaymentError(err) ? err.providerCode : undefined,
    })
    if (transient) throw new AppError('PROVIDER_UNAVAILABLE', '支付服务暂时不可用，请稍后再试')
    throw err
  }
}

/**
 * The caller's own order. While pending it asks the provider and credits through the same exactly-once path as the
 * callback when the provider says SUCCESS; an expired unpaid order is closed on the way.
 */
export async function getOwnOrder(rt: Runtime, openid: string, outTradeNo: string, requestId: string, now: Date): Promise<OrderDoc> {
  const order = await findOrderByOutTradeNo(rt, outTradeNo)
  // Another user's order is indistinguishable from a missing one.
  if (!order || order.user_openid !== openid) throw new AppError('NOT_FOUND', '订单不存在')
  if (order.status !== 'pending') return order
  return reconcilePending(rt, order, now, requestId)
}

async function reconcilePending(rt: Runtime, order: OrderDoc, now: Date, requestId: string | null): Promise<OrderDoc> {
  const outcome = await settleOrder(rt, { outTradeNo: order.out_trade_no, source: 'query', requestId }, now)
  if (outcome.result === 'credited' || outcome.result === 'already_paid' || outcome.result === 'refunded') return outcome.order
  if (isStale(order, now)) return closeStaleOrder(rt, order, now, requestId)
  return (await getDoc<OrderDoc>(rt.db, 'orders', order._id)) ?? order
}

/**
 * Closes one expired unpaid order: first at the provider (so it can no longer be paid), then here. If the provider
 * refuses because the order was paid meanwhile, it is credited instead (the money was taken).
 */
export async function closeStaleOrder(rt: Runtime, order: OrderDoc, now: Date, requestId: string | null = null): Promise<OrderDoc> {
  try {
    await rt.payment.closeOrder(order.out_trade_no)
  } catch (err) {
    const outcome = await settleOrder(rt, { outTradeNo: order.out_trade_no, source: 'close', requestId }, now)
    if (outcome.result === 'credited' || outcome.result === 'already_paid' || outcome.result === 'refunded') return outcome.order
    // NOTE: the provider got the same expiry at creation, so it stops taking payment anyway; a payment that
    // still arrives is credited by the callback ("paid after close").
    await logPaymentEvent(
      rt,
      {
        level: 'warn',
        event: 'payment_close_provider_failed',
        outTradeNo: order.out_trade_no,
        openid: order.user_openid,
        source: 'close',
        details: { code: isPaymentError(err) ? err.code : 'UNEXPECTED', provider_code: isPaymentError(err) ? (err.providerCode ?? null) : null },
        requestId,
        persist: false,
      },
      now,
    )
  }
  const res = must(await rt.db.collection('orders').where({ _id: order._id, status: 'pending' }).update({ status: 'closed', closed_at: now, updated_at: now })) as { updated?: number }
  if ((res.updated ?? 0) > 0) return { ...order, status: 'closed', closed_at: now, updated_at: now }
  return (await getDoc<OrderDoc>(rt.db, 'orders', order._id)) ?? order
}

export interface SweepResult {
  checked: number
  closed: number
  credited: number
}

/**
 * Closes every unpaid order past its expiry (oldest first, at most `limit` per call so a timer run stays short).
 * Call it from the timer trigger and `admin/runCleanup`: `await closeStaleOrders(rt, rt.clock.now())`.
 */
export async function closeStaleOrders(rt: Runtime, now: Date, opts: { limit?: number } = {}): Promise<SweepResult> {
  const _ = rt.db.command
  const limit = Math.min(opts.limit ?? 200, 1000)
  const res = must(
    await rt.db
      .collection('orders')
      .where({ status: 'pending', created_at: _.lte(new Date(now.getTime() - ORDER_TTL_MS)) })
      .orderBy('created_at', 'asc')
      .limit(limit)
      .get(),
  ) as { data: OrderDoc[] }
  const result: SweepResult = { checked: 0, closed: 0, credited: 0 }
  for (const order of res.data) {
    if (!isStale(order, now)) continue
    result.checked++
    const after = await closeStaleOrder(rt, order, now)
    if (after.status === 'closed') result.closed++
    else if (after.status === 'paid') result.credited++
  }
  return result
}

/** Lazily closes the stale orders of a page being shown (at most a page's worth of provider calls). */
export async function freshen(rt: Runtime, orders: OrderDoc[], now: Date, requestId: string): Promise<OrderDoc[]> {
  const out: OrderDoc[] = []
  for (const o of orders) out.push(isStale(o, now) ? await closeStaleOrder(rt, o, now, requestId) : o)
  return out
}

/**
 * The timer's share of the sweep: a bounded batch (each order costs a provider call), never failing the timer run
 * (the worker pass that ran before it must still be reported); what is left is closed on the next minute.
 */
export async function sweepStaleOrders(rt: Runtime, requestId: string): Promise<SweepResult | { error: string }> {
  try {
    return await closeStaleOrders(rt, rt.clock.now(), { limit: 20 })
  } catch (err) {
    rt.logger.error('order_sweep_failed', { request_id: requestId, error: String((err as Error)?.message ?? err).slice(0, 200) })
    return { error: 'sweep_failed' }
  }
}
