import type { GenerationJob, ProviderImage, ProviderOutcome } from '@aiphoto/runtime'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { createFixtureGarment, createFixturePerson } from '../fixtures'
import { addAiMark } from './ai-mark'
import { createLocalProvider, localProviderOptionsFromEnv } from './local-provider'

let garment: Buffer
let person: Buffer

beforeAll(async () => {
  ;[garment, person] = await Promise.all([createFixtureGarment({ color: '#2f6fb0', format: 'jpeg' }), createFixturePerson()])
})

function job(over: Partial<GenerationJob> = {}): GenerationJob {
  return {
    kind: 'photography',
    inputs: { garments: [garment] },
    inputUrls: { garments: ['https://example.invalid/g.jpg'] },
    prompt: 'a blue t-shirt in a garden',
    negativePrompt: '',
    count: 1,
    aspectRatio: '3:4',
    scene: { id: 'scene-garden', name: '户外花园', category: 'outdoor', parameters: { lighting: 'natural', background: 'garden' } },
    options: {},
    ...over,
  }
}

function bytesOf(outcome: ProviderOutcome): Buffer[] {
  if (outcome.state !== 'succeeded') throw new Error(`expected success, got ${JSON.stringify(outcome)}`)
  return outcome.images.map((i: ProviderImage) => ('bytes' in i ? i.bytes : Buffer.alloc(0)))
}

async function raw(jpeg: Buffer, size = 64): Promise<Buffer> {
  return sharp(jpeg).resize(size, size, { fit: 'fill' }).removeAlpha().raw().toBuffer()
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!)
  return s / a.length
}

/** Mean colour of a region (fractions of the image). */
async function regionMean(jpeg: Buffer, x0: number, y0: number, x1: number, y1: number): Promise<[number, number, number]> {
  const meta = await sharp(jpeg).metadata()
  const left = Math.round(meta.width! * x0)
  const top = Math.round(meta.height! * y0)
  const { data } = await sharp(jpeg)
    .extract({ left, top, width: Math.round(meta.width! * x1) - left, height: Math.round(meta.height! * y1) - top })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  const sum = [0, 0, 0]
  for (let i = 0; i < data.length; i += 3) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!
  const n = data.length / 3
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n]
}

describe('local provider: photography', () => {
  it('renders count distinct JPEGs at the requested aspect ratio, 1024 px on the long side', async () => {
    const outcome = await createLocalProvider().submit(job({ count: 3 }))
    const images = bytesOf(outcome)
    expect(images).toHaveLength(3)
    for (const img of images) {
      const meta = await sharp(img).metadata()
      expect(meta.format).toBe('jpeg')
      expect([meta.width, meta.height]).toEqual([768, 1024])
    }
    const [a, b, c] = await Promise.all(images.map((i) => raw(i)))
    expect(meanAbsDiff(a!, b!)).toBeGreaterThan(4)
    expect(meanAbsDiff(b!, c!)).toBeGreaterThan(4)
    expect(meanAbsDiff(a!, c!)).toBeGreaterThan(4)
  })

  it('puts the garment in the frame and the scene around it', async () => {
    const [img] = bytesOf(await createLocalProvider().submit(job({ aspectRatio: '1:1' })))
    const [r, g, b] = await regionMean(img!, 0.42, 0.5, 0.58, 0.66) // the body, below the print
    expect(b).toBeGreaterThan(r + 40) // the blue shirt
    const lawn = await regionMean(img!, 0.0, 0.9, 0.3, 0.97)
    expect(lawn[1]).toBeGreaterThan(lawn[0] + 15) // green grass below
    expect(lawn[1]).toBeGreaterThan(lawn[2] + 15)
    expect(g).toBeLessThan(200)
  })

  it('follows the scene: a white studio is bright, a night scene dark', async () => {
    const provider = createLocalProvider()
    const scene = (parameters: Record<string, unknown>) => ({ id: 's', name: 's', category: 'c', parameters })
    const [white] = bytesOf(await provider.submit(job({ scene: scene({ backdrop: 'white', light: 'studio' }) })))
    const [night] = bytesOf(await provider.submit(job({ scene: scene({ backdrop: 'night' }) })))
    const corner = (x: Buffer) => regionMean(x, 0.02, 0.02, 0.2, 0.2)
    expect((await corner(white!))[0]).toBeGreaterThan(180)
    expect((await corner(night!))[0]).toBeLessThan(80)
  })

  it('marks every image with the AI label in the bottom-right corner', async () => {
    const [img] = bytesOf(await createLocalProvider().submit(job({ aspectRatio: '1:1', scene: { id: 'w', name: 'w', category: 'c', parameters: { backdrop: 'white' } } })))
    // A dark pill with white strokes on a light backdrop: high contrast in the corner only.
    const corner = await sharp(img!).extract({ left: 860, top: 940, width: 150, height: 70 }).greyscale().raw().toBuffer()
    const open = await sharp(img!).extract({ left: 40, top: 940, width: 150, height: 70 }).greyscale().raw().toBuffer()
    const range = (b: Buffer) => Math.max(...b) - Math.min(...b)
    expect(Math.min(...corner)).toBeLessThan(140)
    expect(Math.max(...corner)).toBeGreaterThan(200)
    expect(range(open)).toBeLessThan(60)
  })

  it('labels every file as AI-generated in its metadata too (implicit label), photography and try-on', async () => {
    const photo = bytesOf(await createLocalProvider().submit(job({})))
    const fitting = bytesOf(await createLocalProvider().submit(job({ kind: 'fitting', inputs: { garments: [garment], person } })))
    for (const img of [...photo, ...fitting]) {
      const { exif } = await sharp(img).metadata()
      expect(exif?.toString('latin1')).toContain('AIGC: AI-generated image')
    }
    // A remote provider's result gets both labels when the worker stores it.
    const remote = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#8899aa' } }).jpeg().toBuffer()
    const marked = await addAiMark(remote)
    expect((await sharp(marked.bytes).metadata()).exif?.toString('latin1')).toContain('AIGC: AI-generated image')
  })

  it('fails without retry when the garment is missing', async () => {
    const outcome = await createLocalProvider().submit(job({ inputs: { garments: [] } }))
    expect(outcome).toMatchObject({ state: 'failed', retryable: false })
  })
})

describe('local provider: try-on', () => {
  it('dresses the person: garment colour on the torso, legs unchanged, scene around', async () => {
    const red = await createFixtureGarment({ color: '#c0392b' })
    const images = bytesOf(
      await createLocalProvider().submit(
        job({ kind: 'fitting', inputs: { garments: [red], person }, count: 2, scene: { id: 'st', name: '街拍', category: 'outdoor', parameters: { backdrop: 'street' } } }),
      ),
    )
    expect(images).toHaveLength(2)
    for (const img of images) {
      const meta = await sharp(img).metadata()
      expect([meta.width, meta.height]).toEqual([768, 1024])
    }
    // Variation 0 stands slightly left of centre: sample the torso beside and below the print.
    const torso = await regionMean(images[0]!, 0.42, 0.4, 0.47, 0.48)
    expect(torso[0]).toBeGreaterThan(torso[1] + 60) // red shirt over the grey top
    const legs = await regionMean(images[0]!, 0.43, 0.72, 0.49, 0.8)
    expect(legs[2]).toBeGreaterThan(legs[0]) // navy trousers untouched
    expect(meanAbsDiff(await raw(images[0]!), await raw(images[1]!))).toBeGreaterThan(3)
  })

  it('fails without retry when the person photo is missing', async () => {
    const outcome = await createLocalProvider().submit(job({ kind: 'fitting' }))
    expect(outcome).toMatchObject({ state: 'failed', retryable: false })
  })
})

describe('local provider: simulated latency and failures', () => {
  it('answers running until the delay has elapsed, then succeeded, across provider instances', async () => {
    let t = 1_000_000
    const now = () => t
    const a = createLocalProvider({ delayMs: 5000, now })
    const submitted = await a.submit(job())
    expect(submitted.state).toBe('running')
    const id = (submitted as { providerTaskId: string }).providerTaskId
    t += 2500
    const mid = await a.poll(id)
    expect(mid).toMatchObject({ state: 'running', providerTaskId: id })
    expect((mid as { progress: number }).progress).toBeCloseTo(0.5, 1)
    t += 2600
    // A new provider instance (a new invocation) still finds the job.
    const done = await createLocalProvider({ delayMs: 5000, now }).poll(id)
    expect(bytesOf(done)).toHaveLength(1)
  })

  it('after a restart (job gone) fails retryably instead of hanging', async () => {
    const p = createLocalProvider({ delayMs: 10, now: () => 0 })
    const fake = 'local:' + Buffer.from(JSON.stringify({ j: 'never-submitted', ready: 0, fail: 0 })).toString('base64url')
    expect(await p.poll(fake)).toMatchObject({ state: 'failed', retryable: true })
    expect(await p.poll('garbage')).toMatchObject({ state: 'failed', retryable: false })
  })

  it('fails retryably at the configured rate', async () => {
    const always = createLocalProvider({ failRate: 1 })
    expect(await always.submit(job())).toMatchObject({ state: 'failed', retryable: true })
    let t = 0
    const delayed = createLocalProvider({ failRate: 1, delayMs: 100, now: () => t })
    const running = await delayed.submit(job())
    expect(running.state).toBe('running')
    t = 200
    expect(await delayed.poll((running as { providerTaskId: string }).providerTaskId)).toMatchObject({ state: 'failed', retryable: true })
  })

  it('reads its knobs from an environment object once', () => {
    expect(localProviderOptionsFromEnv({ AIPHOTO_LOCAL_PROVIDER_DELAY_MS: '2500', AIPHOTO_LOCAL_PROVIDER_FAIL: '0.25' })).toEqual({ delayMs: 2500, failRate: 0.25 })
    expect(localProviderOptionsFromEnv({ AIPHOTO_LOCAL_PROVIDER_FAIL: '7' })).toEqual({ delayMs: 0, failRate: 1 })
    expect(localProviderOptionsFromEnv({ AIPHOTO_LOCAL_PROVIDER_DELAY_MS: 'soon' })).toEqual({ delayMs: 0, failRate: 0 })
  })
})
