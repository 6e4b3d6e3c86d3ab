/**
 * The 模特库: preset model photos with attributes. Users see active models as thumbnails (signed URLs) and pick
 * one, or let 随机 pick among the ones matching their filters; admins add, edit, hide and order them. The full
 * photo is only ever handed to try-on providers (as a signed URL or bytes), never listed.
 */
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must, toIso } from '../../lib/db'
import type { ModelDoc, ModerationStatus } from '../../data/documents'
import { hashPick } from '../../lib/hash-pick'
import { writeAudit } from '../catalog/audit'
import { reorderBySortOrder } from './sort-order'
import { checkStatus, submitCheck } from '../moderation/media-checks'

const THUMB_TTL_SECONDS = 2 * 3600

export type ModelFilter = Partial<Pick<ModelDoc, 'gender' | 'age' | 'body' | 'pose' | 'skin_tone'>> & { scene_id?: string | undefined }

async function queryModels(rt: Runtime, where: object): Promise<ModelDoc[]> {
  const res = must(await rt.db.collection('models').where(where).orderBy('sort_order', 'asc').orderBy('_id', 'asc').limit(1000).get()) as { data: ModelDoc[] }
  return res.data
}

/**
 * The active library in display order, filtered here: one query on the (is_active, sort_order, _id) index serves
 * every combination of the five attribute filters and 随机's relaxations, which no set of indexes could (the
 * library is a few hundred models at most, read whole either way).
 */
async function activeModels(rt: Runtime): Promise<ModelDoc[]> {
  const out: ModelDoc[] = []
  for (const d of await queryModels(rt, { is_active: true })) if ((await photoStatus(rt, d)) === 'pass' || !d.photo_moderation) out.push(d)
  return out
}

/**
 * A model photo's image check: 'seeded' for the library's own drawings; a pending one is asked of the check itself
 * (its verdict arrives as a push on the check) and, once decided, written back so later reads are free.
 */
export async function photoStatus(rt: Runtime, d: ModelDoc): Promise<'seeded' | ModerationStatus> {
  const m = d.photo_moderation
  if (!m) return 'seeded'
  if (m.status !== 'pending') return m.status
  const live = await checkStatus(rt, m.trace_id)
  if (live === 'unchecked' || live === 'pending') return 'pending'
  await rt.db.collection('models').where({ _id: d._id, 'photo_moderation.trace_id': m.trace_id }).update({ photo_moderation: rt.db.command.set({ trace_id: m.trace_id, status: live }) })
  return live
}

function matches(d: ModelDoc, filter: ModelFilter): boolean {
  for (const key of ['gender', 'age', 'body', 'pose', 'skin_tone', 'scene_id'] as const) if (filter[key] !== undefined && d[key] !== filter[key]) return false
  return true
}

async function thumbUrls(rt: Runtime, docs: ModelDoc[]): Promise<Map<string, string>> {
  const ids = [...new Set(docs.map((d) => d.thumbnail_file_id ?? d.file_id).filter(Boolean))]
  const out = new Map<string, string>()
  if (ids.length) for (const r of await rt.storage.getTempUrls(ids, THUMB_TTL_SECONDS)) if (r.url) out.set(r.fileId, r.url)
  return out
}

function userView(d: ModelDoc, urls: Map<string, string>) {
  return {
    _id: d._id,
    name: d.name,
    gender: d.gender,
    age: d.age,
    body: d.body,
    pose: d.pose,
    skin_tone: d.skin_tone,
    scene_id: d.scene_id ?? null,
    source: d.source,
    thumbnail_url: urls.get(d.thumbnail_file_id ?? d.file_id) ?? '',
  }
}

export async function listActiveModels(rt: Runtime, filter: ModelFilter) {
  const docs = (await activeModels(rt)).filter((d) => matches(d, filter))
  const urls = await thumbUrls(rt, docs)
  return docs.map((d) => userView(d, urls))
}

export async function listAllModels(rt: Runtime) {
  const _ = rt.db.command
  const docs = await queryModels(rt, { sort_order: _.exists(true) })
  const urls = await thumbUrls(rt, docs)
  const items = []
  for (const d of docs) items.push({
    ...userView(d, urls),
    file_id: d.file_id,
    thumbnail_file_id: d.thumbnail_file_id ?? null,
    licence: d.licence,
    is_active: d.is_active,
    sort_order: d.sort_order,
    photo_moderation: await photoStatus(rt, d),
    created_at: toIso(d.created_at),
    updated_at: toIso(d.updated_at),
  })
  return items
}

/** An active model by id, or NOT_FOUND (a hidden model can't be chosen for a new task). */
export async function requireActiveModel(rt: Runtime, id: string): Promise<ModelDoc> {
  const doc = await getDoc<ModelDoc>(rt.db, 'models', id)
  if (!doc || !doc.is_active || !['seeded', 'pass'].includes(await photoStatus(rt, doc))) throw new AppError('NOT_FOUND', '模特不存在或已下线')
  return doc
}

/**
 * 随机: one active model matching the filter, chosen deterministically from `seed` (the task id), so a replayed
 * request picks the same model. Filters are relaxed in order (scene, skin tone, body, pose, age) when nothing
 * matches; the gender is never relaxed. NOT_FOUND when the library has no model of that gender at all.
 */
export async function pickRandomModel(rt: Runtime, filter: ModelFilter, seed: string): Promise<ModelDoc> {
  const relax: Array<keyof ModelFilter> = ['scene_id', 'skin_tone', 'body', 'pose', 'age']
  let current: ModelFilter = { ...filter }
  const library = await activeModels(rt)
  for (let i = 0; i <= relax.length; i++) {
    const docs = library.filter((d) => matches(d, current))
    if (docs.length) return hashPick(docs, seed)
    const key = relax[i]
    if (key) current = { ...current, [key]: undefined }
  }
  throw new AppError('NOT_FOUND', '模特库暂无符合条件的模特', { field: 'model_id' })
}

export interface UpsertModelInput {
  _id?: string | undefined
  name: string
  gender: ModelDoc['gender']
  age: ModelDoc['age']
  body: ModelDoc['body']
  pose: ModelDoc['pose']
  skin_tone: ModelDoc['skin_tone']
  scene_id: string | null
  file_id: string
  thumbnail_file_id?: string | undefined
  source: ModelDoc['source']
  licence: string
  sort_order: number
  is_active: boolean
}

/** Adds or edits a model; the photo (and thumbnail) must exist in storage. */
export async function upsertModel(rt: Runtime, actor: string, input: UpsertModelInput, now: Date, requestId: string): Promise<{ _id: string; created: boolean }> {
  for (const [field, fileId] of [['file_id', input.file_id], ['thumbnail_file_id', input.thumbnail_file_id]] as const) {
    if (fileId && !(await rt.storage.stat(fileId))) throw new AppError('VALIDATION_FAILED', '图片文件不存在，请先上传', { field })
  }
  if (input.scene_id && !(await getDoc(rt.db, 'scenes', input.scene_id))) throw new AppError('NOT_FOUND', '场景不存在', { field: 'scene_id' })
  const id = input._id ?? `model-${rt.ids.id().slice(0, 16)}`
  const before = input._id ? await getDoc<ModelDoc>(rt.db, 'models', id) : null
  // A photo users will see passes the image check like every image (an operator's licensed upload, a generated
  // one); the same photo keeps its check. The library's own drawings are not checked.
  let photoModeration = before && before.file_id === input.file_id ? before.photo_moderation : undefined
  if (input.source !== 'drawn' && (!photoModeration || photoModeration.status === 'unchecked')) {
    const trace = await submitCheck(rt, { fileId: input.file_id, openid: actor, kind: 'input' }, now)
    photoModeration = { trace_id: trace, status: trace ? 'pending' : 'unchecked' }
  }
  const doc: ModelDoc = {
    _id: id,
    name: input.name,
    gender: input.gender,
    age: input.age,
    body: input.body,
    pose: input.pose,
    skin_tone: input.skin_tone,
    scene_id: input.scene_id,
    file_id: input.file_id,
    thumbnail_file_id: input.thumbnail_file_id ?? null,
    source: input.source,
    licence: input.licence,
    is_active: input.is_active,
    sort_order: input.sort_order,
    ...(photoModeration ? { photo_moderation: photoModeration } : {}),
    created_at: before?.created_at ?? now,
    updated_at: now,
  }
  const { _id, ...fields } = doc
  must(await rt.db.collection('models').doc(_id).set(fields))
  await writeAudit(rt, { actor, action: before ? 'model.update' : 'model.create', target: `models/${id}`, before, after: doc, requestId, now })
  return { _id: id, created: !before }
}

export async function setModelActive(rt: Runtime, actor: string, id: string, isActive: boolean, now: Date, requestId: string) {
  const before = await getDoc<ModelDoc>(rt.db, 'models', id)
  if (!before) throw new AppError('NOT_FOUND', '模特不存在')
  if (before.is_active !== isActive) {
    must(await rt.db.collection('models').doc(id).update({ is_active: isActive, updated_at: now }))
    await writeAudit(rt, { actor, action: isActive ? 'model.activate' : 'model.deactivate', target: `models/${id}`, before: { is_active: before.is_active }, after: { is_active: isActive }, requestId, now })
  }
  return { _id: id, is_active: isActive }
}

export async function reorderModels(rt: Runtime, actor: string, ids: string[], now: Date, requestId: string) {
  return reorderBySortOrder(rt, { collection: 'models', noun: '模特', action: 'model.reorder' }, actor, ids, now, requestId)
}
