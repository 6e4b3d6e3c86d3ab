/**
 * Text-to-image V2 (model library photos) against the strict DashScope fake (testing/fake-dashscope.ts), whose
 * rules come from the API reference, not from this adapter.
 */
import type { GenerationJob, ImageProvider, ProviderConfig, ProviderOutcome } from '@aiphoto/runtime'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startFakeDashScope, type FakeDashScope, type FakeDashScopeOptions } from '../testing'
import { createProvider } from '../create-provider'
import { textToImageSize } from './dashscope-t2i'

vi.setConfig({ testTimeout: 30_000 })

const KEY = 'sk-secret-never-logged'
const PATH = '/api/v1/services/aigc/text2image/image-synthesis'
let fake: FakeDashScope
let clock = 9_000_000

async function start(opts: FakeDashScopeOptions = {}) {
  await fake?.close()
  fake = await startFakeDashScope({ apiKey: KEY, pollsBeforeDone: 2, now: () => clock, ...opts })
}
beforeEach(async () => {
  clock += 10_000
  await start()
})
afterEach(async () => {
  await fake.close()
})

function config(over: Partial<ProviderConfig> = {}): ProviderConfig {
  return { id: 'cfg-t2i', provider: 'dashscope', api_name: 'text-to-image', endpoint: fake.url, headers: { Authorization: `Bearer ${KEY}` }, default_params: {}, timeoutMs: 2000, ...over }
}

const PROMPT = 'Studio fashion photo of a young adult woman model, slim build, light skin tone, standing, front-facing, full body'
function job(over: Partial<GenerationJob> = {}): GenerationJob {
  return {
    kind: 'text_to_image',
    inputs: { garments: [] },
    inputUrls: { garments: [] },
    prompt: PROMPT,
    negativePrompt: 'nsfw, text, watermark',
    count: 1,
    aspectRatio: '3:4',
    scene: { id: 'model-studio', name: '模特影棚', category: 'studio', parameters: {} },
    options: {},
    ...over,
  }
}

async function runToEnd(p: ImageProvider, first: ProviderOutcome, maxPolls = 10): Promise<ProviderOutcome> {
  let o = first
  for (let i = 0; i < maxPolls && o.state === 'running'; i++) {
    clock += 1000
    o = await p.poll(o.providerTaskId)
  }
  return o
}

const posts = () => fake.requests.filter((r) => r.method === 'POST')
const bodyOf = (i = 0) => JSON.parse(posts()[i]!.body.toString()) as { model: string; input: Record<string, string>; parameters: Record<string, unknown> }

describe('DashScope text-to-image: wire format', () => {
  it('sends the documented request (portrait 768*1024, n 1, no prompt rewriting, no service watermark) and gets a real image of that size', async () => {
    const p = createProvider(config())!
    expect(p.supports('text_to_image')).toBe(true)
    expect(p.supports('upscale')).toBe(false)
    const submitted = await p.submit(job())
    expect(submitted).toMatchObject({ state: 'running' })
    expect(posts()[0]!.path).toBe(PATH)
    expect(posts()[0]!.headers['x-dashscope-async']).toBe('enable')
    expect(bodyOf()).toEqual({
      model: 'wanx2.1-t2i-turbo',
      input: { prompt: PROMPT, negative_prompt: 'nsfw, text, watermark' },
      parameters: { size: '768*1024', n: 1, prompt_extend: false, watermark: false },
    })
    const outcome = await runToEnd(p, submitted)
    if (outcome.state !== 'succeeded') throw new Error(JSON.stringify(outcome))
    expect(outcome.images).toHaveLength(1)
    const got = await p.fetchImage!((outcome.images[0] as { url: string }).url)
    const meta = await sharp(got.bytes).metadata()
    expect([got.contentType, meta.width, meta.height]).toEqual(['image/jpeg', 768, 1024])
  })

  it('long prompts are cut at a clause boundary within 800 / 500 characters; the model, seed and count are honoured', async () => {
    const p = createProvider(config({ default_params: { model: 'wan2.2-t2i-flash' } }))!
    const long = '全身正面站立的年轻女模特，穿浅灰色合身上衣和深色长裤，'.repeat(40)
    const neg = '低分辨率，文字，水印，'.repeat(60)
    expect(await p.submit(job({ prompt: long, negativePrompt: neg, count: 6, options: { seed: 1234 } }))).toMatchObject({ state: 'running' })
    const body = bodyOf()
    expect(body.model).toBe('wan2.2-t2i-flash')
    expect([...body.input['prompt']!].length).toBeLessThanOrEqual(800)
    expect(long.startsWith(body.input['prompt']!)).toBe(true)
    // Cut at a clause boundary: what follows in the original is a comma.
    expect([...long][[...body.input['prompt']!].length]).toBe('，')
    expect([...body.input['negative_prompt']!].length).toBeLessThanOrEqual(500)
    expect(body.parameters).toMatchObject({ n: 4, seed: 1234 })
    // The api_name may name the model itself.
    expect(await createProvider(config({ api_name: 'wanx2.1-t2i-plus' }))!.submit(job())).toMatchObject({ state: 'running' })
    expect(bodyOf(1).model).toBe('wanx2.1-t2i-plus')
  })

  it('sizes stay within [512, 1440] per side and 2 million pixels', () => {
    expect(textToImageSize('3:4')).toEqual({ width: 768, height: 1024 })
    expect(textToImageSize('16:9')).toEqual({ width: 1280, height: 720 })
    const big = textToImageSize('3:4', { width: 2000, height: 3000 })
    expect(Math.max(big.width, big.height)).toBeLessThanOrEqual(1440)
    expect(big.width * big.height).toBeLessThanOrEqual(2_000_000)
    expect(big.width / big.height).toBeCloseTo(2 / 3, 2)
    expect(textToImageSize('1:1', { width: 300, height: 300 })).toEqual({ width: 512, height: 512 })
  })
})

describe('DashScope text-to-image: the fake refuses what the reference refuses', () => {
  it('size out of range, over 2 MP, n 5, an 801-character prompt, an unknown model or field, no async header', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(fake.url + PATH, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json', 'X-DashScope-Async': 'enable', ...headers }, body: JSON.stringify(body) })
    const answer = async (r: Response) => ((clock += 1000), [r.status, ((await r.json()) as { code: string; message: string }).code])
    const req = (parameters: Record<string, unknown> = {}, input: Record<string, unknown> = {}, model = 'wanx2.1-t2i-turbo') => ({ model, input: { prompt: '一位女模特', ...input }, parameters })
    expect(await answer(await post(req({ size: '1500*1000' })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ size: '500*800' })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ size: '1440*1440' })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ size: '768x1024' })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ n: 5 })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ seed: -1 })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ prompt_extend: 'yes' })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({ style: '<photography>' })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({}, { prompt: '模'.repeat(801) })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({}, { negative_prompt: '差'.repeat(501) })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({}, { prompt: ' ' })))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req({}, {}, 'wanx-v1')))).toEqual([400, 'InvalidParameter'])
    expect(await answer(await post(req(), { 'X-DashScope-Async': 'disable' }))).toEqual([403, 'AccessDenied'])
    expect(fake.tasks.size).toBe(0)
    // Without n the service makes 4 ("默认为4"), each billed.
    expect(await answer(await post(req({ size: '1024*1024' })))).toEqual([200, undefined])
    expect([...fake.tasks.values()][0]!.count).toBe(4)
  })
})

describe('DashScope text-to-image: limits and task states', () => {
  it('2 tasks at once (the model page): the third waits as throttled; a FAILED task is reported with its code', async () => {
    const p = createProvider(config())!
    expect((await p.submit(job())).state).toBe('running')
    expect((await p.submit(job())).state).toBe('running')
    clock += 1000
    expect(await p.submit(job())).toMatchObject({ state: 'throttled', reason: expect.stringContaining('Throttling') })
    expect(fake.peakConcurrency['wanx2.1-t2i-turbo']).toBe(2)
    for (const t of fake.tasks.values()) t.status = 'SUCCEEDED'
    fake.setOutcome('FAILED', 'DataInspectionFailed')
    clock += 1000
    expect(await runToEnd(p, await p.submit(job()))).toMatchObject({ state: 'failed', retryable: false, reason: expect.stringContaining('DataInspectionFailed') })
    fake.exhaustQuota()
    clock += 1000
    expect(await p.submit(job())).toMatchObject({ state: 'failed', reason: expect.stringContaining('Throttling.AllocationQuota') })
    expect(await p.submit({ ...job(), prompt: '   ' })).toMatchObject({ state: 'failed', retryable: false })
  })
})
