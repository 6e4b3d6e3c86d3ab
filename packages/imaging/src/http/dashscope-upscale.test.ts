/**
 * 高清放大 through DashScope super-resolution (`wanx2.1-imageedit`, function super_resolution) against the strict
 * fake (testing/fake-dashscope.ts), whose rules come from the API reference, not from this adapter.
 */
import type { GenerationJob, ImageProvider, ProviderConfig, ProviderOutcome } from '@aiphoto/runtime'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { renderTestImage, startFakeDashScope, startImageHost, type FakeDashScope, type FakeDashScopeOptions, type ImageHost } from '../testing'
import { createFixtureGarment } from '../fixtures'
import { createProvider } from '../create-provider'
import { planUpscale } from './dashscope-upscale'

vi.setConfig({ testTimeout: 30_000 })

const KEY = 'sk-secret-never-logged'
const PATH = '/api/v1/services/aigc/image2image/image-synthesis'
let fake: FakeDashScope
let host: ImageHost
let clock = 5_000_000

async function start(opts: FakeDashScopeOptions = {}) {
  await fake?.close()
  fake = await startFakeDashScope({ apiKey: KEY, pollsBeforeDone: 2, now: () => clock, ...opts })
}

beforeEach(async () => {
  clock += 10_000
  host = await startImageHost()
  await start()
})
afterEach(async () => {
  await fake.close()
  await host.close()
})

function config(over: Partial<ProviderConfig> = {}): ProviderConfig {
  return { id: 'cfg-upscale', provider: 'dashscope', api_name: 'image-edit', endpoint: fake.url, headers: { Authorization: `Bearer ${KEY}` }, default_params: {}, timeoutMs: 2000, ...over }
}

const photo = (width: number, height: number) => createFixtureGarment({ format: 'jpeg', width, height })

function job(source: Buffer, scale = 2, over: Partial<GenerationJob> = {}): GenerationJob & { staged: Buffer[] } {
  const staged: Buffer[] = []
  return {
    kind: 'upscale',
    inputs: { garments: [], source },
    inputUrls: { garments: [], source: host.put('source.jpg', source) },
    prompt: '户外花园，自然光',
    negativePrompt: '',
    count: 1,
    aspectRatio: '3:4',
    scene: { id: 's', name: 's', category: 'c', parameters: {} },
    options: {},
    scale,
    stage: async (file) => {
      staged.push(file.bytes)
      return host.put(`${file.name}.${file.contentType === 'image/png' ? 'png' : 'jpg'}`, file.bytes)
    },
    staged,
    ...over,
  }
}

async function runToEnd(p: ImageProvider, first: ProviderOutcome, maxPolls = 10): Promise<{ outcome: ProviderOutcome; states: string[] }> {
  const states = [first.state as string]
  let o = first
  for (let i = 0; i < maxPolls && o.state === 'running'; i++) {
    clock += 1000
    o = await p.poll(o.providerTaskId)
    states.push(o.state === 'running' ? `running:${o.progress}` : o.state)
  }
  return { outcome: o, states }
}

const posts = () => fake.requests.filter((r) => r.method === 'POST')
const bodyOf = (i = 0) => JSON.parse(posts()[i]!.body.toString()) as { model: string; input: Record<string, string>; parameters: Record<string, unknown> }
const size = async (b: Buffer) => {
  const m = await sharp(b).metadata()
  return [m.width, m.height]
}

describe('DashScope super-resolution: wire format', () => {
  it('sends the documented request with the original URL, and the downloaded result is exactly 2× the source', async () => {
    const p = createProvider(config())!
    expect(p.supports('upscale')).toBe(true)
    expect(p.supports('photography')).toBe(false)
    expect(p.supports('text_to_image')).toBe(false)
    const j = job(await photo(800, 1000))
    const submitted = await p.submit(j)
    expect(submitted).toMatchObject({ state: 'running' })
    expect(posts()[0]!.path).toBe(PATH)
    expect(posts()[0]!.headers['x-dashscope-async']).toBe('enable')
    expect(bodyOf()).toEqual({
      model: 'wanx2.1-imageedit',
      input: { function: 'super_resolution', prompt: '图像超分。', base_image_url: j.inputUrls.source },
      parameters: { upscale_factor: 2, n: 1, watermark: false },
    })
    expect(j.staged).toHaveLength(0)
    const { outcome, states } = await runToEnd(p, submitted)
    expect(states).toEqual(['running', 'running:0.1', 'running:0.5', 'succeeded'])
    if (outcome.state !== 'succeeded') throw new Error(JSON.stringify(outcome))
    expect(outcome.images).toHaveLength(1)
    const got = await p.fetchImage!((outcome.images[0] as { url: string }).url)
    expect(got.contentType).toBe('image/jpeg')
    expect(await size(got.bytes)).toEqual([1600, 2000])
  })

  it('scale 4 is upscale_factor 4; default_params override the model, prompt and parameters', async () => {
    const p = createProvider(config({ default_params: { prompt: '高清放大，保留服装纹理细节', parameters: { seed: 42 } } }))!
    const j = job(await photo(600, 600), 4)
    const { outcome } = await runToEnd(p, await p.submit(j))
    expect(bodyOf()).toMatchObject({ input: { prompt: '高清放大，保留服装纹理细节' }, parameters: { upscale_factor: 4, n: 1, seed: 42 } })
    if (outcome.state !== 'succeeded') throw new Error(JSON.stringify(outcome))
    expect(await size((await p.fetchImage!((outcome.images[0] as { url: string }).url)).bytes)).toEqual([2400, 2400])
  })
})

describe('DashScope super-resolution: output cap', () => {
  it('the long side stops at 4096 px like the local enlargement: 1600×1200 at 4× comes back 4096×3072', async () => {
    const p = createProvider(config())!
    const j = job(await photo(1600, 1200), 4)
    const { outcome } = await runToEnd(p, await p.submit(j))
    if (outcome.state !== 'succeeded') throw new Error(JSON.stringify(outcome))
    const sent = bodyOf()
    const base = fake.downloads.find((d) => d.url === sent.input['base_image_url'])!.image!
    expect((base.width! * (sent.parameters['upscale_factor'] as number))).toBe(4096)
    expect(await size((await p.fetchImage!((outcome.images[0] as { url: string }).url)).bytes)).toEqual([4096, 3072])
  })
})

describe('DashScope super-resolution: inputs the service would refuse', () => {
  it('a source under 512 px is pre-enlarged and sent with a smaller factor: the output is still exactly 2×', async () => {
    const p = createProvider(config())!
    const j = job(await photo(300, 400))
    const { outcome } = await runToEnd(p, await p.submit(j))
    expect(j.staged).toHaveLength(1)
    expect(await size(j.staged[0]!)).toEqual([600, 800])
    expect(bodyOf().parameters['upscale_factor']).toBe(1)
    expect(fake.downloads.at(-1)!.image).toMatchObject({ width: 600, height: 800 })
    if (outcome.state !== 'succeeded') throw new Error(JSON.stringify(outcome))
    expect(await size((await p.fetchImage!((outcome.images[0] as { url: string }).url)).bytes)).toEqual([600, 800])
  })

  it('a source over 4096 px is shrunk into the limits with a larger factor; WebP and EXIF-rotated sources are converted', async () => {
    const p = createProvider(config())!
    // 4400 px is over both the input limit and the output cap: it goes at 2200 px with factor 2 (sharpened at its
    // own size, no larger).
    const wide = await sharp(await photo(1100, 1100)).resize(4400, 1100, { fit: 'fill' }).jpeg().toBuffer()
    const j = job(wide)
    expect(await p.submit(j)).toMatchObject({ state: 'running' })
    expect(await size(j.staged[0]!)).toEqual([2200, 550])
    expect(bodyOf().parameters['upscale_factor']).toBe(2)
    // The split itself: 4400 px at 2× is 2200 px at factor 4, pixel-exact.
    expect(planUpscale(4400, 1100, 2)).toEqual({ preScale: 0.5, factor: 4, exact: true })
    // No exact split exists for 5000 px at 4×: shrunk to 4096 and the model's largest factor.
    expect(planUpscale(5000, 1000, 4)).toMatchObject({ factor: 4, exact: false })

    for (const t of fake.tasks.values()) t.status = 'SUCCEEDED'
    clock += 1000
    const webp = await renderTestImage({ width: 700, height: 900, format: 'webp' })
    const wj = job(webp)
    expect(await p.submit(wj)).toMatchObject({ state: 'running' })
    expect(fake.downloads.at(-1)!.image).toMatchObject({ format: 'jpeg', width: 700, height: 900 })

    clock += 1000
    const rotated = await sharp(await photo(600, 800)).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer()
    const rj = job(rotated)
    expect(await p.submit(rj)).toMatchObject({ state: 'running' })
    expect(fake.downloads.at(-1)!.image).toMatchObject({ width: 600, height: 800 })
  })

  it('a source too small for any split (under 256 px at 2×) is refused before any call', async () => {
    const p = createProvider(config())!
    const refused = await p.submit(job(await photo(200, 240)))
    expect(refused).toMatchObject({ state: 'failed', retryable: false })
    expect((refused as { reason: string }).reason).toContain('图片太小')
    expect(posts()).toHaveLength(0)
    expect(await p.submit({ ...job(await photo(600, 600)), kind: 'photography' })).toMatchObject({ state: 'failed', retryable: false })
  })

  it('the fake refuses what the reference refuses, with InvalidParameter', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(fake.url + PATH, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json', 'X-DashScope-Async': 'enable', ...headers }, body: JSON.stringify(body) })
    // Every submission counts against the model's 2 per second, refused ones too: the clock moves on between them.
    const answer = async (r: Response) => ((clock += 1000), [r.status, ((await r.json()) as { code: string }).code])
    const ok = host.put('ok.jpg', await photo(600, 600))
    const req = (input: Record<string, unknown>, parameters: Record<string, unknown> = {}) => ({ model: 'wanx2.1-imageedit', input: { function: 'super_resolution', prompt: '图像超分。', base_image_url: ok, ...input }, parameters })
    expect(await answer(await post(req({ prompt: undefined })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ prompt: '超'.repeat(801) })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ function: 'sharpen' })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({}, { upscale_factor: 5 })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({}, { upscale_factor: 1.5 })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({}, { n: 5 })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({}, { strength: 0.5 })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ mask_image_url: ok })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ base_image_url: host.put('small.jpg', await photo(500, 700)) })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ base_image_url: host.put('big.jpg', await renderTestImage({ width: 4200, height: 600, format: 'jpeg' })) })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ base_image_url: host.put('a.gif', await renderTestImage({ width: 600, height: 600, format: 'gif' })) })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ base_image_url: `${fake.url}/missing.jpg` })))).toEqual([400, 'InvalidParameter'])
    // "URL地址中不能包含中文字符" (the raw string, as a client that does not percent-encode sends it).
    expect(await answer(await post(req({ base_image_url: `${ok}?name=图片` })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({}), { 'X-DashScope-Async': 'disable' }))).toEqual([403, 'AccessDenied'])
    expect(await answer(await post(req({}), { Authorization: 'Bearer wrong' }))).toEqual([401, 'InvalidApiKey'])
    // Nothing above became a task; a correct request does.
    expect(fake.tasks.size).toBe(0)
    expect(await answer(await post(req({}, { upscale_factor: 2, n: 1 })))).toEqual([200, undefined])
    expect(fake.tasks.size).toBe(1)
  })
})

describe('DashScope super-resolution: limits and task states', () => {
  it('2 tasks at once and 2 submissions/s (the model page): the third is throttled, never a failure', async () => {
    const p = createProvider(config())!
    const a = await p.submit(job(await photo(600, 600)))
    const b = await p.submit(job(await photo(600, 600)))
    expect([a.state, b.state]).toEqual(['running', 'running'])
    clock += 1000
    const c = await p.submit(job(await photo(600, 600)))
    expect(c).toMatchObject({ state: 'throttled', reason: expect.stringContaining('Throttling') })
    expect(fake.throttled['Throttling']).toBe(1)
    expect(fake.peakConcurrency['wanx2.1-imageedit']).toBe(2)
    await start({ limits: { 'wanx2.1-imageedit': { rps: 2, concurrent: 10 } } })
    const q = createProvider(config())!
    const states = []
    for (let i = 0; i < 3; i++) states.push((await q.submit(job(await photo(600, 600)))).state)
    expect(states).toEqual(['running', 'running', 'throttled'])
    expect(fake.throttled['Throttling.RateQuota']).toBe(1)
  })

  it('FAILED with InternalError is retryable, DataInspectionFailed and CANCELED are final; polls of unknown ids keep waiting', async () => {
    const p = createProvider(config())!
    fake.setOutcome('FAILED', 'InternalError.Algo')
    expect((await runToEnd(p, await p.submit(job(await photo(600, 600))))).outcome).toMatchObject({ state: 'failed', retryable: true, reason: expect.stringContaining('InternalError.Algo') })
    fake.setOutcome('SUCCEEDED')
    clock += 1000
    fake.inspectNext()
    expect(await p.submit(job(await photo(600, 600)))).toMatchObject({ state: 'failed', retryable: false, reason: expect.stringContaining('DataInspectionFailed') })
    clock += 1000
    const running = await p.submit(job(await photo(600, 600)))
    if (running.state !== 'running') throw new Error(JSON.stringify(running))
    expect(fake.cancel(running.providerTaskId)).toBe(true)
    expect(await p.poll(running.providerTaskId)).toMatchObject({ state: 'failed', retryable: false })
    expect(await p.poll('expired-task')).toMatchObject({ state: 'running' })
    fake.failNext('throttle', 1, 'submit')
    clock += 1000
    const throttled = await p.submit(job(await photo(600, 600)))
    expect(throttled).toMatchObject({ state: 'throttled' })
    expect(JSON.stringify(throttled)).not.toContain(KEY)
  })
})
