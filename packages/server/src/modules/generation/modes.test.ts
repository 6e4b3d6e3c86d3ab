/**
 * 服装摄影's modes end to end through the gateway on the local compositor: 模特图 (library model, 随机, own
 * model photo, top + bottom), 场景图, 白底图 at listing sizes, batch, 高清放大 and 画同款 — each charged once,
 * refunded at most once, with the ledger audit clean.
 */
import { imageFacts, recolor } from '@aiphoto/imaging/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { credits, expectInvariants, garmentBytes, ledger, personBytes, pipelineGateway, register, runWorker, taskDoc, upload } from './pipeline-fixtures'

vi.setConfig({ testTimeout: 90_000 })

let gw: TestGateway
afterEach(async () => {
  if (gw) {
    await expectInvariants(gw)
    expect(await gw.as('openid-admin').ok('admin/auditCredits', {})).toMatchObject({ mismatches: [] })
  }
  await gw?.close()
})

async function imageOf(gw: TestGateway, fileId: string) {
  const bytes = await gw.rt.storage.download(fileId)
  return { bytes, ...(await imageFacts(bytes)) }
}

describe('模特图 (on_model)', () => {
  it('puts the garment on a library model: one try-on unit per image, progress by step, charged once at the on_model price', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const models = (await gw.anonymous.ok('photography/listModels', { gender: 'female' })).items
    expect(models.length).toBeGreaterThanOrEqual(4)
    expect(models.every((m) => m.gender === 'female' && m.thumbnail_url && m.source === 'drawn')).toBe(true)
    const pricing = await gw.anonymous.ok('photography/getPricing', {})
    const g = await upload(gw, 'alice', await garmentBytes())
    const res = await gw.as('alice').ok('photography/generate', { mode: 'on_model', garment_images: [g], garment_type: 'top', model_id: models[0]!._id, count: 2 })
    expect(res.cost).toBe(2 * pricing.modes.on_model)
    expect(await credits(gw, 'alice')).toBe(100 - res.cost)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ steps: [{ kind: 'tryon', units: null }], params: { mode: 'on_model', model_id: models[0]!._id } })

    // getProgress advances one provider call at a time: first try-on image, then the second.
    const p1 = await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })
    expect(p1).toMatchObject({ status: 'processing', step: { index: 1, total: 1, kind: 'tryon', label: '模特换装中 1/1' } })
    // The second try-on image finishes the step; the outputs then wait for their image check, whose verdict
    // arrives after that call, so the next poll finds the task completed.
    expect(await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })).toMatchObject({ status: 'processing', stage: '内容安全审核中' })
    const p2 = await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })
    expect(p2.status).toBe('completed')
    expect(p2.progress).toBeGreaterThanOrEqual(p1.progress)
    const work = await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })
    expect(work).toMatchObject({ mode: 'on_model', image_count: 2, refunded: 0, status: 'completed' })
    const [a, b] = await Promise.all(work.images.map((f) => imageOf(gw, f)))
    expect(a).toMatchObject({ format: 'jpeg', height: 1024 })
    expect(a!.bytes.equals(b!.bytes)).toBe(false)
    expect((await ledger(gw, 'alice')).filter((e) => e.kind === 'consume')).toHaveLength(1)
  })

  it('随机 picks a matching model (the same one on replay), runs try-on → cut-out → scene, and keeps only final files', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const req = { mode: 'on_model', garment_images: [g], scene_id: 'outdoor-garden', options: { gender: 'male', age: 'adult' }, request_id: 'random-model-1' } as const
    const res = await gw.as('alice').ok('photography/generate', req)
    const t = await taskDoc(gw, res.task_id)
    const params = t.params as { model_id: string; model_random: boolean }
    expect(params.model_random).toBe(true)
    const picked = (await gw.as('openid-admin').ok('admin/listModels', {})).items.find((m) => m._id === params.model_id)!
    expect(picked).toMatchObject({ gender: 'male', age: 'adult' })
    expect(await gw.as('alice').ok('photography/generate', req)).toMatchObject({ replayed: true, task_id: res.task_id })
    expect((t.steps as Array<{ kind: string }>).map((s) => s.kind)).toEqual(['tryon', 'cutout', 'scene'])
    await runWorker(gw)
    const done = await taskDoc(gw, res.task_id)
    expect(done.status).toBe('completed')
    const work = await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })
    expect(work.image_count).toBe(1)
    // Intermediate step outputs (try-on image, cut-out) are deleted once the task settles.
    const steps = done.steps as Array<{ units: Array<{ outputs: string[] }> }>
    for (const f of steps.slice(0, -1).flatMap((s) => s.units.flatMap((u) => u.outputs))) expect(await gw.rt.storage.stat(f), f).toBeNull()
    for (const f of work.images) expect(await gw.rt.storage.stat(f)).not.toBeNull()
  })

  it("the seller's own model photo, and a top + bottom pair; bad combinations are refused without charging", async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const bottom = await upload(gw, 'alice', await recolor(await garmentBytes(), 120), 'bottom.jpg')
    const me = await upload(gw, 'alice', await personBytes(), 'me.jpg')
    const res = await gw.as('alice').ok('photography/generate', { mode: 'on_model', garment_images: [g], bottom_garment_image: bottom, model_image: me })
    await runWorker(gw)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', params: { model_image: me, bottom_garment_image: bottom, garment_type: 'top' } })
    const before = await credits(gw, 'alice')
    expect(await gw.as('alice').call('photography/generate', { mode: 'on_model', garment_images: [g], model_id: 'no-such-model' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.as('alice').call('photography/generate', { mode: 'on_model', garment_images: [g], model_image: me, model_id: 'model-f-young-slim' })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await gw.as('alice').call('photography/generate', { mode: 'scene', scene_id: 'studio-white', garment_images: [g], model_id: 'model-f-young-slim' })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    // Another user's photo is not a model photo they may use.
    await register(gw, 'bob')
    expect(await gw.as('bob').call('photography/generate', { mode: 'on_model', garment_images: [await upload(gw, 'bob', await garmentBytes())], model_image: me })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await credits(gw, 'alice')).toBe(before)
  })
})

describe('白底图 (packshot) and 场景图 (scene)', () => {
  it('白底图 is one image per garment: count > 1 (asked, or inherited by 画同款 in packshot mode) is refused, nothing charged', async () => {
    // Before: count 3 charged three packshots and delivered three identical renders of the one garment photo.
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const start = await credits(gw, 'alice')
    expect(await gw.as('alice').call('photography/generate', { mode: 'packshot', garment_images: [g], count: 3 })).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { issues: [{ path: 'count' }] } })
    const scene = await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 2 })
    const after = await credits(gw, 'alice')
    expect(after).toBe(start - scene.cost)
    expect(await gw.as('alice').call('photography/generate', { from_work_id: scene.work_id, mode: 'packshot', count: 2 })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await gw.as('alice').call('photography/generateBatch', { mode: 'packshot', count: 2, items: [{ garment_images: [g] }] })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await credits(gw, 'alice')).toBe(after)
    await runWorker(gw)
  })

  it('packshots at 800×800 and 750×1000 on pure white, priced per packshot', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const sq = await gw.as('alice').ok('photography/generate', { mode: 'packshot', garment_images: [g], options: { aspect_ratio: '1:1' } })
    const tall = await gw.as('alice').ok('photography/generate', { mode: 'packshot', garment_images: [g], options: { aspect_ratio: '3:4', shadow: false } })
    expect(sq.cost).toBe((await gw.anonymous.ok('photography/getPricing', {})).modes.packshot)
    await runWorker(gw)
    for (const [res, size] of [[sq, [800, 800]], [tall, [750, 1000]]] as const) {
      const work = await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })
      expect(work).toMatchObject({ mode: 'packshot', status: 'completed', image_count: 1 })
      const img = await imageOf(gw, work.images[0]!)
      expect([img.width, img.height]).toEqual(size)
      // Corners are pure white (margins around a centred product).
      for (const c of img.corners) expect(c.every((v) => v >= 250), String(c)).toBe(true)
    }
    expect(await gw.as('alice').call('photography/generate', { mode: 'packshot', garment_images: [g], options: { aspect_ratio: '16:9' } })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
  })

  it('scene mode runs a real cut-out (RGBA PNG) before the background step', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const res = await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'indoor-cafe', options: { aspect_ratio: '1:1' } })
    // getProgress makes one provider call: the cut-out, stored on the task; the scene step is next.
    expect(await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })).toMatchObject({ status: 'processing', stage: '生成场景 2/2', step: { index: 2, total: 2, kind: 'scene' } })
    let t = await taskDoc(gw, res.task_id)
    const cut = (t.steps as Array<{ units: Array<{ outputs: string[] | null }> | null }>)[0]!.units![0]!.outputs!
    expect(await imageFacts(await gw.rt.storage.download(cut[0]!))).toMatchObject({ format: 'png', channels: 4 })
    await runWorker(gw)
    t = await taskDoc(gw, res.task_id)
    expect(t.status).toBe('completed')
    const work = await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })
    expect(await imageOf(gw, work.images[0]!)).toMatchObject({ width: 1024, height: 1024 })
  })
})

describe('batch, upscale, 画同款', () => {
  it('a batch of 3 garments is 3 works with 3 charge entries, priced up front, replayed whole', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const items = await Promise.all([0, 60, 200].map(async (hue, i) => ({ garment_images: [await upload(gw, 'alice', await recolor(await garmentBytes(), hue), `g${i}.jpg`)] })))
    const req = { items, mode: 'packshot', options: { aspect_ratio: '1:1' }, request_id: 'batch-0001' } as const
    const res = await gw.as('alice').ok('photography/generateBatch', req)
    expect(res.works).toHaveLength(3)
    expect(res.cost).toBe(3 * 5)
    expect((await ledger(gw, 'alice')).filter((e) => e.kind === 'consume').map((e) => e._id).sort()).toEqual(res.works.map((w) => `consume:${w.task_id}`).sort())
    expect(await gw.as('alice').ok('photography/generateBatch', req)).toMatchObject({ replayed: true, works: res.works })
    await runWorker(gw)
    for (const w of res.works) expect(await gw.as('alice').ok('api/getWorkDetail', { work_id: w.work_id })).toMatchObject({ status: 'completed', image_count: 1 })
    expect(await credits(gw, 'alice')).toBe(100 - 15)
    // Not enough credits for the whole batch: nothing is charged.
    const big = Array.from({ length: 9 }, () => items[0]!)
    expect(await gw.as('alice').call('photography/generateBatch', { items: big, mode: 'on_model', count: 4 })).toMatchObject({ success: false, code: 'INSUFFICIENT_CREDITS' })
    expect(await credits(gw, 'alice')).toBe(85)
  })

  it('高清放大: a paid new work with the image enlarged ×2, labelled as a local (Lanczos) enlargement', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const src = await gw.as('alice').ok('photography/generate', { mode: 'packshot', garment_images: [g], options: { aspect_ratio: '1:1' } })
    expect(await gw.as('alice').call('photography/upscale', { work_id: src.work_id })).toMatchObject({ success: false, code: 'CONFLICT' })
    await runWorker(gw)
    const up = await gw.as('alice').ok('photography/upscale', { work_id: src.work_id, scale: 2 })
    expect(up.cost).toBe((await gw.anonymous.ok('photography/getPricing', {})).upscale_per_image)
    await runWorker(gw)
    const work = await gw.as('alice').ok('api/getWorkDetail', { work_id: up.work_id })
    expect(work).toMatchObject({ mode: 'upscale', source_work_id: src.work_id, status: 'completed', image_count: 1 })
    const img = await imageOf(gw, work.images[0]!)
    expect([img.width, img.height]).toEqual([1600, 1600])
    expect(img.exif).toContain('not AI super-resolution')
    await register(gw, 'bob')
    expect(await gw.as('bob').call('photography/upscale', { work_id: src.work_id })).toMatchObject({ success: false, code: 'NOT_FOUND' })
  })

  it('高清放大 of a try-on is charged the upscale price, and it cannot be a 画同款 source', async () => {
    // Before: the price checked the work type (fitting) before the mode, so an upscale of a try-on cost a try-on;
    // and fitting/generate from an upscale work re-ran a try-on without its person and garment.
    gw = await pipelineGateway({ config: { pricing: { photographyPerImage: 20, fittingPerImage: 11, onModelPerImage: 30, packshotPerImage: 10, upscalePerImage: 5 } } })
    await register(gw, 'alice')
    const person = await upload(gw, 'alice', await personBytes(), 'person.jpg')
    const garment = await upload(gw, 'alice', await garmentBytes(), 'garment.jpg')
    const fit = await gw.as('alice').ok('fitting/generate', { person_image: person, garment_image: garment })
    expect(fit.cost).toBe(11)
    await runWorker(gw)
    const before = await credits(gw, 'alice')
    const up = await gw.as('alice').ok('photography/upscale', { work_id: fit.work_id, scale: 2 })
    expect(up.cost).toBe(5)
    expect(await credits(gw, 'alice')).toBe(before - 5)
    await runWorker(gw)
    const again = await gw.as('alice').call('fitting/generate', { from_work_id: up.work_id })
    expect(again).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await credits(gw, 'alice')).toBe(before - 5)
  })

  it('画同款 from a showcase and from an own work: the preset, then generate with the caller\'s garment', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const showcases = (await gw.anonymous.ok('photography/listShowcases', {})).items
    const sc = showcases.find((s) => s.mode === 'on_model' && s.scene_id)!
    expect(await gw.as('alice').ok('photography/getPreset', { from_showcase_id: sc._id })).toMatchObject({ mode: 'on_model', scene_id: sc.scene_id, model_id: sc.model_id, garment_images: [] })
    const g = await upload(gw, 'alice', await garmentBytes())
    const res = await gw.as('alice').ok('photography/generate', { from_showcase_id: sc._id, garment_images: [g] })
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ params: { mode: 'on_model', model_id: sc.model_id, scene_id: sc.scene_id, from_showcase_id: sc._id } })
    await runWorker(gw)
    const preset = await gw.as('alice').ok('photography/getPreset', { from_work_id: res.work_id })
    expect(preset).toMatchObject({ mode: 'on_model', scene_id: sc.scene_id, model_id: sc.model_id, garment_images: [g] })
    const again = await gw.as('alice').ok('photography/generate', { from_work_id: res.work_id, mode: 'packshot' })
    expect(await taskDoc(gw, again.task_id)).toMatchObject({ params: { mode: 'packshot', garment_images: [g], from_work_id: res.work_id } })
    await register(gw, 'bob')
    expect(await gw.as('bob').call('photography/getPreset', { from_work_id: res.work_id })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.as('alice').call('photography/getPreset', { from_showcase_id: 'nope' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
  })
})

describe('画同款 and the explicit "no scene" / the pair', () => {
  it('不换场景 after 画同款: scene_id null keeps the model\'s backdrop (no scene step), an absent scene_id still inherits the source\'s', async () => {
    // Before: `req.scene_id ?? base.scene_id` brought the showcase's scene back when the user picked 不换场景.
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const sc = (await gw.anonymous.ok('photography/listShowcases', {})).items.find((s) => s.mode === 'on_model' && s.scene_id)!
    const g = await upload(gw, 'alice', await garmentBytes())
    const none = await gw.as('alice').ok('photography/generate', { from_showcase_id: sc._id, garment_images: [g], scene_id: null })
    expect(await taskDoc(gw, none.task_id)).toMatchObject({ params: { mode: 'on_model', scene_id: null, from_showcase_id: sc._id }, steps: [{ kind: 'tryon' }] })
    const inherited = await gw.as('alice').ok('photography/generate', { from_showcase_id: sc._id, garment_images: [g] })
    expect(await taskDoc(gw, inherited.task_id)).toMatchObject({ params: { scene_id: sc.scene_id } })
    await runWorker(gw)
    expect(await gw.as('alice').ok('api/getWorkDetail', { work_id: none.work_id })).toMatchObject({ status: 'completed', scene_id: null })
    expect(await gw.as('alice').ok('api/getWorkDetail', { work_id: inherited.work_id })).toMatchObject({ status: 'completed', scene_id: sc.scene_id })
    // From an own work with a scene, reusing its garment: null drops the scene there too.
    const again = await gw.as('alice').ok('photography/generate', { from_work_id: inherited.work_id, scene_id: null })
    expect(await taskDoc(gw, again.task_id)).toMatchObject({ params: { scene_id: null, garment_images: [g], from_work_id: inherited.work_id }, steps: [{ kind: 'tryon' }] })
    await runWorker(gw)
    expect(await gw.as('alice').ok('api/getWorkDetail', { work_id: again.work_id })).toMatchObject({ status: 'completed', scene_id: null })
    // 场景图 cannot go without a scene, whether it is left out or said to be none; nothing is charged.
    const before = await credits(gw, 'alice')
    expect(await gw.as('alice').call('photography/generate', { mode: 'scene', garment_images: [g], scene_id: null })).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { issues: [{ path: 'scene_id' }] } })
    expect(await gw.as('alice').call('photography/generate', { from_work_id: inherited.work_id, mode: 'scene', scene_id: null })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await gw.as('alice').call('photography/generateBatch', { mode: 'scene', scene_id: null, items: [{ garment_images: [g] }] })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await credits(gw, 'alice')).toBe(before)
  })

  it('a top + bottom work: its preset carries the bottom, 画同款 keeps the pair, another garment type drops it', async () => {
    gw = await pipelineGateway({ config: { pricing: { photographyPerImage: 20, fittingPerImage: 11, onModelPerImage: 13, packshotPerImage: 7, upscalePerImage: 5 } } })
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const bottom = await upload(gw, 'alice', await recolor(await garmentBytes(), 120), 'bottom.jpg')
    const pricing = await gw.anonymous.ok('photography/getPricing', {})
    const pair = await gw.as('alice').ok('photography/generate', { mode: 'on_model', garment_images: [g], garment_type: 'top', bottom_garment_image: bottom, model_id: 'model-f-young-slim' })
    // A pair is one try-on per image: priced like any 模特图.
    expect(pair.cost).toBe(pricing.modes.on_model)
    await runWorker(gw)
    expect(await gw.as('alice').ok('photography/getPreset', { from_work_id: pair.work_id })).toMatchObject({ mode: 'on_model', garment_type: 'top', garment_images: [g], bottom_garment_image: bottom })
    const same = await gw.as('alice').ok('photography/generate', { from_work_id: pair.work_id })
    expect(await taskDoc(gw, same.task_id)).toMatchObject({ params: { garment_images: [g], bottom_garment_image: bottom, garment_type: 'top' } })
    // As a dress the first garment has no other half: the source's bottom is dropped, not refused.
    const dress = await gw.as('alice').ok('photography/generate', { from_work_id: pair.work_id, garment_type: 'dress' })
    expect((await taskDoc(gw, dress.task_id)).params).not.toHaveProperty('bottom_garment_image')
    // A new garment with the same bottom given again keeps the pair; a packshot has no pair.
    const g2 = await upload(gw, 'alice', await recolor(await garmentBytes(), 40), 'top2.jpg')
    const newTop = await gw.as('alice').ok('photography/generate', { from_work_id: pair.work_id, garment_images: [g2], bottom_garment_image: bottom })
    expect(await taskDoc(gw, newTop.task_id)).toMatchObject({ params: { garment_images: [g2], bottom_garment_image: bottom } })
    const packshot = await gw.as('alice').ok('photography/generate', { from_work_id: pair.work_id, mode: 'packshot' })
    expect((await taskDoc(gw, packshot.task_id)).params).not.toHaveProperty('bottom_garment_image')
    expect(await gw.as('alice').ok('photography/getPreset', { from_work_id: packshot.work_id })).toMatchObject({ bottom_garment_image: null })
    // Showcases have no garments of the caller's.
    const sc = (await gw.anonymous.ok('photography/listShowcases', {})).items[0]!
    expect(await gw.as('alice').ok('photography/getPreset', { from_showcase_id: sc._id })).toMatchObject({ bottom_garment_image: null })
    // Someone else's photo cannot be the bottom.
    await register(gw, 'bob')
    const before = await credits(gw, 'bob')
    expect(await gw.as('bob').call('photography/generate', { mode: 'on_model', garment_images: [await upload(gw, 'bob', await garmentBytes())], bottom_garment_image: bottom })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await credits(gw, 'bob')).toBe(before)
    await runWorker(gw)
  })
})

describe('模特库 administration', () => {
  it('admins add, edit, hide, order and generate models; users only see active ones; a hidden model cannot be chosen', async () => {
    gw = await pipelineGateway()
    const admin = gw.as('openid-admin')
    await register(gw, 'alice')
    expect(await gw.as('alice').call('admin/listModels', {})).toMatchObject({ success: false, code: 'FORBIDDEN' })
    expect(await gw.as('alice').call('admin/generateModel', { name: 'x', gender: 'female', age: 'young', body: 'slim', pose: 'standing', skin_tone: 'light' })).toMatchObject({ success: false, code: 'FORBIDDEN' })

    // Text-to-image (the local compositor draws it): stored, inactive until reviewed, labelled as generated.
    const made = await admin.ok('admin/generateModel', { name: '新模特', gender: 'male', age: 'young', body: 'regular', pose: 'walking', skin_tone: 'tan' })
    expect(made).toMatchObject({ status: 'created', model_id: expect.any(String) })
    const all = (await admin.ok('admin/listModels', {})).items
    const gen = all.find((m) => m._id === made.model_id)!
    expect(gen).toMatchObject({ source: 'generated', is_active: false, gender: 'male', pose: 'walking' })
    expect(gen.licence).toContain('text-to-image via local-compositor')
    expect((await imageOf(gw, gen.file_id)).format).toBe('jpeg')
    expect((await gw.anonymous.ok('photography/listModels', {})).items.map((m) => m._id)).not.toContain(gen._id)
    expect(await admin.call('admin/generateModel', { name: 'x', gender: 'female', age: 'young', body: 'slim', pose: 'standing', skin_tone: 'light', job_token: 'forged.tokenforgedtokenforgedtokenforged1' })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })

    expect(await admin.ok('admin/setModelActive', { _id: gen._id, is_active: true })).toEqual({ _id: gen._id, is_active: true })
    await admin.ok('admin/reorderModels', { ids: [gen._id, 'model-m-young'] })
    const visible = (await gw.anonymous.ok('photography/listModels', { gender: 'male' })).items.map((m) => m._id)
    expect(visible.slice(0, 2)).toEqual([gen._id, 'model-m-young'])

    // Edit: a licensed photo replaces the drawing; then hidden, it can't be picked any more.
    const { fileId } = await gw.rt.storage.upload({ cloudPath: 'models/licensed-1.jpg', content: await personBytes(), contentType: 'image/jpeg' })
    expect(await admin.ok('admin/upsertModel', { _id: gen._id, name: '授权模特', gender: 'male', age: 'young', body: 'regular', pose: 'walking', skin_tone: 'tan', file_id: fileId, source: 'licensed', licence: 'Stock licence #123' })).toEqual({ _id: gen._id, created: false })
    expect(await admin.call('admin/upsertModel', { name: 'x', gender: 'male', age: 'young', body: 'regular', pose: 'walking', skin_tone: 'tan', file_id: 'local://models/missing.jpg', licence: 'n/a' })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    await admin.ok('admin/setModelActive', { _id: gen._id, is_active: false })
    const g = await upload(gw, 'alice', await garmentBytes())
    expect(await gw.as('alice').call('photography/generate', { mode: 'on_model', garment_images: [g], model_id: gen._id })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await admin.call('admin/reorderModels', { ids: ['nope'] })).toMatchObject({ success: false, code: 'NOT_FOUND' })
  })
})
