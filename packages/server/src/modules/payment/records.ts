/**
 * The caller's records, newest first, keyset-paginated on (created_at, _id) so ties in created_at neither skip nor
 * repeat: recharge records (orders) and consume records (ledger entries of kind consume and refund).
 */
import type { Runtime } from '@aiphoto/runtime'
import type { LedgerDoc, OrderDoc } from '../../data/documents'
import { keysetPage as pageOf, type PageInput } from '../../lib/keyset-page'
import { toIso } from '../../lib/db'
import { freshen, toRechargeRecord } from './orders'

export async function listRechargeRecords(rt: Runtime, openid: string, input: PageInput, requestId: string, now: Date) {
  const page = await pageOf<OrderDoc>(rt, 'orders', { user_openid: openid }, input)
  // Expired unpaid orders are closed as they are shown, so the list never offers a dead order as payable.
  const rows = await freshen(rt, page.rows, now, requestId)
  return { items: rows.map(toRechargeRecord), next_cursor: page.next_cursor }
}

export async function listConsumeRecords(rt: Runtime, openid: string, input: PageInput) {
  const _ = rt.db.command
  const page = await pageOf<LedgerDoc>(rt, 'credit_ledger', { user_openid: openid, kind: _.in(['consume', 'refund']) }, input)
  return {
    items: page.rows.map((e) => ({
      id: e._id,
      kind: e.kind as 'consume' | 'refund',
      delta: e.delta,
      balance_after: e.balance_after,
      ref_id: e.ref_id,
      reason: e.reason ?? null,
      created_at: toIso(e.created_at),
    })),
    next_cursor: page.next_cursor,
  }
}
