/**
 * Image checks: submitting a file to the asynchronous check and recording it as a `media_checks` document keyed by
 * its trace id, so the `wxa_media_check` push that arrives later (up to 30 minutes) can be matched to the file.
 * A failed submission records nothing and answers null: the file is unchecked, which never counts as passed.
 */
import type { Runtime } from '@aiphoto/runtime'
import { getDoc, must } from '../../lib/db'
import type { AssetDoc, MediaCheckDoc, ModerationStatus } from '../../data/documents'

export async function submitCheck(
  rt: Runtime,
  input: { fileId: string; openid: string; kind: MediaCheckDoc['kind']; taskId?: string; assetId?: string; showcaseId?: string },
  now: Date,
): Promise<string | null> {
  let traceId: string
  try {
    ;({ traceId } = await rt.contentSafety.submitImage({ fileId: input.fileId, openid: input.openid }))
  } catch (err) {
    rt.logger.warn('media_check_submit_failed', { kind: input.kind, file_id: input.fileId, error: String((err as Error)?.message ?? err).slice(0, 200) })
    return null
  }
  const doc: MediaCheckDoc = {
    _id: traceId,
    file_id: input.fileId,
    user_openid: input.openid,
    kind: input.kind,
    status: 'pending',
    label: null,
    task_id: input.taskId ?? null,
    asset_id: input.assetId ?? null,
    ...(input.showcaseId ? { showcase_id: input.showcaseId } : {}),
    submitted_at: now,
    verdict_at: null,
  }
  must(await rt.db.collection('media_checks').add(doc))
  return traceId
}

/** The verdict of a recorded check; 'unchecked' when there is none to ask. */
export async function checkStatus(rt: Runtime, traceId: string | null): Promise<ModerationStatus> {
  if (!traceId) return 'unchecked'
  const doc = await getDoc<MediaCheckDoc>(rt.db, 'media_checks', traceId)
  return doc?.status ?? 'unchecked'
}

/**
 * Makes sure an input asset has a check: submits one when it has none yet, or only a failed submission.
 * Answers the asset's current moderation state.
 */
export async function ensureAssetChecked(rt: Runtime, asset: AssetDoc, now: Date): Promise<NonNullable<AssetDoc['moderation']>> {
  const current = asset.moderation
  if (current && current.status !== 'unchecked') return current
  const traceId = await submitCheck(rt, { fileId: asset.file_id, openid: asset.user_openid, kind: 'input', assetId: asset._id }, now)
  const moderation = { trace_id: traceId, status: traceId ? ('pending' as const) : ('unchecked' as const) }
  // NOTE: `_.set` writes the object whole (the field may be absent; never a dotted path through it).
  must(await rt.db.collection('assets').doc(asset._id).update({ moderation: rt.db.command.set(moderation) }))
  return moderation
}
