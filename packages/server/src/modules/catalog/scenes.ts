/** Scenes: the public catalogue (active, display order, signed thumbnail URLs) and admin edits. */
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must } from '../../lib/db'
import type { SceneCategory, SceneDoc } from '../../data/documents'
import { writeAudit } from './audit'

const THUMB_TTL_SECONDS = 2 * 3600

export interface SceneView {
  _id: string
  name: string
  category: SceneCategory
  description: string
  thumbnail_url: string
  parameters: Record<string, unknown>
  sort_order: number
  is_active: boolean
}

const isFileId = (v: string) => v.startsWith('cloud://') || v.startsWith('local://')

/** Turns stored thumbnails (file ids) into signed URLs in one storage call; external URLs pass through. */
async function toViews(rt: Runtime, docs: SceneDoc[]): Promise<SceneView[]> {
  const fileIds = docs.map((d) => d.thumbnail_url).filter((v) => v && isFileId(v))
  const urls = new Map<string, string | null>()
  if (fileIds.length) for (const r of await rt.storage.getTempUrls(fileIds, THUMB_TTL_SECONDS)) urls.set(r.fileId, r.url)
  return docs.map((d) => ({
    _id: d._id,
    name: d.name,
    category: d.category,
    description: d.description ?? '',
    thumbnail_url: d.thumbnail_url && isFileId(d.thumbnail_url) ? (urls.get(d.thumbnail_url) ?? '') : (d.thumbnail_url ?? ''),
    parameters: d.parameters ?? {},
    sort_order: d.sort_order ?? 0,
    is_active: d.is_active,
  }))
}

async function allScenes(rt: Runtime, where: object): Promise<SceneDoc[]> {
  const res = must(await rt.db.collection('scenes').where(where).orderBy('sort_order', 'asc').orderBy('_id', 'asc').limit(1000).get()) as { data: SceneDoc[] }
  return res.data
}

export async function listActiveScenes(rt: Runtime, category?: SceneCategory): Promise<SceneView[]> {
  const docs = await allScenes(rt, category ? { is_active: true, category } : { is_active: true })
  return toViews(rt, docs)
}

export async function listAllScenes(rt: Runtime): Promise<SceneView[]> {
  const _ = rt.db.command
  return toViews(rt, await allScenes(rt, { _id: _.exists(true) }))
}

/** An active scene by id, or NOT_FOUND. */
export async function requireActiveScene(rt: Runtime, sceneId: string): Promise<SceneDoc> {
  const scene = await getDoc<SceneDoc>(rt.db, 'scenes', sceneId)
  if (!scene || !scene.is_active) throw new AppError('NOT_FOUND', '场景不存在或已下线')
  return scene
}

export interface UpsertSceneInput {
  _id?: string | undefined
  name: string
  category: SceneCategory
  description: string
  thumbnail_url?: string | undefined
  parameters: Record<string, string | number | boolean>
  sort_order: number
  is_active: boolean
}

export async function upsertScene(rt: Runtime, actor: string, input: UpsertSceneInput, now: Date, requestId: string): Promise<{ _id: string; created: boolean }> {
  if (input.thumbnail_url && !/^(https:\/\/|cloud:\/\/|local:\/\/)/.test(input.thumbnail_url)) {
    throw new AppError('VALIDATION_FAILED', '缩略图地址无效', { field: 'thumbnail_url' })
  }
  const id = input._id ?? rt.ids.id()
  const before = input._id ? await getDoc<SceneDoc>(rt.db, 'scenes', id) : null
  const fields = {
    name: input.name,
    category: input.category,
    description: input.description,
    parameters: input.parameters,
    sort_order: input.sort_order,
    is_active: input.is_active,
    updated_at: now,
  }
  let after: SceneDoc
  if (before) {
    const patch = input.thumbnail_url !== undefined ? { ...fields, thumbnail_url: input.thumbnail_url } : fields
    // NOTE: `set` replaces the parameters object as a whole (update would merge nested keys).
    after = { ...before, ...patch }
    const { _id: _drop, ...body } = after
    must(await rt.db.collection('scenes').doc(id).set(body))
  } else {
    after = { _id: id, ...fields, thumbnail_url: input.thumbnail_url ?? '', created_at: now }
    must(await rt.db.collection('scenes').add(after))
  }
  await writeAudit(rt, { actor, action: before ? 'scene.update' : 'scene.create', target: `scenes/${id}`, before, after, requestId, now })
  return { _id: id, created: !before }
}
