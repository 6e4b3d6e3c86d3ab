/**
 * The local model library's stand-in photos: a stylised fashion figure (a clean, front-facing illustration in
 * the manner of a designer's croquis — a neutral fitted base layer, simple face, hair by gender and age) on a
 * plain studio backdrop. Honestly a drawing, not a photo: the library marks these `source: drawn`; production
 * uses licensed photos or text-to-image ones. The figure is built so the try-on compositor can read it: a plain
 * border to cut out against, a narrow neck under the head, shoulders that widen, arms slightly apart.
 */
import sharp from 'sharp'
import { mix } from './scene-style'

export interface ModelFigureAttributes {
  gender: 'female' | 'male'
  age: 'child' | 'young' | 'adult' | 'senior'
  body: 'slim' | 'regular' | 'curvy' | 'plus'
  pose: 'standing' | 'walking' | 'sitting' | 'half_body'
  skin_tone: 'light' | 'medium' | 'tan' | 'deep'
}

export const SKIN_TONES: Record<ModelFigureAttributes['skin_tone'], string> = {
  light: '#f1cfb4',
  medium: '#deb08a',
  tan: '#bf8a60',
  deep: '#8a5a3c',
}

const HAIR: Record<ModelFigureAttributes['age'], string> = { child: '#3b2a20', young: '#2a1d17', adult: '#33241b', senior: '#b9b4ad' }

/** Widths relative to a regular build (shoulders, waist, hips). */
const BUILD: Record<ModelFigureAttributes['body'], { shoulder: number; waist: number; hip: number; limb: number }> = {
  slim: { shoulder: 0.94, waist: 0.86, hip: 0.9, limb: 0.9 },
  regular: { shoulder: 1, waist: 1, hip: 1, limb: 1 },
  curvy: { shoulder: 0.98, waist: 0.96, hip: 1.16, limb: 1.05 },
  plus: { shoulder: 1.12, waist: 1.3, hip: 1.28, limb: 1.22 },
}

const f = (n: number) => n.toFixed(1)

/** The figure as SVG on a W×H canvas (W:H = 3:4). */
export function modelFigureSvg(a: ModelFigureAttributes, W = 768, H = 1024): string {
  const male = a.gender === 'male'
  const child = a.age === 'child'
  const b = BUILD[a.body]
  const skin = SKIN_TONES[a.skin_tone]
  const skinShade = mix(skin, '#000000', 0.16)
  const skinLight = mix(skin, '#ffffff', 0.1)
  const hair = HAIR[a.age]
  // The neutral base layer the garment goes over: a soft grey fitted top and slim trousers.
  const base = male ? '#c9ccd0' : '#d3cdc6'
  const baseDark = mix(base, '#000000', 0.18)
  const legsColor = male ? '#59606b' : '#6b6470'
  const shoe = '#2a2a2e'
  const bg = '#ebe8e3'

  // Vertical layout (full body). A child is shorter with a larger head; the half-body framing zooms in.
  const s = child ? 0.78 : 1
  const cx = W / 2
  const headR = (child ? 62 : 50) * (W / 768)
  const unit = (H / 1024) * s
  const top = H * (child ? 0.2 : 0.08)
  const headCy = top + headR * 1.25
  const neckTop = headCy + headR * 1.05
  const shoulderY = neckTop + 34 * unit
  const waistY = shoulderY + 190 * unit
  const hipY = waistY + 80 * unit
  const kneeY = hipY + 190 * unit
  const footY = Math.min(H * 0.95, kneeY + 200 * unit)
  const sw = (male ? 94 : 82) * b.shoulder * unit
  const ww = (male ? 66 : 54) * b.waist * unit
  const hw = (male ? 70 : 76) * b.hip * unit
  const arm = 20 * b.limb * unit
  const leg = 30 * b.limb * unit

  const walking = a.pose === 'walking'
  const sitting = a.pose === 'sitting'
  // Legs: standing straight, walking (one leg forward and out), or seated on a stool (thighs foreshortened).
  const lFootX = cx - hw * 0.5 - (walking ? 26 * unit : 0)
  const rFootX = cx + hw * 0.5 + (walking ? 34 * unit : 0)
  const seatY = hipY + 20 * unit
  const legsPath = sitting
    ? `M${f(cx - hw)} ${f(hipY)} L${f(cx + hw)} ${f(hipY)} L${f(cx + hw * 1.02)} ${f(seatY + 40 * unit)} L${f(cx + hw * 0.86)} ${f(footY - 10 * unit)} L${f(cx + hw * 0.86 - leg * 1.6)} ${f(footY - 10 * unit)} L${f(cx + 6 * unit)} ${f(seatY + 48 * unit)} L${f(cx - 6 * unit)} ${f(seatY + 48 * unit)} L${f(cx - hw * 0.86 + leg * 1.6)} ${f(footY - 10 * unit)} L${f(cx - hw * 0.86)} ${f(footY - 10 * unit)} L${f(cx - hw * 1.02)} ${f(seatY + 40 * unit)} Z`
    : `M${f(cx - hw)} ${f(hipY)} L${f(cx + hw)} ${f(hipY)} L${f(rFootX + leg * 0.7)} ${f(footY - 12 * unit)} L${f(rFootX - leg * 0.7)} ${f(footY - 12 * unit)} L${f(cx + 5 * unit)} ${f(hipY + 70 * unit)} L${f(cx - 5 * unit)} ${f(hipY + 70 * unit)} L${f(lFootX + leg * 0.7)} ${f(footY - 12 * unit)} L${f(lFootX - leg * 0.7)} ${f(footY - 12 * unit)} Z`
  const feet = sitting
    ? `<ellipse cx="${f(cx - hw * 0.86 + leg * 0.8)}" cy="${f(footY - 4 * unit)}" rx="${f(leg * 1.15)}" ry="${f(11 * unit)}" fill="${shoe}"/>
       <ellipse cx="${f(cx + hw * 0.86 - leg * 0.8)}" cy="${f(footY - 4 * unit)}" rx="${f(leg * 1.15)}" ry="${f(11 * unit)}" fill="${shoe}"/>`
    : // Shoes a little narrower than the stance, so the gap between the legs stays open to the backdrop below.
      `<ellipse cx="${f(lFootX - 3 * unit)}" cy="${f(footY - 4 * unit)}" rx="${f(Math.min(leg * 1.15, hw * 0.5 - 6 * unit))}" ry="${f(11 * unit)}" fill="${shoe}"/>
       <ellipse cx="${f(rFootX + 3 * unit)}" cy="${f(footY - 4 * unit)}" rx="${f(Math.min(leg * 1.15, hw * 0.5 - 6 * unit))}" ry="${f(11 * unit)}" fill="${shoe}"/>`
  const stool = sitting
    ? `<rect x="${f(cx - hw * 1.25)}" y="${f(seatY + 30 * unit)}" width="${f(hw * 2.5)}" height="${f(16 * unit)}" rx="${f(6 * unit)}" fill="#8c6f55"/>
       <path d="M${f(cx - hw * 1.1)} ${f(seatY + 46 * unit)} L${f(cx - hw * 1.25)} ${f(footY)} M${f(cx + hw * 1.1)} ${f(seatY + 46 * unit)} L${f(cx + hw * 1.25)} ${f(footY)}" stroke="#6e5641" stroke-width="${f(9 * unit)}" stroke-linecap="round"/>`
    : ''

  // Arms hang slightly away from the body (the try-on compositor needs the torso's own width).
  const armOut = 34 * unit
  const handY = waistY + 120 * unit
  const lArm = `M${f(cx - sw)} ${f(shoulderY + 4 * unit)} Q${f(cx - sw - armOut * 0.8)} ${f(waistY - 40 * unit)} ${f(cx - sw - armOut)} ${f(handY)} L${f(cx - sw - armOut + arm)} ${f(handY + 4 * unit)} Q${f(cx - sw - armOut * 0.2 + arm)} ${f(waistY - 30 * unit)} ${f(cx - sw + arm * 1.4)} ${f(shoulderY + 40 * unit)} Z`
  const rArm = `M${f(cx + sw)} ${f(shoulderY + 4 * unit)} Q${f(cx + sw + armOut * 0.8)} ${f(waistY - 40 * unit)} ${f(cx + sw + armOut)} ${f(handY)} L${f(cx + sw + armOut - arm)} ${f(handY + 4 * unit)} Q${f(cx + sw + armOut * 0.2 - arm)} ${f(waistY - 30 * unit)} ${f(cx + sw - arm * 1.4)} ${f(shoulderY + 40 * unit)} Z`
  const hands = `<ellipse cx="${f(cx - sw - armOut + arm / 2)}" cy="${f(handY + 14 * unit)}" rx="${f(arm * 0.62)}" ry="${f(arm * 0.95)}" fill="${skin}"/>
    <ellipse cx="${f(cx + sw + armOut - arm / 2)}" cy="${f(handY + 14 * unit)}" rx="${f(arm * 0.62)}" ry="${f(arm * 0.95)}" fill="${skin}"/>`
  // Torso: shoulders → waist → hips, the base layer's neckline showing the collarbones.
  const torso = `M${f(cx - sw)} ${f(shoulderY)} Q${f(cx)} ${f(shoulderY - 12 * unit)} ${f(cx + sw)} ${f(shoulderY)} Q${f(cx + sw * 1.02)} ${f(shoulderY + 60 * unit)} ${f(cx + ww)} ${f(waistY)} Q${f(cx + hw * 1.04)} ${f(hipY - 30 * unit)} ${f(cx + hw)} ${f(hipY + 6 * unit)} L${f(cx - hw)} ${f(hipY + 6 * unit)} Q${f(cx - hw * 1.04)} ${f(hipY - 30 * unit)} ${f(cx - ww)} ${f(waistY)} Q${f(cx - sw * 1.02)} ${f(shoulderY + 60 * unit)} ${f(cx - sw)} ${f(shoulderY)} Z`
  const neckW = (male ? 24 : 19) * unit
  const hairBack = male || child
    ? `<path d="M${f(cx - headR * 1.02)} ${f(headCy - headR * 0.1)} Q${f(cx - headR * 1.08)} ${f(headCy - headR * 1.32)} ${f(cx)} ${f(headCy - headR * 1.3)} Q${f(cx + headR * 1.08)} ${f(headCy - headR * 1.32)} ${f(cx + headR * 1.02)} ${f(headCy - headR * 0.1)} Q${f(cx + headR * 0.8)} ${f(headCy - headR * 0.78)} ${f(cx)} ${f(headCy - headR * 0.8)} Q${f(cx - headR * 0.8)} ${f(headCy - headR * 0.78)} ${f(cx - headR * 1.02)} ${f(headCy - headR * 0.1)} Z" fill="${hair}"/>`
    : `<path d="M${f(cx - headR * 1.05)} ${f(headCy + headR * 1.6)} Q${f(cx - headR * 1.35)} ${f(headCy - headR * 1.4)} ${f(cx)} ${f(headCy - headR * 1.3)} Q${f(cx + headR * 1.35)} ${f(headCy - headR * 1.4)} ${f(cx + headR * 1.05)} ${f(headCy + headR * 1.6)} Q${f(cx + headR * 0.6)} ${f(headCy + headR * 1.2)} ${f(cx + headR * 0.7)} ${f(headCy)} L${f(cx - headR * 0.7)} ${f(headCy)} Q${f(cx - headR * 0.6)} ${f(headCy + headR * 1.2)} ${f(cx - headR * 1.05)} ${f(headCy + headR * 1.6)} Z" fill="${hair}"/>`
  const fringe = `<path d="M${f(cx - headR * 0.92)} ${f(headCy - headR * 0.2)} Q${f(cx - headR * 0.7)} ${f(headCy - headR * 1.05)} ${f(cx + headR * 0.2)} ${f(headCy - headR * 0.98)} Q${f(cx + headR * 0.85)} ${f(headCy - headR * 0.9)} ${f(cx + headR * 0.94)} ${f(headCy - headR * 0.25)} Q${f(cx + headR * 0.4)} ${f(headCy - headR * 0.62)} ${f(cx - headR * 0.92)} ${f(headCy - headR * 0.2)} Z" fill="${hair}"/>`
  const eyeY = headCy + headR * 0.05
  const face = `<ellipse cx="${f(cx - headR * 0.36)}" cy="${f(eyeY)}" rx="${f(headR * 0.09)}" ry="${f(headR * 0.06)}" fill="#2c211b"/>
    <ellipse cx="${f(cx + headR * 0.36)}" cy="${f(eyeY)}" rx="${f(headR * 0.09)}" ry="${f(headR * 0.06)}" fill="#2c211b"/>
    <path d="M${f(cx - headR * 0.5)} ${f(eyeY - headR * 0.2)} Q${f(cx - headR * 0.36)} ${f(eyeY - headR * 0.28)} ${f(cx - headR * 0.2)} ${f(eyeY - headR * 0.2)} M${f(cx + headR * 0.2)} ${f(eyeY - headR * 0.2)} Q${f(cx + headR * 0.36)} ${f(eyeY - headR * 0.28)} ${f(cx + headR * 0.5)} ${f(eyeY - headR * 0.2)}" stroke="${mix(hair, '#000000', 0.2)}" stroke-width="${f(headR * 0.05)}" fill="none" stroke-linecap="round"/>
    <path d="M${f(cx)} ${f(eyeY + headR * 0.1)} Q${f(cx - headR * 0.08)} ${f(eyeY + headR * 0.34)} ${f(cx + headR * 0.04)} ${f(eyeY + headR * 0.38)}" stroke="${skinShade}" stroke-width="${f(headR * 0.04)}" fill="none" stroke-linecap="round"/>
    <path d="M${f(cx - headR * 0.2)} ${f(eyeY + headR * 0.58)} Q${f(cx)} ${f(eyeY + headR * 0.68)} ${f(cx + headR * 0.2)} ${f(eyeY + headR * 0.58)}" stroke="${male ? mix(skin, '#7a3b32', 0.5) : '#b5524f'}" stroke-width="${f(headR * 0.06)}" fill="none" stroke-linecap="round"/>`

  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${mix(bg, '#ffffff', 0.35)}"/><stop offset="1" stop-color="${bg}"/></linearGradient>
    <linearGradient id="skin" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${skinShade}"/><stop offset="0.45" stop-color="${skinLight}"/><stop offset="1" stop-color="${mix(skin, '#000000', 0.2)}"/></linearGradient>
    <linearGradient id="base" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${baseDark}"/><stop offset="0.45" stop-color="${mix(base, '#ffffff', 0.15)}"/><stop offset="1" stop-color="${mix(base, '#000000', 0.24)}"/></linearGradient>
    <linearGradient id="legs" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${mix(legsColor, '#000000', 0.22)}"/><stop offset="0.5" stop-color="${mix(legsColor, '#ffffff', 0.1)}"/><stop offset="1" stop-color="${mix(legsColor, '#000000', 0.28)}"/></linearGradient>
  </defs>
  <rect width="${W}" height="${H}" fill="url(#bg)"/>
  <!-- No floor shadow: a shadow joining the feet closed the gap between the legs, so the cut-out kept that patch of
       backdrop as part of the person and the try-on carried it into every scene; the compositor draws the scene's
       own contact shadow. -->
  ${stool}
  ${hairBack}
  <path d="${lArm}" fill="url(#skin)"/>
  <path d="${rArm}" fill="url(#skin)"/>
  ${hands}
  <path d="${legsPath}" fill="url(#legs)"/>
  ${feet}
  <rect x="${f(cx - neckW)}" y="${f(neckTop - 12 * unit)}" width="${f(neckW * 2)}" height="${f(shoulderY - neckTop + 24 * unit)}" rx="${f(neckW * 0.5)}" fill="url(#skin)"/>
  <path d="${torso}" fill="url(#base)"/>
  <path d="M${f(cx - sw * 0.78)} ${f(shoulderY - 6 * unit)} Q${f(cx)} ${f(shoulderY + 52 * unit)} ${f(cx + sw * 0.78)} ${f(shoulderY - 6 * unit)}" fill="url(#skin)" stroke="${baseDark}" stroke-width="${f(3 * unit)}"/>
  <path d="M${f(cx - ww * 0.95)} ${f(waistY + 8 * unit)} Q${f(cx)} ${f(waistY + 18 * unit)} ${f(cx + ww * 0.95)} ${f(waistY + 8 * unit)}" stroke="${baseDark}" stroke-width="${f(2 * unit)}" fill="none" opacity="0.5"/>
  <ellipse cx="${f(cx)}" cy="${f(headCy)}" rx="${f(headR * 0.84)}" ry="${f(headR * 1.08)}" fill="url(#skin)"/>
  <ellipse cx="${f(cx - headR * 0.84)}" cy="${f(eyeY + headR * 0.15)}" rx="${f(headR * 0.12)}" ry="${f(headR * 0.2)}" fill="${skinShade}"/>
  <ellipse cx="${f(cx + headR * 0.84)}" cy="${f(eyeY + headR * 0.15)}" rx="${f(headR * 0.12)}" ry="${f(headR * 0.2)}" fill="${skinShade}"/>
  ${fringe}
  ${face}
</svg>`
  return svg
}

/** The figure as a JPEG photo stand-in (3:4, 768×1024 by default); half_body is the upper 60 % enlarged. */
export async function drawModelFigure(a: ModelFigureAttributes, size: { width: number; height: number } = { width: 768, height: 1024 }): Promise<Buffer> {
  const svg = modelFigureSvg(a, size.width, size.height)
  const img = sharp(Buffer.from(svg))
  if (a.pose !== 'half_body') return img.jpeg({ quality: 90 }).toBuffer()
  const full = await img.png().toBuffer()
  const cropH = Math.round(size.height * 0.62)
  const cropW = Math.round(cropH * (size.width / size.height))
  const left = Math.round((size.width - cropW) / 2)
  return sharp(full).extract({ left, top: 0, width: cropW, height: cropH }).resize(size.width, size.height).jpeg({ quality: 90 }).toBuffer()
}
