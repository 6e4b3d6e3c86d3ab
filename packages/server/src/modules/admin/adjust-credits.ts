/**
 * `admin/adjustCredits`: a support correction, positive or negative, through the ledger (kind `admin_adjust`, key
 * `admin_adjust:<request_id>`, so a retried request applies once). The audit record (who, why, balance before and
 * after) is written in the same transaction, so there is never a change without its record or the reverse.
 */
import type { Runtime } from '@aiphoto/runtime'
import type { AuditLogDoc } from '../../data/documents'
import { must } from '../../lib/db'
import { defineProcedures, openidOf } from '../../procedure'
import { applyCreditChange, runTx } from '../ledger/ledger'

export interface AdjustCreditsInput {
  openid: string
  delta: number
  reason: string
  request_id: string
}

export async function adjustCredits(rt: Runtime, actor: string, input: AdjustCreditsInput, requestId: string, now: Date): Promise<{ credits: number; entry_id: string }> {
  const key = `admin_adjust:${input.request_id}`
  return runTx(rt.db, async (tx) => {
    const change = await applyCreditChange(tx, { key, openid: input.openid, delta: input.delta, kind: 'admin_adjust', refId: actor, reason: input.reason }, now)
    if (!change.replayed) {
      const audit: AuditLogDoc = {
        _id: key,
        kind: 'audit',
        actor,
        action: 'admin/adjustCredits',
        target: input.openid,
        before: { credits: change.balance - input.delta },
        after: { credits: change.balance, delta: input.delta, reason: input.reason },
        request_id: requestId,
        created_at: now,
      }
      must(await tx.collection('logs').add(audit))
    }
    return { credits: change.balance, entry_id: change.entry._id }
  })
}

export const adjustCreditsProcedures = defineProcedures({
  'admin/adjustCredits': async ({ rt, caller, input, requestId, now }) => adjustCredits(rt, openidOf(caller), input, requestId, now),
})
