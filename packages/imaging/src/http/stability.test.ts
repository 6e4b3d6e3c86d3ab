import type { GenerationJob, ProviderConfig } from '@aiphoto/runtime'
import sharp from 'sharp'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createProvider } from '../create-provider'
import { createFixtureGarment } from '../fixtures'
import { startFakeStability, type FakeStability } from '../testing'

const KEY = 'sk-stability-secret'
let fake: FakeStability
let garment: Buffer

beforeAll(async () => {
  garment = await createFixtureGarment({ color: '#d35400', format: 'jpeg' })
})
beforeEach(async () => {
  fake = await startFakeStability({ apiKey: KEY, slowMs: 1500 })
})
afterEach(async () => {
  await fake.close()
})

function config(api_name: string, over: Partial<ProviderConfig> = {}): ProviderConfig {
  return { id: 'cfg-st', provider: 'stability-ai', api_name, endpoint: fake.url, headers: { Authorization: `Bearer ${KEY}` }, default_params: {}, timeoutMs: 800, ...over }
}

function job(over: Partial<GenerationJob> = {}): GenerationJob {
  return {
    kind: 'photography',
    inputs: { garments: [garment] },
    inputUrls: { garments: ['https://oss.example/g.jpg'] },
    prompt: 'a sunny beach, product photo',
    negativePrompt: 'blurry, text',
    count: 2,
    aspectRatio: '3:4',
    scene: { id: 'beach', name: '海边', category: 'outdoor', parameters: { backdrop: 'beach' } },
    options: {},
    ...over,
  }
}

describe('Stability stable-image generate', () => {
  it('posts the documented multipart form and composites the garment onto each generated backdrop', async () => {
    const p = createProvider(config('core'))!
    expect(p.supports('photography')).toBe(true)
    expect(p.supports('fitting')).toBe(false)
    const outcome = await p.submit(job())
    if (outcome.state !== 'succeeded') throw new Error(JSON.stringify(outcome))
    expect(outcome.images).toHaveLength(2)
    expect(fake.requests.every((r) => r.path === '/v2beta/stable-image/generate/core' && r.headers['accept'] === 'image/*')).toBe(true)
    expect(fake.forms[0]).toMatchObject({ prompt: 'a sunny beach, product photo', negative_prompt: 'blurry, text', aspect_ratio: '4:5', output_format: 'jpeg' })
    expect(fake.forms[1]!['seed']).toMatch(/^\d+$/) // distinct images: the second request carries its own seed
    for (const img of outcome.images) {
      const bytes = (img as { bytes: Buffer }).bytes
      const meta = await sharp(bytes).metadata()
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 768, 1024])
      // The orange shirt sits in the middle of the generated beach.
      const { data } = await sharp(bytes).extract({ left: 330, top: 560, width: 100, height: 120 }).raw().toBuffer({ resolveWithObject: true })
      let r = 0
      let b = 0
      for (let i = 0; i < data.length; i += 3) (r += data[i]!), (b += data[i + 2]!)
      expect(r).toBeGreaterThan(b * 1.8)
    }
  })

  it('returns the generated pictures themselves (marked) when compositing is off', async () => {
    const p = createProvider(config('ultra', { default_params: { composite_garment: false, style_preset: 'photographic' } }))!
    const outcome = await p.submit(job({ count: 1, aspectRatio: '16:9' }))
    if (outcome.state !== 'succeeded') throw new Error(JSON.stringify(outcome))
    expect(fake.requests[0]!.path).toBe('/v2beta/stable-image/generate/ultra')
    expect(fake.forms[0]).toMatchObject({ aspect_ratio: '16:9', style_preset: 'photographic' })
    expect(fake.forms[0]!['composite_garment']).toBeUndefined()
    const meta = await sharp((outcome.images[0] as { bytes: Buffer }).bytes).metadata()
    expect([meta.width, meta.height]).toEqual([768, 432])
  })

  it('classifies failures: filtered content and 4xx final; 429, 5xx, timeouts and malformed answers retryable', async () => {
    const p = createProvider(config('sd3'))!
    fake.filterNext()
    expect(await p.submit(job({ count: 1 }))).toMatchObject({ state: 'failed', retryable: false })
    fake.failNext('throttle')
    const throttled = await p.submit(job({ count: 1 }))
    expect(throttled).toMatchObject({ state: 'failed', retryable: true })
    expect((throttled as { reason: string }).reason).toContain('rate_limit_exceeded')
    fake.failNext('server-error')
    expect(await p.submit(job({ count: 1 }))).toMatchObject({ state: 'failed', retryable: true })
    fake.failNext('slow')
    expect(await p.submit(job({ count: 1 }))).toMatchObject({ state: 'failed', retryable: true })
    fake.failNext('malformed')
    expect(await p.submit(job({ count: 1 }))).toMatchObject({ state: 'failed', retryable: true })
    fake.failNext('bad-request')
    expect(await p.submit(job({ count: 1 }))).toMatchObject({ state: 'failed', retryable: false })
    const denied = await createProvider(config('core', { headers: { Authorization: 'Bearer nope' } }))!.submit(job({ count: 1 }))
    expect(denied).toMatchObject({ state: 'failed', retryable: false })
    expect(JSON.stringify(denied)).not.toContain(KEY)
  })

  it('a non-retryable failure wins when parallel requests fail differently', async () => {
    const p = createProvider(config('core'))!
    fake.failNext('throttle')
    fake.failNext('bad-request')
    expect(await p.submit(job({ count: 2 }))).toMatchObject({ state: 'failed', retryable: false })
  })
})
