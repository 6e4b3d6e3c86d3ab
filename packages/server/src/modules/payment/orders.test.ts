import { PaymentError } from '@aiphoto/runtime'
import { afterEach, describe, expect, it } from 'vitest'
import type { TestGateway } from '../../testing'
import { closeStaleOrders, MAX_OPEN_ORDERS, ORDER_TTL_MS } from './orders'
import { ACK, creditsOf, deliver, failNext, ledgerOf, orderDoc, pay, paymentGateway, paymentLogs } from './payment-test-kit'

let gw: TestGateway
afterEach(async () => gw?.close())

describe('payment/createOrder', () => {
  it('writes a pending order with the seed fields and asks the provider for payment parameters', async () => {
    gw = await paymentGateway()
    const now = gw.clock.now()
    const res = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_68' })
    expect(res).toMatchObject({ amount_fen: 6800, credits: 800, expires_at: new Date(now.getTime() + ORDER_TTL_MS).toISOString() })
    expect(res.out_trade_no).toMatch(/^[0-9A-Za-z_-]{6,32}$/)
    expect(res.payment).toEqual({ kind: 'checkout', url: `http://127.0.0.1:8787/dev/checkout?out_trade_no=${res.out_trade_no}` })

    const doc = await orderDoc(gw, res.out_trade_no)
    expect(doc).toMatchObject({
      _id: res.order_id,
      user_openid: 'alice',
      type: 'recharge',
      amount: 6800,
      amount_fen: 6800,
      credits: 800,
      status: 'pending',
      created_at: now,
      package_id: 'pkg_68',
      package_name: '进阶包',
      transaction_id: null,
      paid_at: null,
      expires_at: new Date(now.getTime() + ORDER_TTL_MS),
    })
    // The provider knows the order with the same amount, payer and expiry.
    expect(await gw.rt.payment.getTransaction(res.out_trade_no)).toMatchObject({ amount_fen: 6800, payer_openid: 'alice', state: 'NOTPAY', expires_at: new Date(now.getTime() + ORDER_TTL_MS) })
    // Distinct out_trade_no per order.
    const again = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_68' })
    expect(again.out_trade_no).not.toBe(res.out_trade_no)
    expect(await creditsOf(gw, 'alice')).toBe(100)
  })

  it.each([
    [{}, 'package_id'],
    [{ package_id: '' }, 'package_id'],
    [{ package_id: { $ne: null } }, 'package_id'],
    [{ package_id: ['pkg_6'] }, 'package_id'],
    [{ package_id: 'pkg_6', amount_fen: 1 }, ''],
    [{ package_id: 'pkg_6', credits: 99999 }, ''],
    [{ package_id: 'pkg 6; drop' }, 'package_id'],
  ])('rejects %j and writes nothing', async (input, field) => {
    gw = await paymentGateway()
    const res = await gw.as('alice').call('payment/createOrder', input as never)
    expect(res).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    if (!res.success && field) expect(JSON.stringify(res.details)).toContain(field)
    expect((await gw.rt.db.collection('orders').count()).total).toBe(0)
  })

  it('refuses unknown and inactive packages, unregistered and anonymous callers', async () => {
    gw = await paymentGateway({ admins: ['openid-admin'] })
    expect(await gw.as('alice').call('payment/createOrder', { package_id: 'pkg_nope' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    await gw.as('openid-admin').ok('admin/upsertPackage', { id: 'pkg_6', name: '体验包', price_fen: 600, base_credits: 60, is_active: false })
    expect(await gw.as('alice').call('payment/createOrder', { package_id: 'pkg_6' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.as('stranger').call('payment/createOrder', { package_id: 'pkg_30' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.anonymous.call('payment/createOrder', { package_id: 'pkg_30' })).toMatchObject({ success: false, code: 'UNAUTHENTICATED' })
    expect((await gw.rt.db.collection('orders').count()).total).toBe(0)
  })

  it(`caps open orders per user at ${MAX_OPEN_ORDERS} (expired ones do not count) and rate-limits to 10 a minute`, async () => {
    gw = await paymentGateway()
    for (let i = 0; i < MAX_OPEN_ORDERS; i++) await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_6' })
    expect(await gw.as('alice').call('payment/createOrder', { package_id: 'pkg_6' })).toMatchObject({ success: false, code: 'RATE_LIMITED', details: { open_orders: MAX_OPEN_ORDERS } })
    // Bob is not affected.
    expect((await gw.as('bob').call('payment/createOrder', { package_id: 'pkg_6' })).success).toBe(true)
    // Once they expire they are closed on the way and no longer count.
    gw.clock.advance(ORDER_TTL_MS)
    expect((await gw.as('alice').call('payment/createOrder', { package_id: 'pkg_6' })).success).toBe(true)
    expect((await gw.rt.db.collection('orders').where({ user_openid: 'alice', status: 'closed' }).count()).total).toBe(MAX_OPEN_ORDERS)

    const codes: string[] = []
    for (let i = 0; i < 12; i++) {
      const r = await gw.as('carol').call('payment/createOrder', { package_id: 'pkg_nope' })
      codes.push(r.success ? 'OK' : r.code)
    }
    expect(codes.slice(0, 10).every((c) => c === 'NOT_FOUND')).toBe(true)
    expect(codes.slice(10)).toEqual(['RATE_LIMITED', 'RATE_LIMITED'])
  })

  it('answers PROVIDER_UNAVAILABLE when the provider is down and leaves no payable order behind', async () => {
    gw = await paymentGateway()
    failNext(gw.rt.payment, 'createPayment')
    expect(await gw.as('alice').call('payment/createOrder', { package_id: 'pkg_6' })).toMatchObject({ success: false, code: 'PROVIDER_UNAVAILABLE' })
    const orders = (await gw.rt.db.collection('orders').where({ user_openid: 'alice' }).get()).data
    expect(orders).toEqual([expect.objectContaining({ status: 'closed' })])
    // A refusal that is not transient is an INTERNAL error for the user, and the order is closed as well.
    failNext(gw.rt.payment, 'createPayment', new PaymentError('REJECTED', 'local', 'merchant disabled'))
    expect(await gw.as('alice').call('payment/createOrder', { package_id: 'pkg_6' })).toMatchObject({ success: false, code: 'INTERNAL' })
    expect((await gw.rt.db.collection('orders').where({ user_openid: 'alice', status: 'pending' }).count()).total).toBe(0)
  })
})

describe('payment/getOrder', () => {
  it("returns the caller's own order only; another user's out_trade_no is NOT_FOUND", async () => {
    gw = await paymentGateway()
    const o = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_30' })
    expect(await gw.as('alice').ok('payment/getOrder', { out_trade_no: o.out_trade_no })).toMatchObject({
      out_trade_no: o.out_trade_no,
      package_id: 'pkg_30',
      package_name: '标准包',
      amount_fen: 3000,
      credits: 330,
      status: 'pending',
      paid_at: null,
      credits_balance: 100,
    })
    expect(await gw.as('bob').call('payment/getOrder', { out_trade_no: o.out_trade_no })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.as('alice').call('payment/getOrder', { out_trade_no: 'R_NOT_THERE' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    for (const bad of [{ out_trade_no: { $ne: null } }, { out_trade_no: 'x' }, { out_trade_no: 'a'.repeat(33) }, { out_trade_no: 'R1 2345' }, {}]) {
      expect(await gw.as('alice').call('payment/getOrder', bad as never)).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    }
  })

  it('credits a paid order whose notification was lost, once, through the same path as the callback', async () => {
    gw = await paymentGateway()
    const o = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_30' })
    const n = await pay(gw, o.out_trade_no)
    const results = await Promise.all(Array.from({ length: 5 }, () => gw.as('alice').ok('payment/getOrder', { out_trade_no: o.out_trade_no })))
    for (const r of results) expect(r).toMatchObject({ status: 'paid', credits_balance: 430, paid_at: n.paidAt?.toISOString() })
    expect((await ledgerOf(gw, 'alice')).filter((e) => e.kind === 'recharge')).toHaveLength(1)
    expect(await paymentLogs(gw, 'payment_credited')).toEqual([expect.objectContaining({ source: 'query' })])
    // The late notification finds it paid: acknowledged, nothing more.
    expect(await deliver(gw, n)).toEqual(ACK)
    expect(await creditsOf(gw, 'alice')).toBe(430)
  })

  it('closes an expired unpaid order when it is read, at the provider too', async () => {
    gw = await paymentGateway()
    const o = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_6' })
    gw.clock.advance(ORDER_TTL_MS - 1)
    expect(await gw.as('alice').ok('payment/getOrder', { out_trade_no: o.out_trade_no })).toMatchObject({ status: 'pending' })
    gw.clock.advance(1)
    expect(await gw.as('alice').ok('payment/getOrder', { out_trade_no: o.out_trade_no })).toMatchObject({ status: 'closed' })
    expect(await gw.rt.payment.getTransaction(o.out_trade_no)).toMatchObject({ state: 'CLOSED' })
    await expect(pay(gw, o.out_trade_no)).rejects.toMatchObject({ code: 'REJECTED' })
  })
})

describe('closeStaleOrders (timer sweep)', () => {
  it('closes only expired pending orders, here and at the provider; credits one paid meanwhile instead', async () => {
    gw = await paymentGateway({ users: ['alice', 'bob', 'carol'] })
    const stale = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_6' })
    const paidLate = await gw.as('bob').ok('payment/createOrder', { package_id: 'pkg_6' })
    const paidNotified = await gw.as('bob').ok('payment/createOrder', { package_id: 'pkg_30' })
    await deliver(gw, await pay(gw, paidNotified.out_trade_no))
    // Bob pays at the last second and the notification is lost.
    gw.clock.advance(ORDER_TTL_MS - 1000)
    await pay(gw, paidLate.out_trade_no)
    gw.clock.advance(1000)
    // (Carol's call does not touch Alice's and Bob's orders: createOrder only tidies the caller's own.)
    const fresh = await gw.as('carol').ok('payment/createOrder', { package_id: 'pkg_6' })

    expect(await closeStaleOrders(gw.rt, gw.clock.now())).toEqual({ checked: 2, closed: 1, credited: 1 })
    expect(await orderDoc(gw, stale.out_trade_no)).toMatchObject({ status: 'closed', closed_at: gw.clock.now() })
    expect(await gw.rt.payment.getTransaction(stale.out_trade_no)).toMatchObject({ state: 'CLOSED' })
    expect(await orderDoc(gw, paidLate.out_trade_no)).toMatchObject({ status: 'paid' })
    expect(await orderDoc(gw, paidNotified.out_trade_no)).toMatchObject({ status: 'paid' })
    expect(await orderDoc(gw, fresh.out_trade_no)).toMatchObject({ status: 'pending' })
    expect(await creditsOf(gw, 'bob')).toBe(100 + 330 + 60)
    expect(await creditsOf(gw, 'alice')).toBe(100)
    // Idempotent: a second sweep finds nothing.
    expect(await closeStaleOrders(gw.rt, gw.clock.now())).toEqual({ checked: 0, closed: 0, credited: 0 })
  })
})

describe('timer trigger', () => {
  it('closes expired unpaid orders on the minute timer', async () => {
    gw = await paymentGateway()
    const o = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_6' })
    const timer = { Type: 'Timer', TriggerName: 'worker', Time: '2026-01-15T02:31:00Z', Message: '' }
    expect(await gw.raw(timer)).toMatchObject({ success: true, data: { retention: { orders_closed: 0 } } })
    gw.clock.advance(ORDER_TTL_MS)
    expect(await gw.raw(timer)).toMatchObject({ success: true, data: { retention: { orders_closed: 1 } } })
    expect(await orderDoc(gw, o.out_trade_no)).toMatchObject({ status: 'closed' })
  })
})
