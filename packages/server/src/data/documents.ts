/**
 * Document shapes of the collections (seed fields kept, snake_case). The users collection uses the openid
 * as `_id`, which makes registration idempotent under concurrency (a second insert is a duplicate key).
 */
export interface UserDoc {
  _id: string
  openid: string
  nickname: string
  avatar_url: string
  credits: number
  invite_code: string
  invited_by: string | null
  checkin_streak: number
  last_checkin_date: string | null
  created_at: Date
  updated_at: Date
}

export type LedgerKind = 'signup_bonus' | 'invite_reward' | 'checkin' | 'recharge' | 'consume' | 'refund' | 'admin_adjust'

export interface LedgerDoc {
  _id: string
  user_openid: string
  delta: number
  balance_after: number
  kind: LedgerKind
  ref_id: string
  reason: string | null
  created_at: Date
}
