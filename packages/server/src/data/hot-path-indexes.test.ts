/**
 * Every query the product's hot paths send (user actions, the worker, the timer trigger) must be served by an index
 * declared in database/indexes.json under CloudBase's rules (index prefix, sort direction, filter on index keys):
 * see `coverage()` in @aiphoto/local-runtime (packages/local-runtime/src/database/index-coverage.ts) for the rules
 * and their sources. The flows run through the real gateway; the emulator reports every query it executes.
 */
import { coverage, shapeOf, type ObservedQuery } from '@aiphoto/local-runtime'
import { describe, expect, it, vi } from 'vitest'
import { garmentBytes, personBytes, pipelineGateway, register, runWorker, upload } from '../modules/generation/pipeline-fixtures'

vi.setConfig({ testTimeout: 120_000 })

describe('hot-path queries', () => {
  it('are all served by a declared index on CloudBase', async () => {
    // Cheap prices, so the starting credits cover every flow below.
    const gw = await pipelineGateway({ config: { pricing: { photographyPerImage: 1, fittingPerImage: 1, onModelPerImage: 1, packshotPerImage: 1, upscalePerImage: 1 } } })
    const seen: ObservedQuery[] = []
    gw.rt.database.setQueryListener((q) => seen.push(q))
    try {
      const alice = gw.as('alice')
      await register(gw, 'alice')
      await alice.ok('user/getUserInfo', {})
      await alice.ok('user/updateUserInfo', { nickname: '小明' })
      await alice.ok('scene/getScenes', {})
      await alice.ok('payment/getPackages', {})
      await alice.ok('photography/getPricing', {})
      await alice.ok('payment/dailyCheckin', {})
      const g = await upload(gw, 'alice', await garmentBytes())
      await alice.ok('storage/resolveAsset', { hash: '0'.repeat(64), size: 1 })
      const photos = []
      for (let i = 0; i < 3; i++) photos.push(await alice.ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 1 }))
      const p = await upload(gw, 'alice', await personBytes(), 'person.jpg')
      await alice.ok('fitting/generate', { person_image: p, garment_image: g })
      await alice.ok('photography/getProgress', { task_id: photos[0]!.task_id })
      // The 模特库, 画同款 presets, 模特图 with a library model and with 随机 (filtered), a batch.
      await alice.ok('photography/listModels', {})
      const models = await alice.ok('photography/listModels', { gender: 'female', pose: 'standing' })
      await alice.ok('photography/listShowcases', {})
      await alice.ok('photography/listShowcases', { mode: 'on_model' })
      await alice.ok('photography/generate', { mode: 'on_model', garment_images: [g], model_id: models.items[0]!._id })
      await alice.ok('photography/generate', { mode: 'on_model', garment_images: [g], options: { gender: 'female', age: 'young' } })
      await alice.ok('photography/generateBatch', { mode: 'packshot', items: [{ garment_images: [g] }, { garment_images: [g] }] })
      await runWorker(gw)
      await alice.ok('photography/upscale', { work_id: photos[0]!.work_id, scale: 2 })
      await runWorker(gw)
      await register(gw, 'openid-admin')
      await gw.as('openid-admin').ok('admin/getUser', { openid: 'alice' })
      await gw.as('openid-admin').ok('admin/listModels', {})
      await gw.raw({ Type: 'Timer', TriggerName: 'queue', Time: '2026-01-01T00:00:00Z', Message: '' })
      for (const tab of ['all', 'photography', 'fitting', 'favorite'] as const) {
        const first = await alice.ok('api/listWorks', { tab, pageSize: 1 })
        if (first.next_cursor) await alice.ok('api/listWorks', { tab, pageSize: 1, cursor: first.next_cursor })
      }
      const works = await alice.ok('api/listWorks', { tab: 'all', pageSize: 10 })
      const w = works.items[0]!
      await alice.ok('api/getWorkDetail', { work_id: w._id })
      await alice.ok('api/toggleFavorite', { work_id: w._id })
      await alice.ok('api/deleteWork', { work_id: works.items[1]!._id })
      for (const url of ['payment/listConsumeRecords', 'payment/listRechargeRecords'] as const) {
        const first = await alice.ok(url, { pageSize: 1 })
        if (first.next_cursor) await alice.ok(url, { pageSize: 1, cursor: first.next_cursor })
      }
      const packages = await alice.ok('payment/getPackages', {})
      await alice.call('payment/createOrder', { package_id: packages.items[0]!.id })
      gw.clock.advance(3 * 24 * 3600_000)
      await gw.raw({ Type: 'Timer', TriggerName: 'queue', Time: '2026-01-04T00:00:00Z', Message: '' })
    } finally {
      gw.rt.database.setQueryListener(null)
    }
    const indexes = gw.rt.database.declaredIndexes()
    const unserved: string[] = []
    const kinds = new Set<string>()
    for (const q of seen) {
      const shape = shapeOf(q.collection, q.query, q.order)
      const key = `${q.action} ${q.collection} ${JSON.stringify({ eq: shape.eq, in: shape.in, range: shape.range, sort: shape.sort, or: shape.or?.length ?? 0 })}`
      kinds.add(key)
      const r = coverage(shape, indexes)
      if (!r.served) unserved.push(`${key}\n    ${r.reasons.join('\n    ')}`)
    }
    // The flows above really exercised the known hot paths (so this test cannot pass by running nothing).
    expect([...kinds].some((k) => k.startsWith('get credit_ledger') && k.includes('"in":["kind"]'))).toBe(true)
    expect([...kinds].some((k) => k.startsWith('get works') && k.includes('files_pending'))).toBe(true)
    expect([...kinds].some((k) => k.startsWith('get task_queue') && k.includes('next_attempt_at'))).toBe(true)
    expect([...new Set(unserved)]).toEqual([])
    await gw.close()
  })
})
