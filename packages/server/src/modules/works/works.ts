/**
 * The caller's works (module `api`): list (newest first, keyset on (created_at, _id)), detail with signed URLs,
 * favourite, delete (cancels and refunds a running task, soft-deletes, removes the files) and cancel.
 * Another user's id answers NOT_FOUND and changes nothing.
 */
import type { WorkDetail, WorkSummary } from '@aiphoto/contract'
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { decodeCursor, olderThan, toPage } from '../../lib/cursor'
import { getDoc, must, toIso, toIsoOrNull } from '../../lib/db'
import type { TaskDoc, WorkDoc, WorkMode } from '../../data/documents'
import { runTx } from '../ledger/ledger'
import { cancelInTx, isActive } from '../queue/settle'
import { removeWorkFiles, taskFiles } from './work-files'

const URL_TTL_SECONDS = 3600

const notFound = () => new AppError('NOT_FOUND', '作品不存在或已删除')

async function requireOwnWork(rt: Runtime, openid: string, workId: string): Promise<WorkDoc> {
  const work = await getDoc<WorkDoc>(rt.db, 'works', workId)
  if (!work || work.user_openid !== openid || work.deleted) throw notFound()
  return work
}

/** A work's mode; photography works made before modes existed were scene photos. */
export function workMode(w: Pick<WorkDoc, 'type' | 'parameters'>): WorkMode {
  return w.parameters?.mode ?? (w.type === 'fitting' ? 'fitting' : 'scene')
}

function summary(w: WorkDoc, cover: string | null): WorkSummary {
  return {
    _id: w._id,
    type: w.type,
    mode: workMode(w),
    status: w.status,
    task_id: w.task_id,
    scene_id: w.scene_id ?? null,
    is_favorite: !!w.is_favorite,
    image_count: w.images?.length ?? 0,
    cover_url: cover,
    cost: w.cost ?? 0,
    created_at: toIso(w.created_at),
  }
}

async function signedUrls(rt: Runtime, fileIds: string[]): Promise<Map<string, string | null>> {
  const map = new Map<string, string | null>()
  if (fileIds.length) for (const u of await rt.storage.getTempUrls(fileIds, URL_TTL_SECONDS)) map.set(u.fileId, u.url)
  return map
}

export async function listWorks(rt: Runtime, openid: string, input: { tab: 'all' | 'photography' | 'fitting' | 'favorite'; pageSize: number; cursor?: string | undefined }) {
  const _ = rt.db.command
  const base: Record<string, unknown> = { user_openid: openid, deleted: false }
  if (input.tab === 'photography' || input.tab === 'fitting') base.type = input.tab
  if (input.tab === 'favorite') base.is_favorite = true
  const where = input.cursor ? _.and([base, olderThan(_, decodeCursor(input.cursor))]) : base
  const res = must(await rt.db.collection('works').where(where).orderBy('created_at', 'desc').orderBy('_id', 'desc').limit(input.pageSize + 1).get()) as { data: WorkDoc[] }
  const page = toPage(res.data, input.pageSize, (w) => new Date(w.created_at))
  const urls = await signedUrls(rt, page.rows.map((w) => w.images?.[0]).filter((x): x is string => !!x))
  return { items: page.rows.map((w) => summary(w, w.images?.[0] ? (urls.get(w.images[0]) ?? null) : null)), next_cursor: page.next_cursor }
}

export async function workDetail(rt: Runtime, openid: string, workId: string): Promise<WorkDetail> {
  const w = await requireOwnWork(rt, openid, workId)
  const urls = await signedUrls(rt, w.images ?? [])
  const imageUrls = (w.images ?? []).map((id) => urls.get(id) ?? '').filter(Boolean)
  return {
    ...summary(w, imageUrls[0] ?? null),
    images: w.images ?? [],
    image_urls: imageUrls,
    parameters: w.parameters as unknown as Record<string, unknown>,
    refunded: w.refunded ?? 0,
    error: w.error ?? null,
    completed_at: toIsoOrNull(w.completed_at),
    source_work_id: w.parameters?.source_work_id ?? null,
  }
}

export async function toggleFavorite(rt: Runtime, openid: string, workId: string): Promise<{ is_favorite: boolean }> {
  const w = await requireOwnWork(rt, openid, workId)
  const next = !w.is_favorite
  const res = must(await rt.db.collection('works').where({ _id: workId, user_openid: openid, deleted: false, is_favorite: !!w.is_favorite }).update({ is_favorite: next })) as { updated: number }
  if (res.updated !== 1) {
    // A concurrent toggle won: report the state it left.
    const again = await requireOwnWork(rt, openid, workId)
    return { is_favorite: !!again.is_favorite }
  }
  return { is_favorite: next }
}

/**
 * Soft-deletes a work; its running task is cancelled and refunded in the same transaction. Every file of the work
 * (its images, what its task stored or staged, files an earlier settle could not delete) is recorded on it in that
 * transaction and removed after; what fails stays listed for the retention sweep.
 */
export async function deleteWork(rt: Runtime, openid: string, workId: string, now: Date): Promise<{ deleted: true; refunded: number }> {
  await requireOwnWork(rt, openid, workId)
  const { refunded, files } = await runTx(rt.db, async (tx) => {
    const w = await getDoc<WorkDoc>(tx, 'works', workId)
    if (!w || w.user_openid !== openid || w.deleted) throw notFound()
    let refunded = 0
    const t = await getDoc<TaskDoc>(tx, 'task_queue', w.task_id)
    if (t && isActive(t.status)) ({ refunded } = await cancelInTx(tx, t, now, '删除作品，取消任务退款'))
    // A superset of what cancelInTx listed (this update of the work replaces that one): the task's files whatever
    // its state, which also covers tasks settled before their intermediates were recorded.
    const files = [...new Set([...(w.files_to_remove ?? []), ...(t ? taskFiles(t) : []), ...(w.images ?? [])])]
    must(await tx.collection('works').doc(workId).update({ deleted: true, deleted_at: now, is_favorite: false, files_to_remove: files, files_pending: files.length > 0 }))
    return { refunded, files }
  })
  if (files.length) await removeWorkFiles(rt, workId, files)
  return { deleted: true, refunded }
}
