import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { credits, expectInvariants, garmentBytes, ledger, pipelineGateway, register, runWorker, upload } from '../generation/pipeline-fixtures'

// Real image rendering and several worker passes per test: generous under a loaded machine.
vi.setConfig({ testTimeout: 60_000 })

let gw: TestGateway
afterEach(async () => {
  if (gw) await expectInvariants(gw)
  await gw?.close()
})

describe('api/listWorks', () => {
  it('pages newest first on (created_at, _id) with ties, per tab, without skips or repeats', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    await gw.rt.db.collection('users').doc('alice').update({ credits: 10_000 })
    await gw.rt.db.collection('credit_ledger').add({ _id: 'test-topup', user_openid: 'alice', delta: 9_900, balance_after: 10_000, kind: 'admin_adjust', ref_id: 't', reason: null, created_at: gw.clock.now() })
    const g = await upload(gw, 'alice', await garmentBytes())
    const created: string[] = []
    // 3 works per instant (ties in created_at), 5 instants, two types.
    for (let t = 0; t < 5; t++) {
      for (let k = 0; k < 3; k++) {
        const res = k === 2
          ? await gw.as('alice').ok('fitting/generate', { person_image: g, garment_image: g })
          : await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'studio-white' })
        created.push(res.work_id)
      }
      gw.clock.advance(1000)
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: Array<{ _id: string; created_at: string }>; next_cursor: string | null } = await gw.as('alice').ok('api/listWorks', cursor ? { pageSize: 4, cursor } : { pageSize: 4 })
      expect(page.items.length).toBeLessThanOrEqual(4)
      seen.push(...page.items.map((i) => i._id))
      cursor = page.next_cursor
    } while (cursor)
    expect(seen).toHaveLength(15)
    expect(new Set(seen).size).toBe(15)
    expect(new Set(seen)).toEqual(new Set(created))
    const docs = (await gw.rt.db.collection('works').where({ user_openid: 'alice' }).limit(100).get()).data as Array<{ _id: string; created_at: Date }>
    const expected = docs.sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a._id < b._id ? 1 : -1)).map((d) => d._id)
    expect(seen).toEqual(expected)

    const fitting = await gw.as('alice').ok('api/listWorks', { tab: 'fitting', pageSize: 50 })
    expect(fitting.items).toHaveLength(5)
    expect(fitting.items.every((i) => i.type === 'fitting')).toBe(true)
    expect((await gw.as('alice').ok('api/listWorks', { tab: 'photography', pageSize: 50 })).items).toHaveLength(10)
    expect(await gw.as('alice').call('api/listWorks', { cursor: 'not-a-cursor' })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    // Another user sees nothing of it.
    await register(gw, 'bob')
    expect(await gw.as('bob').ok('api/listWorks', {})).toEqual({ items: [], next_cursor: null })
  }, 30_000)
})

describe('work actions', () => {
  it('detail, favourite, delete: signed URLs, favourites tab, deleted works never show again and their files go', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const res = await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'street-city' })
    await runWorker(gw)
    const detail = await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })
    expect(detail.image_urls[0]).toMatch(/\/files\/users\/alice\/works\/.+\?exp=\d+&sig=/)
    expect(detail.cover_url).toBe(detail.image_urls[0])

    expect(await gw.as('alice').ok('api/toggleFavorite', { work_id: res.work_id })).toEqual({ is_favorite: true })
    expect((await gw.as('alice').ok('api/listWorks', { tab: 'favorite' })).items.map((i) => i._id)).toEqual([res.work_id])
    expect(await gw.as('alice').ok('api/toggleFavorite', { work_id: res.work_id })).toEqual({ is_favorite: false })
    expect((await gw.as('alice').ok('api/listWorks', { tab: 'favorite' })).items).toEqual([])

    expect(await gw.as('alice').ok('api/deleteWork', { work_id: res.work_id })).toEqual({ deleted: true, refunded: 0 })
    expect(await gw.rt.storage.stat(detail.images[0]!)).toBeNull()
    expect((await gw.as('alice').ok('api/listWorks', {})).items).toEqual([])
    for (const url of ['api/getWorkDetail', 'api/toggleFavorite', 'api/deleteWork'] as const) {
      expect(await gw.as('alice').call(url, { work_id: res.work_id })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    }
  }, 30_000)

  it('deleting a work whose task is still queued cancels and refunds it', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const res = await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'street-city', count: 3 })
    expect(await credits(gw, 'alice')).toBe(40)
    expect(await gw.as('alice').ok('api/deleteWork', { work_id: res.work_id })).toEqual({ deleted: true, refunded: 60 })
    expect(await credits(gw, 'alice')).toBe(100)
    expect(await runWorker(gw)).toMatchObject({ claimed: 0 })
  })

  it('IDOR: another user\'s work_id / task_id answers NOT_FOUND and changes nothing', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    await register(gw, 'mallory')
    const g = await upload(gw, 'alice', await garmentBytes())
    const res = await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'studio-white' })
    const m = gw.as('mallory')
    for (const [url, input] of [
      ['api/getWorkDetail', { work_id: res.work_id }],
      ['api/toggleFavorite', { work_id: res.work_id }],
      ['api/deleteWork', { work_id: res.work_id }],
      ['api/cancelTask', { task_id: res.task_id }],
      ['photography/getProgress', { task_id: res.task_id }],
      ['photography/generate', { from_work_id: res.work_id }],
      ['photography/generate', { garment_images: [g], scene_id: 'studio-white' }],
    ] as const) {
      expect(await m.call(url, input as never), url).toMatchObject({ success: false, code: 'NOT_FOUND' })
    }
    const work = (await gw.rt.db.collection('works').doc(res.work_id).get()).data[0]
    expect(work).toMatchObject({ status: 'pending', is_favorite: false, deleted: false })
    expect((await gw.rt.db.collection('task_queue').doc(res.task_id).get()).data[0]).toMatchObject({ status: 'pending', attempts: 0 })
    expect(await credits(gw, 'mallory')).toBe(100)
    expect(await ledger(gw, 'mallory')).toHaveLength(1)
    expect(await credits(gw, 'alice')).toBe(80)
  })
})
