import { afterEach, describe, expect, it } from 'vitest'
import type { TestGateway } from '../../testing'
import { cloudPayCallbackEventOf } from './cloudpay-callback-event'
import { closeStaleOrders } from './orders'
import { ACK, creditsOf, deliver, distortQuery, failNext, ledgerOf, orderDoc, pay, payAndNotify, paymentGateway, paymentLogs } from './payment-test-kit'

let gw: TestGateway
afterEach(async () => gw?.close())

async function order(gw: TestGateway, openid = 'alice', package_id = 'pkg_30') {
  return gw.as(openid).ok('payment/createOrder', { package_id })
}

describe('payment callback (cloudPay event through the gateway)', () => {
  it('credits a verified payment once: order paid, ledger recharge:<out_trade_no>, balance', async () => {
    gw = await paymentGateway()
    const o = await order(gw)
    gw.clock.advance(60_000)
    const n = await pay(gw, o.out_trade_no)
    expect(await deliver(gw, n)).toEqual(ACK)

    expect(await creditsOf(gw, 'alice')).toBe(100 + 330)
    expect(await orderDoc(gw, o.out_trade_no)).toMatchObject({ status: 'paid', transaction_id: n.transactionId, paid_at: n.paidAt, amount_fen: 3000, credits: 330 })
    const entries = (await ledgerOf(gw, 'alice')).filter((e) => e.kind === 'recharge')
    expect(entries).toEqual([expect.objectContaining({ _id: `recharge:${o.out_trade_no}`, delta: 330, balance_after: 430, ref_id: o.out_trade_no })])
    expect(await paymentLogs(gw, 'payment_credited')).toEqual([expect.objectContaining({ out_trade_no: o.out_trade_no, user_openid: 'alice', source: 'callback' })])

    // The same notification again (WeChat retries): acknowledged, nothing more, logged as a duplicate.
    expect(await deliver(gw, n)).toEqual(ACK)
    expect(await creditsOf(gw, 'alice')).toBe(430)
    expect(await paymentLogs(gw, 'payment_duplicate')).toHaveLength(1)
  })

  it('10 concurrent replays of the notification credit exactly once, and every one is acknowledged', async () => {
    gw = await paymentGateway()
    const o = await order(gw, 'alice', 'pkg_6')
    const n = await pay(gw, o.out_trade_no)
    const replies = await Promise.all(Array.from({ length: 10 }, () => deliver(gw, n)))
    expect(replies).toEqual(Array(10).fill(ACK))
    expect(await creditsOf(gw, 'alice')).toBe(160)
    expect((await ledgerOf(gw, 'alice')).filter((e) => e.kind === 'recharge')).toHaveLength(1)
    expect(await paymentLogs(gw, 'payment_credited')).toHaveLength(1)
    expect(await paymentLogs(gw, 'payment_duplicate')).toHaveLength(9)
  })

  it('an early notification (provider: NOTPAY) credits nothing and asks WeChat to retry; the real payment then credits', async () => {
    gw = await paymentGateway()
    const o = await order(gw)
    const forged = await gw.rt.payment.forgeNotification(o.out_trade_no)
    const early = (await deliver(gw, forged)) as { errcode: number; errmsg: string }
    expect(early.errcode).not.toBe(0)
    expect(early.errmsg).toBe('NOTPAY')
    expect(await creditsOf(gw, 'alice')).toBe(100)
    expect(await orderDoc(gw, o.out_trade_no)).toMatchObject({ status: 'pending' })
    expect(await paymentLogs(gw, 'payment_not_paid')).toEqual([expect.objectContaining({ level: 'warn', details: { trade_state: 'NOTPAY', order_status: 'pending' } })])

    expect(await payAndNotify(gw, o.out_trade_no)).toEqual(ACK)
    expect(await creditsOf(gw, 'alice')).toBe(430)
  })

  it('acknowledges without crediting: unknown order, amount mismatch, another payer, provider says CLOSED', async () => {
    gw = await paymentGateway()
    const o = await order(gw)
    const real = await pay(gw, o.out_trade_no)

    expect(await deliver(gw, { ...real, outTradeNo: 'R_NO_SUCH_ORDER' })).toEqual(ACK)
    expect(await deliver(gw, { ...real, totalFee: 1 })).toEqual(ACK)
    expect(await deliver(gw, { ...real, payerOpenid: 'bob' })).toEqual(ACK)
    expect(await creditsOf(gw, 'alice')).toBe(100)
    expect(await orderDoc(gw, o.out_trade_no)).toMatchObject({ status: 'pending' })
    expect((await paymentLogs(gw)).map((l) => l.event).sort()).toEqual(['payment_claim_amount_mismatch', 'payment_claim_payer_mismatch', 'payment_unknown_order'])

    // A forged success for an order the provider closed: never paid, nothing to retry.
    const other = await order(gw, 'bob', 'pkg_6')
    await gw.rt.payment.closeOrder(other.out_trade_no)
    expect(await deliver(gw, await gw.rt.payment.forgeNotification(other.out_trade_no))).toEqual(ACK)
    expect(await creditsOf(gw, 'bob')).toBe(100)

    // The genuine notification still credits.
    expect(await deliver(gw, real)).toEqual(ACK)
    expect(await creditsOf(gw, 'alice')).toBe(430)
  })

  it('refuses (WeChat retries) while the provider cannot be asked, then credits', async () => {
    gw = await paymentGateway()
    const o = await order(gw)
    const n = await pay(gw, o.out_trade_no)
    failNext(gw.rt.payment, 'queryOrder')
    expect(await deliver(gw, n)).toEqual({ errcode: 1, errmsg: 'PROVIDER_UNAVAILABLE' })
    expect(await creditsOf(gw, 'alice')).toBe(100)
    expect(await deliver(gw, n)).toEqual(ACK)
    expect(await creditsOf(gw, 'alice')).toBe(430)
  })

  it('does not credit when the provider reports another amount (logged as an error for a human)', async () => {
    gw = await paymentGateway()
    const o = await order(gw)
    const n = await pay(gw, o.out_trade_no)
    distortQuery(gw.rt.payment, { amountFen: 1 })
    expect(await deliver(gw, n)).toEqual(ACK)
    expect(await creditsOf(gw, 'alice')).toBe(100)
    expect(await paymentLogs(gw, 'payment_provider_amount_mismatch')).toEqual([expect.objectContaining({ level: 'error', details: { provider_fee: 1, amount_fen: 3000 } })])
  })

  it('a failed-payment notification changes nothing; unreadable events are acknowledged; users cannot send callbacks', async () => {
    gw = await paymentGateway()
    const o = await order(gw)
    const n = await pay(gw, o.out_trade_no)
    expect(await gw.raw(cloudPayCallbackEventOf({ ...n, success: false }))).toEqual(ACK)
    expect(await gw.raw({ returnCode: 'SUCCESS', outTradeNo: '' })).toEqual(ACK)
    expect(await creditsOf(gw, 'alice')).toBe(100)
    // The same event sent by a user through callFunction is refused before it is read.
    expect(await gw.raw(cloudPayCallbackEventOf(n), { kind: 'user', openid: 'alice', source: 'test' })).toMatchObject({ errcode: -1 })
    expect(await creditsOf(gw, 'alice')).toBe(100)
    expect(await deliver(gw, n)).toEqual(ACK)
    expect(await creditsOf(gw, 'alice')).toBe(430)
  })

  it('credits an order closed here whose payment the provider confirms (the money was taken), and logs it', async () => {
    gw = await paymentGateway()
    const o = await order(gw)
    const n = await pay(gw, o.out_trade_no)
    // The notification is lost and, at expiry, neither closing nor querying the provider works: closed here only.
    gw.clock.advance(31 * 60_000)
    failNext(gw.rt.payment, 'closeOrder')
    failNext(gw.rt.payment, 'queryOrder')
    expect(await closeStaleOrders(gw.rt, gw.clock.now())).toEqual({ checked: 1, closed: 1, credited: 0 })
    expect(await orderDoc(gw, o.out_trade_no)).toMatchObject({ status: 'closed' })

    expect(await deliver(gw, n)).toEqual(ACK)
    expect(await creditsOf(gw, 'alice')).toBe(430)
    expect(await orderDoc(gw, o.out_trade_no)).toMatchObject({ status: 'paid', transaction_id: n.transactionId })
    expect(await paymentLogs(gw, 'payment_credited_after_close')).toEqual([expect.objectContaining({ level: 'warn', out_trade_no: o.out_trade_no })])
  })

  it('never credits a refunded order, nor one the provider reports as REFUND or still USERPAYING', async () => {
    gw = await paymentGateway()
    const refunded = await order(gw)
    const n1 = await pay(gw, refunded.out_trade_no)
    await gw.rt.db.collection('orders').where({ out_trade_no: refunded.out_trade_no }).update({ status: 'refunded' })
    expect(await deliver(gw, n1)).toEqual(ACK)
    expect(await paymentLogs(gw, 'payment_for_refunded_order')).toHaveLength(1)

    const other = await order(gw, 'bob')
    const n2 = await pay(gw, other.out_trade_no)
    distortQuery(gw.rt.payment, { tradeState: 'REFUND' })
    expect(await deliver(gw, n2)).toEqual(ACK)
    distortQuery(gw.rt.payment, { tradeState: 'USERPAYING' })
    expect(await deliver(gw, n2)).toEqual({ errcode: 1, errmsg: 'USERPAYING' })
    expect(await creditsOf(gw, 'alice')).toBe(100)
    expect(await creditsOf(gw, 'bob')).toBe(100)
  })
})
