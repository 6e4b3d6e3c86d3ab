/**
 * First-run model library and showcases. Idempotent: inserts missing `_id`s only. The figure renderer is
 * injected (the local cloud and provisioning pass @aiphoto/imaging's `drawModelFigure`), so the server never
 * loads sharp; without a renderer no model is inserted (a library entry without a photo would be useless).
 */
import type { Runtime } from '@aiphoto/runtime'
import { isDuplicateKeyError as isDuplicateKey } from '@aiphoto/runtime'
import { getDoc, must } from '../../lib/db'
import type { ModelDoc, ShowcaseDoc } from '../../data/documents'
import { MODEL_PHOTO_SIZE, MODEL_THUMB_SIZE, SEED_MODELS, SEED_SHOWCASES, modelPhotoPath, modelThumbPath, type SeedModel } from './seed-data'

/** Draws a library figure (JPEG bytes), e.g. imaging's `drawModelFigure`. */
export type ModelFigureRenderer = (attributes: Pick<SeedModel, 'gender' | 'age' | 'body' | 'pose' | 'skin_tone'>, size: { width: number; height: number }) => Promise<Buffer>

export async function seedModels(rt: Runtime, opts: { dryRun?: boolean; renderModelFigure?: ModelFigureRenderer } = {}): Promise<{ collection: string; inserted: number }> {
  const render = opts.renderModelFigure
  const now = rt.clock.now()
  let inserted = 0
  for (const m of SEED_MODELS) {
    if (await getDoc<ModelDoc>(rt.db, 'models', m._id)) continue
    if (opts.dryRun) {
      inserted++
      continue
    }
    if (!render) continue
    const [photo, thumb] = await Promise.all([render(m, MODEL_PHOTO_SIZE), render(m, MODEL_THUMB_SIZE)])
    const fileId = (await rt.storage.upload({ cloudPath: modelPhotoPath(m._id), content: photo, contentType: 'image/jpeg' })).fileId
    const thumbId = (await rt.storage.upload({ cloudPath: modelThumbPath(m._id), content: thumb, contentType: 'image/jpeg' })).fileId
    const doc: ModelDoc = {
      ...m,
      file_id: fileId,
      thumbnail_file_id: thumbId,
      source: 'drawn',
      licence: 'Drawn by the local compositor (a stand-in illustration, no real person); replace with licensed photos for production',
      is_active: true,
      created_at: now,
      updated_at: now,
    }
    try {
      must(await rt.db.collection('models').add(doc))
      inserted++
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
    }
  }
  return { collection: 'models', inserted }
}

export async function seedShowcases(rt: Runtime, opts: { dryRun?: boolean } = {}): Promise<{ collection: string; inserted: number }> {
  const now = rt.clock.now()
  let inserted = 0
  for (const s of SEED_SHOWCASES) {
    if (await getDoc(rt.db, 'showcases', s._id)) continue
    if (opts.dryRun) {
      inserted++
      continue
    }
    // The example image: the model's thumbnail for on-model presets, else the scene's thumbnail (if rendered).
    const model = s.model_id ? await getDoc<ModelDoc>(rt.db, 'models', s.model_id) : null
    const scene = s.scene_id ? await getDoc<{ thumbnail_url: string }>(rt.db, 'scenes', s.scene_id) : null
    const cover = model?.thumbnail_file_id ?? (scene?.thumbnail_url && /^(cloud|local):\/\//.test(scene.thumbnail_url) ? scene.thumbnail_url : '')
    const doc: ShowcaseDoc = { ...s, cover_file_id: cover, is_active: true, created_at: now, updated_at: now }
    try {
      must(await rt.db.collection('showcases').add(doc))
      inserted++
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
    }
  }
  return { collection: 'showcases', inserted }
}
