/**
 * Procedural backdrops drawn as SVG and rasterised by sharp (librsvg): no network, no assets.
 * Each backdrop is a handful of gradients and simple shapes placed around a floor line, then a shared
 * lighting pass (tint, key-light spot, side light, vignette). Drawn at reduced resolution and upscaled:
 * the content is smooth, and a backdrop slightly out of focus is what a product photo looks like anyway.
 */
import sharp, { type Sharp } from 'sharp'
import { createSeededRandom } from '../seeded-random'
import { LIGHT_PRESETS } from './light'
import { mix, resolveSceneStyle, type Backdrop, type SceneStyle } from './scene-style'

export interface BackdropLayout {
  width: number
  height: number
  /** y of the floor line in px. */
  floorY: number
  /** Where the subject stands (x centre, px); the key-light spot follows it. */
  subjectX: number
  rand: () => number
  /** Light from the other side (a variation between shots). */
  mirrorLight?: boolean
  /** Soft contact shadows on the floor (feet, a pedestal). */
  contactShadows?: Array<{ cx: number; cy: number; rx: number; ry: number; opacity: number }>
}

type Painter = (s: SceneStyle, l: BackdropLayout) => string

const f = (n: number) => n.toFixed(1)

function linear(id: string, stops: Array<[number, string, number?]>, vertical = true): string {
  const dir = vertical ? 'x1="0" y1="0" x2="0" y2="1"' : 'x1="0" y1="0" x2="1" y2="0"'
  return `<linearGradient id="${id}" ${dir}>${stops
    .map(([o, c, a]) => `<stop offset="${o}" stop-color="${c}"${a === undefined ? '' : ` stop-opacity="${a}"`}/>`)
    .join('')}</linearGradient>`
}

function radial(id: string, stops: Array<[number, string, number?]>, cx = 0.5, cy = 0.5, r = 0.5): string {
  return `<radialGradient id="${id}" cx="${cx}" cy="${cy}" r="${r}">${stops
    .map(([o, c, a]) => `<stop offset="${o}" stop-color="${c}"${a === undefined ? '' : ` stop-opacity="${a}"`}/>`)
    .join('')}</radialGradient>`
}

const seamless = (wall: string, floor: string): Painter => (s, { width: w, height: h, floorY }) => {
  const fy = floorY / h
  const top = mix(wall, '#ffffff', 0.35)
  return `<defs>${linear('bg', [
    [0, top],
    [Math.max(0, fy - 0.12), wall],
    [fy, mix(wall, floor, 0.5)],
    [Math.min(1, fy + 0.08), floor],
    [1, mix(floor, '#ffffff', 0.25)],
  ])}</defs><rect width="${w}" height="${h}" fill="url(#bg)"/>
  <ellipse cx="${w * 0.5}" cy="${floorY}" rx="${w * 0.7}" ry="${h * 0.05}" fill="${mix(floor, '#000000', 0.08)}" opacity="0.18"/>`
}

const PAINTERS: Record<Backdrop, Painter> = {
  white: (s, l) => seamless(mix('#f4f2ee', s.palette[0]!, 0.25), mix('#e9e6e0', s.palette[1]!, 0.2))(s, l),
  grey: (s, l) => seamless(mix('#8b8f94', s.palette[0]!, 0.2), mix('#6c7075', s.palette[1]!, 0.2))(s, l),

  garden: (s, { width: w, height: h, floorY, rand }) => {
    const hedgeTop = floorY - h * 0.2
    let trees = ''
    for (let i = 0; i < 16; i++) {
      const x = (i / 15) * w + (rand() - 0.5) * w * 0.06
      const r = w * (0.07 + rand() * 0.07)
      const y = hedgeTop - r * (0.3 + rand() * 0.6)
      trees += `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="${mix('#47703f', '#7fa867', rand())}" opacity="0.9"/>`
    }
    let hedge = ''
    for (let x = -20; x < w + 40; x += w * 0.045) hedge += `<circle cx="${f(x)}" cy="${f(hedgeTop + 6)}" r="${f(w * 0.035)}" fill="#4b7a3c"/>`
    let flowers = ''
    for (let i = 0; i < 60; i++) {
      const c = s.palette[i % 3]!
      flowers += `<circle cx="${f(rand() * w)}" cy="${f(hedgeTop + rand() * (floorY - hedgeTop) * 0.9)}" r="${f(w * (0.004 + rand() * 0.006))}" fill="${c}" opacity="0.9"/>`
    }
    let stripes = ''
    for (let i = 0; i < 6; i++) {
      const y0 = floorY + ((h - floorY) * i) / 6
      stripes += `<rect x="0" y="${f(y0)}" width="${w}" height="${f((h - floorY) / 12)}" fill="#ffffff" opacity="0.05"/>`
    }
    return `<defs>${linear('sky', [[0, '#a9d4ee'], [1, '#eef5ea']])}${linear('lawn', [[0, '#7fb064'], [1, '#557f43']])}${linear('hedge', [[0, '#4b7a3c'], [1, '#3a6230']])}
      ${radial('sun', [[0, '#fffbe6', 0.9], [1, '#fffbe6', 0]], 0.5, 0.5, 0.5)}</defs>
      <rect width="${w}" height="${f(hedgeTop + 10)}" fill="url(#sky)"/>
      <circle cx="${f(w * 0.18)}" cy="${f(h * 0.1)}" r="${f(w * 0.35)}" fill="url(#sun)"/>
      <g opacity="0.55">${trees.replace(/opacity="0.9"/g, 'opacity="0.6"')}</g>${trees}
      <rect x="0" y="${f(hedgeTop)}" width="${w}" height="${f(floorY - hedgeTop + 2)}" fill="url(#hedge)"/>${hedge}${flowers}
      <rect x="0" y="${f(floorY)}" width="${w}" height="${f(h - floorY)}" fill="url(#lawn)"/>${stripes}`
  },

  street: (s, { width: w, height: h, floorY, rand }) => {
    let buildings = ''
    let x = -w * 0.05
    while (x < w) {
      const bw = w * (0.14 + rand() * 0.12)
      const bh = h * (0.3 + rand() * 0.4)
      const top = floorY - bh
      const colour = mix(mix('#d9cfc2', s.palette[Math.floor(rand() * 3)]!, 0.35), '#ffffff', rand() * 0.2)
      buildings += `<rect x="${f(x)}" y="${f(top)}" width="${f(bw)}" height="${f(bh)}" fill="${colour}"/>`
      const cols = 3
      const rows = Math.min(9, Math.floor(bh / (h * 0.06)))
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++)
          buildings += `<rect x="${f(x + bw * (0.12 + c * 0.3))}" y="${f(top + h * 0.025 + r * h * 0.06)}" width="${f(bw * 0.16)}" height="${f(h * 0.035)}" fill="#3d4a57" opacity="${(0.35 + rand() * 0.3).toFixed(2)}"/>`
      buildings += `<rect x="${f(x)}" y="${f(top)}" width="${f(bw)}" height="${f(h * 0.012)}" fill="#000" opacity="0.12"/>`
      x += bw + w * 0.01
    }
    const kerb = floorY + (h - floorY) * 0.55
    let tiles = ''
    for (let i = 1; i < 5; i++) tiles += `<line x1="0" y1="${f(floorY + ((kerb - floorY) * i) / 5)}" x2="${w}" y2="${f(floorY + ((kerb - floorY) * i) / 5)}" stroke="#000" stroke-opacity="0.06" stroke-width="2"/>`
    const lampX = w * (rand() < 0.5 ? 0.1 : 0.88)
    return `<defs>${linear('sky', [[0, '#cfdbe6'], [1, '#f3eee6']])}${linear('walk', [[0, '#c4beb6'], [1, '#9d978f']])}${linear('road', [[0, '#6b6d70'], [1, '#4c4e51']])}</defs>
      <rect width="${w}" height="${f(floorY)}" fill="url(#sky)"/><g opacity="0.92">${buildings}</g>
      <rect x="0" y="${f(floorY)}" width="${w}" height="${f(kerb - floorY)}" fill="url(#walk)"/>${tiles}
      <rect x="0" y="${f(kerb)}" width="${w}" height="${f(h * 0.012)}" fill="#d9d4cc"/>
      <rect x="0" y="${f(kerb + h * 0.012)}" width="${w}" height="${f(h - kerb)}" fill="url(#road)"/>
      <rect x="${f(lampX)}" y="${f(floorY - h * 0.55)}" width="${f(w * 0.008)}" height="${f(h * 0.55)}" fill="#2f3338"/>
      <circle cx="${f(lampX + w * 0.004)}" cy="${f(floorY - h * 0.56)}" r="${f(w * 0.018)}" fill="#f6f1dc"/>`
  },

  beach: (s, { width: w, height: h, floorY }) => {
    const horizon = floorY - h * 0.16
    let waves = ''
    for (let i = 0; i < 7; i++) {
      const y = horizon + ((floorY - horizon) * (i + 0.5)) / 7
      waves += `<path d="M0 ${f(y)} Q ${f(w * 0.25)} ${f(y - 4)} ${f(w * 0.5)} ${f(y)} T ${w} ${f(y)}" stroke="#ffffff" stroke-opacity="${(0.15 + i * 0.04).toFixed(2)}" stroke-width="${2 + i * 0.5}" fill="none"/>`
    }
    return `<defs>${linear('sky', [[0, mix('#6fb7de', s.palette[0]!, 0.2)], [1, '#e8f4f7']])}${linear('sea', [[0, mix('#2f7fa8', s.palette[1]!, 0.2)], [1, '#7cc4d6']])}${linear('sand', [[0, '#f1e0b8'], [1, mix('#e0c48c', s.palette[2]!, 0.2)]])}
      ${radial('sun', [[0, '#fffdf0', 1], [0.25, '#fff3c4', 0.7], [1, '#fff3c4', 0]])}</defs>
      <rect width="${w}" height="${f(horizon + 1)}" fill="url(#sky)"/>
      <circle cx="${f(w * 0.78)}" cy="${f(h * 0.2)}" r="${f(w * 0.28)}" fill="url(#sun)"/>
      <ellipse cx="${f(w * 0.25)}" cy="${f(h * 0.16)}" rx="${f(w * 0.16)}" ry="${f(h * 0.025)}" fill="#ffffff" opacity="0.6"/>
      <ellipse cx="${f(w * 0.32)}" cy="${f(h * 0.14)}" rx="${f(w * 0.09)}" ry="${f(h * 0.03)}" fill="#ffffff" opacity="0.6"/>
      <rect x="0" y="${f(horizon)}" width="${w}" height="${f(floorY - horizon)}" fill="url(#sea)"/>${waves}
      <path d="M0 ${f(floorY)} Q ${f(w * 0.3)} ${f(floorY - h * 0.015)} ${f(w * 0.6)} ${f(floorY)} T ${w} ${f(floorY)} V ${h} H 0 Z" fill="url(#sand)"/>
      <path d="M0 ${f(floorY)} Q ${f(w * 0.3)} ${f(floorY - h * 0.015)} ${f(w * 0.6)} ${f(floorY)} T ${w} ${f(floorY)}" stroke="#ffffff" stroke-width="${f(h * 0.008)}" stroke-opacity="0.8" fill="none"/>`
  },

  cafe: (s, { width: w, height: h, floorY, rand }) => {
    const panelTop = floorY - h * 0.2
    let panel = ''
    for (let x = w * 0.03; x < w; x += w * 0.09) panel += `<rect x="${f(x)}" y="${f(panelTop + h * 0.03)}" width="${f(w * 0.07)}" height="${f(h * 0.14)}" fill="#000" opacity="0.1" rx="3"/>`
    let planks = ''
    for (let i = 1; i < 9; i++) {
      const y = floorY + (h - floorY) * Math.pow(i / 9, 1.4)
      planks += `<line x1="0" y1="${f(y)}" x2="${w}" y2="${f(y)}" stroke="#3b2718" stroke-opacity="0.25" stroke-width="2"/>`
    }
    let shelf = ''
    const shelfY = h * 0.3
    for (const sx of [w * 0.04, w * 0.72]) {
      shelf += `<rect x="${f(sx)}" y="${f(shelfY)}" width="${f(w * 0.24)}" height="${f(h * 0.012)}" fill="#6b4a35"/>`
      for (let j = 0; j < 4; j++) {
        const jx = sx + w * 0.02 + j * w * 0.055
        const jh = h * (0.04 + rand() * 0.04)
        shelf += `<rect x="${f(jx)}" y="${f(shelfY - jh)}" width="${f(w * 0.04)}" height="${f(jh)}" rx="4" fill="${s.palette[j % 3]!}" opacity="0.85"/>`
      }
    }
    let lamps = ''
    for (const lx of [w * 0.25, w * 0.75]) {
      lamps += `<line x1="${f(lx)}" y1="0" x2="${f(lx)}" y2="${f(h * 0.12)}" stroke="#2b2b2b" stroke-width="2"/>
        <circle cx="${f(lx)}" cy="${f(h * 0.16)}" r="${f(w * 0.16)}" fill="url(#glow)"/>
        <path d="M${f(lx - w * 0.05)} ${f(h * 0.16)} Q ${f(lx)} ${f(h * 0.09)} ${f(lx + w * 0.05)} ${f(h * 0.16)} Z" fill="#2f3a33"/>`
    }
    return `<defs>${linear('wall', [[0, mix('#d8c0a4', s.palette[0]!, 0.2)], [1, mix('#c9a988', s.palette[0]!, 0.2)]])}${linear('wood', [[0, '#9a6a45'], [1, '#6a4530']])}
      ${radial('glow', [[0, '#ffe2a8', 0.75], [1, '#ffe2a8', 0]])}</defs>
      <rect width="${w}" height="${f(floorY)}" fill="url(#wall)"/>
      <path d="M${f(w * 0.55)} 0 L${f(w * 0.8)} 0 L${f(w * 0.68)} ${f(panelTop)} L${f(w * 0.4)} ${f(panelTop)} Z" fill="#fff6e0" opacity="0.18"/>
      ${shelf}<rect x="0" y="${f(panelTop)}" width="${w}" height="${f(floorY - panelTop)}" fill="#7c5238"/>${panel}
      <rect x="0" y="${f(panelTop)}" width="${w}" height="${f(h * 0.01)}" fill="#5a3a27"/>
      <rect x="0" y="${f(floorY)}" width="${w}" height="${f(h - floorY)}" fill="url(#wood)"/>${planks}${lamps}`
  },

  loft: (s, { width: w, height: h, floorY, rand }) => {
    const bw = w / 12
    const bh = h / 30
    let bricks = ''
    for (let r = 0; r * bh < floorY; r++) {
      const off = r % 2 ? -bw / 2 : 0
      for (let c = 0; c * bw + off < w; c++) {
        const col = mix(mix('#a65a3f', s.palette[0]!, 0.15), rand() < 0.5 ? '#7d3f2b' : '#c07a5a', rand() * 0.4)
        bricks += `<rect x="${f(c * bw + off + 2)}" y="${f(r * bh + 2)}" width="${f(bw - 4)}" height="${f(bh - 4)}" fill="${col}"/>`
      }
    }
    const winX = w * 0.62
    return `<defs>${linear('conc', [[0, '#a29d97'], [1, '#716c67']])}${linear('win', [[0, '#f4f7fa'], [1, '#d5dde4']])}
      ${radial('spill', [[0, '#ffffff', 0.35], [1, '#ffffff', 0]])}</defs>
      <rect width="${w}" height="${f(floorY)}" fill="#cdbfb2"/>${bricks}
      <rect x="${f(winX)}" y="${f(h * 0.08)}" width="${f(w * 0.3)}" height="${f(floorY - h * 0.16)}" fill="#2b2b2b"/>
      <rect x="${f(winX + 6)}" y="${f(h * 0.08 + 6)}" width="${f(w * 0.3 - 12)}" height="${f(floorY - h * 0.16 - 12)}" fill="url(#win)"/>
      <line x1="${f(winX + w * 0.15)}" y1="${f(h * 0.08)}" x2="${f(winX + w * 0.15)}" y2="${f(floorY - h * 0.08)}" stroke="#2b2b2b" stroke-width="6"/>
      <line x1="${f(winX)}" y1="${f(h * 0.38)}" x2="${f(winX + w * 0.3)}" y2="${f(h * 0.38)}" stroke="#2b2b2b" stroke-width="6"/>
      <circle cx="${f(winX + w * 0.15)}" cy="${f(floorY)}" r="${f(w * 0.45)}" fill="url(#spill)"/>
      <rect x="0" y="${f(floorY)}" width="${w}" height="${f(h - floorY)}" fill="url(#conc)"/>
      <path d="M${f(w * 0.08)} ${f(floorY + h * 0.02)} l${f(w * 0.03)} ${f(-h * 0.09)} h${f(w * 0.08)} l${f(w * 0.03)} ${f(h * 0.09)} Z" fill="#e9e4dc"/>
      <ellipse cx="${f(w * 0.15)}" cy="${f(floorY - h * 0.13)}" rx="${f(w * 0.05)}" ry="${f(h * 0.07)}" fill="#4f7d3f"/>
      <ellipse cx="${f(w * 0.12)}" cy="${f(floorY - h * 0.17)}" rx="${f(w * 0.035)}" ry="${f(h * 0.06)}" fill="#5f9150" transform="rotate(-20 ${f(w * 0.12)} ${f(floorY - h * 0.17)})"/>
      <ellipse cx="${f(w * 0.18)}" cy="${f(floorY - h * 0.18)}" rx="${f(w * 0.03)}" ry="${f(h * 0.065)}" fill="#3f6e34" transform="rotate(18 ${f(w * 0.18)} ${f(floorY - h * 0.18)})"/>`
  },

  night: (s, { width: w, height: h, floorY, rand }) => {
    let skyline = `M0 ${f(floorY)}`
    let x = 0
    while (x < w) {
      const top = floorY - h * (0.08 + rand() * 0.25)
      const bw = w * (0.05 + rand() * 0.08)
      skyline += ` V ${f(top)} H ${f(x + bw)}`
      x += bw
    }
    skyline += ` V ${f(floorY)} Z`
    let bokeh = ''
    for (let i = 0; i < 34; i++) {
      bokeh += `<circle cx="${f(rand() * w)}" cy="${f(h * (0.08 + rand() * 0.55))}" r="${f(w * (0.015 + rand() * 0.05))}" fill="${s.palette[i % 3]!}" opacity="${(0.18 + rand() * 0.35).toFixed(2)}"/>`
    }
    let streaks = ''
    for (let i = 0; i < 14; i++) {
      const sx = rand() * w
      streaks += `<rect x="${f(sx)}" y="${f(floorY)}" width="${f(w * (0.006 + rand() * 0.02))}" height="${f((h - floorY) * (0.4 + rand() * 0.6))}" fill="${s.palette[i % 3]!}" opacity="0.16"/>`
    }
    return `<defs>${linear('sky', [[0, '#0b1026'], [1, '#2b1f4d']])}${linear('wet', [[0, '#1d1a33'], [1, '#0c0b16']])}</defs>
      <rect width="${w}" height="${h}" fill="url(#sky)"/>${bokeh}<path d="${skyline}" fill="#141328"/>
      <rect x="0" y="${f(floorY)}" width="${w}" height="${f(h - floorY)}" fill="url(#wet)"/>${streaks}`
  },

  pastel: (s, { width: w, height: h, floorY, subjectX }) => {
    const archW = w * 0.52
    const archX = Math.min(Math.max(subjectX - archW / 2, w * 0.04), w * 0.96 - archW)
    const archTop = h * 0.12
    const podX = subjectX < w / 2 ? w * 0.8 : w * 0.2
    return `<defs>${linear('wall', [[0, mix(s.palette[0]!, '#ffffff', 0.35)], [1, s.palette[0]!]])}${linear('floor', [[0, mix(s.palette[0]!, '#000000', 0.06)], [1, mix(s.palette[0]!, '#ffffff', 0.2)]])}
      ${linear('pod', [[0, mix(s.palette[2]!, '#ffffff', 0.3)], [1, mix(s.palette[2]!, '#000000', 0.12)]], false)}</defs>
      <rect width="${w}" height="${f(floorY)}" fill="url(#wall)"/>
      <path d="M${f(archX)} ${f(floorY)} V ${f(archTop + archW / 2)} A ${f(archW / 2)} ${f(archW / 2)} 0 0 1 ${f(archX + archW)} ${f(archTop + archW / 2)} V ${f(floorY)} Z" fill="${mix(s.palette[1]!, '#ffffff', 0.15)}"/>
      <rect x="0" y="${f(floorY)}" width="${w}" height="${f(h - floorY)}" fill="url(#floor)"/>
      <rect x="${f(podX - w * 0.1)}" y="${f(floorY - h * 0.1)}" width="${f(w * 0.2)}" height="${f(h * 0.12)}" fill="url(#pod)"/>
      <ellipse cx="${f(podX)}" cy="${f(floorY - h * 0.1)}" rx="${f(w * 0.1)}" ry="${f(h * 0.022)}" fill="${mix(s.palette[2]!, '#ffffff', 0.45)}"/>
      <ellipse cx="${f(podX)}" cy="${f(floorY + h * 0.02)}" rx="${f(w * 0.1)}" ry="${f(h * 0.022)}" fill="url(#pod)"/>
      <circle cx="${f(podX + w * 0.02)}" cy="${f(floorY - h * 0.1 - w * 0.045)}" r="${f(w * 0.045)}" fill="${mix(s.palette[1]!, '#000000', 0.05)}"/>`
  },
}

/** The lighting pass shared by every backdrop: tint, key-light spot behind the subject, side light, vignette. */
function lightingSvg(style: SceneStyle, { width: w, height: h, floorY, subjectX, mirrorLight, contactShadows }: BackdropLayout): string {
  const p = LIGHT_PRESETS[style.light]
  const side = mirrorLight ? -p.direction : p.direction
  const contacts = (contactShadows ?? [])
    .map((c) => `<ellipse cx="${f(c.cx)}" cy="${f(c.cy)}" rx="${f(c.rx)}" ry="${f(c.ry)}" fill="url(#contact)" opacity="${c.opacity.toFixed(2)}"/>`)
    .join('')
  const sideStops: Array<[number, string, number?]> =
    side <= 0 ? [[0, '#ffffff', 0.18 * -side], [0.6, '#ffffff', 0], [1, '#000000', 0.2 * -side]] : [[0, '#000000', 0.2 * side], [0.4, '#ffffff', 0], [1, '#ffffff', 0.18 * side]]
  return `<defs>${radial('spot', [[0, '#ffffff', p.spot], [1, '#ffffff', 0]])}${linear('side', sideStops, false)}
    ${radial('vig', [[0.55, '#000000', 0], [1, '#000000', p.vignette]], 0.5, 0.5, 0.75)}
    ${radial('contact', [[0, '#000000', 0.55], [0.6, '#000000', 0.25], [1, '#000000', 0]])}</defs>${contacts}
    <ellipse cx="${f(subjectX)}" cy="${f(floorY * 0.6)}" rx="${f(w * 0.45)}" ry="${f(h * 0.42)}" fill="url(#spot)"/>
    <rect width="${w}" height="${h}" fill="url(#side)"/>
    <rect width="${w}" height="${h}" fill="${p.tint}" opacity="${p.tintOpacity}"/>
    <rect width="${w}" height="${h}" fill="url(#vig)"/>`
}

const OUTDOOR: ReadonlySet<Backdrop> = new Set(['garden', 'street', 'beach', 'night', 'loft', 'cafe'])

/** Full SVG document for a backdrop; `scale` < 1 renders fewer pixels for the same drawing. */
export function backdropSvg(style: SceneStyle, layout: BackdropLayout, scale = 1): string {
  const { width: w, height: h } = layout
  const body = PAINTERS[style.backdrop](style, layout)
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(w * scale)}" height="${Math.round(h * scale)}" viewBox="0 0 ${w} ${h}">${body}${lightingSvg(style, layout)}</svg>`
}

/**
 * A backdrop as a sharp pipeline at full size, not yet encoded: callers add their layers with
 * `.composite()` so the upscale, compositing and encoding run as one libvips pass. Busy backdrops get a
 * slight blur: a shallow depth of field keeps the garment the sharpest thing in the frame.
 */
export async function renderBackdrop(style: SceneStyle, layout: BackdropLayout): Promise<Sharp> {
  const scale = 0.5
  // NOTE: rasterise first, resize in a second pipeline: given an SVG input plus a resize, sharp renders the
  // vector at the target size, which would defeat drawing at half resolution.
  const small = await sharp(Buffer.from(backdropSvg(style, layout, scale))).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  let img = sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: 3 } })
  if (OUTDOOR.has(style.backdrop)) img = sharp(await img.blur(1.4).raw().toBuffer(), { raw: { width: small.info.width, height: small.info.height, channels: 3 } })
  return img.resize(layout.width, layout.height, { fit: 'fill', kernel: 'linear' })
}

/** A scene's thumbnail (used to seed the scenes collection): the backdrop alone. Example: `renderSceneThumbnail({ backdrop: 'garden' }, { width: 480, height: 640 })`. */
export async function renderSceneThumbnail(
  parameters: Record<string, unknown>,
  size: { width: number; height: number },
  format: 'jpeg' | 'png' = 'jpeg',
): Promise<Buffer> {
  const style = resolveSceneStyle(parameters)
  const layout: BackdropLayout = {
    width: size.width,
    height: size.height,
    floorY: Math.round(size.height * 0.74),
    subjectX: size.width / 2,
    rand: createSeededRandom(JSON.stringify(style)),
  }
  const img = sharp(Buffer.from(backdropSvg(style, layout))).removeAlpha()
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 84, mozjpeg: true }).toBuffer()
}
