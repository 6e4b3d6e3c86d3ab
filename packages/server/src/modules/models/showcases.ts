/**
 * 画同款: showcase presets (a mode, a scene, a model and options with an example image) and the preset of one of
 * the caller's own works. `photography/generate` accepts either as a source (`from_showcase_id`/`from_work_id`);
 * `photography/getPreset` hands the same parameters to the page so the seller sees what will be used.
 */
import type { Preset } from '@aiphoto/contract'
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must } from '../../lib/db'
import type { PhotographyMode, ShowcaseDoc, WorkDoc } from '../../data/documents'
import { checkStatus } from '../moderation/media-checks'

const COVER_TTL_SECONDS = 2 * 3600

/**
 * Whether users may see a showcase's cover: a seeded one (the library's own drawing, no check) or one whose check
 * passed. A pending check is asked directly, in case its verdict arrived before the showcase recorded the trace id.
 */
export async function coverShown(rt: Runtime, d: ShowcaseDoc): Promise<boolean> {
  const m = d.cover_moderation
  if (!m) return true
  if (m.status === 'pending') return (await checkStatus(rt, m.trace_id)) === 'pass'
  return m.status === 'pass'
}

export async function requireActiveShowcase(rt: Runtime, id: string): Promise<ShowcaseDoc> {
  const doc = await getDoc<ShowcaseDoc>(rt.db, 'showcases', id)
  if (!doc || !doc.is_active || !(await coverShown(rt, doc)) || (await withUsablePresets(rt, [doc])).length === 0) throw new AppError('NOT_FOUND', '同款不存在或已下线')
  return doc
}

/**
 * The showcases whose scene and model are still on sale: an operator who takes a scene or model off hides the
 * showcases built on it, rather than leaving a card whose 画同款 can only fail.
 */
async function withUsablePresets(rt: Runtime, docs: ShowcaseDoc[]): Promise<ShowcaseDoc[]> {
  const _ = rt.db.command
  const activeIds = async (collection: 'scenes' | 'models', ids: string[]) => {
    if (ids.length === 0) return new Set<string>()
    const res = must(await rt.db.collection(collection).where({ _id: _.in(ids), is_active: true }).field({ _id: true }).limit(100).get()) as { data: Array<{ _id: string }> }
    return new Set(res.data.map((d) => d._id))
  }
  const scenes = await activeIds('scenes', [...new Set(docs.map((d) => d.scene_id).filter((x): x is string => !!x))])
  const models = await activeIds('models', [...new Set(docs.map((d) => d.model_id).filter((x): x is string => !!x))])
  return docs.filter((d) => (!d.scene_id || scenes.has(d.scene_id)) && (!d.model_id || models.has(d.model_id)))
}

export async function coverUrls(rt: Runtime, docs: ShowcaseDoc[]): Promise<Map<string, string>> {
  const ids = [...new Set(docs.map((d) => d.cover_file_id).filter(Boolean))]
  const urls = new Map<string, string>()
  if (ids.length) for (const r of await rt.storage.getTempUrls(ids, COVER_TTL_SECONDS)) if (r.url) urls.set(r.fileId, r.url)
  return urls
}

export function showcaseView(d: ShowcaseDoc, urls: Map<string, string>) {
  return {
    _id: d._id,
    title: d.title,
    mode: d.mode,
    scene_id: d.scene_id ?? null,
    model_id: d.model_id ?? null,
    options: presetOptions(d.options),
    cover_url: urls.get(d.cover_file_id) ?? '',
    sort_order: d.sort_order,
  }
}

export async function listShowcases(rt: Runtime, mode?: PhotographyMode) {
  const where: Record<string, unknown> = { is_active: true }
  if (mode) where.mode = mode
  const res = must(await rt.db.collection('showcases').where(where).orderBy('sort_order', 'asc').orderBy('_id', 'asc').limit(100).get()) as { data: ShowcaseDoc[] }
  const usable = await withUsablePresets(rt, res.data)
  const shown: ShowcaseDoc[] = []
  for (const d of usable) if (await coverShown(rt, d)) shown.push(d)
  const urls = await coverUrls(rt, shown)
  return shown.map((d) => showcaseView(d, urls))
}

const OPTION_KEYS = ['gender', 'age', 'aspect_ratio', 'pose', 'body', 'skin_tone', 'shadow', 'hd', 'extra'] as const

/** Only the keys the contract's options know (old works may carry others). */
function presetOptions(o: Record<string, unknown> | undefined): Preset['options'] {
  const out: Record<string, unknown> = {}
  for (const k of OPTION_KEYS) if (o && o[k] !== undefined) out[k] = o[k]
  return out as Preset['options']
}

export async function getPreset(rt: Runtime, openid: string, input: { from_showcase_id?: string | undefined; from_work_id?: string | undefined }): Promise<Preset> {
  if (input.from_showcase_id) {
    const sc = await requireActiveShowcase(rt, input.from_showcase_id)
    return { mode: sc.mode, scene_id: sc.scene_id ?? null, model_id: sc.model_id ?? null, garment_type: null, count: 1, options: presetOptions(sc.options), garment_images: [], bottom_garment_image: null }
  }
  const work = await getDoc<WorkDoc>(rt.db, 'works', input.from_work_id ?? '')
  if (!work || work.user_openid !== openid || work.deleted || work.type !== 'photography' || work.parameters?.mode === 'upscale') throw new AppError('NOT_FOUND', '作品不存在或已删除')
  const p = work.parameters
  return {
    mode: (p.mode as PhotographyMode | undefined) ?? 'scene',
    scene_id: work.scene_id ?? null,
    // 随机 stays 随机; a chosen library model is kept (the user's own model photo is not a library model).
    model_id: p.model_id && !p.model_random ? p.model_id : null,
    garment_type: (p.garment_type as Preset['garment_type'] | undefined) ?? null,
    count: p.count,
    options: presetOptions(p.options),
    garment_images: p.garment_images ?? [],
    bottom_garment_image: p.mode === 'on_model' ? (p.bottom_garment_image ?? null) : null,
  }
}
