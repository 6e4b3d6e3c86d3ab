/**
 * The local compositor's single-image operations, each one step of a multi-step task:
 * - cut-out: the subject as a transparent PNG (long side ≤ 2048, what background-generation APIs accept);
 * - packshot: the cut-out centred on pure white at a listing size with margins, an optional soft ground shadow;
 * - upscale: Lanczos3 resampling plus an unsharp mask — an honest enlargement, not AI super-resolution (the
 *   file says so in its EXIF Software tag);
 * - a dressed model (a try-on result) placed into a scene.
 */
import sharp, { type OverlayOptions } from 'sharp'
import { AIGC_EXIF, aiMarkOverlay } from './ai-mark'
import { renderBackdrop, type BackdropLayout } from './backdrop'
import type { CompositionRequest } from './compose-photography'
import { extractSubject, trimSubject } from './cutout'
import { presentGarment } from './garment-shape'
import { gradeLayer, placeLayer, shadowOf, transformLayer } from './layers'
import { LIGHT_PRESETS } from './light'
import { createSeededRandom } from '../seeded-random'

export const CUTOUT_MAX_SIDE = 2048
/**
 * Longest side an upscale may produce, here and in the DashScope super-resolution adapter (whose output size the
 * API reference does not bound): a 4× of a large image would not fit a 512 MB cloud function once decoded.
 */
export const UPSCALE_MAX_SIDE = 4096

/** `garment`: the subject is a garment (hanger off, stood upright), not a dressed model. */
export async function renderCutout(source: Buffer, maxSide = 1536, garment = true): Promise<Buffer> {
  const cut = trimSubject(await extractSubject(source, Math.min(CUTOUT_MAX_SIDE, maxSide)))
  const s = garment ? await presentGarment(cut) : cut
  return sharp(s.data, { raw: { width: s.width, height: s.height, channels: 4 } }).png().toBuffer()
}

/**
 * 白底图: the product fills at most 84 % × 80 % of the frame (listing guidelines ask for a margin), centred
 * horizontally and standing on an implied floor; the background is pure #ffffff (a soft ellipse shadow under
 * the product when `shadow`). The product stands upright, without the hanger it was photographed on.
 */
export async function renderPackshot(cutoutOrPhoto: Buffer, target: { width: number; height: number }, shadow = true): Promise<Buffer> {
  const subject = await presentGarment(trimSubject(await extractSubject(cutoutOrPhoto, 1400)))
  const { width: W, height: H } = target
  const k = Math.min((W * 0.84) / subject.width, (H * 0.8) / subject.height)
  const gw = Math.max(1, Math.round(subject.width * k))
  const gh = Math.max(1, Math.round(subject.height * k))
  const left = Math.round((W - gw) / 2)
  const top = Math.round((H - gh) / 2 - (shadow ? H * 0.02 : 0))
  const layer = await sharp(subject.data, { raw: { width: subject.width, height: subject.height, channels: 4 } }).resize(gw, gh, { kernel: 'lanczos3' }).png().toBuffer()
  const overlays: OverlayOptions[] = []
  if (shadow) {
    const rx = gw * 0.46
    const ry = Math.max(4, H * 0.022)
    const cy = top + gh + ry * 0.2
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><defs><radialGradient id="s" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#000" stop-opacity="0.22"/><stop offset="0.6" stop-color="#000" stop-opacity="0.08"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient></defs><ellipse cx="${W / 2}" cy="${cy.toFixed(1)}" rx="${rx.toFixed(1)}" ry="${ry.toFixed(1)}" fill="url(#s)"/></svg>`
    overlays.push({ input: Buffer.from(svg), left: 0, top: 0 })
  }
  overlays.push({ input: layer, left, top })
  return sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } })
    .composite(overlays)
    .withExif(AIGC_EXIF)
    .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
    .toBuffer()
}

// NOTE: no parentheses in EXIF strings: libvips reads "(...)" at the end of a string field as its own suffix.
export const LOCAL_UPSCALE_EXIF = {
  IFD0: {
    ImageDescription: 'AIGC: AI-generated image by AI Photographer; enlarged locally with Lanczos3 resampling and an unsharp mask, not AI super-resolution',
    Software: 'AI Photographer local upscale, sharp Lanczos3',
  },
} as const

export async function renderUpscale(source: Buffer, scale: number): Promise<Buffer> {
  const img = sharp(source).rotate()
  const meta = await img.metadata()
  const swap = (meta.orientation ?? 1) >= 5
  const w = (swap ? meta.height : meta.width) ?? 0
  const h = (swap ? meta.width : meta.height) ?? 0
  if (!w || !h) throw new Error('not an image')
  const k = Math.max(1, Math.min(scale, UPSCALE_MAX_SIDE / Math.max(w, h)))
  return img
    .resize(Math.round(w * k), Math.round(h * k), { kernel: 'lanczos3' })
    .sharpen({ sigma: 0.8, m1: 0.6, m2: 2 })
    .withExif(LOCAL_UPSCALE_EXIF)
    .jpeg({ quality: 92 })
    .toBuffer()
}

/**
 * A dressed model (cut out of a try-on result) standing in a scene: ~84 % of the frame tall on the scene's floor,
 * graded with the scene's light, a contact shadow at the feet, the AI mark.
 */
export async function composeModelInScene(dressed: Buffer, req: CompositionRequest): Promise<Buffer> {
  const { width: W, height: H, style } = req
  const rand = createSeededRandom(`${req.seed}:${req.variation}:model`)
  const light = LIGHT_PRESETS[style.light]
  const person = trimSubject(await extractSubject(dressed, 1024))
  const k = Math.min((H * (0.82 + rand() * 0.04)) / person.height, (W * 0.8) / person.width)
  const floorY = H * (0.76 + rand() * 0.03)
  const feet = Math.min(H * 0.97, floorY + H * 0.14)
  const cx = W * (0.5 + (req.variation % 2 ? 0.05 : -0.04))
  const layer = await transformLayer(person, person.width * k, person.height * k)
  gradeLayer(layer, light)
  const left = cx - layer.width / 2
  const top = feet - layer.height
  const layout: BackdropLayout = {
    width: W,
    height: H,
    floorY,
    subjectX: cx,
    rand,
    mirrorLight: req.variation % 2 === 1,
    contactShadows: [{ cx, cy: feet - H * 0.005, rx: layer.width * 0.5, ry: H * 0.018, opacity: 0.9 }],
  }
  const [backdrop, mark, shadow] = await Promise.all([renderBackdrop(style, layout), aiMarkOverlay(W, H), shadowOf(layer, Math.max(W, H) * 0.012, 0.22)])
  const overlays: OverlayOptions[] = []
  const sh = placeLayer(shadow, left - shadow.pad + W * 0.012, top - shadow.pad + H * 0.008, W, H)
  if (sh) overlays.push(sh)
  const p = placeLayer(layer, left, top, W, H)
  if (p) overlays.push(p)
  overlays.push(mark)
  return backdrop.composite(overlays).withExif(AIGC_EXIF).jpeg({ quality: req.quality ?? 86 }).toBuffer()
}
