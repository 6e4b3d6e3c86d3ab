/**
 * Operators manage the 画同款 showcases: list (inactive and unchecked ones too), add/edit, show/hide, order.
 *
 * The example image is always the showcase's OWN copy (`showcases/<id>/cover-<hash>.<ext>`), made from a file the
 * admin uploaded or from an image of any user's work: a reference to the user's file would break when they delete
 * the work (its files are removed at once, docs/decisions.md). Like every image users see, the copy goes through the
 * image check; users see the showcase only once its cover passed (showcases.ts `coverShown`).
 */
import { createHash } from 'node:crypto'
import type { ActionOutput, ActionParsedInput } from '@aiphoto/contract'
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must, toIso } from '../../lib/db'
import { readImageHeader } from '../../lib/image-header'
import type { ModelDoc, SceneDoc, ShowcaseDoc, WorkDoc } from '../../data/documents'
import { requireOwnAssets } from '../assets/assets'
import { writeAudit } from '../catalog/audit'
import { checkStatus, submitCheck } from '../moderation/media-checks'
import { requireInputsNotRejected } from '../moderation/inputs'
import { coverUrls, showcaseView } from './showcases'
import { reorderBySortOrder } from './sort-order'

type UpsertShowcaseInput = ActionParsedInput<'admin/upsertShowcase'>
type CoverModeration = ActionOutput<'admin/upsertShowcase'>['cover_moderation']

const COVER_EXT: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' }
const COVER_TYPE: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' }

/** The cover check's state; a pending one is read from the check itself (its push may have raced our write). */
export async function coverStatus(rt: Runtime, d: ShowcaseDoc): Promise<CoverModeration> {
  const m = d.cover_moderation
  if (!m) return 'seeded'
  if (m.status !== 'pending') return m.status
  const live = await checkStatus(rt, m.trace_id)
  return live === 'unchecked' ? 'pending' : live
}

export async function listAllShowcases(rt: Runtime) {
  const _ = rt.db.command
  const res = must(await rt.db.collection('showcases').where({ sort_order: _.exists(true) }).orderBy('sort_order', 'asc').orderBy('_id', 'asc').limit(1000).get()) as { data: ShowcaseDoc[] }
  const urls = await coverUrls(rt, res.data)
  const items = []
  for (const d of res.data) {
    items.push({
      ...showcaseView(d, urls),
      is_active: d.is_active,
      cover_file_id: d.cover_file_id,
      cover_origin: d.cover_origin ?? null,
      cover_moderation: await coverStatus(rt, d),
      created_at: toIso(d.created_at),
      updated_at: toIso(d.updated_at),
    })
  }
  return items
}

/**
 * The scene and model must exist; an ACTIVE showcase also needs them active, since 画同款 from it would otherwise
 * be refused (photography/generate asks for an active scene and model).
 */
async function requireRefs(rt: Runtime, refs: { scene_id: string | null; model_id: string | null }, active: boolean): Promise<void> {
  if (refs.scene_id) {
    const scene = await getDoc<SceneDoc>(rt.db, 'scenes', refs.scene_id)
    if (!scene) throw new AppError('NOT_FOUND', '场景不存在', { field: 'scene_id' })
    if (active && !scene.is_active) throw new AppError('VALIDATION_FAILED', '场景已下架，请先上架场景或选择其他场景', { field: 'scene_id' })
  }
  if (refs.model_id) {
    const model = await getDoc<ModelDoc>(rt.db, 'models', refs.model_id)
    if (!model) throw new AppError('NOT_FOUND', '模特不存在', { field: 'model_id' })
    if (active && !model.is_active) throw new AppError('VALIDATION_FAILED', '模特已下架，请先上架模特或选择其他模特', { field: 'model_id' })
  }
}

/** The bytes of the new example image and where they came from; nothing is written here. */
async function readCoverSource(rt: Runtime, actor: string, cover: NonNullable<UpsertShowcaseInput['cover']>, now: Date) {
  let fileId: string
  let origin: NonNullable<ShowcaseDoc['cover_origin']>
  if ('file_id' in cover) {
    // The admin's own registered upload (NOT_FOUND for anyone else's file), not already refused by the image check.
    await requireOwnAssets(rt, actor, [cover.file_id])
    await requireInputsNotRejected(rt, actor, [cover.file_id], now)
    fileId = cover.file_id
    origin = { kind: 'upload', ref: cover.file_id }
  } else {
    const work = await getDoc<WorkDoc>(rt.db, 'works', cover.work_id)
    if (!work || work.deleted || work.status !== 'completed') throw new AppError('NOT_FOUND', '作品不存在、未完成或已删除', { field: 'cover' })
    const image = work.images?.[cover.index]
    if (!image) throw new AppError('NOT_FOUND', `该作品没有第 ${cover.index + 1} 张图片`, { field: 'cover' })
    fileId = image
    origin = { kind: 'work', ref: `${work._id}#${cover.index}` }
  }
  if (!(await rt.storage.stat(fileId))) throw new AppError('NOT_FOUND', '示例图文件不存在', { field: 'cover' })
  const bytes = await rt.storage.download(fileId)
  const format = readImageHeader(bytes).format
  if (!COVER_EXT[format]) throw new AppError('VALIDATION_FAILED', '示例图须为 JPG、PNG 或 WebP', { field: 'cover', format })
  return { bytes, format, origin }
}

export async function upsertShowcase(rt: Runtime, actor: string, input: UpsertShowcaseInput, now: Date, requestId: string): Promise<ActionOutput<'admin/upsertShowcase'>> {
  const before = input._id ? await getDoc<ShowcaseDoc>(rt.db, 'showcases', input._id) : null
  if (!before && !input.cover) throw new AppError('VALIDATION_FAILED', '请上传示例图或填写作品编号', { field: 'cover' })
  await requireRefs(rt, input, input.is_active)
  const source = input.cover ? await readCoverSource(rt, actor, input.cover, now) : null

  // Everything is valid: from here on things are written.
  const id = before?._id ?? input._id ?? `showcase-${rt.ids.id().slice(0, 16)}`
  let cover = { file_id: before?.cover_file_id ?? '', origin: before?.cover_origin, moderation: before?.cover_moderation }
  let copied: string | null = null
  if (source) {
    const hash = createHash('sha256').update(source.bytes).digest('hex').slice(0, 16)
    const { fileId } = await rt.storage.upload({ cloudPath: `showcases/${id}/cover-${hash}.${COVER_EXT[source.format]}`, content: source.bytes, contentType: COVER_TYPE[source.format]! })
    copied = fileId
    cover = { file_id: fileId, origin: source.origin, moderation: undefined }
  }
  if (cover.origin && (!cover.moderation || cover.moderation.status === 'unchecked')) {
    // A new copy, or a previous submission that failed: (re)submit. The openid is the operator's (mediaCheckAsync
    // wants a user of the mini-program who opened it recently, and the admin is the one saving).
    const traceId = await submitCheck(rt, { fileId: cover.file_id, openid: actor, kind: 'cover', showcaseId: id }, now)
    cover.moderation = { trace_id: traceId, status: traceId ? 'pending' : 'unchecked' }
  }

  const doc: ShowcaseDoc = {
    _id: id,
    title: input.title,
    mode: input.mode,
    scene_id: input.scene_id,
    model_id: input.model_id,
    options: input.options,
    cover_file_id: cover.file_id,
    ...(cover.origin ? { cover_origin: cover.origin } : {}),
    ...(cover.moderation ? { cover_moderation: cover.moderation } : {}),
    sort_order: input.sort_order,
    is_active: input.is_active,
    created_at: before?.created_at ?? now,
    updated_at: now,
  }
  const { _id, ...fields } = doc
  try {
    must(await rt.db.collection('showcases').doc(_id).set(fields))
  } catch (err) {
    if (copied && copied !== before?.cover_file_id) await rt.storage.delete([copied]).catch(() => undefined)
    throw err
  }
  await writeAudit(rt, { actor, action: before ? 'showcase.update' : 'showcase.create', target: `showcases/${id}`, before, after: doc, requestId, now })
  // The replaced copy is ours alone (a seeded cover is a library drawing other things use: kept).
  if (copied && before?.cover_origin && before.cover_file_id && before.cover_file_id !== copied) {
    await rt.storage.delete([before.cover_file_id]).catch((err: unknown) => rt.logger.warn('storage_delete_failed', { showcase_id: id, error: String((err as Error)?.message ?? err).slice(0, 200) }))
  }
  return { _id: id, created: !before, cover_moderation: await coverStatus(rt, doc) }
}

export async function setShowcaseActive(rt: Runtime, actor: string, id: string, isActive: boolean, now: Date, requestId: string) {
  const before = await getDoc<ShowcaseDoc>(rt.db, 'showcases', id)
  if (!before) throw new AppError('NOT_FOUND', '同款不存在')
  if (before.is_active !== isActive) {
    if (isActive) await requireRefs(rt, before, true)
    must(await rt.db.collection('showcases').doc(id).update({ is_active: isActive, updated_at: now }))
    await writeAudit(rt, { actor, action: isActive ? 'showcase.activate' : 'showcase.deactivate', target: `showcases/${id}`, before: { is_active: before.is_active }, after: { is_active: isActive }, requestId, now })
  }
  return { _id: id, is_active: isActive }
}

export async function reorderShowcases(rt: Runtime, actor: string, ids: string[], now: Date, requestId: string) {
  return reorderBySortOrder(rt, { collection: 'showcases', noun: '同款', action: 'showcase.reorder' }, actor, ids, now, requestId)
}
