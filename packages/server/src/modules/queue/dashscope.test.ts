/**
 * The generation pipeline against the strict DashScope fake (packages/imaging/src/testing/fake-dashscope.ts),
 * configured only through admin/upsertApiConfig, as an operator would.
 */
import { createHash } from 'node:crypto'
import { createFixtureGarment } from '@aiphoto/imaging'
import { imageFacts, renderTestImage, startFakeDashScope, type FakeDashScope, type FakeDashScopeOptions } from '@aiphoto/imaging/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { credits, expectInvariants, garmentBytes, ledger, personBytes, pipelineGateway, register, taskDoc, upload } from '../generation/pipeline-fixtures'

vi.setConfig({ testTimeout: 90_000 })

const KEY = 'sk-test-dashscope'
const ADMIN = 'openid-admin'
let gw: TestGateway
let fake: FakeDashScope
afterEach(async () => {
  if (gw) await expectInvariants(gw)
  await gw?.close()
  await fake?.close()
})

/** A gateway whose only providers are DashScope configs pointing at the fake (the local compositor switched off). */
async function setup(fakeOpts: FakeDashScopeOptions = {}, configs: Array<Record<string, unknown>> = [{ _id: 'ds-bg', api_name: 'background-generation' }, { _id: 'ds-tryon', api_name: 'aitryon' }]) {
  gw = await pipelineGateway()
  fake = await startFakeDashScope({ apiKey: KEY, now: () => gw.clock.now().getTime(), ...fakeOpts })
  await gw.rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
  for (const c of configs) {
    await gw.as(ADMIN).ok('admin/upsertApiConfig', { provider: 'dashscope', endpoint: fake.url, headers: { Authorization: `Bearer ${KEY}` }, priority: 10, poll_interval_ms: 50, ...c })
  }
}

const photo = async (openid: string, bytes?: Buffer, extra: Record<string, unknown> = {}) => {
  const g = await upload(gw, openid, bytes ?? (await garmentBytes()))
  return gw.as(openid).ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 1, ...extra })
}

const fitting = async (openid: string, garment?: Buffer, garment_type = 'top') => {
  const person = await upload(gw, openid, await personBytes(), 'person.jpg')
  const g = await upload(gw, openid, garment ?? (await garmentBytes()), 'garment.png')
  return gw.as(openid).ok('fitting/generate', { person_image: person, garment_image: g, garment_type })
}

const posts = (path: string) => fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith(path))
const BG = '/api/v1/services/aigc/background-generation/generation'
const TRYON = '/api/v1/services/aigc/image2image/image-synthesis'

/** Worker passes with the clock moving on between them, until the tasks end (bounded). */
async function drain(taskIds: string[], passes = 30, stepMs = 5_001, budgetMs = 10_000) {
  for (let i = 0; i < passes; i++) {
    const docs = await Promise.all(taskIds.map((id) => taskDoc(gw, id)))
    if (docs.every((t) => t.status === 'completed' || t.status === 'failed')) return
    await gw.system.ok('queue/processTask', { max_tasks: 8, budget_ms: budgetMs })
    gw.clock.advance(stepMs)
  }
}

// Photography tasks run two steps (a cut-out by the built-in compositor, then background generation), so a task
// that reached DashScope once has made 2 attempts.
describe('photography via background generation', () => {
  it('sends a real cut-out of the garment (RGBA PNG, long side ≤ 2048), completes, and deletes what it staged', async () => {
    await setup()
    await register(gw, 'alice')
    const big = await createFixtureGarment({ format: 'jpeg', width: 2400, height: 2700 })
    const res = await photo('alice', big)
    await drain([res.task_id])
    const t = await taskDoc(gw, res.task_id)
    expect(t).toMatchObject({ status: 'completed', attempts: 2, result: { provider_id: 'ds-bg' } })
    expect(posts(BG)).toHaveLength(1)
    const base = fake.downloads.find((d) => d.url === JSON.parse(posts(BG)[0]!.body.toString()).input.base_image_url)!.image!
    expect(base).toMatchObject({ format: 'png', hasAlpha: true })
    expect(Math.max(base.width!, base.height!)).toBeLessThanOrEqual(2048)
    expect(base.transparent!).toBeGreaterThan(0.05)
    // The staged cut-out was deleted once the provider job ended.
    expect(t['staged_files']).toEqual([])
    const stagedPath = new URL(JSON.parse(posts(BG)[0]!.body.toString()).input.base_image_url).pathname.replace(/^\/files\//, '')
    expect(await gw.rt.storage.stat(`local://${decodeURIComponent(stagedPath)}`)).toBeNull()
    expect(await credits(gw, 'alice')).toBe(80)
  })

  it('respects the account limits across worker slots: never more than 1 running job, never a 429, no attempt used up', async () => {
    await setup()
    const ids: string[] = []
    for (const u of ['u1', 'u2', 'u3']) {
      await register(gw, u)
      ids.push((await photo(u)).task_id)
    }
    await drain(ids)
    for (const id of ids) expect(await taskDoc(gw, id)).toMatchObject({ status: 'completed', attempts: 2 })
    expect(fake.peakConcurrency['wanx-background-generation-v2']).toBe(1)
    expect(fake.throttled).toEqual({})
    expect(posts(BG)).toHaveLength(3)
    // The slot documents are free again.
    const slots = (await gw.rt.db.collection('provider_slots').where({ config_id: 'ds-bg' }).get()).data as Array<{ _id: string; holder: string | null }>
    expect(slots.filter((s) => s._id.includes('#c')).every((s) => s.holder === null)).toBe(true)
  })

  it('a raised quota set through the admin API lets two jobs run at once', async () => {
    await setup({ limits: { 'wanx-background-generation-v2': { rps: 2, concurrent: 2 } } }, [{ _id: 'ds-bg', api_name: 'background-generation', limits: { max_concurrent: 2 } }])
    const ids: string[] = []
    for (const u of ['u1', 'u2', 'u3']) {
      await register(gw, u)
      ids.push((await photo(u)).task_id)
    }
    await drain(ids)
    for (const id of ids) expect((await taskDoc(gw, id)).status).toBe('completed')
    expect(fake.peakConcurrency['wanx-background-generation-v2']).toBe(2)
    expect(fake.throttled).toEqual({})
    const listed = (await gw.as(ADMIN).ok('admin/listApiConfigs')).items.find((c) => c._id === 'ds-bg')!
    expect(listed.limits).toEqual({ max_concurrent: 2, submits_per_second: null })
  })
})

describe('try-on', () => {
  it('maps garment_type: a bottom goes in bottom_garment_url, a dress in top_garment_url alone', async () => {
    await setup()
    await register(gw, 'bob')
    const a = await fitting('bob', undefined, 'bottom')
    await drain([a.task_id])
    const b = await fitting('bob', undefined, 'dress')
    await drain([b.task_id])
    const bodies = posts(TRYON).map((r) => JSON.parse(r.body.toString()).input as Record<string, string>)
    expect(Object.keys(bodies[0]!).sort()).toEqual(['bottom_garment_url', 'person_image_url'])
    expect(Object.keys(bodies[1]!).sort()).toEqual(['person_image_url', 'top_garment_url'])
    expect((await taskDoc(gw, a.task_id)).status).toBe('completed')
    expect((await taskDoc(gw, b.task_id)).status).toBe('completed')
  })

  it('a 10 MB upload from the app (over the 5 MB the API takes) is normalised and completes, not a paid task the provider rejects', async () => {
    await setup()
    await register(gw, 'carol')
    const heavy = await renderTestImage({ width: 1800, height: 1800, format: 'png', noise: true })
    expect(heavy.length).toBeGreaterThan(5 * 1024 * 1024)
    expect(heavy.length).toBeLessThanOrEqual(10 * 1024 * 1024)
    const res = await fitting('carol', heavy)
    await drain([res.task_id])
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', attempts: 1 })
    const sent = fake.downloads.map((d) => d.image!)
    expect(sent.every((i) => i.bytes <= 5 * 1024 * 1024 && ['jpeg', 'png'].includes(i.format))).toBe(true)
  })
})

describe('the chosen aspect ratio is honoured although neither API takes one', () => {
  const sizeOf = async (fileId: string) => imageFacts(await gw.rt.storage.download(fileId))

  it('on_model 1:1 on a library model: the try-on answers at the model photo ratio (3:4) and the stored photo is square', async () => {
    await setup()
    await register(gw, 'dora')
    const g = await upload(gw, 'dora', await garmentBytes())
    const res = await gw.as('dora').ok('photography/generate', { mode: 'on_model', garment_images: [g], garment_type: 'top', model_id: 'model-f-young-slim', options: { aspect_ratio: '1:1' } })
    await drain([res.task_id])
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed' })
    // The fake's try-on result is 3:4 (so without reframing the photo would be 3:4).
    const answered = fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/results/'))
    expect(answered.length).toBeGreaterThan(0)
    const work = await gw.as('dora').ok('api/getWorkDetail', { work_id: res.work_id })
    const facts = await sizeOf(work.images[0]!)
    expect(facts.width).toBe(facts.height)
  })

  it('scene 16:9 via background generation (answers at the cut-out ratio) comes out 16:9; the default 3:4 try-on result is stored as the provider sent it', async () => {
    await setup()
    await register(gw, 'erin')
    const wide = await photo('erin', undefined, { options: { aspect_ratio: '16:9' } })
    await drain([wide.task_id])
    const work = await gw.as('erin').ok('api/getWorkDetail', { work_id: wide.work_id })
    const f = await sizeOf(work.images[0]!)
    expect(Math.abs(f.width! / f.height! - 16 / 9)).toBeLessThan(0.02)

    const g = await upload(gw, 'erin', await garmentBytes())
    const tall = await gw.as('erin').ok('photography/generate', { mode: 'on_model', garment_images: [g], garment_type: 'top', model_id: 'model-f-young-slim' })
    await drain([tall.task_id])
    const t = await gw.as('erin').ok('api/getWorkDetail', { work_id: tall.work_id })
    const result = fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/results/')).at(-1)!
    const sent = await imageFacts(await fetch(new URL(result.path, fake.url)).then(async (r) => Buffer.from(await r.arrayBuffer())))
    expect(sent.width! / sent.height!).toBeCloseTo(3 / 4, 2)
    // Same pixels as sent (only the AI label is drawn in): not cropped, not padded.
    expect(await sizeOf(t.images[0]!)).toMatchObject({ width: sent.width, height: sent.height })
  })
})

describe('provider task states and throttling', () => {
  it('documented and undocumented non-final states (SUSPENDED, UNKNOWN, a new one) are polled, never resubmitted', async () => {
    await setup({ states: ['PENDING', 'PRE-PROCESSING', 'SUSPENDED', 'UNKNOWN', 'RUNNING', 'WAITING_FOR_GPU', 'POST-PROCESSING'] })
    await register(gw, 'dave')
    const res = await photo('dave')
    await drain([res.task_id])
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', attempts: 2 })
    expect(posts(BG)).toHaveLength(1)
  })

  it('a job that stays UNKNOWN is polled until the job timeout, then fails and is refunded once — never resubmitted', async () => {
    await setup({ states: Array.from({ length: 100_000 }, () => 'UNKNOWN') })
    await register(gw, 'erin')
    const res = await photo('erin')
    await drain([res.task_id], 10, 180_000, 1_000)
    const t = await taskDoc(gw, res.task_id)
    expect(t).toMatchObject({ status: 'failed', attempts: 2, refunded: 20 })
    expect(String(t['error'])).toContain('timed out')
    expect(posts(BG)).toHaveLength(1)
    expect((await ledger(gw, 'erin')).filter((e) => e.kind === 'refund')).toHaveLength(1)
    expect(await credits(gw, 'erin')).toBe(100)
  })

  it('429 throttling answers wait and retry without using up attempts (more of them than MAX_ATTEMPTS)', async () => {
    await setup()
    await register(gw, 'fay')
    fake.failNext('throttle', 6, 'submit')
    const res = await photo('fay')
    await drain([res.task_id], 40)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', attempts: 2 })
    expect(await credits(gw, 'fay')).toBe(80)
  })
})

describe('uploads the providers cannot use are refused before anything is charged', () => {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
  it('a format the worker cannot convert (GIF, text) is refused at registration', async () => {
    await setup()
    await register(gw, 'gus')
    const cases: Array<[Buffer, string]> = [
      [await renderTestImage({ width: 400, height: 400, format: 'gif' }), 'unsupported_format'],
      [Buffer.from('not an image at all, just text'), 'unsupported_format'],
    ]
    for (const [bytes, reason] of cases) {
      const { fileId } = await gw.rt.storage.upload({ cloudPath: `users/gus/uploads/x-${reason}-${bytes.length}.bin`, content: bytes, contentType: 'application/octet-stream' })
      const answer = await gw.as('gus').call('storage/registerAsset', { hash: sha(bytes), size: bytes.length, file_id: fileId })
      expect(answer).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { reason } })
    }
    expect(await credits(gw, 'gus')).toBe(100)
  })

  it('a thumbnail under 150 px may be an avatar, but generating from it answers image_too_small and charges nothing', async () => {
    await setup()
    await register(gw, 'hal')
    // WeChat's own avatars can be 132 px: an avatar never reaches a provider.
    const avatar = await upload(gw, 'hal', await createFixtureGarment({ format: 'jpeg', width: 132, height: 132 }), 'avatar.jpg')
    expect(await gw.as('hal').ok('user/updateUserInfo', { avatar_url: avatar })).toMatchObject({ avatar_url: avatar })
    const thumb = await upload(gw, 'hal', await createFixtureGarment({ format: 'jpeg', width: 120, height: 160 }), 'thumb.jpg')
    const answer = await gw.as('hal').call('photography/generate', { garment_images: [thumb], scene_id: 'studio-white', count: 1 })
    expect(answer).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { reason: 'image_too_small' } })
    expect(await credits(gw, 'hal')).toBe(100)
    expect(posts('/api/v1/services')).toHaveLength(0)
  })
})

describe('endpoint configuration', () => {
  it('the admin API accepts the international endpoint (or a proxy) and the adapter calls exactly that base URL', async () => {
    await setup({}, [])
    const intl = await gw.as(ADMIN).ok('admin/upsertApiConfig', { _id: 'ds-intl', provider: 'dashscope', api_name: 'aitryon', endpoint: 'https://dashscope-intl.aliyuncs.com', headers: { Authorization: `Bearer ${KEY}` } })
    expect(intl).toEqual({ _id: 'ds-intl', created: true })
    expect((await gw.as(ADMIN).ok('admin/listApiConfigs')).items.find((c) => c._id === 'ds-intl')!.endpoint).toBe('https://dashscope-intl.aliyuncs.com')
    // A proxy in front of DashScope (here: the fake under a path prefix is not served, so the base must be exact).
    // A new address needs the key again (the stored one was entered for the old address).
    expect(await gw.as(ADMIN).call('admin/upsertApiConfig', { _id: 'ds-intl', provider: 'dashscope', api_name: 'aitryon', endpoint: fake.url, is_active: true, priority: 20 })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    await gw.as(ADMIN).ok('admin/upsertApiConfig', { _id: 'ds-intl', provider: 'dashscope', api_name: 'aitryon', endpoint: fake.url, headers: { Authorization: `Bearer ${KEY}` }, is_active: true, priority: 20 })
    await gw.as(ADMIN).ok('admin/upsertApiConfig', { _id: 'ds-intl', provider: 'dashscope', api_name: 'aitryon', endpoint: fake.url, is_active: true, priority: 21 })
    await register(gw, 'hal')
    const res = await fitting('hal')
    await drain([res.task_id])
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', result: { provider_id: 'ds-intl' } })
    // The stored key survived the edit that omitted it (same endpoint).
    expect(posts(TRYON)[0]!.headers.authorization).toBe(`Bearer ${KEY}`)
  })
})
