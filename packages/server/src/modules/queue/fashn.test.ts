/**
 * 模特图 against the strict FASHN fake (packages/imaging/src/testing/fake-fashn.ts) and the strict DashScope fake,
 * configured only through admin/upsertApiConfig: try-on onto the library model photo, a partial failure refunding
 * only the image not delivered, failover between the providers of the try-on capability, and FASHN's 429s.
 */
import { recolor, startFakeDashScope, startFakeFashn, type FakeDashScope, type FakeFashn, type FakeFashnOptions } from '@aiphoto/imaging/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { credits, expectInvariants, garmentBytes, ledger, pipelineGateway, register, taskDoc, upload } from '../generation/pipeline-fixtures'

vi.setConfig({ testTimeout: 90_000 })

const ADMIN = 'openid-admin'
let gw: TestGateway
let fashn: FakeFashn
let dashscope: FakeDashScope | null = null
afterEach(async () => {
  if (gw) {
    await expectInvariants(gw)
    expect(await gw.as(ADMIN).ok('admin/auditCredits', {})).toMatchObject({ mismatches: [] })
  }
  await gw?.close()
  await fashn?.close()
  await dashscope?.close()
  dashscope = null
})

async function setup(opts: FakeFashnOptions = {}, key?: string) {
  gw = await pipelineGateway()
  fashn = await startFakeFashn({ now: () => gw.clock.now().getTime(), ...opts })
  await gw.rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
  await gw.as(ADMIN).ok('admin/upsertApiConfig', { _id: 'fashn-tryon', provider: 'fashn', api_name: 'tryon-v1.6', endpoint: fashn.url, headers: { Authorization: `Bearer ${key ?? fashn.apiKey}` }, priority: 20, poll_interval_ms: 50 })
}

async function drain(taskIds: string[], passes = 30) {
  for (let i = 0; i < passes; i++) {
    const docs = await Promise.all(taskIds.map((id) => taskDoc(gw, id)))
    if (docs.every((t) => t.status === 'completed' || t.status === 'failed')) return
    await gw.system.ok('queue/processTask', { max_tasks: 8, budget_ms: 10_000 })
    gw.clock.advance(5_001)
  }
}

const onModel = async (openid: string, extra: Record<string, unknown> = {}) => {
  const g = await upload(gw, openid, await garmentBytes())
  return gw.as(openid).ok('photography/generate', { mode: 'on_model', garment_images: [g], model_id: 'model-f-young-slim', ...extra })
}

const runs = () => fashn.requests.filter((r) => r.method === 'POST' && r.path === '/v1/run').map((r) => JSON.parse(r.body.toString()) as { model_name: string; inputs: Record<string, unknown> })

describe('模特图 through FASHN', () => {
  it('one tryon-v1.6 run per image onto the library model photo, polled across calls, results copied into storage', async () => {
    await setup()
    expect((await gw.as(ADMIN).ok('admin/listApiConfigs')).items.find((c) => c._id === 'fashn-tryon')).toMatchObject({ capabilities: ['tryon'] })
    await register(gw, 'alice')
    const res = await onModel('alice', { count: 2, garment_type: 'dress' })
    await drain([res.task_id])
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', refunded: 0, result: { provider_id: 'fashn-tryon' } })
    const bodies = runs()
    expect(bodies).toHaveLength(2)
    expect(bodies.every((b) => b.model_name === 'tryon-v1.6' && b.inputs['category'] === 'one-pieces' && b.inputs['num_samples'] === 1)).toBe(true)
    expect(new Set(bodies.map((b) => b.inputs['seed'])).size).toBe(2)
    // FASHN downloaded the library model's photo and the garment through signed URLs.
    expect(fashn.downloads.filter((d) => d.status === 200).map((d) => decodeURIComponent(new URL(d.url).pathname))).toEqual(expect.arrayContaining([expect.stringContaining('models/model-f-young-slim.jpg')]))
    const work = await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })
    expect(work).toMatchObject({ image_count: 2, status: 'completed', mode: 'on_model' })
    expect(await credits(gw, 'alice')).toBe(100 - 60)
  })

  it('a prediction that fails for good (PoseError) costs only its image: completed with 1 of 2, one refund of one image', async () => {
    await setup()
    await register(gw, 'alice')
    fashn.failNextPrediction('PoseError', 'Unable to detect body pose')
    const res = await onModel('alice', { count: 2 })
    await drain([res.task_id])
    const t = await taskDoc(gw, res.task_id)
    expect(t).toMatchObject({ status: 'completed', refunded: 30 })
    const units = (t.steps as Array<{ units: Array<{ outputs: string[] | null; failed?: string }> }>)[0]!.units
    expect(units.filter((u) => u.failed)).toHaveLength(1)
    expect(units.find((u) => u.failed)!.failed).toContain('PoseError')
    expect((await ledger(gw, 'alice')).filter((e) => e.kind === 'refund')).toEqual([expect.objectContaining({ _id: `refund:${res.task_id}`, delta: 30 })])
    expect(await credits(gw, 'alice')).toBe(100 - 60 + 30)
  })

  it('a second photo of the same garment is not an outfit; an explicit top + bottom goes to DashScope (FASHN dresses one garment)', async () => {
    // Before: garment_images[1] was sent as the bottom half (DashScope bottom_garment_url), and FASHN dropped a
    // real bottom_garment_image without a word.
    await setup()
    dashscope = await startFakeDashScope({ apiKey: 'sk-ds', now: () => gw.clock.now().getTime() })
    await gw.as(ADMIN).ok('admin/upsertApiConfig', { _id: 'ds-tryon', provider: 'dashscope', api_name: 'aitryon', endpoint: dashscope.url, headers: { Authorization: 'Bearer sk-ds' }, priority: 10, poll_interval_ms: 50 })
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const g2 = await upload(gw, 'alice', await garmentBytes(), 'garment-back.jpg')
    const bottom = await upload(gw, 'alice', await recolor(await garmentBytes(), 120), 'bottom.jpg')
    const outfit = await gw.as('alice').ok('photography/generate', { mode: 'on_model', garment_images: [g], bottom_garment_image: bottom, garment_type: 'top', model_id: 'model-f-young-slim' })
    await drain([outfit.task_id])
    expect(await taskDoc(gw, outfit.task_id)).toMatchObject({ status: 'completed', result: { provider_id: 'ds-tryon' } })
    expect(runs()).toHaveLength(0)
    const tryonBodies = () => dashscope!.requests.filter((r) => r.method === 'POST' && r.path.includes('image2image')).map((r) => JSON.parse(r.body.toString()).input as Record<string, string>)
    expect(Object.keys(tryonBodies()[0]!).sort()).toEqual(['bottom_garment_url', 'person_image_url', 'top_garment_url'])
    // Both halves reached the service: it downloaded the top through one URL and the bottom through the other.
    const fetched = (url: string) => decodeURIComponent(new URL(url).pathname)
    const top = tryonBodies()[0]!['top_garment_url']!, bot = tryonBodies()[0]!['bottom_garment_url']!
    expect(fetched(top)).toContain(g.split('/').pop()!)
    expect(fetched(bot)).toContain(bottom.split('/').pop()!)
    expect(dashscope.downloads.filter((d) => d.status === 200).map((d) => d.url)).toEqual(expect.arrayContaining([top, bot]))
    // Passed over, not failed: a pair FASHN cannot dress is no fault of FASHN's, so its breaker is untouched.
    expect((await gw.rt.db.collection('api_configs').doc('fashn-tryon').get()).data[0]).toMatchObject({ failures: 0, open_until: null })
    // FASHN's refusal is its limitation, so DashScope takes over; with FASHN off, two photos of one top reach
    // DashScope as one top.
    await gw.rt.db.collection('api_configs').doc('fashn-tryon').update({ is_active: false })
    const twoPhotos = await gw.as('alice').ok('photography/generate', { mode: 'on_model', garment_images: [g, g2], model_id: 'model-f-young-slim' })
    await drain([twoPhotos.task_id])
    expect(await taskDoc(gw, twoPhotos.task_id)).toMatchObject({ status: 'completed', result: { provider_id: 'ds-tryon' } })
    expect(Object.keys(tryonBodies()[1]!).sort()).toEqual(['person_image_url', 'top_garment_url'])
  })

  it('a top + bottom pair with FASHN the only try-on provider: refused without a call, failed and refunded once; FASHN keeps serving single garments', async () => {
    // Before: each pair counted a breaker failure on FASHN, so three pairs opened its circuit and single-garment
    // jobs lost their only provider for a minute.
    await setup()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const bottom = await upload(gw, 'alice', await recolor(await garmentBytes(), 120), 'bottom.jpg')
    const pairs = []
    for (let i = 0; i < 3; i++) pairs.push(await gw.as('alice').ok('photography/generate', { mode: 'on_model', garment_images: [g], bottom_garment_image: bottom, garment_type: 'top', model_id: 'model-f-young-slim' }))
    expect(await credits(gw, 'alice')).toBe(100 - 90)
    await drain(pairs.map((p) => p.task_id))
    for (const p of pairs) {
      const t = await taskDoc(gw, p.task_id)
      expect(t).toMatchObject({ status: 'failed', refunded: 30, attempts: 1 })
      expect(String(t.error)).toContain('top + bottom outfit needs another try-on provider')
      expect(await gw.as('alice').ok('api/getWorkDetail', { work_id: p.work_id })).toMatchObject({ status: 'failed', refunded: 30 })
    }
    expect(fashn.requests.filter((r) => r.method === 'POST')).toHaveLength(0)
    const refunds = (await ledger(gw, 'alice')).filter((e) => e.kind === 'refund')
    expect(refunds.map((e) => e._id).sort()).toEqual(pairs.map((p) => `refund:${p.task_id}`).sort())
    expect(await credits(gw, 'alice')).toBe(100)
    expect((await gw.rt.db.collection('api_configs').doc('fashn-tryon').get()).data[0]).toMatchObject({ failures: 0, open_until: null })
    const single = await onModel('alice')
    await drain([single.task_id])
    expect(await taskDoc(gw, single.task_id)).toMatchObject({ status: 'completed', result: { provider_id: 'fashn-tryon' } })
  })

  it('a wrong key (401 UnauthorizedAccess) fails over to DashScope aitryon; the failure counts on FASHN', async () => {
    await setup({}, 'wrong-key')
    dashscope = await startFakeDashScope({ apiKey: 'sk-ds', now: () => gw.clock.now().getTime() })
    await gw.as(ADMIN).ok('admin/upsertApiConfig', { _id: 'ds-tryon', provider: 'dashscope', api_name: 'aitryon', endpoint: dashscope.url, headers: { Authorization: 'Bearer sk-ds' }, priority: 10, poll_interval_ms: 50 })
    await register(gw, 'alice')
    const res = await onModel('alice')
    await drain([res.task_id])
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', result: { provider_id: 'ds-tryon' } })
    expect(fashn.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect((await gw.rt.db.collection('api_configs').doc('fashn-tryon').get()).data[0]).toMatchObject({ failures: 1 })
  })

  it('429 ConcurrencyLimitExceeded waits and asks again: a batch of 3 never runs more than the account allows, no attempt used up', async () => {
    await setup({ maxConcurrent: 1 })
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const batch = await gw.as('alice').ok('photography/generateBatch', { mode: 'on_model', model_id: 'model-m-young', items: [{ garment_images: [g] }, { garment_images: [g] }, { garment_images: [g] }] })
    await drain(batch.works.map((w) => w.task_id), 60)
    for (const w of batch.works) expect(await taskDoc(gw, w.task_id)).toMatchObject({ status: 'completed', refunded: 0 })
    expect(fashn.peakConcurrency).toBe(1)
    expect((await gw.rt.db.collection('api_configs').doc('fashn-tryon').get()).data[0]).toMatchObject({ failures: 0 })
    expect(await credits(gw, 'alice')).toBe(100 - 90)
  })
})
