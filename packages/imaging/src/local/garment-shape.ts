/**
 * A cut-out garment made presentable before it is placed: the hanger it was photographed on taken off, and the
 * garment stood upright. Phone photos of a flat-lay are rarely square to the garment (a few degrees either way),
 * and a tilted T-shirt in a packshot, on a rail or on a model looks like a mistake, not like a photo.
 */
import sharp from 'sharp'
import { subjectOf, trimSubject, type Subject } from './cutout'

/** Opaque extent of row y: first and last column with alpha > 128, or null when the row is empty. */
function rowExtent(s: Subject, y: number): { min: number; max: number } | null {
  let min = -1
  let max = -1
  for (let x = 0, i = y * s.width * 4 + 3; x < s.width; x++, i += 4) {
    if (s.data[i]! > 128) {
      if (min < 0) min = x
      max = x
    }
  }
  return min < 0 ? null : { min, max }
}

/**
 * The garment's lean in degrees (positive: its bottom is right of its top), from the centre line of the rows
 * between 35 % and 92 % of its height — below any sleeves, so a symmetric garment's row midpoints lie on its
 * axis whatever its outline. 0 when the fit is too loose to trust (an asymmetric garment).
 */
export function garmentTilt(s: Subject): number {
  const t = trimSubject(s)
  const pts: Array<[number, number]> = []
  for (let y = Math.floor(t.height * 0.35); y <= Math.floor(t.height * 0.92); y++) {
    const r = rowExtent(t, y)
    if (r) pts.push([y, (r.min + r.max) / 2])
  }
  if (pts.length < 10) return 0
  const my = pts.reduce((a, p) => a + p[0], 0) / pts.length
  const mx = pts.reduce((a, p) => a + p[1], 0) / pts.length
  let sxy = 0
  let syy = 0
  for (const [y, x] of pts) (sxy += (y - my) * (x - mx)), (syy += (y - my) ** 2)
  const slope = syy ? sxy / syy : 0
  let res = 0
  for (const [y, x] of pts) res += (x - mx - slope * (y - my)) ** 2
  const rms = Math.sqrt(res / pts.length)
  if (rms > t.width * 0.03) return 0
  return (Math.atan(slope) * 180) / Math.PI
}

/** Rotates the garment upright when it leans 1°–15° (more is a deliberate pose, less is noise), trimmed. */
export async function uprightGarment(s: Subject): Promise<Subject> {
  const tilt = garmentTilt(s)
  const t = trimSubject(s)
  if (Math.abs(tilt) < 1 || Math.abs(tilt) > 15) return t
  // sharp rotates clockwise for a positive angle: a garment whose bottom leans right turns back clockwise.
  const { data, info } = await sharp(t.data, { raw: { width: t.width, height: t.height, channels: 4 } })
    .rotate(tilt, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return trimSubject(subjectOf(data, info.width, info.height, t.backgroundFraction))
}

/**
 * Takes the hanger off a garment photographed on one: from the top, a hook and a bar wider than what hangs from
 * it, then the garment narrower than the bar. The rows above the first one under 72 % of the widest row so far
 * (within the top quarter of the height) are the hanger and go. A garment without a hanger widens downwards from
 * its collar or waistband there and is left as it is.
 */
export function stripHanger(s: Subject): Subject {
  const t = trimSubject(s)
  const limit = Math.floor(t.height * 0.25)
  const widths: number[] = []
  for (let y = 0; y <= limit; y++) {
    const r = rowExtent(t, y)
    widths.push(r ? r.max - r.min + 1 : 0)
  }
  // Smoothed over 3 rows: one ragged row of a soft edge is not a narrowing.
  const w = (y: number) => (widths[Math.max(0, y - 1)]! + widths[y]! + widths[Math.min(limit, y + 1)]!) / 3
  let widest = 0
  for (let y = 0; y <= limit; y++) {
    const wy = w(y)
    if (widest > t.width * 0.5 && y >= 3 && wy < widest * 0.72) {
      const cut = Math.min(t.height - 1, y + 1)
      const out = Buffer.from(t.data)
      out.fill(0, 0, cut * t.width * 4)
      return trimSubject(subjectOf(out, t.width, t.height, t.backgroundFraction))
    }
    widest = Math.max(widest, wy)
  }
  return t
}

/** Both: what a garment cut-out is before a packshot, a scene or a try-on uses it. */
export async function presentGarment(s: Subject): Promise<Subject> {
  return uprightGarment(stripHanger(s))
}
