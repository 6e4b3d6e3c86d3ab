/**
 * Virtual try-on, locally: the person is cut out of their plain backdrop and stood in the scene; the
 * garment is scaled to the torso, placed from the neck down, clipped to the torso's silhouette above the hips
 * (a skirt or a shirt's tail hangs free below), its sleeves down the arms as far as they reach (a sleeveless
 * dress leaves the arms bare), the hands in front; a bottom goes from the waist to the ankles under the top.
 * Everything is shaded with the person's own light and folds.
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

export interface FittingOptions {
  /** What `garment` is (the job's garment_type): a dress keeps its length, a bottom goes on the legs. */
  garmentType?: string
  /** The bottom of a top + bottom pair (trimmed), worn under the top. */
  bottom?: Subject | null
}

/** Renders one try-on image as JPEG. `person` is untrimmed (its bbox is used); `garment` is trimmed. */
export async function composeFitting(person: Subject, garment: Subject, req: CompositionRequest, opts: FittingOptions = {}): Promise<Buffer> {
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

  const body = bodyBands(personLayer, (torso.hipY - oy) * k, (torso.shoulderY - oy) * k)
  const layers: Array<{ layer: Rgba; x: number; y: number }> = []
  const top = opts.garmentType === 'bottom' ? null : garment
  const bottom = opts.garmentType === 'bottom' ? garment : (opts.bottom ?? null)

  if (bottom) {
    // The bottom from the waist (a little above the hip line) to the ankles, as wide as the hips with some ease;
    // drawn over the legs as it is (trousers hide the legs' outline), under the top, behind the hands.
    const waistY = (torso.hipY - bh * 0.06 - oy) * k
    const ankleY = (bt + bh * 0.965 - oy) * k
    const hipW = body.hipRight - body.hipLeft + 1
    const bw0 = opaqueRowWidth(bottom, bottom.height * 0.3) || bottom.width
    // A walking stance spreads the feet wider than straight trouser legs reach: widen to cover them (at most by a third).
    const ankleSpan = opaqueRowWidth(personLayer, ankleY - (bh * 0.02) * k)
    const hemSpan = opaqueRowWidth(bottom, bottom.height * 0.95) || bottom.width
    const bsx = Math.max((hipW * 1.1) / bw0, Math.min(((hipW * 1.1) / bw0) * 1.35, (ankleSpan * 1.04) / hemSpan))
    const bsy = Math.max(bsx * 0.8, Math.min(bsx * 1.25, (ankleY - waistY) / bottom.height))
    const layer = await transformLayer(bottom, bottom.width * bsx, bottom.height * bsy)
    const x = Math.round((body.hipLeft + body.hipRight) / 2 - layer.width / 2)
    const y = Math.round(waistY)
    dressLayer(layer, personLayer, x, y, body, { armEnd: -Infinity, sleeveFabric: null, ease: hipW * 0.04, flare: 0.08, shoulderY: (torso.shoulderY - oy) * k, centerX: layer.width / 2, centralOnly: false })
    layers.push({ layer, x, y })
  }

  if (top) {
    // Scale from the garment's body width — its narrowest row between 30 % and 95 % of its height: the body of a
    // T-shirt below the sleeves, the waist of a dress, the shirt below its cuffs — against the torso width. A top
    // longer than neck-to-hip is shortened a little (at most 20 %) rather than left covering the legs; a dress
    // keeps its length.
    const shape = garmentProfile(top)
    const sx = (torso.torsoWidth * k * (1.1 + rand() * 0.06)) / shape.bodyWidth
    const gy = (torso.neckY + (torso.shoulderY - torso.neckY) * 0.6 - oy) * k
    const wantH = (torso.hipY + bh * 0.05 - oy) * k - gy
    // A top reaches the hips (the figure's base layer ends there): stretched at most a quarter longer, or shortened.
    const sy = opts.garmentType === 'dress' ? sx : Math.max(sx * 0.8, Math.min(sx * 1.25, wantH / top.height))
    const scaled = await transformLayer(top, top.width * sx, top.height * sy)
    const x0 = Math.round((torso.centerX - ox) * k - shape.centerX * sx)
    const y = Math.round(gy)
    // As wide as the person too: the sleeves are drawn down arms that reach out beyond the flat-lay's outline.
    const wide = spanLayer(scaled, x0, personLayer.width)
    const layer = wide.layer
    const x = wide.x
    // Sleeves hang along the arms as far as they reach on the flat-lay (down to where the garment stops being wider
    // than its body, plus half of how far they stick out); a sleeveless garment leaves the arms bare.
    const armEnd = shape.sleeveEnd === null ? -Infinity : y + (shape.sleeveEnd + shape.sleeveReach * 0.5) * sy
    const dress = opts.garmentType === 'dress'
    dressLayer(layer, personLayer, x, y, body, { armEnd, sleeveFabric: sleeveFabricOf(layer, shape, sx, sy, x0 - x), ease: torso.torsoWidth * k * 0.05, flare: dress ? 0.45 : 0.12, shoulderY: (torso.shoulderY - oy) * k, centerX: shape.centerX * sx + (x0 - x), centralOnly: true })
    layers.push({ layer, x, y })
  }

  gradeLayer(personLayer, light)
  for (const { layer } of layers) {
    await darkenRim(layer)
    gradeLayer(layer, light)
  }

  const layout: BackdropLayout = {
    width: W,
    height: H,
    floorY,
    subjectX: px + (bl + bw / 2) * k,
    rand,
    mirrorLight: req.variation % 2 === 1,
    // The contact shadow sits just under the soles, not between the shoes: one joining the feet closed the gap
    // between the legs, and cutting the dressed model out again (on_model with a scene) kept it as a patch of studio.
    contactShadows: plain ? [{ cx: px + (bl + bw / 2) * k, cy: py + (bt + bh) * k + H * 0.01, rx: bw * k * 0.55, ry: H * 0.018, opacity: 0.9 }] : [],
  }
  const [backdrop, mark] = await Promise.all([renderBackdrop(style, layout), aiMarkOverlay(W, H)])
  const overlays: OverlayOptions[] = []
  const p = placeLayer(personLayer, lx, ly, W, H)
  if (p) overlays.push(p)
  for (const { layer, x, y } of layers) {
    const g = placeLayer(layer, lx + x, ly + y, W, H)
    if (g) overlays.push(g)
  }
  overlays.push(mark)
  return backdrop.composite(overlays).withExif(AIGC_EXIF).jpeg({ quality: req.quality ?? 86 }).toBuffer()
}

/** Where the body is on each row of the person layer: the torso (the run through the centre line) down to the hips, the legs' span below. */
interface BodyBands {
  /** Per row: the torso run [left, right] above the hip line; [-1, -1] when the centre line is not opaque. */
  runs: Int32Array
  hipY: number
  hipLeft: number
  hipRight: number
}

function bodyBands(person: Rgba, hipY: number, shoulderY: number): BodyBands {
  const { width: w, height: h, data } = person
  const runs = new Int32Array(h * 2).fill(-1)
  // The centre line of the body: the middle of the widest run just under the shoulders.
  let cx = Math.round(w / 2)
  const sy = Math.max(0, Math.min(h - 1, Math.round(shoulderY + (hipY - shoulderY) * 0.3)))
  {
    let best = 0
    let a = -1
    for (let x = 0; x <= w; x++) {
      const on = x < w && data[(sy * w + x) * 4 + 3]! > 128
      if (on && a < 0) a = x
      if (!on && a >= 0) {
        if (x - a > best) (best = x - a), (cx = Math.round((a + x - 1) / 2))
        a = -1
      }
    }
  }
  const opaque = (x: number, y: number) => data[(y * w + x) * 4 + 3]! > 128
  for (let y = 0; y < h; y++) {
    if (!opaque(cx, y)) continue
    let a = cx
    let b = cx
    while (a > 0 && opaque(a - 1, y)) a--
    while (b < w - 1 && opaque(b + 1, y)) b++
    runs[y * 2] = a
    runs[y * 2 + 1] = b
  }
  const hy = Math.max(0, Math.min(h - 1, Math.round(hipY)))
  const hipLeft = runs[hy * 2]! >= 0 ? runs[hy * 2]! : Math.round(w * 0.35)
  const hipRight = runs[hy * 2 + 1]! >= 0 ? runs[hy * 2 + 1]! : Math.round(w * 0.65)
  return { runs, hipY: hy, hipLeft, hipRight }
}

/** Whether a person pixel is the body (torso, or the legs below the hip line) rather than an arm or a hand. */
function onBody(b: BodyBands, x: number, y: number): boolean {
  if (y >= b.hipY) return x >= b.hipLeft - 2 && x <= b.hipRight + 2
  const l = b.runs[y * 2]!
  return l >= 0 && x >= l && x <= b.runs[y * 2 + 1]!
}

/** A flat-lay garment's proportions (in its own pixels), for fitting it to a body. */
interface GarmentProfile {
  /** Narrowest row between 30 % and 95 % of the height. */
  bodyWidth: number
  /** Mean midpoint of the rows between 40 % and 90 %: the garment's centre line. */
  centerX: number
  /** Last row of the sleeves (rows wider than 1.2 × the body from the top 40 % on), null when sleeveless. */
  sleeveEnd: number | null
  /** How far the sleeves stick out beyond the body on each side. */
  sleeveReach: number
}

function garmentProfile(g: Rgba): GarmentProfile {
  const rows: Array<{ min: number; max: number } | null> = []
  for (let y = 0; y < g.height; y++) {
    let min = -1
    let max = -1
    for (let x = 0, i = y * g.width * 4 + 3; x < g.width; x++, i += 4) {
      if (g.data[i]! > 128) {
        if (min < 0) min = x
        max = x
      }
    }
    rows.push(min < 0 ? null : { min, max })
  }
  const width = (y: number) => {
    const r = rows[y]
    return r ? r.max - r.min + 1 : 0
  }
  let bodyWidth = Infinity
  for (let y = Math.floor(g.height * 0.3); y <= Math.floor(g.height * 0.95); y++) if (width(y) > 0) bodyWidth = Math.min(bodyWidth, width(y))
  if (!Number.isFinite(bodyWidth)) bodyWidth = g.width * 0.55
  let sum = 0
  let count = 0
  for (let y = Math.floor(g.height * 0.4); y <= Math.floor(g.height * 0.9); y++) {
    const r = rows[y]
    if (r) (sum += (r.min + r.max) / 2), count++
  }
  const centerX = count ? sum / count : g.width / 2
  let start = -1
  for (let y = 0; y <= Math.floor(g.height * 0.4); y++) {
    if (width(y) > bodyWidth * 1.2) {
      start = y
      break
    }
  }
  let sleeveEnd: number | null = null
  let widest = 0
  if (start >= 0) {
    let y = start
    while (y < g.height && width(y) > bodyWidth * 1.2) (widest = Math.max(widest, width(y))), y++
    sleeveEnd = y
  }
  return { bodyWidth, centerX, sleeveEnd, sleeveReach: Math.max(0, (widest - bodyWidth) / 2) }
}

/** How a garment layer sits on the body (see dressLayer). */
interface Fit {
  /** Sleeves cover the arms above this row of the person layer (-Infinity: sleeveless). */
  armEnd: number
  /** Fabric drawn on the arms under the sleeves where the flat-lay has no pixel there (its sleeves stuck out sideways). */
  sleeveFabric: Rgba | null
  /** Ease beside the torso (px), and how much wider per row the garment may get below the hips (a skirt's flare). */
  ease: number
  flare: number
  shoulderY: number
  /** The garment's centre column in the layer. */
  centerX: number
  /** Below the hips keep only the garment's central piece (a top's cuffs), not trousers' separate legs. */
  centralOnly: boolean
}

/**
 * Fits a garment layer (at ox, oy in the person layer) to the body and transfers the person's shading on the
 * torso: each garment pixel is scaled by how much lighter or darker the person is there than on average, so the
 * garment picks up the folds and the light falloff of the body under it. Above the shoulders the garment is
 * clipped to the silhouette; on the torso it may stand off by the ease; below the hips it hangs as wide as the
 * hips plus its flare (only its central piece: a flat-lay's cuffs do not dangle beside the legs). On an arm it
 * shows while the sleeves reach, after that the arm is in front.
 */
function dressLayer(garment: Rgba, person: Rgba, ox: number, oy: number, body: BodyBands, fit: Fit): void {
  let sum = 0
  let count = 0
  const lum = (i: number) => person.data[i]! * 0.299 + person.data[i + 1]! * 0.587 + person.data[i + 2]! * 0.114
  for (let y = 0; y < garment.height; y += 2) {
    const py = y + oy
    if (py < 0 || py >= person.height || py >= body.hipY) continue
    for (let x = 0; x < garment.width; x += 2) {
      const px = x + ox
      if (px < 0 || px >= person.width) continue
      const pi = (py * person.width + px) * 4
      if (garment.data[(y * garment.width + x) * 4 + 3]! > 128 && person.data[pi + 3]! > 200 && onBody(body, px, py)) (sum += lum(pi)), count++
    }
  }
  const mean = count ? sum / count : 128
  const gcx = Math.max(0, Math.min(garment.width - 1, Math.round(fit.centerX)))
  for (let y = 0; y < garment.height; y++) {
    const py = y + oy
    // The garment's central piece on this row (below the hips only it hangs free).
    let runL = gcx
    let runR = gcx - 1
    if (garment.data[(y * garment.width + gcx) * 4 + 3]! > 16) {
      runL = runR = gcx
      while (runL > 0 && garment.data[(y * garment.width + runL - 1) * 4 + 3]! > 16) runL--
      while (runR < garment.width - 1 && garment.data[(y * garment.width + runR + 1) * 4 + 3]! > 16) runR++
    }
    for (let x = 0; x < garment.width; x++) {
      const gi = (y * garment.width + x) * 4
      const a = garment.data[gi + 3]!
      const px = x + ox
      const inside = py >= 0 && py < person.height && px >= 0 && px < person.width
      const pi = inside ? (py * person.width + px) * 4 : -1
      const pa = inside ? person.data[pi + 3]! : 0
      const arm = pa > 16 && !onBody(body, px, py)
      // Under the sleeves' reach: the arms, and the shoulders' corners a flat-lay's sloping shoulder line leaves bare.
      const sleeve = pa > 16 && py >= fit.shoulderY && py < fit.armEnd && (arm || a === 0)
      if (a === 0 && !(sleeve && fit.sleeveFabric)) continue
      let keep: number
      if (arm) keep = py < fit.armEnd ? pa / 255 : 1 - pa / 255
      else if (py < fit.shoulderY) keep = pa / 255
      else if (py < body.hipY) {
        const l = body.runs[py * 2]!
        keep = l >= 0 && px >= l - fit.ease && px <= body.runs[py * 2 + 1]! + fit.ease ? 1 : pa / 255
      } else {
        const e = fit.ease + (py - body.hipY) * fit.flare
        keep = (!fit.centralOnly || (x >= runL && x <= runR)) && px >= body.hipLeft - e && px <= body.hipRight + e ? 1 : 0
      }
      if (a === 0) {
        // Under a sleeve that the flat-lay spreads sideways: the arm in the garment's fabric.
        const fab = fit.sleeveFabric!
        const fi = ((py % fab.height) * fab.width + (px % fab.width)) * 4
        garment.data[gi] = fab.data[fi]!
        garment.data[gi + 1] = fab.data[fi + 1]!
        garment.data[gi + 2] = fab.data[fi + 2]!
        garment.data[gi + 3] = pa
      } else garment.data[gi + 3] = a * keep
      if (pa <= 16) continue
      const shade = Math.max(0.55, Math.min(1.35, 1 + (lum(pi) / mean - 1) * 0.6))
      if (py >= body.hipY && !arm) continue // over the legs: their darker trousers are not the garment's folds
      garment.data[gi] = Math.min(255, garment.data[gi]! * shade)
      garment.data[gi + 1] = Math.min(255, garment.data[gi + 1]! * shade)
      garment.data[gi + 2] = Math.min(255, garment.data[gi + 2]! * shade)
    }
  }
}

/**
 * Darkens a garment's outline a little, as the rolled edge of real fabric is: without it a white collar met a white
 * studio backdrop with no edge at all, and cutting the dressed model out again (on_model with a scene) ate the collar.
 */
async function darkenRim(layer: Rgba): Promise<void> {
  const { width: w, height: h, data } = layer
  const alpha = Buffer.alloc(w * h)
  for (let p = 0; p < w * h; p++) alpha[p] = data[p * 4 + 3]!
  const soft = await sharp(alpha, { raw: { width: w, height: h, channels: 1 } }).blur(1.2).extractChannel(0).raw().toBuffer()
  for (let p = 0; p < w * h; p++) {
    const a = alpha[p]!
    if (a < 128) continue
    // soft < a only near the outline (a transparent neighbour pulls the blurred alpha down).
    const edge = Math.max(0, a - soft[p]!) / 255
    const f = 1 - Math.min(0.14, edge * 0.6)
    data[p * 4] = data[p * 4]! * f
    data[p * 4 + 1] = data[p * 4 + 1]! * f
    data[p * 4 + 2] = data[p * 4 + 2]! * f
  }
}

/** The layer placed at x on a canvas spanning columns [0, width) as well as its own: returns the new layer and its x. */
function spanLayer(layer: Rgba, x: number, width: number): { layer: Rgba; x: number } {
  const left = Math.min(0, x)
  const right = Math.max(width, x + layer.width)
  const w = right - left
  if (w === layer.width) return { layer, x }
  const data = Buffer.alloc(w * layer.height * 4)
  for (let y = 0; y < layer.height; y++) layer.data.copy(data, (y * w + (x - left)) * 4, y * layer.width * 4, (y + 1) * layer.width * 4)
  return { layer: { data, width: w, height: layer.height }, x: left }
}

/**
 * The fabric drawn on the arms under sleeves that the flat-lay spreads sideways: a patch of the garment's body
 * (beside its centre line, below the chest: no print, no placket) at the layer's scale, tiled. The fabric's own
 * weave or stripes, not a flat colour — a flat fill also read as backdrop to the cut-out of on_model with a scene.
 */
function sleeveFabricOf(layer: Rgba, shape: GarmentProfile, sx: number, sy: number, x0: number): Rgba | null {
  if (shape.sleeveEnd === null) return null
  const cx = shape.centerX * sx + x0
  const bw = shape.bodyWidth * sx
  const left = Math.round(cx + bw * 0.18)
  const width = Math.max(4, Math.round(bw * 0.24))
  const top = Math.round(layer.height * 0.55)
  const height = Math.max(4, Math.round(layer.height * 0.25))
  if (left + width > layer.width || top + height > layer.height) return null
  const data = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) layer.data.copy(data, y * width * 4, ((top + y) * layer.width + left) * 4, ((top + y) * layer.width + left + width) * 4)
  for (let i = 3; i < data.length; i += 4) if (data[i]! < 200) return null
  return { data, width, height }
}
