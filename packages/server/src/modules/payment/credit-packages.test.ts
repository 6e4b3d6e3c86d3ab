import { afterEach, describe, expect, it } from 'vitest'
import { seedDatabase } from '../../seed'
import { createTestGateway, type TestGateway } from '../../testing'
import { DEFAULT_PACKAGES } from './credit-packages'
import { paymentGateway } from './payment-test-kit'

let gw: TestGateway
afterEach(async () => gw?.close())

async function audits(gw: TestGateway) {
  return (await gw.rt.db.collection('logs').where({ kind: 'audit', action: 'admin/upsertPackage' }).orderBy('created_at', 'asc').get()).data as Array<Record<string, unknown>>
}

describe('payment/getPackages', () => {
  it('lists the seeded packages in display order, `credits` being the total granted; public', async () => {
    gw = await paymentGateway()
    const { items } = await gw.anonymous.ok('payment/getPackages', {})
    expect(items.map((p) => [p.id, p.price_fen, p.credits])).toEqual([
      ['pkg_6', 600, 60],
      ['pkg_30', 3000, 330],
      ['pkg_68', 6800, 800],
      ['pkg_128', 12800, 1600],
    ])
    for (const p of items) expect(p.credits).toBe(p.base_credits + p.bonus_credits)
    expect(items[1]).toEqual({ id: 'pkg_30', name: '标准包', price_fen: 3000, credits: 330, base_credits: 300, bonus_credits: 30, tag: '送10%' })
    expect(await gw.anonymous.call('payment/getPackages', { all: true } as never)).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
  })

  it('seeding is idempotent and keeps admin edits', async () => {
    gw = await createTestGateway()
    const first = await seedDatabase(gw.rt)
    expect(first.find((r) => r.collection === 'credit_packages')).toEqual({ collection: 'credit_packages', inserted: DEFAULT_PACKAGES.length })
    await gw.as('openid-admin').ok('admin/upsertPackage', { id: 'pkg_6', name: '尝鲜包', price_fen: 500, base_credits: 60, sort_order: 10 })
    const again = await seedDatabase(gw.rt)
    expect(again.find((r) => r.collection === 'credit_packages')).toEqual({ collection: 'credit_packages', inserted: 0 })
    expect((await gw.anonymous.ok('payment/getPackages', {})).items[0]).toMatchObject({ id: 'pkg_6', name: '尝鲜包', price_fen: 500 })
  })
})

describe('admin/listPackages and admin/upsertPackage', () => {
  it('creates, edits and hides packages with an audit record (who, what, before, after); pending orders keep their price', async () => {
    gw = await paymentGateway()
    const admin = gw.as('openid-admin')
    const order = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_30' })

    expect(await admin.ok('admin/upsertPackage', { id: 'pkg_648', name: '土豪包', price_fen: 64800, base_credits: 6480, bonus_credits: 2000, tag: '限时', sort_order: 50 })).toEqual({ id: 'pkg_648', created: true })
    gw.clock.advance(1000)
    expect(await admin.ok('admin/upsertPackage', { id: 'pkg_30', name: '标准包', price_fen: 3500, base_credits: 300, bonus_credits: 0, sort_order: 20, is_active: false })).toEqual({ id: 'pkg_30', created: false })

    const listed = (await admin.ok('admin/listPackages', {})).items
    expect(listed.map((p) => [p.id, p.is_active])).toEqual([
      ['pkg_6', true],
      ['pkg_30', false],
      ['pkg_68', true],
      ['pkg_128', true],
      ['pkg_648', true],
    ])
    expect(listed.find((p) => p.id === 'pkg_648')).toEqual({ id: 'pkg_648', name: '土豪包', price_fen: 64800, credits: 8480, base_credits: 6480, bonus_credits: 2000, tag: '限时', is_active: true, sort_order: 50 })
    expect((await gw.anonymous.ok('payment/getPackages', {})).items.map((p) => p.id)).toEqual(['pkg_6', 'pkg_68', 'pkg_128', 'pkg_648'])

    const records = await audits(gw)
    expect(records).toHaveLength(2)
    expect(records[0]).toMatchObject({ actor: 'openid-admin', action: 'admin/upsertPackage', target: 'pkg_648', before: null, after: { id: 'pkg_648', price_fen: 64800 } })
    expect(records[1]).toMatchObject({ target: 'pkg_30', before: { price_fen: 3000, bonus_credits: 30, is_active: true }, after: { price_fen: 3500, bonus_credits: 0, is_active: false } })

    // The order placed before the edit still costs and grants what it said.
    expect(await gw.as('alice').ok('payment/getOrder', { out_trade_no: order.out_trade_no })).toMatchObject({ amount_fen: 3000, credits: 330 })
  })

  it('refuses non-admins and invalid packages', async () => {
    gw = await paymentGateway()
    const good = { id: 'pkg_x', name: '包', price_fen: 100, base_credits: 10 }
    expect(await gw.as('alice').call('admin/upsertPackage', good)).toMatchObject({ success: false, code: 'FORBIDDEN' })
    expect(await gw.as('alice').call('admin/listPackages', {})).toMatchObject({ success: false, code: 'FORBIDDEN' })
    for (const bad of [
      { ...good, price_fen: 0 },
      { ...good, price_fen: 1.5 },
      { ...good, base_credits: -1 },
      { ...good, id: { $ne: null } },
      { ...good, id: 'a/b' },
      { ...good, name: '' },
      { ...good, created_at: 'x' },
    ]) {
      expect(await gw.as('openid-admin').call('admin/upsertPackage', bad as never), JSON.stringify(bad)).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    }
    expect(await audits(gw)).toHaveLength(0)
  })
})
