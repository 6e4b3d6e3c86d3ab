import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { createFixtureGarment, createFixturePerson } from '../fixtures'
import { PHOTO_GARMENTS, renderPhotoGarment } from '../photo-fixtures'
import { renderSceneThumbnail } from './backdrop'
import { cutOutGarment, extractSubject } from './cutout'
import { estimateTorso } from './person-region'
import { BACKDROPS } from './scene-style'

describe('garment cut-out', () => {
  it('makes the plain background transparent and keeps the shirt (print included) opaque', async () => {
    const png = await cutOutGarment(await createFixtureGarment({ format: 'jpeg' }))
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
    const alpha = (fx: number, fy: number) => data[(Math.round(fy * (info.height - 1)) * info.width + Math.round(fx * (info.width - 1))) * 4 + 3]!
    // Trimmed to the shirt (fixture: x 95–705 of 800, y 120–812 of 900): close to its aspect ratio.
    expect(info.width / info.height).toBeGreaterThan(0.82)
    expect(info.width / info.height).toBeLessThan(0.95)
    expect(alpha(0.02, 0.02)).toBe(0) // outside the shoulder, top-left corner
    expect(alpha(0.02, 0.9)).toBe(0) // beside the hem, below the sleeve
    expect(alpha(0.5, 0.5)).toBe(255) // body
    expect(alpha(0.5, 0.33)).toBe(255) // the white print is enclosed by the shirt
  })

  // Phone photos are lit from a window: the sheet or wall is brighter near it and darker in the far corner. With
  // one border median as "the backdrop colour" the bright patch near the window was kept as a floating blob
  // beside the garment (old code: ~5 700 px on dress-hanger, ~1 100 px on jeans-linen farther than 24 px from
  // the garment); the light field fitted to the border keeps only the garment and its contact shadow's edge.
  it.each(PHOTO_GARMENTS)('cuts the garment out of a window-lit phone photo (%s): close to the true mask, nothing floating beside it', async (kind) => {
    const truth = await renderPhotoGarment(kind)
    const s = await extractSubject(truth.jpeg, 720)
    const w = s.width
    const h = s.height
    const scale = truth.width / w
    const real = (x: number, y: number) => truth.mask[Math.min(truth.height - 1, Math.round(y * scale)) * truth.width + Math.min(truth.width - 1, Math.round(x * scale))]! > 128
    // Chamfer distance (px at the working size) from every pixel to the true garment.
    const d = new Float32Array(w * h).fill(1e9)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (real(x, y)) d[y * w + x] = 0
    const relax = (p: number, q: number, cost: number) => {
      if (d[q]! + cost < d[p]!) d[p] = d[q]! + cost
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x
        if (x > 0) relax(p, p - 1, 1)
        if (y > 0) relax(p, p - w, 1)
        if (x > 0 && y > 0) relax(p, p - w - 1, 1.414)
        if (x < w - 1 && y > 0) relax(p, p - w + 1, 1.414)
      }
    }
    for (let y = h - 1; y >= 0; y--) {
      for (let x = w - 1; x >= 0; x--) {
        const p = y * w + x
        if (x < w - 1) relax(p, p + 1, 1)
        if (y < h - 1) relax(p, p + w, 1)
        if (x < w - 1 && y < h - 1) relax(p, p + w + 1, 1.414)
        if (x > 0 && y < h - 1) relax(p, p + w - 1, 1.414)
      }
    }
    let inter = 0
    let union = 0
    let floating = 0
    for (let p = 0; p < w * h; p++) {
      const cut = s.data[p * 4 + 3]! > 128
      const isReal = d[p] === 0
      if (cut && isReal) inter++
      if (cut || isReal) union++
      if (cut && d[p]! > 24) floating++
    }
    expect(inter / union).toBeGreaterThan(0.9)
    expect(floating).toBeLessThan(50)
  }, 20_000)

  it('leaves a photo without a plain border opaque instead of guessing', async () => {
    const busy = await renderSceneThumbnail({ backdrop: 'loft' }, { width: 300, height: 400 })
    const s = await extractSubject(busy, 300)
    expect(s.backgroundFraction).toBeLessThan(0.08)
  })
})

describe('person torso estimate', () => {
  it('finds neck, shoulders and torso width of a front-facing person', async () => {
    const s = await extractSubject(await createFixturePerson(), 1024)
    const t = estimateTorso(s)
    // Fixture (768×1024): neck ~y 214–262, shoulders at y ≈ 262, torso ≈ 140–168 px wide, centred at x 384.
    expect(t.neckY).toBeGreaterThan(200)
    expect(t.neckY).toBeLessThan(265)
    expect(t.shoulderY).toBeGreaterThan(240)
    expect(t.shoulderY).toBeLessThan(290)
    expect(t.torsoWidth).toBeGreaterThan(130)
    expect(t.torsoWidth).toBeLessThan(175)
    expect(Math.abs(t.centerX - 384)).toBeLessThan(12)
  })
})

describe('renderSceneThumbnail', () => {
  it('draws every backdrop at the requested size, each one different', async () => {
    const thumbs = await Promise.all(BACKDROPS.map((b) => renderSceneThumbnail({ backdrop: b }, { width: 240, height: 320 })))
    const means: string[] = []
    for (const t of thumbs) {
      const meta = await sharp(t).metadata()
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 240, 320])
      const { channels } = await sharp(t).stats()
      expect(Math.max(...channels.map((c) => c.stdev))).toBeGreaterThan(3) // not a flat fill
      means.push(channels.map((c) => Math.round(c.mean / 6)).join())
    }
    expect(new Set(means).size).toBe(BACKDROPS.length)
  })

  it('accepts the seed scenes’ parameter names and a palette', async () => {
    const a = await renderSceneThumbnail({ lighting: 'natural', background: 'garden' }, { width: 120, height: 160 }, 'png')
    const b = await renderSceneThumbnail({ light: 'natural', backdrop: 'garden' }, { width: 120, height: 160 }, 'png')
    expect(a.equals(b)).toBe(true)
    const pink = await renderSceneThumbnail({ backdrop: 'pastel', palette: ['#ff88aa', '#ffffff', '#ffffff'] }, { width: 120, height: 160 }, 'png')
    const blue = await renderSceneThumbnail({ backdrop: 'pastel', palette: ['#88aaff', '#ffffff', '#ffffff'] }, { width: 120, height: 160 }, 'png')
    const [pr, , pb] = (await sharp(pink).stats()).channels.map((c) => c.mean)
    const [br, , bb] = (await sharp(blue).stats()).channels.map((c) => c.mean)
    expect(pr! - pb!).toBeGreaterThan(br! - bb! + 20)
  })
})
