/**
 * Where the torso is in a person photo: from the subject mask, the narrowest row below the head is the
 * neck, the shoulders are where the silhouette widens again, and the torso is the band from there to about
 * the hips. Crude on purpose: it needs a front-facing full-body photo on a plain background, which is what
 * the try-on page asks the user for.
 */
import type { Subject } from './cutout'

export interface TorsoRegion {
  neckY: number
  shoulderY: number
  hipY: number
  centerX: number
  /** Silhouette width at the shoulder row (arms included when they touch). */
  shoulderWidth: number
  /** Width of the body alone at mid-torso: the opaque run through the centre line, arms excluded when apart. */
  torsoWidth: number
}

export function estimateTorso(s: Subject): TorsoRegion {
  const { left, top, width, height } = s.bbox
  const rowWidth = (y: number): { width: number; min: number; max: number } => {
    let min = -1
    let max = -1
    for (let x = left; x < left + width; x++) {
      if (s.data[(y * s.width + x) * 4 + 3]! > 128) {
        if (min < 0) min = x
        max = x
      }
    }
    return { width: min < 0 ? 0 : max - min + 1, min, max }
  }
  // The run through the centre column that stops at the silhouette or at a sharp colour edge: long hair falling
  // beside the neck made every row from the chin to the shoulders as wide as the hair, so no neck was found and the
  // garment was sized from guesses (a T-shirt two sizes small on the female figures).
  const cx0 = Math.round(left + width / 2)
  const centreRun = (y: number): { width: number; min: number; max: number } => {
    const at = (x: number) => (y * s.width + x) * 4
    if (s.data[at(cx0) + 3]! <= 128) return rowWidth(y)
    const like = (i: number, j: number) => s.data[j + 3]! > 128 && Math.abs(s.data[i]! - s.data[j]!) + Math.abs(s.data[i + 1]! - s.data[j + 1]!) + Math.abs(s.data[i + 2]! - s.data[j + 2]!) < 60
    // Steps over small features (an eye, the mouth, a button: up to 8 px) back onto the same colour.
    const step = (x: number, d: number): number => {
      for (let k = 1; k <= 8; k++) {
        const xk = x + d * k
        if (xk < left || xk > left + width - 1) return 0
        if (like(at(x), at(xk))) return k
      }
      return 0
    }
    let a = cx0
    let b = cx0
    for (let k = step(a, -1); k > 0; k = step(a, -1)) a -= k
    for (let k = step(b, 1); k > 0; k = step(b, 1)) b += k
    return { width: b - a + 1, min: a, max: b }
  }
  let rows: Array<{ width: number; min: number; max: number }> = []
  for (let y = top; y < top + height; y++) rows.push(rowWidth(y))
  {
    // No narrow neck in the silhouette (its narrowest row under the head is more than half as wide as the
    // shoulders' band): hair hides it. Then the centre runs show it, where narrower than the silhouette.
    let narrow = Infinity
    for (let i = Math.floor(height * 0.08); i <= Math.floor(height * 0.28); i++) if (rows[i]!.width > 0) narrow = Math.min(narrow, rows[i]!.width)
    let band = 0
    for (let i = Math.floor(height * 0.2); i <= Math.floor(height * 0.35); i++) band = Math.max(band, rows[i]!.width)
    if (narrow > band * 0.5) {
      rows = rows.map((r, i) => {
        const c = centreRun(top + i)
        return c.width >= 3 && c.width < r.width * 0.7 ? c : r
      })
    }
  }
  const smooth = (i: number) => {
    let sum = 0
    let k = 0
    for (let j = Math.max(0, i - 2); j <= Math.min(rows.length - 1, i + 2); j++) (sum += rows[j]!.width), k++
    return sum / k
  }

  const fallback: TorsoRegion = {
    neckY: top + height * 0.15,
    shoulderY: top + height * 0.19,
    hipY: top + height * 0.52,
    centerX: left + width / 2,
    shoulderWidth: width * 0.6,
    torsoWidth: width * 0.45,
  }
  if (height < 20 || width < 10) return fallback

  // The neck: the narrowest row between 8 % and 28 % of the height, below a head that is itself narrower
  // than the shoulders.
  let neckI = -1
  let neckW = Infinity
  for (let i = Math.floor(height * 0.08); i <= Math.floor(height * 0.28); i++) {
    const wv = smooth(i)
    if (wv > 0 && wv < neckW) (neckW = wv), (neckI = i)
  }
  if (neckI < 0) return fallback
  let shoulderI = -1
  for (let i = neckI; i <= Math.min(rows.length - 1, neckI + Math.floor(height * 0.12)); i++) {
    if (smooth(i) >= neckW * 1.8) {
      shoulderI = i
      break
    }
  }
  if (shoulderI < 0) return { ...fallback, neckY: top + neckI, shoulderY: top + neckI + height * 0.04 }
  let shoulderWidth = 0
  let centerX = left + width / 2
  for (let i = shoulderI; i <= Math.min(rows.length - 1, shoulderI + Math.floor(height * 0.05)); i++) {
    const r = rows[i]!
    if (r.width > shoulderWidth) (shoulderWidth = r.width), (centerX = (r.min + r.max) / 2)
  }
  const hipY = top + height * 0.52
  const midY = Math.round(top + shoulderI + (hipY - top - shoulderI) * 0.35)
  const cx = Math.round(centerX)
  // The run stops at the edge of the silhouette, or where the colour changes sharply: an arm resting against the
  // body (skin against a top) is not torso, and a garment sized to the run with the arms in it came out a size
  // or two too big.
  const at = (x: number) => (midY * s.width + x) * 4
  const c0 = at(cx)
  const same = (x: number) => {
    const i = at(x)
    return s.data[i + 3]! > 128 && Math.hypot(s.data[i]! - s.data[c0]!, s.data[i + 1]! - s.data[c0 + 1]!, s.data[i + 2]! - s.data[c0 + 2]!) < 60
  }
  let torsoWidth = shoulderWidth * 0.75
  if (same(cx)) {
    let a = cx
    let b = cx
    while (a > left && same(a - 1)) a--
    while (b < left + width - 1 && same(b + 1)) b++
    torsoWidth = b - a + 1
  }
  return { neckY: top + neckI, shoulderY: top + shoulderI, hipY, centerX, shoulderWidth, torsoWidth }
}
