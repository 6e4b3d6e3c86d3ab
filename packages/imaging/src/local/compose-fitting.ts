/**
 * Virtual try-on, locally: the person is cut out of their plain backdrop and stood in the scene; the
 * garment is scaled to the shoulders, placed from the neck down, clipped to the person's silhouette (so
 * the sleeves end where the arms are) and shaded with the person's own light and folds.
 * A bottom (the other half of a top + bottom outfit, or a bottom alone) goes from the waist to the ankles, under
 * the top's hem, clipped to the legs the same way.
 * When the person photo has no plain background, it is used as the whole frame instead.
 */
import sharp, { type OverlayOptions } from 'sharp'
import { createSeededRandom } from '../seeded-random'
import { AIGC_EXIF, aiMarkOverlay } from './ai-mark'
import { renderBackdrop, type BackdropLayout } from './backdrop'
import type { CompositionRequest } from './compose-photography'
import { trimSubject, type Subject } from './cutout'
import { gradeLayer, opaqueRowWidth, placeLayer, transformLayer, type Rgba } from './layers'
import { LIGHT_PRESETS } from './light'
import { estimateTorso } from './person-region'

/** Renders one try-on image as JPEG. `person` is untrimmed (its bbox is used); `garment` (the top, if any) and `bottom` are trimmed. */
export async function composeFitting(person: Subject, garment: Subject | null, req: CompositionRequest, bottom: Subject | null = null): Promise<Buffer> {
  const { width: W, height: H, style } = req
  const rand = createSeededRandom(`${req.seed}:${req.variation}`)
  const light = LIGHT_PRESETS[style.light]
  const plain = person.backgroundFraction >= 0.08
  const torso = estimateTorso(person)
  const { left: bl, top: bt, width: bw, height: bh } = person.bbox

  // Person placement: standing on the floor, ~84 % of the frame tall (or the whole frame for a busy photo).
  const floorY = H * (0.76 + rand() * 0.03)
  let k: number
  let px: number
  let py: number
  if (plain) {
    k = Math.min((H * (0.82 + rand() * 0.04)) / bh, (W * 0.8) / bw)
    const feet = Math.min(H * 0.97, floorY + H * 0.14)
    const cx = W * (0.5 + (req.variation % 2 ? 0.06 : -0.04) + (rand() - 0.5) * 0.04)
    px = cx - (bl + bw / 2) * k
    py = feet - (bt + bh) * k
  } else {
    k = Math.max(W / person.width, H / person.height)
    px = (W - person.width * k) / 2
    py = (H - person.height * k) / 2
  }

  // Work on the person's bounding box only: fewer pixels to scale, clip and grade.
  const src = plain ? trimSubject(person) : person
  const ox = plain ? bl : 0
  const oy = plain ? bt : 0
  const personLayer = await transformLayer(src, src.width * k, src.height * k)
  if (!plain) for (let i = 3; i < personLayer.data.length; i += 4) personLayer.data[i] = 255
  const lx = px + ox * k
  const ly = py + oy * k

  // Garment scale from its body width (measured below the sleeves) against the torso width; a garment
  // longer than neck-to-hip is shortened a little (at most 20 %) rather than left covering the legs.
  const placed: Array<{ layer: Rgba; x: number; y: number }> = []
  if (bottom) {
    // Waistband width against the hips, stretched (within limits) from the waist (or, under a top, from just
    // above its hem, so less of it shows beside the arms) to the ankles.
    const waistW = opaqueRowWidth(bottom, bottom.height * 0.06) || bottom.width * 0.8
    const bsx = (torso.torsoWidth * k * 1.08) / waistW
    const by = (torso.hipY + bh * (garment ? 0.03 : -0.03) - oy) * k
    const legH = (bt + bh * 0.965 - oy) * k - by
    const bsy = Math.max(bsx * 0.7, Math.min(bsx * 1.4, legH / bottom.height))
    const layer = await transformLayer(bottom, bottom.width * bsx, bottom.height * bsy)
    const bx = (torso.centerX - ox) * k - layer.width / 2
    // A flat-lay's legs spread apart, the model's stand together: fill each row from edge to edge so both legs
    // are covered, and keep to the hips' width so the hanging hands stay bare.
    fillRows(layer, layer.width / 2 - torso.torsoWidth * k * 0.52, layer.width / 2 + torso.torsoWidth * k * 0.52)
    fitToSilhouette(layer, personLayer, Math.round(bx), Math.round(by))
    placed.push({ layer, x: Math.round(bx), y: Math.round(by) })
  }
  if (garment) {
    const bodyW = opaqueRowWidth(garment, garment.height * 0.8) || garment.width * 0.55
    const sx = (torso.torsoWidth * k * (1.1 + rand() * 0.06)) / bodyW
    const gy = (torso.neckY + (torso.shoulderY - torso.neckY) * 0.6 - oy) * k
    const wantH = (torso.hipY + bh * 0.05 - oy) * k - gy
    const sy = Math.max(sx * 0.8, Math.min(sx, wantH / garment.height))
    const garmentLayer = await transformLayer(garment, garment.width * sx, garment.height * sy)
    const gx = (torso.centerX - ox) * k - garmentLayer.width / 2
    fitToSilhouette(garmentLayer, personLayer, Math.round(gx), Math.round(gy))
    // Over the bottom: the top's hem hangs over the waistband.
    placed.push({ layer: garmentLayer, x: Math.round(gx), y: Math.round(gy) })
  }

  gradeLayer(personLayer, light)
  for (const g of placed) gradeLayer(g.layer, light)

  const layout: BackdropLayout = {
    width: W,
    height: H,
    floorY,
    subjectX: px + (bl + bw / 2) * k,
    rand,
    mirrorLight: req.variation % 2 === 1,
    contactShadows: plain ? [{ cx: px + (bl + bw / 2) * k, cy: py + (bt + bh) * k - H * 0.005, rx: bw * k * 0.55, ry: H * 0.018, opacity: 0.9 }] : [],
  }
  const [backdrop, mark] = await Promise.all([renderBackdrop(style, layout), aiMarkOverlay(W, H)])
  const overlays: OverlayOptions[] = []
  const p = placeLayer(personLayer, lx, ly, W, H)
  if (p) overlays.push(p)
  for (const { layer, x, y } of placed) {
    const g = placeLayer(layer, lx + x, ly + y, W, H)
    if (g) overlays.push(g)
  }
  overlays.push(mark)
  return backdrop.composite(overlays).withExif(AIGC_EXIF).jpeg({ quality: req.quality ?? 86 }).toBuffer()
}

/** Makes every row of the layer opaque between its outermost opaque pixels (the gaps take the colour to their left), and clear outside [x0, x1]. */
function fillRows(layer: Rgba, x0: number, x1: number): void {
  const { width, data } = layer
  for (let y = 0; y < layer.height; y++) {
    const row = y * width * 4
    let min = -1
    let max = -1
    for (let x = 0; x < width; x++) {
      if (data[row + x * 4 + 3]! > 128) {
        if (min < 0) min = x
        max = x
      }
    }
    for (let x = 0; x < width; x++) {
      const i = row + x * 4
      if (x < x0 || x > x1) data[i + 3] = 0
      else if (min >= 0 && x > min && x < max && data[i + 3]! <= 128) {
        data[i] = data[i - 4]!
        data[i + 1] = data[i - 3]!
        data[i + 2] = data[i - 2]!
        data[i + 3] = 255
      }
    }
  }
}

/**
 * Clips the garment to the person's silhouette (slightly feathered) and transfers the person's shading:
 * each garment pixel is scaled by how much lighter or darker the person is there than on average, so the
 * garment picks up the folds and the light falloff of the body it sits on.
 */
function fitToSilhouette(garment: Rgba, person: Rgba, ox: number, oy: number): void {
  let sum = 0
  let count = 0
  const lum = (i: number) => person.data[i]! * 0.299 + person.data[i + 1]! * 0.587 + person.data[i + 2]! * 0.114
  for (let y = 0; y < garment.height; y += 2) {
    const py = y + oy
    if (py < 0 || py >= person.height) continue
    for (let x = 0; x < garment.width; x += 2) {
      const px = x + ox
      if (px < 0 || px >= person.width) continue
      const pi = (py * person.width + px) * 4
      if (garment.data[(y * garment.width + x) * 4 + 3]! > 128 && person.data[pi + 3]! > 200) (sum += lum(pi)), count++
    }
  }
  const mean = count ? sum / count : 128
  for (let y = 0; y < garment.height; y++) {
    const py = y + oy
    for (let x = 0; x < garment.width; x++) {
      const gi = (y * garment.width + x) * 4
      const a = garment.data[gi + 3]!
      if (a === 0) continue
      const px = x + ox
      if (py < 0 || py >= person.height || px < 0 || px >= person.width) {
        garment.data[gi + 3] = 0
        continue
      }
      const pi = (py * person.width + px) * 4
      const pa = person.data[pi + 3]!
      garment.data[gi + 3] = (a * pa) / 255
      const shade = Math.max(0.55, Math.min(1.35, 1 + (lum(pi) / mean - 1) * 0.6))
      garment.data[gi] = Math.min(255, garment.data[gi]! * shade)
      garment.data[gi + 1] = Math.min(255, garment.data[gi + 1]! * shade)
      garment.data[gi + 2] = Math.min(255, garment.data[gi + 2]! * shade)
    }
  }
}
