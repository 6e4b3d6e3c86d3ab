/**
 * `admin/auditCredits`: recomputes every balance from the ledger and lists the users whose `credits` differ from
 * the sum of their entries (the invariant `users.credits == sum(ledger.delta)`). Users are paged with a keyset on
 * `_id`; each page's ledger sums come from ONE grouped aggregate instead of a query per user.
 * A cloud function has ~60 s, so one call stops after ~40 s (or `max_users`) and answers `next_after`; the
 * operator calls again with it until it is null.
 */
import type { Runtime } from '@aiphoto/runtime'
import type { AuditLogDoc, UserDoc } from '../../data/documents'
import { must } from '../../lib/db'
import { defineProcedures, openidOf } from '../../procedure'

const USERS_PER_PAGE = 100

export interface AuditResult {
  users_checked: number
  mismatches: Array<{ openid: string; credits: number; ledger_sum: number }>
  next_after: string | null
}

const TIME_BUDGET_MS = 40_000

/** Sum of ledger deltas per openid, for a set of openids, in one aggregate call. */
export async function ledgerSums(rt: Runtime, openids: string[]): Promise<Map<string, number>> {
  const sums = new Map<string, number>()
  if (openids.length === 0) return sums
  const _ = rt.db.command
  const $ = _.aggregate
  const res = must(
    await rt.db
      .collection('credit_ledger')
      .aggregate()
      .match({ user_openid: _.in(openids) })
      .group({ _id: '$user_openid', sum: $.sum('$delta') })
      // NOTE: CloudBase returns 20 aggregate results unless told otherwise.
      .limit(openids.length)
      .end(),
  ) as { list?: Array<{ _id: string; sum: number }>; data?: Array<{ _id: string; sum: number }> }
  for (const row of res.list ?? res.data ?? []) sums.set(row._id, row.sum)
  return sums
}

export async function auditCredits(rt: Runtime, opts: { after?: string | undefined; maxUsers?: number | undefined } = {}): Promise<AuditResult> {
  const _ = rt.db.command
  const result: AuditResult = { users_checked: 0, mismatches: [], next_after: null }
  const started = performance.now()
  const maxUsers = opts.maxUsers ?? Number.POSITIVE_INFINITY
  let after: string | null = opts.after ?? null
  for (;;) {
    if (result.users_checked >= maxUsers || performance.now() - started > TIME_BUDGET_MS) {
      result.next_after = after
      break
    }
    const where: object = after === null ? {} : { _id: _.gt(after) }
    const pageSize = Math.min(USERS_PER_PAGE, maxUsers - result.users_checked)
    const res = must(await rt.db.collection('users').where(where).orderBy('_id', 'asc').limit(pageSize).field({ _id: true, credits: true }).get()) as {
      data: Array<Pick<UserDoc, '_id' | 'credits'>>
    }
    const users = res.data
    if (users.length === 0) break
    const sums = await ledgerSums(rt, users.map((u) => u._id))
    for (const u of users) {
      const sum = sums.get(u._id) ?? 0
      if (u.credits !== sum) result.mismatches.push({ openid: u._id, credits: u.credits, ledger_sum: sum })
    }
    result.users_checked += users.length
    after = users[users.length - 1]!._id
    if (users.length < pageSize) break
  }
  return result
}

export const auditCreditsProcedures = defineProcedures({
  'admin/auditCredits': async ({ rt, caller, requestId, now, input }) => {
    const result = await auditCredits(rt, { after: input.after, maxUsers: input.max_users })
    const audit: AuditLogDoc = {
      _id: rt.ids.id(),
      kind: 'audit',
      actor: openidOf(caller),
      action: 'admin/auditCredits',
      target: 'users',
      before: null,
      after: { users_checked: result.users_checked, mismatches: result.mismatches.length },
      request_id: requestId,
      created_at: now,
    }
    must(await rt.db.collection('logs').add(audit))
    if (result.mismatches.length > 0) rt.logger.error('credit_audit_mismatch', { request_id: requestId, mismatches: result.mismatches.length })
    return result
  },
})
