import { afterEach, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from '../../testing'
import { ledgerSum } from '../ledger/ledger'

let gw: TestGateway
afterEach(async () => gw?.close())

const adjust = (delta: number, request_id: string, reason = '客服补偿') => ({ openid: 'alice', delta, reason, request_id })

describe('admin/adjustCredits', () => {
  it('adds and removes credits through the ledger with an audit record; a retried request applies once', async () => {
    gw = await createTestGateway()
    await gw.as('alice').ok('user/register', {})
    const admin = gw.as('openid-admin')

    expect(await admin.ok('admin/adjustCredits', adjust(50, 'req-00000001'))).toEqual({ credits: 150, entry_id: 'admin_adjust:req-00000001' })
    expect(await admin.ok('admin/adjustCredits', adjust(50, 'req-00000001'))).toEqual({ credits: 150, entry_id: 'admin_adjust:req-00000001' })
    expect(await admin.ok('admin/adjustCredits', adjust(-30, 'req-00000002', '误充扣回'))).toEqual({ credits: 120, entry_id: 'admin_adjust:req-00000002' })
    // The same request id with another amount is a conflict, not a second change.
    expect(await admin.call('admin/adjustCredits', adjust(-31, 'req-00000002', '误充扣回'))).toMatchObject({ success: false, code: 'CONFLICT' })

    expect((await gw.as('alice').ok('user/getUserInfo')).credits).toBe(120)
    expect(await ledgerSum(gw.rt.db, 'alice')).toBe(120)
    const entry = (await gw.rt.db.collection('credit_ledger').doc('admin_adjust:req-00000002').get()).data[0]
    expect(entry).toMatchObject({ kind: 'admin_adjust', delta: -30, balance_after: 120, reason: '误充扣回', ref_id: 'openid-admin' })
    const audits = (await gw.rt.db.collection('logs').where({ kind: 'audit', action: 'admin/adjustCredits' }).orderBy('created_at', 'asc').orderBy('_id', 'asc').get()).data
    expect(audits).toEqual([
      expect.objectContaining({ actor: 'openid-admin', target: 'alice', before: { credits: 100 }, after: { credits: 150, delta: 50, reason: '客服补偿' } }),
      expect.objectContaining({ before: { credits: 150 }, after: { credits: 120, delta: -30, reason: '误充扣回' } }),
    ])
  })

  it('never overdraws: 200 concurrent debits of 1 on a balance of 150 → exactly 150 succeed', async () => {
    gw = await createTestGateway({ config: { rateLimit: { windowMs: 60_000, defaultMax: 1000 } } })
    await gw.as('alice').ok('user/register', {})
    const admin = gw.as('openid-admin')
    await admin.ok('admin/adjustCredits', adjust(50, 'top-up-0001'))
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => admin.call('admin/adjustCredits', adjust(-1, `debit-${String(i).padStart(4, '0')}`))))
    expect(results.filter((r) => r.success)).toHaveLength(150)
    expect(results.filter((r) => !r.success).every((r) => !r.success && r.code === 'INSUFFICIENT_CREDITS')).toBe(true)
    expect((await gw.as('alice').ok('user/getUserInfo')).credits).toBe(0)
    expect(await ledgerSum(gw.rt.db, 'alice')).toBe(0)
  })

  it('refuses non-admins, unknown users and bad input', async () => {
    gw = await createTestGateway()
    await gw.as('alice').ok('user/register', {})
    expect(await gw.as('alice').call('admin/adjustCredits', adjust(1000, 'self-gift-01'))).toMatchObject({ success: false, code: 'FORBIDDEN' })
    const admin = gw.as('openid-admin')
    expect(await admin.call('admin/adjustCredits', { ...adjust(5, 'ghost-00001'), openid: 'ghost' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    for (const bad of [
      { ...adjust(0, 'zero-000001') },
      { ...adjust(1.5, 'frac-000001') },
      { openid: 'alice', delta: 5, request_id: 'noreason-01' },
      { ...adjust(5, 'short') },
      { ...adjust(5, 'reason-empty'), reason: '' },
      { ...adjust(5, 'inject-0001'), openid: { $ne: null } },
      { ...adjust(5, 'extra-00001'), kind: 'recharge' },
    ]) {
      expect(await admin.call('admin/adjustCredits', bad as never), JSON.stringify(bad)).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    }
    expect((await gw.as('alice').ok('user/getUserInfo')).credits).toBe(100)
    expect((await gw.rt.db.collection('logs').where({ kind: 'audit' }).count()).total).toBe(0)
  })
})
