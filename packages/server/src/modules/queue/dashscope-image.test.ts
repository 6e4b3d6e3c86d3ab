/**
 * 高清放大 through DashScope super-resolution and model-library photos through DashScope text-to-image, end to end
 * through the gateway against the strict fake (packages/imaging/src/testing/fake-dashscope.ts), configured only
 * through admin/upsertApiConfig. The local compositor stays active at its lower priority: selection by capability
 * must pick the DashScope configs over it.
 */
import { imageFacts, startFakeDashScope, type FakeDashScope, type FakeDashScopeOptions } from '@aiphoto/imaging/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { modelPrompt } from '../models/generate-model'
import { credits, expectInvariants, garmentBytes, ledger, pipelineGateway, register, runWorker, taskDoc, upload } from '../generation/pipeline-fixtures'
import { MAX_ATTEMPTS } from './policy'

vi.setConfig({ testTimeout: 90_000 })

const KEY = 'sk-test-dashscope'
const ADMIN = 'openid-admin'
const EDIT = '/api/v1/services/aigc/image2image/image-synthesis'
const T2I = '/api/v1/services/aigc/text2image/image-synthesis'
let gw: TestGateway
let fake: FakeDashScope
afterEach(async () => {
  if (gw) {
    await expectInvariants(gw)
    expect(await gw.as(ADMIN).ok('admin/auditCredits', {})).toMatchObject({ mismatches: [] })
  }
  await gw?.close()
  await fake?.close()
})

async function setup(fakeOpts: FakeDashScopeOptions = {}) {
  gw = await pipelineGateway()
  fake = await startFakeDashScope({ apiKey: KEY, now: () => gw.clock.now().getTime(), ...fakeOpts })
  for (const c of [{ _id: 'ds-upscale', api_name: 'image-edit' }, { _id: 'ds-t2i', api_name: 'text-to-image' }, { _id: 'ds-tryon', api_name: 'aitryon' }]) {
    await gw.as(ADMIN).ok('admin/upsertApiConfig', { provider: 'dashscope', endpoint: fake.url, headers: { Authorization: `Bearer ${KEY}` }, priority: 10, poll_interval_ms: 50, ...c })
  }
}

const posts = (path: string) => fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith(path))
const bodyOf = (r: { body: Buffer }) => JSON.parse(r.body.toString()) as { model: string; input: Record<string, string>; parameters: Record<string, unknown> }
const imageOf = async (fileId: string) => imageFacts(await gw.rt.storage.download(fileId))

/** Worker passes with the clock moving on between them, until the tasks end (bounded). */
async function drain(taskIds: string[], passes = 40, stepMs = 5_001) {
  for (let i = 0; i < passes; i++) {
    const docs = await Promise.all(taskIds.map((id) => taskDoc(gw, id)))
    if (docs.every((t) => t.status === 'completed' || t.status === 'failed')) return
    await runWorker(gw, { budget_ms: 10_000 })
    gw.clock.advance(stepMs)
  }
}

/** A completed 800×800 白底图 work of `openid` (made by the local compositor, which the upscale does not use). */
async function sourceWork(openid: string) {
  const g = await upload(gw, openid, await garmentBytes())
  const src = await gw.as(openid).ok('photography/generate', { mode: 'packshot', garment_images: [g], options: { aspect_ratio: '1:1' } })
  await drain([src.task_id])
  const work = await gw.as(openid).ok('api/getWorkDetail', { work_id: src.work_id })
  expect(work.status).toBe('completed')
  expect(await imageOf(work.images[0]!)).toMatchObject({ width: 800, height: 800 })
  return src
}

describe('photography/upscale via DashScope super-resolution', () => {
  it('is chosen over the local compositor, sends the source at upscale_factor 2, and stores an image exactly 2× in pixels, charged once', async () => {
    await setup()
    await register(gw, 'alice')
    const src = await sourceWork('alice')
    const before = await credits(gw, 'alice')
    const up = await gw.as('alice').ok('photography/upscale', { work_id: src.work_id, scale: 2 })
    expect(up.cost).toBe((await gw.anonymous.ok('photography/getPricing', {})).upscale_per_image)
    expect(await credits(gw, 'alice')).toBe(before - up.cost)
    await drain([up.task_id])

    expect(await taskDoc(gw, up.task_id)).toMatchObject({ status: 'completed', attempts: 1, result: { provider_id: 'ds-upscale' } })
    expect(posts(EDIT)).toHaveLength(1)
    const body = bodyOf(posts(EDIT)[0]!)
    expect(body).toMatchObject({ model: 'wanx2.1-imageedit', input: { function: 'super_resolution', prompt: '图像超分。' }, parameters: { upscale_factor: 2, n: 1 } })
    // The provider downloaded the source work's image itself (no staged copy was needed at 800 px).
    expect(fake.downloads.find((d) => d.url === body.input['base_image_url'])!.image).toMatchObject({ width: 800, height: 800 })
    const work = await gw.as('alice').ok('api/getWorkDetail', { work_id: up.work_id })
    expect(work).toMatchObject({ mode: 'upscale', source_work_id: src.work_id, status: 'completed', image_count: 1 })
    const img = await imageOf(work.images[0]!)
    expect([img.width, img.height]).toEqual([1600, 1600])
    // Not the local Lanczos enlargement (which says so in its EXIF).
    expect(String(img.exif ?? '')).not.toContain('not AI super-resolution')
    const entries = (await ledger(gw, 'alice')).filter((e) => e._id.endsWith(up.task_id))
    expect(entries.map((e) => [e.kind, e.delta])).toEqual([['consume', -up.cost]])
    expect(await credits(gw, 'alice')).toBe(before - up.cost)
  })

  it('an HD scene (options.hd): the local compositor makes the scene, DashScope its upscale step at exactly 2×', async () => {
    await setup()
    await register(gw, 'carol')
    const g = await upload(gw, 'carol', await garmentBytes())
    const res = await gw.as('carol').ok('photography/generate', { mode: 'scene', garment_images: [g], scene_id: 'studio-white', count: 1, options: { hd: true } })
    await drain([res.task_id])
    const t = await taskDoc(gw, res.task_id)
    expect(t).toMatchObject({ status: 'completed', refunded: 0 })
    const steps = t['steps'] as Array<{ kind: string; units: Array<{ outputs: string[] | null }> }>
    expect(steps.map((x) => x.kind)).toEqual(['cutout', 'scene', 'upscale'])
    // The scene image (an intermediate file, deleted once the task completed) as the provider downloaded it.
    const sent = bodyOf(posts(EDIT)[0]!).input['base_image_url']
    const scene = fake.downloads.find((d) => d.url === sent)!.image!
    expect(Math.min(scene.width!, scene.height!)).toBeGreaterThanOrEqual(512)
    const final = await imageOf((await gw.as('carol').ok('api/getWorkDetail', { work_id: res.work_id })).images[0]!)
    expect([final.width, final.height]).toEqual([scene.width! * 2, scene.height! * 2])
    expect(posts(EDIT)).toHaveLength(1)
    expect(bodyOf(posts(EDIT)[0]!).parameters['upscale_factor']).toBe(2)
    expect((await ledger(gw, 'carol')).filter((e) => e._id.endsWith(res.task_id)).map((e) => e.kind)).toEqual(['consume'])
  })

  it('a task the service fails is retried, then refunded exactly once; more worker passes change nothing', async () => {
    await setup()
    await register(gw, 'bob')
    const src = await sourceWork('bob')
    // Only DashScope may upscale now, so the failure is the provider's (not a fallback to the local compositor).
    await gw.rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
    fake.setOutcome('FAILED', 'InternalError.Algo')
    const before = await credits(gw, 'bob')
    const up = await gw.as('bob').ok('photography/upscale', { work_id: src.work_id, scale: 2 })
    await drain([up.task_id], 80, 130_000)
    const t = await taskDoc(gw, up.task_id)
    expect(t).toMatchObject({ status: 'failed', refunded: up.cost })
    expect(posts(EDIT).length).toBeGreaterThanOrEqual(1)
    expect(posts(EDIT).length).toBeLessThanOrEqual(MAX_ATTEMPTS)
    for (let i = 0; i < 3; i++) {
      await runWorker(gw)
      gw.clock.advance(130_000)
    }
    const entries = (await ledger(gw, 'bob')).filter((e) => e._id.endsWith(up.task_id))
    expect(entries.map((e) => e.kind).sort()).toEqual(['consume', 'refund'])
    expect(entries.reduce((s, e) => s + e.delta, 0)).toBe(0)
    expect(await credits(gw, 'bob')).toBe(before)
    expect((await gw.as('bob').ok('api/getWorkDetail', { work_id: up.work_id })).status).toBe('failed')
  })
})

describe('admin/generateModel via DashScope text-to-image', () => {
  const input = { name: '新模特', gender: 'female', age: 'young', body: 'slim', pose: 'standing', skin_tone: 'light' } as const

  it('submits a 768*1024 portrait, is polled with the job token, and stores an inactive generated model with its image', async () => {
    await setup()
    const admin = gw.as(ADMIN)
    const first = await admin.ok('admin/generateModel', input)
    expect(first).toMatchObject({ status: 'running', model_id: null, job_token: expect.any(String) })
    expect(posts(T2I)).toHaveLength(1)
    expect(bodyOf(posts(T2I)[0]!)).toMatchObject({
      model: 'wanx2.1-t2i-turbo',
      input: { prompt: modelPrompt({ ...input, scene_id: null, prompt_extra: '' }) },
      parameters: { size: '768*1024', n: 1, prompt_extend: false, watermark: false },
    })
    let answer = first
    for (let i = 0; i < 6 && answer.status === 'running'; i++) answer = await admin.ok('admin/generateModel', { ...input, job_token: answer.job_token! })
    expect(answer).toMatchObject({ status: 'created', model_id: expect.any(String) })
    // Polling never submitted again.
    expect(posts(T2I)).toHaveLength(1)
    const model = (await admin.ok('admin/listModels', {})).items.find((m) => m._id === answer.model_id)!
    expect(model).toMatchObject({ source: 'generated', is_active: false, gender: 'female', pose: 'standing' })
    expect(model.licence).toContain('text-to-image via ds-t2i')
    expect(await imageOf(model.file_id)).toMatchObject({ format: 'jpeg', width: 768, height: 1024 })
    expect((await gw.anonymous.ok('photography/listModels', {})).items.map((m) => m._id)).not.toContain(model._id)
  })

  it('a task the service fails answers failed with its code and creates no model', async () => {
    await setup({ outcome: 'FAILED', failureCode: 'DataInspectionFailed' })
    const admin = gw.as(ADMIN)
    const count = (await admin.ok('admin/listModels', {})).items.length
    let answer = await admin.ok('admin/generateModel', input)
    for (let i = 0; i < 6 && answer.status === 'running'; i++) answer = await admin.ok('admin/generateModel', { ...input, job_token: answer.job_token! })
    expect(answer).toMatchObject({ status: 'failed', model_id: null, error: expect.stringContaining('DataInspectionFailed') })
    expect((await admin.ok('admin/listModels', {})).items).toHaveLength(count)
  })
})

describe('admin/testApiConfig for the new kinds', () => {
  it('tests an upscale config with the photo enlarged 2× and a text-to-image config with a prompt; a try-on config is refused clearly', async () => {
    await setup()
    const admin = gw.as(ADMIN)
    const listed = (await admin.ok('admin/listApiConfigs')).items
    expect(Object.fromEntries(listed.map((c) => [c._id, c.capabilities]))).toMatchObject({ 'ds-upscale': ['upscale'], 'ds-t2i': ['text_to_image'], 'ds-tryon': ['tryon'] })
    expect(await admin.ok('admin/testApiConfig', { _id: 'ds-upscale' })).toMatchObject({ ok: true, outcome: 'succeeded', images: 1 })
    // The 384×512 test photo is under the 512 px minimum: a staged 768×1024 copy went at factor 1 (still 2×).
    expect(bodyOf(posts(EDIT)[0]!).parameters['upscale_factor']).toBe(1)
    expect(fake.downloads.at(-1)!.image).toMatchObject({ width: 768, height: 1024 })
    expect(await admin.ok('admin/testApiConfig', { _id: 'ds-t2i' })).toMatchObject({ ok: true, outcome: 'succeeded', images: 1 })
    expect(posts(T2I)).toHaveLength(1)
    expect(await admin.ok('admin/testApiConfig', { _id: 'ds-tryon' })).toMatchObject({ ok: false, outcome: 'unavailable', message: expect.stringContaining('不支持') })
  })
})
