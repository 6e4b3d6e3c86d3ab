import { afterEach, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from '../../testing'
import { changeCredits } from '../ledger/ledger'
import { auditCredits } from './audit-credits'

let gw: TestGateway
afterEach(async () => gw?.close())

describe('admin/auditCredits', () => {
  it('finds exactly the users whose balance differs from their ledger sum, paging through every user', async () => {
    gw = await createTestGateway()
    // 230 users: more than two pages of the users keyset.
    const openids = Array.from({ length: 230 }, (_, i) => `u${String(i).padStart(3, '0')}`)
    for (let i = 0; i < openids.length; i += 23) await Promise.all(openids.slice(i, i + 23).map((id) => gw.as(id).ok('user/register', {})))
    for (let i = 0; i < 40; i++) await changeCredits(gw.rt.db, { key: `consume:t${i}`, openid: openids[i % 7]!, delta: -3, kind: 'consume', refId: `t${i}` }, gw.clock.now())
    await gw.as('u001').ok('payment/dailyCheckin', {})

    const admin = gw.as('openid-admin')
    await admin.ok('user/register', {})
    expect(await admin.ok('admin/auditCredits', {})).toEqual({ users_checked: 231, mismatches: [], next_after: null })

    gw.clock.advance(1000)
    // Corrupt two balances behind the ledger's back (as a buggy script or a console edit would).
    await gw.rt.db.collection('users').doc('u005').update({ credits: 9999 })
    await gw.rt.db.collection('users').doc('u217').update({ credits: 0 })
    const result = await admin.ok('admin/auditCredits', {})
    expect(result.users_checked).toBe(231)
    expect(result.mismatches).toEqual([
      { openid: 'u005', credits: 9999, ledger_sum: 100 - 3 * 5 },
      { openid: 'u217', credits: 0, ledger_sum: 100 },
    ])
    expect(result.next_after).toBeNull()

    // Resumable: in slices of 40 users the calls cover everyone once and find the same mismatches.
    const sliced: Array<{ openid: string }> = []
    let after: string | null | undefined
    let checked = 0
    let calls = 0
    do {
      const part = await admin.ok('admin/auditCredits', { max_users: 40, ...(after ? { after } : {}) })
      checked += part.users_checked
      sliced.push(...part.mismatches)
      after = part.next_after
      calls++
    } while (after)
    expect({ checked, calls, mismatches: sliced.map((m) => m.openid) }).toEqual({ checked: 231, calls: 6, mismatches: ['u005', 'u217'] })
    const logged = (await gw.rt.db.collection('logs').where({ kind: 'audit', action: 'admin/auditCredits' }).orderBy('created_at', 'asc').get()).data
    expect(logged).toHaveLength(2 + 6)
    expect(logged).toContainEqual(expect.objectContaining({ actor: 'openid-admin', after: { users_checked: 231, mismatches: 2 } }))
  })

  it('counts a user with no ledger entries as a sum of 0', async () => {
    gw = await createTestGateway()
    const now = gw.clock.now()
    await gw.rt.db.collection('users').add({ _id: 'legacy', openid: 'legacy', nickname: 'x', avatar_url: '', credits: 50, invite_code: 'LEGACY', invited_by: null, checkin_streak: 0, last_checkin_date: null, created_at: now, updated_at: now })
    expect(await auditCredits(gw.rt)).toEqual({ users_checked: 1, mismatches: [{ openid: 'legacy', credits: 50, ledger_sum: 0 }], next_after: null })
  })

  it('is for admins only', async () => {
    gw = await createTestGateway()
    await gw.as('alice').ok('user/register', {})
    expect(await gw.as('alice').call('admin/auditCredits', {})).toMatchObject({ success: false, code: 'FORBIDDEN' })
    expect(await gw.anonymous.call('admin/auditCredits', {})).toMatchObject({ success: false, code: 'UNAUTHENTICATED' })
    expect(await gw.as('openid-admin').call('admin/auditCredits', { full: true } as never)).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
  })
})
