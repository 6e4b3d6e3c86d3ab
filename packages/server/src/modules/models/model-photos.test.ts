/**
 * 模特库 photos pass the image check before users see them: an operator's licensed upload or a generated model is
 * hidden (list, 随机, a chosen model_id) until its check passed, and never shown when it came back risky. The
 * library's own drawings are not checked.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { expectInvariants, garmentBytes, personBytes, pipelineGateway, register, upload } from '../generation/pipeline-fixtures'

vi.setConfig({ testTimeout: 60_000 })

const ADMIN = 'openid-admin'
let gw: TestGateway
afterEach(async () => {
  if (gw) await expectInvariants(gw)
  await gw?.close()
})

const attrs = { gender: 'male', age: 'young', body: 'regular', pose: 'standing', skin_tone: 'tan', source: 'licensed', licence: 'Stock licence #123' } as const
const visible = async () => (await gw.anonymous.ok('photography/listModels', { gender: 'male' })).items.map((m) => m._id)
const adminView = async (id: string) => (await gw.as(ADMIN).ok('admin/listModels', {})).items.find((m) => m._id === id)!

describe('model photos and the image check', () => {
  it('a licensed upload stays hidden while checked, appears once it passed; a risky one never appears', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, 'alice')
    const ok = await gw.rt.storage.upload({ cloudPath: 'models/licensed-ok.jpg', content: await personBytes(), contentType: 'image/jpeg' })
    const bad = await gw.rt.storage.upload({ cloudPath: 'models/licensed-bad.jpg', content: Buffer.concat([await personBytes(), Buffer.from('AIPHOTO-RISKY')]), contentType: 'image/jpeg' })
    const a = await gw.as(ADMIN).ok('admin/upsertModel', { ...attrs, name: '授权模特A', file_id: ok.fileId, is_active: true })
    const b = await gw.as(ADMIN).ok('admin/upsertModel', { ...attrs, name: '授权模特B', file_id: bad.fileId, is_active: true })
    expect(await adminView(a._id)).toMatchObject({ is_active: true, photo_moderation: 'pending' })
    expect(await visible()).not.toContain(a._id)
    const g = await upload(gw, 'alice', await garmentBytes())
    expect(await gw.as('alice').call('photography/generate', { mode: 'on_model', garment_images: [g], model_id: a._id })).toMatchObject({ success: false, code: 'NOT_FOUND' })

    await gw.flushMediaChecks()
    expect(await adminView(a._id)).toMatchObject({ photo_moderation: 'pass' })
    expect(await adminView(b._id)).toMatchObject({ photo_moderation: 'risky' })
    const shown = await visible()
    expect(shown).toContain(a._id)
    expect(shown).not.toContain(b._id)
    expect(await gw.as('alice').call('photography/generate', { mode: 'on_model', garment_images: [g], model_id: b._id })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.as('alice').call('photography/generate', { mode: 'on_model', garment_images: [g], model_id: a._id })).toMatchObject({ success: true })
    // Editing the attributes of a passed photo keeps its verdict (no new check).
    const checks = (await gw.rt.db.collection('media_checks').count()).total
    await gw.as(ADMIN).ok('admin/upsertModel', { ...attrs, _id: a._id, name: '授权模特A2', file_id: ok.fileId, is_active: true })
    expect((await gw.rt.db.collection('media_checks').count()).total).toBe(checks)
    expect(await visible()).toContain(a._id)
  })

  it('the seeded drawings are not checked and stay visible', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    const all = (await gw.as(ADMIN).ok('admin/listModels', {})).items
    expect(all.length).toBeGreaterThan(0)
    expect(all.every((m) => m.source !== 'drawn' || m.photo_moderation === 'seeded')).toBe(true)
    expect((await visible()).length).toBeGreaterThan(0)
  })
})
