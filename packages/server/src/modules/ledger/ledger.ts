/**
 * The credit ledger: the only way a balance changes. Each change is an append-only entry whose `_id` is a
 * deterministic idempotency key (`recharge:<out_trade_no>`, `consume:<task_id>`, ...), written in the same
 * transaction as `users.credits`, so a replayed key returns the first result and changes nothing, and
 * `users.credits == sum(delta)` always holds.
 */
import type { Database } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must, type DbScope } from '../../lib/db'
import type { LedgerDoc, LedgerKind, UserDoc } from '../../data/documents'

export interface CreditChange {
  key: string
  openid: string
  delta: number
  kind: LedgerKind
  refId: string
  reason?: string
  /** Allow the balance to go negative (never used for user-initiated debits). */
  allowNegative?: boolean
}

export interface CreditResult {
  entry: LedgerDoc
  balance: number
  replayed: boolean
}

/**
 * Applies one change inside a transaction the caller owns (so it can be combined with other writes).
 * Throws INSUFFICIENT_CREDITS (debit past zero), NOT_FOUND (no such user), CONFLICT (key reused for different input).
 */
export async function applyCreditChange(tx: DbScope, change: CreditChange, now: Date): Promise<CreditResult> {
  if (!Number.isSafeInteger(change.delta)) throw new AppError('VALIDATION_FAILED', '积分必须是整数')
  const existing = await getDoc<LedgerDoc>(tx, 'credit_ledger', change.key)
  if (existing) {
    if (existing.user_openid !== change.openid || existing.delta !== change.delta || existing.kind !== change.kind) {
      throw new AppError('CONFLICT', '重复的积分变动请求', { key: change.key })
    }
    const user = await getDoc<UserDoc>(tx, 'users', change.openid)
    return { entry: existing, balance: user?.credits ?? existing.balance_after, replayed: true }
  }
  const user = await getDoc<UserDoc>(tx, 'users', change.openid)
  if (!user) throw new AppError('NOT_FOUND', '用户不存在')
  const balance = user.credits + change.delta
  if (balance < 0 && !change.allowNegative) {
    throw new AppError('INSUFFICIENT_CREDITS', undefined, { credits: user.credits, required: -change.delta })
  }
  const entry: LedgerDoc = {
    _id: change.key,
    user_openid: change.openid,
    delta: change.delta,
    balance_after: balance,
    kind: change.kind,
    ref_id: change.refId,
    reason: change.reason ?? null,
    created_at: now,
  }
  must(await tx.collection('users').doc(change.openid).update({ credits: balance, updated_at: now }))
  must(await tx.collection('credit_ledger').add(entry))
  return { entry, balance, replayed: false }
}

/** Applies one change in its own transaction. */
export async function changeCredits(db: Database, change: CreditChange, now: Date): Promise<CreditResult> {
  return runTx(db, (tx) => applyCreditChange(tx, change, now))
}

/**
 * `db.runTransaction` that lets AppErrors through unchanged (the SDK rethrows the callback's error after rolling back).
 */
export async function runTx<T>(db: Database, fn: (tx: DbScope) => Promise<T>): Promise<T> {
  return (await db.runTransaction(async (tx: DbScope) => fn(tx))) as T
}

/** Sum of a user's ledger entries (audit). Pages through with the (created_at, _id) keyset. */
export async function ledgerSum(db: Database, openid: string): Promise<number> {
  const _ = db.command
  let sum = 0
  let after: { t: Date; id: string } | null = null
  for (;;) {
    const where: object = after
      ? _.and([{ user_openid: openid }, _.or([{ created_at: _.gt(after.t) }, { created_at: _.eq(after.t), _id: _.gt(after.id) }])])
      : { user_openid: openid }
    const res = must(await db.collection('credit_ledger').where(where).orderBy('created_at', 'asc').orderBy('_id', 'asc').limit(1000).get()) as { data: LedgerDoc[] }
    for (const e of res.data) sum += e.delta
    const last = res.data[res.data.length - 1]
    if (!last || res.data.length < 1000) return sum
    after = { t: new Date(last.created_at), id: last._id }
  }
}
