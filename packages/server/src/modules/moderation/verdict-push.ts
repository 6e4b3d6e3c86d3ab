/**
 * The `wxa_media_check` message push: WeChat's verdict on an image submitted earlier. It is matched by trace id,
 * which never leaves the server (it is not in any answer to a client), so a forged push cannot name a real check;
 * an unknown trace id, another app's push, or a second verdict for the same check changes nothing. The first verdict
 * is recorded on the check (and on the asset, for inputs; on the showcase, for covers); a held task whose output this is is then resolved.
 */
import { parseMediaCheckPush, type Runtime } from '@aiphoto/runtime'
import { getDoc, must } from '../../lib/db'
import type { MediaCheckDoc, ShowcaseDoc } from '../../data/documents'
import { runTx } from '../ledger/ledger'
import { resolveHold } from './hold'

export type MediaPushOutcome = 'recorded' | 'duplicate' | 'unknown_check' | 'wrong_user' | 'not_a_verdict' | 'foreign_app'

export async function handleMediaCheckPush(rt: Runtime, event: Record<string, unknown>, meta: { requestId: string; appid?: string | null }): Promise<{ outcome: MediaPushOutcome }> {
  const verdict = parseMediaCheckPush(event)
  if (!verdict) return { outcome: 'not_a_verdict' }
  if (meta.appid && verdict.appid && verdict.appid !== meta.appid) {
    rt.logger.warn('media_push_foreign_app', { request_id: meta.requestId })
    return { outcome: 'foreign_app' }
  }
  const now = rt.clock.now()
  const recorded = await runTx(rt.db, async (tx) => {
    const check = await getDoc<MediaCheckDoc>(tx, 'media_checks', verdict.traceId)
    if (!check) return 'unknown_check' as const
    if (check.status !== 'pending') return 'duplicate' as const
    if (verdict.openid && verdict.openid !== check.user_openid) return 'wrong_user' as const
    must(await tx.collection('media_checks').doc(check._id).update({ status: verdict.suggest, label: verdict.label, verdict_at: now }))
    if (check.asset_id) {
      const asset = await getDoc<{ moderation?: { trace_id: string | null } }>(tx, 'assets', check.asset_id)
      // Only the asset's current check speaks for it (a resubmission replaces the trace id).
      if (asset?.moderation?.trace_id === check._id) {
        must(await tx.collection('assets').doc(check.asset_id).update({ moderation: rt.db.command.set({ trace_id: check._id, status: verdict.suggest }) }))
      }
    }
    if (check.showcase_id) {
      const showcase = await getDoc<ShowcaseDoc>(tx, 'showcases', check.showcase_id)
      // A replaced cover's late verdict must not speak for the new one.
      if (showcase?.cover_moderation?.trace_id === check._id) {
        must(await tx.collection('showcases').doc(check.showcase_id).update({ cover_moderation: rt.db.command.set({ trace_id: check._id, status: verdict.suggest }) }))
      }
    }
    return check
  })
  if (typeof recorded === 'string') {
    rt.logger.info('media_push_ignored', { request_id: meta.requestId, outcome: recorded })
    return { outcome: recorded }
  }
  rt.logger.info('media_verdict', { request_id: meta.requestId, kind: recorded.kind, suggest: verdict.suggest, label: verdict.label })
  if (recorded.task_id) await resolveHold(rt, recorded.task_id, now)
  return { outcome: 'recorded' }
}
