/**
 * Daily check-in: once per calendar day in Asia/Shanghai, with a streak. The ledger key
 * `checkin:<openid>:<yyyymmdd>` makes the award exactly-once; the streak lives on the user document and is written
 * in the same transaction as the credits, so a lost race can never leave a streak without its award or vice versa.
 */
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import type { LedgerDoc, UserDoc } from '../../data/documents'
import { getDoc, must } from '../../lib/db'
import { previousDay, shanghaiDay } from '../../lib/shanghai-date'
import { applyCreditChange, runTx } from '../ledger/ledger'
import { requireUser } from '../user/user-service'

/** Product's choice (docs/credits.md): 5 credits a day, 10 on every 7th consecutive day. */
export const CHECKIN_BASE_CREDITS = 5
export const CHECKIN_STREAK_CREDITS = 10
export const CHECKIN_STREAK_EVERY = 7

export function checkinAward(streak: number): number {
  return streak > 0 && streak % CHECKIN_STREAK_EVERY === 0 ? CHECKIN_STREAK_CREDITS : CHECKIN_BASE_CREDITS
}

/** `last_checkin_date` is stored as `YYYY-MM-DD` (Shanghai) so clients can show it as is. */
const isoDay = (yyyymmdd: string) => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`

export interface CheckinResult {
  credits_awarded: number
  streak: number
  credits: number
}

export async function dailyCheckin(rt: Runtime, openid: string, now: Date): Promise<CheckinResult> {
  await requireUser(rt, openid)
  const day = shanghaiDay(now)
  const key = `checkin:${openid}:${day}`
  try {
    return await runTx(rt.db, async (tx) => {
      const user = await getDoc<UserDoc>(tx, 'users', openid)
      if (!user) throw new AppError('NOT_FOUND', '用户未注册')
      if (user.last_checkin_date === isoDay(day) || (await getDoc<LedgerDoc>(tx, 'credit_ledger', key))) throw new AppError('ALREADY_CHECKED_IN')
      const streak = user.last_checkin_date === isoDay(previousDay(day)) ? (user.checkin_streak ?? 0) + 1 : 1
      const award = checkinAward(streak)
      const change = await applyCreditChange(tx, { key, openid, delta: award, kind: 'checkin', refId: day, reason: `连续签到第${streak}天` }, now)
      must(await tx.collection('users').doc(openid).update({ checkin_streak: streak, last_checkin_date: isoDay(day) }))
      return { credits_awarded: award, streak, credits: change.balance }
    })
  } catch (err) {
    if (err instanceof AppError) throw err
    // CloudBase answers a lost race with a transaction conflict or a duplicate ledger key: the other call won.
    if (await getDoc<LedgerDoc>(rt.db, 'credit_ledger', key)) throw new AppError('ALREADY_CHECKED_IN')
    throw err
  }
}
