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
  const rows: Array<{ width: number; min: number; max: number }> = []
  for (let y = top; y < top + height; y++) rows.push(rowWidth(y))
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
  const opaque = (x: number) => s.data[(midY * s.width + x) * 4 + 3]! > 128
  let torsoWidth = shoulderWidth * 0.75
  if (opaque(cx)) {
    let a = cx
    let b = cx
    while (a > left && opaque(a - 1)) a--
    while (b < left + width - 1 && opaque(b + 1)) b++
    torsoWidth = b - a + 1
  }
  return { neckY: top + neckI, shoulderY: top + shoulderI, hipY, centerX, shoulderWidth, torsoWidth }
}
