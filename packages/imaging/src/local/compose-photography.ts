/**
 * Product photography, locally: the garment cut-out hung or floated in front of a procedural backdrop,
 * with a drop shadow, the scene's light grading, and the AI mark. Each variation index changes the pose
 * (hanger or float, offset, tilt, scale) and the light side, so `count` images are visibly distinct.
 */
import sharp, { type OverlayOptions } from 'sharp'
import { createSeededRandom } from '../seeded-random'
import { AIGC_EXIF, aiMarkOverlay } from './ai-mark'
import { renderBackdrop, type BackdropLayout } from './backdrop'
import type { Subject } from './cutout'
import { gradeLayer, placeLayer, shadowOf, transformLayer } from './layers'
import { LIGHT_PRESETS } from './light'
import type { SceneStyle } from './scene-style'

export interface CompositionRequest {
  style: SceneStyle
  width: number
  height: number
  /** 0-based index of the image within the job; selects the pose. */
  variation: number
  /** Seeds the jitter: the same job and variation render the same picture. */
  seed: string
  quality?: number
  /** A backdrop made elsewhere (e.g. by a text-to-image API) to use instead of drawing one. */
  backdrop?: Buffer
}

interface Pose {
  hanger: boolean
  dx: number
  angle: number
  scale: number
  mirrorLight: boolean
}

const POSES: Pose[] = [
  { hanger: true, dx: 0, angle: 0, scale: 1, mirrorLight: false },
  { hanger: false, dx: -0.1, angle: -5, scale: 0.94, mirrorLight: true },
  { hanger: true, dx: 0.09, angle: 2.5, scale: 0.97, mirrorLight: false },
  { hanger: false, dx: 0.04, angle: 7, scale: 0.88, mirrorLight: true },
]

/** The rail and hook above a hanging garment, as an overlay covering only their band of the frame. */
function hanger(W: number, cx: number, top: number, size: number): OverlayOptions {
  const bandTop = Math.max(0, Math.floor(top - size * 0.12))
  const bandH = Math.max(1, Math.ceil(top + size * 0.03) - bandTop)
  const y = (v: number) => (v - bandTop).toFixed(1)
  const railY = top - size * 0.065
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${bandH}">
    <defs><linearGradient id="rail" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#e4e1db"/><stop offset="0.5" stop-color="#a9a49b"/><stop offset="1" stop-color="#6f6a62"/></linearGradient></defs>
    <rect x="0" y="${y(railY - size * 0.018)}" width="${W}" height="${(size * 0.036).toFixed(1)}" fill="url(#rail)"/>
    <path d="M${cx.toFixed(1)} ${y(top + size * 0.02)} L${cx.toFixed(1)} ${y(railY + size * 0.02)} C${cx.toFixed(1)} ${y(railY - size * 0.035)} ${(cx + size * 0.04).toFixed(1)} ${y(railY - size * 0.035)} ${(cx + size * 0.04).toFixed(1)} ${y(railY + size * 0.005)}"
      stroke="#8d8f93" stroke-width="${(size * 0.014).toFixed(1)}" fill="none" stroke-linecap="round"/>
  </svg>`
  return { input: Buffer.from(svg), left: 0, top: bandTop }
}

/** Renders one photography image as JPEG. `garment` must be trimmed to its bounding box. */
export async function composePhotography(garment: Subject, req: CompositionRequest): Promise<Buffer> {
  const { width: W, height: H, style } = req
  const rand = createSeededRandom(`${req.seed}:${req.variation}`)
  // Over a foreign backdrop there is no rail to hang from: only the floating poses apply.
  const pose = req.backdrop ? POSES[(req.variation % 2) * 2 + 1]! : POSES[req.variation % POSES.length]!
  const light = LIGHT_PRESETS[style.light]

  // Fit the garment into ~60 % of the frame height and ~68 % of its width.
  const boxH = H * (pose.hanger ? 0.6 : 0.62) * pose.scale * (0.96 + rand() * 0.08)
  const boxW = W * 0.68 * pose.scale
  const k = Math.min(boxH / garment.height, boxW / garment.width)
  const gw = garment.width * k
  const gh = garment.height * k
  const angle = pose.angle + (pose.hanger ? 0 : (rand() - 0.5) * 2)
  const cx = W * (0.5 + pose.dx + (rand() - 0.5) * 0.04)
  const floorY = Math.min(H * 0.86, Math.max((pose.hanger ? H * 0.15 : H * 0.47 - gh / 2) + gh + H * 0.02, H * (0.72 + rand() * 0.05)))
  const layout: BackdropLayout = { width: W, height: H, floorY, subjectX: cx, rand, mirrorLight: pose.mirrorLight }
  const exposure = 0.98 + rand() * 0.05
  // The backdrop does not depend on the garment layer: rasterise both at once (libuv runs them in parallel).
  const backdropP = req.backdrop
    ? Promise.resolve(sharp(req.backdrop).rotate().resize(W, H, { fit: 'cover' }))
    : renderBackdrop(style, layout)
  const markP = aiMarkOverlay(W, H)
  const layer = await transformLayer(garment, gw, gh, angle)
  gradeLayer(layer, light, exposure)
  const top = pose.hanger ? H * 0.15 : H * 0.47 - layer.height / 2
  const left = cx - layer.width / 2
  const [backdrop, shadow, mark] = await Promise.all([backdropP, shadowOf(layer, Math.max(W, H) * 0.014, 0.38), markP])
  const lightSide = pose.mirrorLight ? -light.direction : light.direction
  const overlays: OverlayOptions[] = []
  const sh = placeLayer(shadow, left - shadow.pad - lightSide * W * 0.018, top - shadow.pad + H * 0.018, W, H)
  if (sh) overlays.push(sh)
  if (pose.hanger) overlays.push(hanger(W, cx, top, H))
  const g = placeLayer(layer, left, top, W, H)
  if (g) overlays.push(g)
  overlays.push(mark)
  return backdrop
    .composite(overlays)
    .withExif(AIGC_EXIF)
    .jpeg({ quality: req.quality ?? 86, mozjpeg: false, chromaSubsampling: '4:2:0' })
    .toBuffer()
}
