/**
 * 画同款 showcase management through the gateway (admin/listShowcases, upsertShowcase, setShowcaseActive,
 * reorderShowcases): admin-only, validated before anything is written, audit-logged; the example image is the
 * showcase's own copy (it survives the user deleting the work it came from) and users see it only once the copy
 * passed the image check.
 */
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { expectInvariants, garmentBytes, personBytes, pipelineGateway, register, runWorker, upload } from '../generation/pipeline-fixtures'

vi.setConfig({ testTimeout: 90_000 })

const ADMIN = 'openid-admin'
let gw: TestGateway
afterEach(async () => {
  if (gw) await expectInvariants(gw)
  await gw?.close()
})

const risky = async () => Buffer.concat([await personBytes(), Buffer.from('AIPHOTO-RISKY')])
const base = { title: '测试同款', mode: 'on_model' as const, scene_id: 'outdoor-garden', model_id: 'model-f-young-walk', options: { aspect_ratio: '3:4' as const } }

/** What a refused call must leave untouched: showcases, audit entries, image checks and the files under showcases/. */
async function snapshot(gw: TestGateway) {
  const count = async (name: string, where: object = {}) => (await gw.rt.db.collection(name).where(where).count()).total
  const dir = path.join(gw.rt.dataDir, 'files', 'showcases')
  const files = existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : []
  const docs = (await gw.rt.db.collection('showcases').limit(1000).get()).data
  return { docs, audits: await count('logs', { kind: 'audit' }), checks: await count('media_checks'), files }
}

const userList = async (gw: TestGateway) => (await gw.anonymous.ok('photography/listShowcases', {})).items
const adminList = async (gw: TestGateway) => (await gw.as(ADMIN).ok('admin/listShowcases', {})).items
const auditsOf = async (gw: TestGateway, action: string) =>
  (await gw.rt.db.collection('logs').where({ kind: 'audit', action }).limit(100).get()).data as Array<{ actor: string; target: string; before: unknown; after: Record<string, unknown> }>

describe('admin showcases', () => {
  it('an ordinary user is refused on every showcase action and nothing changes', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const file = await upload(gw, 'alice', await garmentBytes())
    const before = await snapshot(gw)
    const alice = gw.as('alice')
    expect(await alice.call('admin/listShowcases', {})).toMatchObject({ success: false, code: 'FORBIDDEN' })
    expect(await alice.call('admin/upsertShowcase', { ...base, cover: { file_id: file } })).toMatchObject({ success: false, code: 'FORBIDDEN' })
    expect(await alice.call('admin/setShowcaseActive', { _id: 'showcase-studio-model', is_active: false })).toMatchObject({ success: false, code: 'FORBIDDEN' })
    expect(await alice.call('admin/reorderShowcases', { ids: ['showcase-packshot', 'showcase-studio-model'] })).toMatchObject({ success: false, code: 'FORBIDDEN' })
    expect(await gw.anonymous.call('admin/listShowcases', {})).toMatchObject({ success: false, code: 'UNAUTHENTICATED' })
    expect(await snapshot(gw)).toEqual(before)
  })

  it('from an admin upload: copied into showcases/, checked, shown to users only once the check passed, audit-logged', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, ADMIN)
    const file = await upload(gw, ADMIN, await personBytes(), 'cover.jpg')
    await gw.flushMediaChecks() // the upload's own check
    const made = await gw.as(ADMIN).ok('admin/upsertShowcase', { ...base, cover: { file_id: file } })
    expect(made).toMatchObject({ created: true, cover_moderation: 'pending' })

    const row = (await adminList(gw)).find((s) => s._id === made._id)!
    expect(row).toMatchObject({ title: '测试同款', is_active: true, cover_moderation: 'pending', cover_origin: { kind: 'upload', ref: file }, model_id: base.model_id, scene_id: base.scene_id })
    expect(row.cover_file_id).not.toBe(file)
    expect(row.cover_file_id).toMatch(new RegExp(`showcases/${made._id}/cover-[0-9a-f]{16}\\.jpg$`))
    expect(await gw.rt.storage.download(row.cover_file_id)).toEqual(await gw.rt.storage.download(file))
    // Not yet checked: hidden from users, and not a 画同款 source.
    expect((await userList(gw)).map((s) => s._id)).not.toContain(made._id)
    await register(gw, 'alice')
    expect(await gw.as('alice').call('photography/getPreset', { from_showcase_id: made._id })).toMatchObject({ success: false, code: 'NOT_FOUND' })

    expect(await gw.flushMediaChecks()).toBe(1)
    expect((await adminList(gw)).find((s) => s._id === made._id)).toMatchObject({ cover_moderation: 'pass' })
    const shown = (await userList(gw)).find((s) => s._id === made._id)!
    expect(shown.cover_url).toMatch(/^http/)
    expect(await gw.as('alice').ok('photography/getPreset', { from_showcase_id: made._id })).toMatchObject({ mode: 'on_model', model_id: base.model_id, scene_id: base.scene_id })

    const [audit] = await auditsOf(gw, 'showcase.create')
    expect(audit).toMatchObject({ actor: ADMIN, target: `showcases/${made._id}`, before: null, after: { title: '测试同款', cover_file_id: row.cover_file_id } })
  })

  it("from any user's work: the copy survives the user deleting the work and the retention sweep", async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const job = await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'indoor-cafe', count: 1 })
    await runWorker(gw)
    const work = (await gw.rt.db.collection('works').doc(job.work_id).get()).data[0] as { images: string[]; status: string }
    expect(work.status).toBe('completed')
    const original = await gw.rt.storage.download(work.images[0]!)

    const made = await gw.as(ADMIN).ok('admin/upsertShowcase', { title: '咖啡馆同款', mode: 'scene', scene_id: 'indoor-cafe', model_id: null, options: { aspect_ratio: '1:1' }, cover: { work_id: job.work_id } })
    // The answer comes before the verdict push (here: right after the call).
    expect(made).toMatchObject({ created: true, cover_moderation: 'pending' })
    const row = (await adminList(gw)).find((s) => s._id === made._id)!
    expect(row.cover_moderation).toBe('pass')
    expect(row.cover_origin).toEqual({ kind: 'work', ref: `${job.work_id}#0` })

    await gw.as('alice').ok('api/deleteWork', { work_id: job.work_id })
    await gw.as(ADMIN).ok('admin/runCleanup', {})
    expect(await gw.rt.storage.stat(work.images[0]!)).toBeNull()
    expect(await gw.rt.storage.download(row.cover_file_id)).toEqual(original)
    const shown = (await userList(gw)).find((s) => s._id === made._id)!
    expect((await fetch(shown.cover_url)).status).toBe(200)
    // The deleted work itself can no longer be a source.
    expect(await gw.as(ADMIN).call('admin/upsertShowcase', { ...base, cover: { work_id: job.work_id } })).toMatchObject({ success: false, code: 'NOT_FOUND', details: { field: 'cover' } })
  })

  it('bad input answers a clear code and changes nothing', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    await register(gw, 'alice')
    const mine = await upload(gw, ADMIN, await personBytes(), 'cover.jpg')
    const alices = await upload(gw, 'alice', await garmentBytes())
    const admin = gw.as(ADMIN)
    await admin.ok('admin/setModelActive', { _id: 'model-m-senior', is_active: false })
    const before = await snapshot(gw)
    const cases: Array<[Record<string, unknown>, string, unknown?]> = [
      [{ ...base }, 'VALIDATION_FAILED'], // a new showcase needs an example image
      [{ ...base, scene_id: 'no-such-scene', cover: { file_id: mine } }, 'NOT_FOUND', { field: 'scene_id' }],
      [{ ...base, model_id: 'no-such-model', cover: { file_id: mine } }, 'NOT_FOUND', { field: 'model_id' }],
      [{ ...base, model_id: 'model-m-senior', cover: { file_id: mine } }, 'VALIDATION_FAILED', { field: 'model_id' }], // hidden model, active showcase
      [{ ...base, mode: 'scene', scene_id: null, model_id: null, cover: { file_id: mine } }, 'VALIDATION_FAILED'], // scene mode without a scene
      [{ ...base, mode: 'packshot', scene_id: null, cover: { file_id: mine } }, 'VALIDATION_FAILED'], // packshot with a model
      [{ ...base, cover: { file_id: alices } }, 'NOT_FOUND'], // someone else's upload
      [{ ...base, cover: { file_id: 'local://users/openid-admin/uploads/missing.jpg' } }, 'NOT_FOUND'],
      [{ ...base, cover: { work_id: 'no-such-work' } }, 'NOT_FOUND', { field: 'cover' }],
      [{ ...base, cover: { file_id: mine, work_id: 'w1' } }, 'VALIDATION_FAILED'],
      [{ ...base, title: '', cover: { file_id: mine } }, 'VALIDATION_FAILED'],
      [{ ...base, cover: { file_id: mine }, options: { extra: 1 } }, 'VALIDATION_FAILED'],
      [{ ...base, cover: { file_id: mine }, cover_file_id: mine }, 'VALIDATION_FAILED'], // strict: no writing the stored file id directly
    ]
    for (const [input, code, details] of cases) {
      const res = await admin.call('admin/upsertShowcase', input)
      expect(res, JSON.stringify(input)).toMatchObject({ success: false, code, ...(details ? { details } : {}) })
    }
    expect(await admin.call('admin/setShowcaseActive', { _id: 'nope', is_active: true })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await admin.call('admin/reorderShowcases', { ids: ['showcase-packshot', 'nope'] })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await admin.call('admin/reorderShowcases', { ids: ['showcase-packshot', 'showcase-packshot'] })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await admin.call('admin/reorderShowcases', { ids: [] })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await snapshot(gw)).toEqual(before)
  })

  it('a risky cover never reaches users; an upload already judged risky is refused', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, ADMIN)
    const file = await upload(gw, ADMIN, await risky(), 'risky.jpg')
    // Still being checked: accepted, the copy gets its own check.
    const made = await gw.as(ADMIN).ok('admin/upsertShowcase', { ...base, cover: { file_id: file } })
    expect(await gw.flushMediaChecks()).toBe(2)
    expect((await adminList(gw)).find((s) => s._id === made._id)).toMatchObject({ cover_moderation: 'risky', is_active: true })
    expect((await userList(gw)).map((s) => s._id)).not.toContain(made._id)
    // Now the upload's verdict is in: refused before anything is written.
    const before = await snapshot(gw)
    expect(await gw.as(ADMIN).call('admin/upsertShowcase', { ...base, cover: { file_id: file } })).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { label: 'risky' } })
    expect(await snapshot(gw)).toEqual(before)
  })

  it('edit (new cover replaces and deletes the old copy; a late verdict of the old one is ignored), hide, order', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, ADMIN)
    const admin = gw.as(ADMIN)
    const first = await upload(gw, ADMIN, await risky(), 'first.jpg')
    const second = await upload(gw, ADMIN, await personBytes(), 'second.jpg')
    const made = await admin.ok('admin/upsertShowcase', { ...base, cover: { file_id: first } })
    const old = (await adminList(gw)).find((s) => s._id === made._id)!
    // Replaced before the first copy's (risky) verdict arrived.
    expect(await admin.ok('admin/upsertShowcase', { ...base, _id: made._id, title: '改名同款', cover: { file_id: second } })).toMatchObject({ _id: made._id, created: false, cover_moderation: 'pending' })
    expect(await gw.rt.storage.stat(old.cover_file_id)).toBeNull()
    await gw.flushMediaChecks()
    const edited = (await adminList(gw)).find((s) => s._id === made._id)!
    expect(edited).toMatchObject({ title: '改名同款', cover_moderation: 'pass', cover_origin: { kind: 'upload', ref: second } })
    expect((await userList(gw)).find((s) => s._id === made._id)?.title).toBe('改名同款')
    // Editing without a cover keeps it (and its verdict).
    await admin.ok('admin/upsertShowcase', { ...base, _id: made._id, title: '再改名' })
    expect((await adminList(gw)).find((s) => s._id === made._id)).toMatchObject({ title: '再改名', cover_file_id: edited.cover_file_id, cover_moderation: 'pass' })
    expect((await auditsOf(gw, 'showcase.update')).length).toBe(2)

    expect(await admin.ok('admin/setShowcaseActive', { _id: made._id, is_active: false })).toEqual({ _id: made._id, is_active: false })
    expect((await userList(gw)).map((s) => s._id)).not.toContain(made._id)
    expect((await adminList(gw)).find((s) => s._id === made._id)?.is_active).toBe(false)
    // A showcase whose model was hidden meanwhile cannot be switched back on.
    await admin.ok('admin/setModelActive', { _id: base.model_id, is_active: false })
    expect(await admin.call('admin/setShowcaseActive', { _id: made._id, is_active: true })).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { field: 'model_id' } })
    await admin.ok('admin/setModelActive', { _id: base.model_id, is_active: true })
    await admin.ok('admin/setShowcaseActive', { _id: made._id, is_active: true })
    expect((await auditsOf(gw, 'showcase.deactivate')).length).toBe(1)
    expect((await auditsOf(gw, 'showcase.activate')).length).toBe(1)

    const ids = (await adminList(gw)).map((s) => s._id)
    const reversed = [...ids].reverse()
    expect(await admin.ok('admin/reorderShowcases', { ids: reversed })).toMatchObject({ updated: ids.length })
    expect((await adminList(gw)).map((s) => s._id)).toEqual(reversed)
    expect((await userList(gw)).map((s) => s._id)).toEqual(reversed)
    const [reorder] = await auditsOf(gw, 'showcase.reorder')
    expect(reorder).toMatchObject({ actor: ADMIN, target: 'showcases' })
  })

  it('a failed check submission leaves the cover unchecked (hidden); saving again resubmits', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const file = await upload(gw, ADMIN, await personBytes(), 'cover.jpg')
    const submit = vi.spyOn(gw.rt.contentSafety, 'submitImage').mockRejectedValueOnce(new Error('errcode 45009 quota'))
    const made = await gw.as(ADMIN).ok('admin/upsertShowcase', { ...base, cover: { file_id: file } })
    expect(made.cover_moderation).toBe('unchecked')
    expect((await userList(gw)).map((s) => s._id)).not.toContain(made._id)
    submit.mockRestore()
    expect(await gw.as(ADMIN).ok('admin/upsertShowcase', { ...base, _id: made._id })).toMatchObject({ cover_moderation: 'pending' })
    expect((await userList(gw)).map((s) => s._id)).toContain(made._id)
  })
})

describe('showcases follow their model and scene', () => {
  it('a model taken off sale hides the seeded showcases built on it (list and 画同款), and they come back with it', async () => {
    gw = await pipelineGateway()
    const before = await userList(gw)
    const sc = before.find((s: { model_id: string | null }) => s.model_id)!
    await gw.as(ADMIN).ok('admin/setModelActive', { _id: sc.model_id, is_active: false })
    const hidden = await userList(gw)
    expect(hidden.map((s: { _id: string }) => s._id)).not.toContain(sc._id)
    expect(hidden.every((s: { model_id: string | null }) => s.model_id !== sc.model_id)).toBe(true)
    await register(gw, 'alice')
    expect(await gw.as('alice').call('photography/getPreset', { from_showcase_id: sc._id })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    await gw.as(ADMIN).ok('admin/setModelActive', { _id: sc.model_id, is_active: true })
    expect((await userList(gw)).map((s: { _id: string }) => s._id)).toEqual(before.map((s: { _id: string }) => s._id))
  })
})
