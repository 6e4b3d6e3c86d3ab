import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { ImageProvider, ProviderOutcome } from '@aiphoto/runtime'
import { frameToAspect, withAspectFraming } from './aspect'

/** A portrait test card: red top band (the "head"), blue bottom band (the "hem"), grey middle. */
async function card(width: number, height: number): Promise<Buffer> {
  const band = Math.round(height * 0.08)
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#888"/><rect width="100%" height="${band}" fill="#f00"/><rect y="${height - band}" width="100%" height="${band}" fill="#00f"/></svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 95 }).toBuffer()
}

async function pixel(bytes: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const i = (y * info.width + x) * 3
  return [data[i]!, data[i + 1]!, data[i + 2]!]
}

describe('frameToAspect', () => {
  it('passes an image that already has the ratio through untouched', async () => {
    const input = await card(600, 800)
    const out = await frameToAspect(input, '3:4')
    expect(out.method).toBe('unchanged')
    expect(out.bytes).toBe(input)
  })

  it('3:4 → 1:1 keeps the whole picture (head and hem) over a blurred fill, not a crop that cuts them off', async () => {
    const out = await frameToAspect(await card(600, 800), '1:1')
    expect(out).toMatchObject({ method: 'blur_fill', width: 800, height: 800 })
    const meta = await sharp(out.bytes).metadata()
    expect([meta.width, meta.height]).toEqual([800, 800])
    // The fitted picture spans the full height in the middle: red at the top, blue at the bottom.
    const [rt, gt, bt] = await pixel(out.bytes, 400, 10)
    expect(rt).toBeGreaterThan(200)
    expect(gt + bt).toBeLessThan(80)
    const [rb, , bb] = await pixel(out.bytes, 400, 790)
    expect(bb).toBeGreaterThan(200)
    expect(rb).toBeLessThan(60)
  })

  it('a near ratio (832×1216 for 3:4) is cropped, keeping the long side', async () => {
    const out = await frameToAspect(await card(832, 1216), '3:4')
    expect(out.method).toBe('crop')
    expect(out.height).toBe(1109)
    expect(out.width).toBe(832)
    const meta = await sharp(out.bytes).metadata()
    expect(Math.abs(meta.width! / meta.height! - 0.75)).toBeLessThan(0.01)
  })

  it('wide and tall targets come out at their ratio', async () => {
    for (const [aspect, r] of [['16:9', 16 / 9], ['9:16', 9 / 16], ['4:3', 4 / 3]] as const) {
      const out = await frameToAspect(await card(768, 1024), aspect)
      const meta = await sharp(out.bytes).metadata()
      expect(Math.abs(meta.width! / meta.height! - r)).toBeLessThan(0.01)
    }
  })
})

describe('withAspectFraming', () => {
  const provider = (answer: ProviderOutcome, fetched: Buffer): ImageProvider => ({
    name: 'remote',
    supports: () => true,
    submit: async () => answer,
    poll: async () => answer,
    fetchImage: async () => ({ bytes: fetched, contentType: 'image/jpeg' }),
  })

  it('reframes the final photos of a poll with a context, leaves results without one as sent', async () => {
    const portrait = await card(600, 800)
    const p = withAspectFraming(provider({ state: 'succeeded', images: [{ url: 'https://x/1.jpg' }] }, portrait))
    const framed = await p.poll('t1', { kind: 'fitting', aspectRatio: '1:1' })
    expect(framed.state).toBe('succeeded')
    const img = (framed as Extract<ProviderOutcome, { state: 'succeeded' }>).images[0]!
    expect('bytes' in img).toBe(true)
    const meta = await sharp((img as { bytes: Buffer }).bytes).metadata()
    expect(meta.width).toBe(meta.height)
    expect(await p.poll('t1')).toEqual({ state: 'succeeded', images: [{ url: 'https://x/1.jpg' }] })
    // Cut-outs keep their own size whatever the ratio.
    expect(await p.poll('t1', { kind: 'cutout', aspectRatio: '1:1' })).toEqual({ state: 'succeeded', images: [{ url: 'https://x/1.jpg' }] })
  })

  it('keeps a URL that already has the ratio; an undecodable result is a retryable poll failure, never a success', async () => {
    const p = withAspectFraming(provider({ state: 'succeeded', images: [{ url: 'https://x/2.jpg' }] }, await card(600, 800)))
    expect(await p.poll('t2', { kind: 'photography', aspectRatio: '3:4' })).toEqual({ state: 'succeeded', images: [{ url: 'https://x/2.jpg' }] })
    const broken = withAspectFraming(provider({ state: 'succeeded', images: [{ url: 'https://x/3.jpg' }] }, Buffer.from('not an image')))
    expect(await broken.poll('t3', { kind: 'photography', aspectRatio: '1:1' })).toMatchObject({ state: 'failed', retryable: true })
  })
})
