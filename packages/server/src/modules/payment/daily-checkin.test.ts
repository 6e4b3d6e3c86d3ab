import { afterEach, describe, expect, it } from 'vitest'
import type { TestGateway } from '../../testing'
import { CHECKIN_BASE_CREDITS, CHECKIN_STREAK_CREDITS } from './daily-checkin'
import { creditsOf, ledgerOf, paymentGateway } from './payment-test-kit'

let gw: TestGateway
afterEach(async () => gw?.close())

const DAY = 24 * 3600 * 1000

async function userDoc(gw: TestGateway, openid: string) {
  return (await gw.rt.db.collection('users').doc(openid).get()).data[0] as { checkin_streak: number; last_checkin_date: string | null; credits: number }
}

describe('payment/dailyCheckin', () => {
  it('awards once per Shanghai day; 12 concurrent calls → exactly one success, the rest ALREADY_CHECKED_IN', async () => {
    // 2026-01-15 10:00 in Shanghai.
    gw = await paymentGateway({ users: ['alice'] })
    gw.clock.set('2026-01-15T02:00:00Z')
    const results = await Promise.all(Array.from({ length: 12 }, () => gw.as('alice').call('payment/dailyCheckin', {})))
    const ok = results.filter((r) => r.success)
    expect(ok).toHaveLength(1)
    expect(ok[0]).toEqual({ success: true, data: { credits_awarded: CHECKIN_BASE_CREDITS, streak: 1, credits: 100 + CHECKIN_BASE_CREDITS } })
    expect(results.filter((r) => !r.success).every((r) => !r.success && r.code === 'ALREADY_CHECKED_IN')).toBe(true)
    expect((await ledgerOf(gw, 'alice')).filter((e) => e.kind === 'checkin')).toEqual([
      expect.objectContaining({ _id: 'checkin:alice:20260115', delta: CHECKIN_BASE_CREDITS, ref_id: '20260115' }),
    ])
    expect(await userDoc(gw, 'alice')).toMatchObject({ checkin_streak: 1, last_checkin_date: '2026-01-15', credits: 105 })
    expect(await gw.as('alice').ok('user/getUserInfo')).toMatchObject({ checkin_streak: 1, last_checkin_date: '2026-01-15' })
  })

  it('follows the Shanghai calendar: 15:59:59 UTC is still the same day, 16:00:00 UTC is the next', async () => {
    gw = await paymentGateway({ users: ['alice'] })
    gw.clock.set('2026-01-15T00:30:00Z') // 08:30 on the 15th in Shanghai
    await gw.as('alice').ok('payment/dailyCheckin', {})
    gw.clock.set('2026-01-15T15:59:59.999Z') // 23:59:59.999 on the 15th
    expect(await gw.as('alice').call('payment/dailyCheckin', {})).toMatchObject({ success: false, code: 'ALREADY_CHECKED_IN' })
    gw.clock.set('2026-01-15T16:00:00Z') // 00:00 on the 16th
    expect(await gw.as('alice').ok('payment/dailyCheckin', {})).toMatchObject({ streak: 2, credits_awarded: CHECKIN_BASE_CREDITS })
    expect((await ledgerOf(gw, 'alice')).map((e) => e._id).filter((id) => id.startsWith('checkin:')).sort()).toEqual(['checkin:alice:20260115', 'checkin:alice:20260116'])
  })

  it('pays the streak bonus on every 7th consecutive day, and a missed day resets the streak', async () => {
    gw = await paymentGateway({ users: ['alice'] })
    gw.clock.set('2026-01-01T01:00:00Z')
    const awards: number[] = []
    const streaks: number[] = []
    for (let day = 0; day < 15; day++) {
      const r = await gw.as('alice').ok('payment/dailyCheckin', {})
      awards.push(r.credits_awarded)
      streaks.push(r.streak)
      gw.clock.advance(DAY)
    }
    expect(streaks).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
    expect(awards).toEqual(streaks.map((s) => (s % 7 === 0 ? CHECKIN_STREAK_CREDITS : CHECKIN_BASE_CREDITS)))
    const total = awards.reduce((a, b) => a + b, 0)
    expect(await creditsOf(gw, 'alice')).toBe(100 + total)

    // Skip a whole day: the streak starts over.
    gw.clock.advance(DAY)
    expect(await gw.as('alice').ok('payment/dailyCheckin', {})).toMatchObject({ streak: 1, credits_awarded: CHECKIN_BASE_CREDITS })
    expect(await userDoc(gw, 'alice')).toMatchObject({ checkin_streak: 1 })
  })

  it('late at night then early next morning (Shanghai) continues the streak even under 12 hours apart', async () => {
    gw = await paymentGateway({ users: ['alice'] })
    gw.clock.set('2026-03-10T15:50:00Z') // 23:50 on the 10th
    await gw.as('alice').ok('payment/dailyCheckin', {})
    gw.clock.set('2026-03-10T16:10:00Z') // 00:10 on the 11th
    expect(await gw.as('alice').ok('payment/dailyCheckin', {})).toMatchObject({ streak: 2 })
    gw.clock.set('2026-03-12T16:00:00Z') // 00:00 on the 13th: the 12th was missed
    expect(await gw.as('alice').ok('payment/dailyCheckin', {})).toMatchObject({ streak: 1 })
  })

  it('refuses unregistered and anonymous callers, and input', async () => {
    gw = await paymentGateway({ users: [] })
    expect(await gw.as('ghost').call('payment/dailyCheckin', {})).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.anonymous.call('payment/dailyCheckin', {})).toMatchObject({ success: false, code: 'UNAUTHENTICATED' })
    await gw.as('alice').ok('user/register', {})
    expect(await gw.as('alice').call('payment/dailyCheckin', { date: '20260101' } as never)).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await ledgerOf(gw, 'ghost')).toEqual([])
  })
})
