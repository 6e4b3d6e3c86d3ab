/**
 * What a seller sees in the local compositor's outputs from photo-like inputs (docs/samples/): garments upright and
 * without their hanger, packshots centred on pure white, garments sitting on the drawn model where a garment sits
 * (short sleeves end above the elbow, a sleeveless dress leaves the arms bare and its skirt hangs free, jeans cover
 * the legs), and the dressed model cut out again whole for a scene. Measured on the pixels, not on hashes.
 */
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { GenerationJob } from '@aiphoto/runtime'
import { createPhotoGarment } from '../photo-fixtures'
import { extractSubject, trimSubject, type Subject } from './cutout'
import { garmentTilt } from './garment-shape'
import { renderLocalJob } from './local-provider'
import { drawModelFigure, type ModelFigureAttributes } from './model-figure'
import { renderPackshot } from './operations'

type Rgb = [number, number, number]
const px = (s: Subject, x: number, y: number): Rgb => {
  const i = (Math.round(y) * s.width + Math.round(x)) * 4
  return [s.data[i]!, s.data[i + 1]!, s.data[i + 2]!]
}
const alphaAt = (s: Subject, x: number, y: number) => s.data[(Math.round(y) * s.width + Math.round(x)) * 4 + 3]!
const isSkin = ([r, g, b]: Rgb) => r > b + 25 && r >= g && g > r * 0.62 && r > 90
const isGreen = ([r, g, b]: Rgb) => g > r + 12 && g >= b
const isRed = ([r, g, b]: Rgb) => r > g + 50 && r > b + 50
const isBlue = ([r, g, b]: Rgb) => b > r + 25

/** Opaque pixels of row `f` (fraction of the subject's bbox height), left to right. */
function row(s: Subject, f: number): Array<{ x: number; c: Rgb }> {
  const y = Math.round(s.bbox.top + s.bbox.height * f)
  const out: Array<{ x: number; c: Rgb }> = []
  for (let x = s.bbox.left; x < s.bbox.left + s.bbox.width; x++) if (alphaAt(s, x, y) > 200) out.push({ x, c: px(s, x, y) })
  return out
}

const FEMALE: ModelFigureAttributes = { gender: 'female', age: 'young', body: 'slim', pose: 'standing', skin_tone: 'medium' }
const MALE: ModelFigureAttributes = { gender: 'male', age: 'young', body: 'slim', pose: 'standing', skin_tone: 'medium' }

async function tryOn(figure: ModelFigureAttributes, garments: Buffer[], garmentType: string): Promise<Buffer> {
  const job: GenerationJob = {
    kind: 'fitting',
    inputs: { garments, person: await drawModelFigure(figure) },
    inputUrls: { garments: [] },
    scene: { id: 'fitting-studio', name: 'studio', category: 'studio', parameters: { backdrop: 'white', light: 'studio' } },
    prompt: 'p',
    negativePrompt: '',
    count: 1,
    aspectRatio: '3:4',
    options: { garment_type: garmentType, mode: 'on_model' },
  }
  const [img] = await renderLocalJob(job)
  return (img as { bytes: Buffer }).bytes
}

/** The dressed model in a try-on result, cut out like the scene step does (long side 1024). */
const dressed = async (bytes: Buffer) => {
  const s = await extractSubject(bytes, 1024)
  if (process.env['FIT_DEBUG']) {
    for (let f = 0.1; f < 1; f += 0.04) {
      const r = row(s, f)
      const tag = (c: Rgb) => (isSkin(c) ? 's' : isGreen(c) ? 'g' : isRed(c) ? 'r' : isBlue(c) ? 'b' : '.')
      console.log(f.toFixed(2), r.filter((_, i) => i % 4 === 0).map((p) => tag(p.c)).join(''))
    }
  }
  return s
}

describe('garment presentation (packshot)', () => {
  // The T-shirt flat-lay is photographed ~4° off square; the packshot used to show it leaning.
  it('stands a tilted flat-lay upright, centred on pure white with margins', async () => {
    const photo = await createPhotoGarment('tshirt-wood')
    expect(Math.abs(garmentTilt(trimSubject(await extractSubject(photo, 640))))).toBeGreaterThan(2)
    for (const [target, shadow] of [[{ width: 800, height: 800 }, true], [{ width: 750, height: 1000 }, false]] as const) {
      const jpeg = await renderPackshot(photo, target, shadow)
      const s = await extractSubject(jpeg, Math.max(target.width, target.height))
      expect(Math.abs(garmentTilt(s))).toBeLessThan(1)
      const { left, top, width, height } = s.bbox
      const right = s.width - left - width
      expect(Math.abs(left - right)).toBeLessThan(s.width * 0.02)
      expect(left).toBeGreaterThan(s.width * 0.05)
      expect(top).toBeGreaterThan(s.height * 0.05)
      // Everything above the product and beside it (clear of its edge and of the shadow under it) is #FFFFFF.
      const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true })
      let white = 0
      let total = 0
      const pad = Math.round(s.width * 0.015)
      for (let y = 0; y < info.height; y++) {
        for (let x = 0; x < info.width; x++) {
          const inside = x >= left - pad && x < left + width + pad && y >= top - pad && y < top + height + pad
          const under = y >= top + height - pad && y < top + height + s.height * 0.06 && x >= left - pad && x < left + width + pad
          if (inside || under) continue
          total++
          const i = (y * info.width + x) * 3
          if (data[i]! >= 254 && data[i + 1]! >= 254 && data[i + 2]! >= 254) white++
        }
      }
      expect(white / total).toBeGreaterThan(0.995)
    }
  }, 30_000)

  // The dress is photographed on a wooden hanger: the packshot and the scene showed the hanger bar (wider than the
  // dress) above it.
  it('takes the hanger off a dress photographed on one', async () => {
    const photo = await createPhotoGarment('dress-hanger')
    const before = trimSubject(await extractSubject(photo, 720))
    const widest = (s: Subject, from: number, to: number) => {
      let w = 0
      for (let f = from; f <= to; f += 0.01) {
        const r = row(s, f)
        if (r.length) w = Math.max(w, r[r.length - 1]!.x - r[0]!.x + 1)
      }
      return w
    }
    // On the photo the top tenth (hook and bar) is wider than the bodice under it.
    expect(widest(before, 0, 0.1)).toBeGreaterThan(widest(before, 0.14, 0.3))
    const s = await extractSubject(await renderPackshot(photo, { width: 750, height: 1000 }, false), 1000)
    // What stays is the dress: its top rows are the dress's red, not the hook or the wooden bar.
    for (const f of [0.005, 0.02, 0.04]) expect(row(s, f).filter((p) => isRed(p.c)).length / row(s, f).length, `red at ${f}`).toBeGreaterThan(0.8)
  }, 30_000)
})

describe('garments on the drawn model (on_model try-on)', () => {
  it('a short-sleeved T-shirt: the fabric over the shoulders and upper arms, bare forearms, down to the hips', async () => {
    const s = await dressed(await tryOn(FEMALE, [await createPhotoGarment('tshirt-wood')], 'top'))
    // Upper arm (just under the shoulders): the outermost pixels on both sides are the T-shirt's green.
    const upper = row(s, 0.22)
    expect(isGreen(upper[0]!.c) && isGreen(upper[upper.length - 1]!.c)).toBe(true)
    // Forearm (by the waist): the outermost pixels are skin — the sleeves ended above the elbow.
    const fore = row(s, 0.42)
    expect(isSkin(fore[0]!.c) && isSkin(fore[fore.length - 1]!.c)).toBe(true)
    // The torso is green from the chest to the hips: no band of the figure's grey base layer under the hem.
    for (const f of [0.25, 0.35, 0.45, 0.5]) {
      const r = row(s, f)
      const mid = r.filter((p) => Math.abs(p.x - (s.bbox.left + s.bbox.width / 2)) < s.bbox.width * 0.1)
      expect(mid.filter((p) => isGreen(p.c)).length / mid.length, `green at ${f}`).toBeGreaterThan(0.9)
    }
  }, 30_000)

  it('a sleeveless dress: bare arms, the skirt hanging free over the legs below the hips', async () => {
    const s = await dressed(await tryOn(FEMALE, [await createPhotoGarment('dress-hanger')], 'dress'))
    const arms = row(s, 0.32)
    expect(isSkin(arms[0]!.c) && isSkin(arms[arms.length - 1]!.c)).toBe(true)
    // Below the hips (0.52 of the figure's height) the skirt covers the gap between the legs: one red run, centre included.
    const skirt = row(s, 0.56)
    const cx = s.bbox.left + s.bbox.width / 2
    const red = skirt.filter((p) => isRed(p.c))
    expect(red.length).toBeGreaterThan(0)
    expect(red[0]!.x).toBeLessThan(cx - s.bbox.width * 0.15)
    expect(red[red.length - 1]!.x).toBeGreaterThan(cx + s.bbox.width * 0.15)
    expect(isRed(px(s, cx, s.bbox.top + s.bbox.height * 0.56))).toBe(true)
  }, 30_000)

  it('a top + bottom pair: the jeans cover the legs from the hips to the ankles, the shirt above them', async () => {
    const s = await dressed(await tryOn(MALE, [await createPhotoGarment('shirt-wood'), await createPhotoGarment('jeans-linen')], 'top'))
    // (The legs' own pixels: the light patch of studio the cut-out keeps between the feet is a known limit.)
    for (const f of [0.62, 0.72, 0.8]) {
      const r = row(s, f).filter((p) => p.c[0] * 0.3 + p.c[1] * 0.59 + p.c[2] * 0.11 < 200)
      expect(r.filter((p) => isBlue(p.c)).length / r.length, `denim at ${f}`).toBeGreaterThan(0.9)
    }
    // The long sleeves reach the wrists: the arms beside the hips are the shirt's pale fabric, not skin.
    const wrists = row(s, 0.45)
    expect(isSkin(wrists[0]!.c)).toBe(false)
    expect(isSkin(wrists[wrists.length - 1]!.c)).toBe(false)
  }, 30_000)

  // on_model with a scene cuts the dressed model out of the try-on (white studio). A white striped shirt used to be
  // flooded as backdrop through its white stripes: half the shirt and an arm went, the head floated in the scene.
  it('cutting the dressed model out again keeps a white striped shirt whole', async () => {
    const s = await dressed(await tryOn(MALE, [await createPhotoGarment('shirt-wood'), await createPhotoGarment('jeans-linen')], 'top'))
    let holes = 0
    let inside = 0
    for (let f = 0.18; f <= 0.5; f += 0.01) {
      const y = Math.round(s.bbox.top + s.bbox.height * f)
      // Across the torso (the middle 40 % of the figure's width), every pixel is opaque.
      const cx = s.bbox.left + s.bbox.width / 2
      for (let x = Math.round(cx - s.bbox.width * 0.2); x <= Math.round(cx + s.bbox.width * 0.2); x++) {
        inside++
        if (alphaAt(s, x, y) < 128) holes++
      }
    }
    expect(holes / inside).toBeLessThan(0.02)
    // The shirt's own width at the chest: at least the shoulders' width of the figure alone.
    const figure = await extractSubject(await drawModelFigure(MALE), 1024)
    const chest = (t: Subject) => {
      const r = row(t, 0.22)
      return (r[r.length - 1]!.x - r[0]!.x + 1) / t.bbox.height
    }
    expect(chest(s)).toBeGreaterThan(chest(figure) * 0.95)
  }, 30_000)
})
