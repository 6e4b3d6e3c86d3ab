import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { credits, expectInvariants, garmentBytes, jpegSize, ledger, personBytes, pipelineGateway, register, runWorker, taskDoc, upload } from './pipeline-fixtures'

// Real image rendering and several worker passes per test: generous under a loaded machine.
vi.setConfig({ testTimeout: 60_000 })

let gw: TestGateway
afterEach(async () => {
  if (gw) await expectInvariants(gw)
  await gw?.close()
})

// The pictures the pipeline produced, for a person to look at: artifacts/samples (gitignored) on every run;
// AIPHOTO_UPDATE_SAMPLES=1 refreshes the committed copies in docs/samples instead.
const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..', process.env.AIPHOTO_UPDATE_SAMPLES === '1' ? 'docs/samples' : 'artifacts/samples')

describe('photography/generate → worker → work', () => {
  it('charges per image, produces real stored JPEGs (long side ≥ 1024) and notifies', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const res = await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'outdoor-garden', count: 2, options: { gender: 'female', aspect_ratio: '3:4', extra: '清新风格' } })
    expect(res).toMatchObject({ cost: 40, credits: 60, replayed: false })
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'pending', attempts: 0, cost: 40, work_id: res.work_id, user_openid: 'alice', type: 'photography' })
    expect(await ledger(gw, 'alice')).toContainEqual(expect.objectContaining({ _id: `consume:${res.task_id}`, delta: -40, kind: 'consume' }))

    // The pass stores the images and holds the task for their image check (running); the verdict completes it.
    expect(await runWorker(gw)).toEqual({ claimed: 1, completed: 0, failed: 0, running: 1 })
    const progress = await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })
    expect(progress).toMatchObject({ status: 'completed', progress: 100, work_id: res.work_id })
    expect(progress.images).toHaveLength(2)

    const work = await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })
    expect(work).toMatchObject({ status: 'completed', image_count: 2, cost: 40, refunded: 0, scene_id: 'outdoor-garden' })
    expect(work.images).toEqual([expect.stringMatching(new RegExp(`^local://users/alice/works/${res.work_id}/1-[\\w-]+\\.jpg$`)), expect.stringMatching(/\/2-[\w-]+\.jpg$/)])
    for (const fileId of work.images) {
      const bytes = await gw.rt.storage.download(fileId)
      const size = jpegSize(bytes)
      expect(size, fileId).not.toBeNull()
      expect(Math.max(size!.width, size!.height)).toBeGreaterThanOrEqual(1024)
      expect(size!.height / size!.width).toBeCloseTo(4 / 3, 1)
    }
    mkdirSync(SAMPLES, { recursive: true })
    writeFileSync(path.join(SAMPLES, 'pipeline-photography.jpg'), await gw.rt.storage.download(work.images[0]!))

    const notes = (await gw.rt.db.collection('notifications').where({ task_id: res.task_id }).get()).data
    expect(notes).toEqual([expect.objectContaining({ _id: `notify-${res.task_id}-task_done`, user_openid: 'alice', result: { ok: true } })])
    expect(await credits(gw, 'alice')).toBe(60)
  }, 60_000)

  it('fitting/generate dresses the person and stores one real JPEG', async () => {
    gw = await pipelineGateway()
    await register(gw, 'bob')
    const person = await upload(gw, 'bob', await personBytes(), 'person.jpg')
    const garment = await upload(gw, 'bob', await garmentBytes(), 'garment.jpg')
    const res = await gw.as('bob').ok('fitting/generate', { person_image: person, garment_image: garment, garment_type: 'top' })
    expect(res).toMatchObject({ cost: 30, credits: 70 })
    // No timer ran: the owner's progress polling advances the task itself (one bounded step), up to the image
    // check; the next poll, after the verdict arrived, finds it completed.
    expect(await gw.as('bob').ok('photography/getProgress', { task_id: res.task_id })).toMatchObject({ status: 'processing', stage: '内容安全审核中' })
    const progress = await gw.as('bob').ok('photography/getProgress', { task_id: res.task_id })
    expect(progress).toMatchObject({ status: 'completed', progress: 100 })
    const work = await gw.as('bob').ok('api/getWorkDetail', { work_id: res.work_id })
    expect(work).toMatchObject({ type: 'fitting', image_count: 1, scene_id: null })
    const bytes = await gw.rt.storage.download(work.images[0]!)
    expect(Math.max(jpegSize(bytes)!.width, jpegSize(bytes)!.height)).toBeGreaterThanOrEqual(1024)
    writeFileSync(path.join(SAMPLES, 'pipeline-fitting.jpg'), bytes)
  }, 60_000)

  it('regenerates from a previous work ("再来一张") with its inputs, charging again', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const first = await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 1, options: { pose: 'walking' } })
    const again = await gw.as('alice').ok('photography/generate', { from_work_id: first.work_id })
    expect(again.task_id).not.toBe(first.task_id)
    expect(again).toMatchObject({ cost: 20, credits: 60 })
    const t = await taskDoc(gw, again.task_id)
    expect(t.params).toMatchObject({ garment_images: [g], scene_id: 'studio-white', options: { pose: 'walking' }, from_work_id: first.work_id })
    // Someone else's work cannot be regenerated (and nothing is charged).
    await register(gw, 'mallory')
    expect(await gw.as('mallory').call('photography/generate', { from_work_id: first.work_id })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await credits(gw, 'mallory')).toBe(100)
  })
})

describe('idempotency and money', () => {
  it('the same request_id is one task charged once (sequential and concurrent); reused for another request → CONFLICT', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const input = { garment_images: [g], scene_id: 'studio-white', count: 1, request_id: 'req-0001-abcdef' }
    const a = await gw.as('alice').ok('photography/generate', input)
    const b = await gw.as('alice').ok('photography/generate', input)
    expect(b).toEqual({ ...a, replayed: true })
    const burst = await Promise.all(Array.from({ length: 8 }, () => gw.as('alice').call('photography/generate', { ...input, request_id: 'req-0002-concurrent' })))
    expect(burst.every((r) => r.success)).toBe(true)
    const ids = new Set(burst.map((r) => (r.success ? r.data.task_id : '')))
    expect(ids.size).toBe(1)
    expect(burst.filter((r) => r.success && !r.data.replayed)).toHaveLength(1)
    expect(await credits(gw, 'alice')).toBe(60)
    expect((await ledger(gw, 'alice')).filter((e) => e.kind === 'consume')).toHaveLength(2)
    expect(await gw.as('alice').call('photography/generate', { ...input, count: 2 })).toMatchObject({ success: false, code: 'CONFLICT' })
    // Another user with the same request_id gets their own task.
    await register(gw, 'bob')
    const gb = await upload(gw, 'bob', await garmentBytes())
    const other = await gw.as('bob').ok('photography/generate', { ...input, garment_images: [gb] })
    expect(other.task_id).not.toBe(a.task_id)
    expect(other.replayed).toBe(false)
  })

  it('concurrent generates never overdraw: 100 credits buy exactly 5 images of 20', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const results = await Promise.all(Array.from({ length: 9 }, () => gw.as('alice').call('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 1 })))
    expect(results.filter((r) => r.success)).toHaveLength(5)
    expect(results.filter((r) => !r.success).every((r) => !r.success && r.code === 'INSUFFICIENT_CREDITS')).toBe(true)
    expect(await credits(gw, 'alice')).toBe(0)
    expect((await gw.rt.db.collection('task_queue').where({ user_openid: 'alice' }).count()).total).toBe(5)
    expect((await gw.rt.db.collection('works').where({ user_openid: 'alice' }).count()).total).toBe(5)
  })

  it('refuses inputs that are not the caller\'s registered files, bad scenes and unsafe text — without charging', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    await register(gw, 'mallory')
    const alices = await upload(gw, 'alice', await garmentBytes())
    // Mallory copies the file id, or uploads an unregistered file.
    const raw = (await gw.rt.storage.upload({ cloudPath: 'users/mallory/uploads/raw.jpg', content: await garmentBytes() })).fileId
    const mine = await upload(gw, 'mallory', await garmentBytes(), 'g2.jpg')
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ garment_images: [alices], scene_id: 'studio-white' }, 'NOT_FOUND'],
      [{ garment_images: [raw], scene_id: 'studio-white' }, 'NOT_FOUND'],
      [{ garment_images: ['local://users/mallory/uploads/none.jpg'], scene_id: 'studio-white' }, 'NOT_FOUND'],
      [{ garment_images: [mine], scene_id: 'no-such-scene' }, 'NOT_FOUND'],
      [{ garment_images: [mine], scene_id: 'studio-white', options: { extra: '含有违禁内容' } }, 'VALIDATION_FAILED'],
      [{ garment_images: [mine], scene_id: 'studio-white', count: 5 }, 'VALIDATION_FAILED'],
    ]
    for (const [input, code] of cases) expect(await gw.as('mallory').call('photography/generate', input), JSON.stringify(input)).toMatchObject({ success: false, code })
    expect(await gw.as('mallory').call('fitting/generate', { person_image: alices, garment_image: mine })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await credits(gw, 'mallory')).toBe(100)
    expect((await gw.rt.db.collection('task_queue').where({ user_openid: 'mallory' }).count()).total).toBe(0)
  })
})

describe('photography/getPricing', () => {
  it('answers the configured prices to anyone, and generate charges exactly that', async () => {
    gw = await pipelineGateway({ config: { pricing: { photographyPerImage: 7, fittingPerImage: 11, onModelPerImage: 13, packshotPerImage: 3, upscalePerImage: 5 } } })
    expect(await gw.anonymous.ok('photography/getPricing', {})).toEqual({ photography_per_image: 7, fitting_per_image: 11, modes: { on_model: 13, scene: 7, packshot: 3 }, upscale_per_image: 5, batch_max_items: 9, subscribe_template_ids: [] })
    await register(gw, 'alice')
    const file = await upload(gw, 'alice', await garmentBytes())
    const scene = (await gw.as('alice').ok('scene/getScenes', {})).items[0]!
    expect(await gw.as('alice').ok('photography/generate', { garment_images: [file], scene_id: scene._id, count: 3 })).toMatchObject({ cost: 21 })
  })
})
