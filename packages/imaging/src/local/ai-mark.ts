/**
 * The visible "AI生成" label every generated image carries.
 * NOTE: drawn as stroked SVG paths, not <text>: this machine (and a cloud function image) may have no CJK
 * font, and librsvg would then render 生成 as tofu boxes. Paths render identically everywhere.
 */
import sharp, { type OverlayOptions } from 'sharp'

/** Glyph strokes on a 100×100 em box (y down), stroke-drawn with round caps; stroke width is in em units too. */
const GLYPHS: Record<'A' | 'I' | '生' | '成', { advance: number; d: string }> = {
  A: { advance: 72, d: 'M6 94 L36 8 L66 94 M17 64 L55 64' },
  I: { advance: 30, d: 'M15 8 L15 94' },
  // 生: the left-falling stroke, two short horizontals, the long bottom horizontal and the vertical.
  生: { advance: 104, d: 'M30 6 Q26 22 12 40 M24 28 L86 28 M20 58 L82 58 M8 92 L94 92 M51 6 L51 92' },
  // 成: top horizontal with its long left-falling stroke, the inner 横折钩, the slanted hook, the crossing
  // left-falling stroke and the dot.
  成: {
    advance: 104,
    d: 'M20 30 L92 30 M20 30 L20 62 Q19 82 6 96 M22 56 L44 56 L43 78 Q42 86 34 84 M56 6 Q58 58 96 94 L96 80 M84 46 Q72 72 50 92 M72 8 L84 18',
  },
}

const TEXT = ['A', 'I', '生', '成'] as const

/** SVG of the label at a given cap height (px): a translucent dark pill with white strokes. */
export function aiMarkSvg(capHeight: number): string {
  const k = capHeight / 100
  const padX = capHeight * 0.55
  const padY = capHeight * 0.42
  const gap = 10
  let x = 0
  let paths = ''
  for (const ch of TEXT) {
    const g = GLYPHS[ch]
    paths += `<path transform="translate(${(padX + x * k).toFixed(2)} ${padY.toFixed(2)}) scale(${k.toFixed(4)})" d="${g.d}"/>`
    x += g.advance + gap + (ch === 'I' ? 14 : 0)
  }
  const width = Math.ceil(padX * 2 + (x - gap) * k)
  const height = Math.ceil(capHeight + padY * 2)
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect x="0" y="0" width="${width}" height="${height}" rx="${(height / 2).toFixed(1)}" fill="#000000" fill-opacity="0.42"/>
    <g fill="none" stroke="#ffffff" stroke-opacity="0.95" stroke-width="11" stroke-linecap="round" stroke-linejoin="round">${paths}</g></svg>`
}

const cache = new Map<number, Promise<{ input: Buffer; width: number; height: number }>>()

/** The label as a PNG sized for an image whose long side is `longSide` px (cached per size). */
export function renderAiMark(longSide: number): Promise<{ input: Buffer; width: number; height: number }> {
  const cap = Math.max(12, Math.round(longSide * 0.024))
  let hit = cache.get(cap)
  if (!hit) {
    hit = sharp(Buffer.from(aiMarkSvg(cap)))
      .png()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => ({ input: data, width: info.width, height: info.height }))
    cache.set(cap, hit)
  }
  return hit
}

/**
 * The implicit label that travels with the file (China's rules for AI-generated content ask for an explicit,
 * visible mark AND one in the file's metadata): EXIF ImageDescription/Software on every JPEG we produce.
 */
export const AIGC_EXIF = {
  IFD0: {
    ImageDescription: 'AIGC: AI-generated image (AI生成) by AI Photographer',
    Software: 'AI Photographer',
  },
} as const

/** Where the label goes: bottom-right corner with a margin proportional to the image. */
export async function aiMarkOverlay(width: number, height: number): Promise<OverlayOptions> {
  const mark = await renderAiMark(Math.max(width, height))
  const margin = Math.round(Math.max(width, height) * 0.022)
  return { input: mark.input, left: width - mark.width - margin, top: height - mark.height - margin }
}

/** Stamps the label on any image (a remote provider's result) and re-encodes it as JPEG. */
export async function addAiMark(bytes: Buffer): Promise<{ bytes: Buffer; contentType: string }> {
  const img = sharp(bytes).rotate()
  const meta = await img.metadata()
  // Orientation 5–8 swaps width and height once auto-rotated.
  const swap = (meta.orientation ?? 1) >= 5
  const width = (swap ? meta.height : meta.width) ?? 0
  const height = (swap ? meta.width : meta.height) ?? 0
  if (!width || !height) throw new Error('not an image')
  const out = await sharp(await img.toBuffer())
    .flatten({ background: '#ffffff' })
    .composite([await aiMarkOverlay(width, height)])
    .withExif(AIGC_EXIF)
    .jpeg({ quality: 90 })
    .toBuffer()
  return { bytes: out, contentType: 'image/jpeg' }
}
