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

/** Audit record of an admin change: who, what, before and after. */
export interface AuditLogDoc {
  _id: string
  kind: 'audit'
  actor: string
  action: string
  target: string
  before: unknown
  after: unknown
  request_id: string
  created_at: Date
}

// ---- Payment (credit packages, orders, payment event log) ----

/** A credit package on sale; `_id` is a readable id (`pkg_6`); a paid order keeps its own copy of price and credits. */
export interface CreditPackageDoc {
  _id: string
  name: string
  price_fen: number
  base_credits: number
  bonus_credits: number
  tag: string | null
  sort_order: number
  is_active: boolean
  created_at: Date
  updated_at: Date
}

export type OrderStatus = 'pending' | 'paid' | 'closed' | 'refunded'

/**
 * A recharge order. Seed fields (`user_openid, type, amount, credits, status, created_at`) are kept; `amount` is in
 * fen like `amount_fen` (integers for money). `credits` is what paying grants (base + bonus at creation time).
 */
export interface OrderDoc {
  _id: string
  user_openid: string
  type: 'recharge'
  amount: number
  credits: number
  status: OrderStatus
  created_at: Date
  /** ≤ 32 of [0-9A-Za-z_-], unique (index `out_trade_no_unique`): the merchant order number the provider knows. */
  out_trade_no: string
  package_id: string
  package_name: string
  amount_fen: number
  transaction_id: string | null
  paid_at: Date | null
  expires_at: Date
  closed_at: Date | null
  updated_at: Date
}

/** A payment event worth keeping (credited, replayed, forged, early, paid after close) in `logs`. */
export interface PaymentLogDoc {
  _id?: string
  kind: 'payment'
  level: 'info' | 'warn' | 'error'
  event: string
  out_trade_no: string
  user_openid: string | null
  source: 'callback' | 'query' | 'close'
  details: Record<string, unknown>
  request_id: string | null
  created_at: Date
}
