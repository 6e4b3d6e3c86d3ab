import { afterEach, describe, expect, it } from 'vitest'
import type { TestGateway } from '../../testing'
import { changeCredits } from '../ledger/ledger'
import { deliver, pay, paymentGateway } from './payment-test-kit'

let gw: TestGateway
afterEach(async () => gw?.close())

async function allPages<T>(fetch: (cursor?: string) => Promise<{ items: T[]; next_cursor: string | null }>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = []
  let cursor: string | undefined
  let pages = 0
  for (;;) {
    const page = await fetch(cursor)
    pages++
    items.push(...page.items)
    if (!page.next_cursor) return { items, pages }
    cursor = page.next_cursor
    if (pages > 50) throw new Error('paging does not end')
  }
}

describe('payment/listRechargeRecords', () => {
  it('pages newest first on (created_at, _id) with ties, without skipping or repeating, own orders only', async () => {
    gw = await paymentGateway()
    const made: string[] = []
    // Nine orders in the same millisecond (ties), then three a minute later; paid as they go (open-order cap).
    for (let i = 0; i < 9; i++) {
      const o = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_6' })
      if (i !== 0 && i !== 5) await deliver(gw, await pay(gw, o.out_trade_no))
      made.push(o.out_trade_no)
    }
    gw.clock.advance(60_000)
    for (let i = 0; i < 3; i++) made.push((await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_30' })).out_trade_no)
    await gw.as('bob').ok('payment/createOrder', { package_id: 'pkg_6' })

    const { items, pages } = await allPages((cursor) => gw.as('alice').ok('payment/listRechargeRecords', { pageSize: 5, ...(cursor ? { cursor } : {}) }))
    expect(pages).toBe(3)
    expect(items).toHaveLength(12)
    expect(new Set(items.map((r) => r.out_trade_no))).toEqual(new Set(made))
    // Newest first: the three later orders lead.
    expect(items.slice(0, 3).every((r) => r.package_id === 'pkg_30')).toBe(true)
    const times = items.map((r) => Date.parse(r.created_at))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect(items.filter((r) => r.status === 'paid')).toHaveLength(7)
    expect(items.find((r) => r.status === 'paid')).toMatchObject({ paid_at: expect.any(String), amount_fen: 600, credits: 60, package_name: '体验包' })
  })

  it('shows an expired unpaid order as closed (and closes it)', async () => {
    gw = await paymentGateway()
    const o = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_6' })
    gw.clock.advance(30 * 60_000)
    const { items } = await gw.as('alice').ok('payment/listRechargeRecords', {})
    expect(items).toEqual([expect.objectContaining({ out_trade_no: o.out_trade_no, status: 'closed' })])
    expect(await gw.rt.payment.getTransaction(o.out_trade_no)).toMatchObject({ state: 'CLOSED' })
  })

  it('rejects a forged cursor and bad page sizes', async () => {
    gw = await paymentGateway()
    for (const input of [{ cursor: 'not-a-cursor' }, { cursor: { $gt: '' } }, { pageSize: 0 }, { pageSize: 51 }, { pageSize: 2.5 }, { user_openid: 'bob' }]) {
      expect(await gw.as('alice').call('payment/listRechargeRecords', input as never), JSON.stringify(input)).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    }
  })
})

describe('payment/listConsumeRecords', () => {
  it('lists only consume and refund entries of the caller, newest first, with ties', async () => {
    gw = await paymentGateway()
    const t0 = gw.clock.now()
    for (let i = 0; i < 7; i++) await changeCredits(gw.rt.db, { key: `consume:a${i}`, openid: 'alice', delta: -2, kind: 'consume', refId: `a${i}` }, t0)
    const t1 = new Date(t0.getTime() + 1000)
    await changeCredits(gw.rt.db, { key: 'refund:a1', openid: 'alice', delta: 2, kind: 'refund', refId: 'a1', reason: '生成失败退款' }, t1)
    await changeCredits(gw.rt.db, { key: 'admin_adjust:x1', openid: 'alice', delta: 5, kind: 'admin_adjust', refId: 'admin' }, t1)
    await changeCredits(gw.rt.db, { key: 'consume:b1', openid: 'bob', delta: -3, kind: 'consume', refId: 'b1' }, t1)
    await gw.as('alice').ok('payment/dailyCheckin', {})

    const { items, pages } = await allPages((cursor) => gw.as('alice').ok('payment/listConsumeRecords', { pageSize: 3, ...(cursor ? { cursor } : {}) }))
    expect(pages).toBe(3)
    expect(items.map((r) => r.id)).toEqual(['refund:a1', ...['a6', 'a5', 'a4', 'a3', 'a2', 'a1', 'a0'].map((x) => `consume:${x}`)])
    expect(items[0]).toEqual({ id: 'refund:a1', kind: 'refund', delta: 2, balance_after: 88, ref_id: 'a1', reason: '生成失败退款', created_at: t1.toISOString() })
    expect(items.at(-1)).toMatchObject({ kind: 'consume', delta: -2, balance_after: 98 })
    expect((await gw.as('bob').ok('payment/listConsumeRecords', {})).items.map((r) => r.id)).toEqual(['consume:b1'])
  })
})
