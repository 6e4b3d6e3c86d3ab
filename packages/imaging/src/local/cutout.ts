/**
 * Cuts a subject (a garment flat-lay, a person) out of a plain background: the background colour is read
 * from the image border, everything connected to the border within a tolerance of that colour is flooded
 * as background, and the mask edge is softened. Interior regions of background colour (a white print on a
 * shirt) stay opaque because they are not connected to the border.
 */
import sharp from 'sharp'

export interface Subject {
  /** RGBA pixels, width × height × 4. */
  data: Buffer
  width: number
  height: number
  /** Bounding box of the opaque pixels (alpha > 16) in this image. */
  bbox: { left: number; top: number; width: number; height: number }
  /** Fraction of pixels flooded as background (0 when the image already had transparency or no plain border). */
  backgroundFraction: number
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

/** Solves the 6×6 normal equations a·k = b in place (Gaussian elimination with partial pivoting). */
function solve6(a: number[][], b: number[]): number[] {
  const m = 6
  for (let c = 0; c < m; c++) {
    let piv = c
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r
    ;[a[c], a[piv]] = [a[piv]!, a[c]!]
    ;[b[c], b[piv]] = [b[piv]!, b[c]!]
    const d = a[c]![c]!
    if (Math.abs(d) < 1e-12) continue
    for (let r = c + 1; r < m; r++) {
      const f = a[r]![c]! / d
      for (let k = c; k < m; k++) a[r]![k]! -= f * a[c]![k]!
      b[r]! -= f * b[c]!
    }
  }
  const k = new Array<number>(m).fill(0)
  for (let r = m - 1; r >= 0; r--) {
    let sum = b[r]!
    for (let c = r + 1; c < m; c++) sum -= a[r]![c]! * k[c]!
    k[r] = Math.abs(a[r]![r]!) < 1e-12 ? 0 : sum / a[r]![r]!
  }
  return k
}

/**
 * The backdrop colour expected at each pixel (RGB floats, w × h × 3): per channel a quadratic surface
 * k0 + k1·x + k2·y + k3·x² + k4·y² + k5·xy fitted to the border pixels, refitted once without the 20 % that
 * fit worst (a sleeve or a hanger touching the edge). Falls back to the border median when the fit is unusable.
 */
function fitBackdrop(data: Buffer, border: number[], w: number, h: number): Float32Array {
  const terms = (p: number) => {
    const x = (p % w) / Math.max(1, w - 1)
    const y = Math.floor(p / w) / Math.max(1, h - 1)
    return [1, x, y, x * x, y * y, x * y]
  }
  const fit = (points: number[]) =>
    [0, 1, 2].map((c) => {
      const a = Array.from({ length: 6 }, () => new Array<number>(6).fill(0))
      const b = new Array<number>(6).fill(0)
      for (const p of points) {
        const t = terms(p)
        const v = data[p * 4 + c]!
        for (let i = 0; i < 6; i++) {
          b[i]! += t[i]! * v
          for (let j = 0; j < 6; j++) a[i]![j]! += t[i]! * t[j]!
        }
      }
      return solve6(a, b)
    })
  const predict = (k: number[][], p: number, c: number) => {
    const t = terms(p)
    let v = 0
    for (let i = 0; i < 6; i++) v += k[c]![i]! * t[i]!
    return v
  }
  let k = fit(border)
  const residual = (p: number) => Math.abs(data[p * 4]! - predict(k, p, 0)) + Math.abs(data[p * 4 + 1]! - predict(k, p, 1)) + Math.abs(data[p * 4 + 2]! - predict(k, p, 2))
  const ranked = border.map((p) => [p, residual(p)] as const).sort((x, y) => x[1] - y[1])
  k = fit(ranked.slice(0, Math.max(12, Math.floor(ranked.length * 0.8))).map(([p]) => p))
  const out = new Float32Array(w * h * 3)
  const medians = [0, 1, 2].map((c) => median(border.map((p) => data[p * 4 + c]!)))
  const usable = k.every((row) => row.every(Number.isFinite))
  for (let y = 0; y < h; y++) {
    const fy = y / Math.max(1, h - 1)
    for (let x = 0; x < w; x++) {
      const fx = x / Math.max(1, w - 1)
      const p = y * w + x
      for (let c = 0; c < 3; c++) {
        const r = k[c]!
        const v = usable ? r[0]! + r[1]! * fx + r[2]! * fy + r[3]! * fx * fx + r[4]! * fy * fy + r[5]! * fx * fy : medians[c]!
        out[p * 3 + c] = Math.max(0, Math.min(255, v))
      }
    }
  }
  return out
}

/**
 * Clears opaque islands far smaller than the subject: a label or watermark in a corner (the AI mark of an earlier
 * step's output), a crumb on the sheet. The subject and everything attached to it is one component; islands
 * under 8 % of the largest one go.
 */
function dropSpecks(mask: Buffer, w: number, h: number): void {
  const n = w * h
  const label = new Int32Array(n).fill(-1)
  const sizes: number[] = []
  const stack = new Int32Array(n)
  for (let start = 0; start < n; start++) {
    if (mask[start] === 0 || label[start] !== -1) continue
    const id = sizes.length
    let size = 0
    let sp = 0
    stack[sp++] = start
    label[start] = id
    while (sp > 0) {
      const p = stack[--sp]!
      size++
      const x = p % w
      const push = (q: number) => {
        if (mask[q] !== 0 && label[q] === -1) {
          label[q] = id
          stack[sp++] = q
        }
      }
      if (x > 0) push(p - 1)
      if (x < w - 1) push(p + 1)
      if (p >= w) push(p - w)
      if (p < n - w) push(p + w)
    }
    sizes.push(size)
  }
  if (sizes.length < 2) return
  const keep = Math.max(...sizes) * 0.08
  for (let p = 0; p < n; p++) {
    const id = label[p]!
    if (id >= 0 && sizes[id]! < keep) mask[p] = 0
  }
}

/**
 * Standard deviation of the luminance in each pixel's 5×5 window (clamped at the image edge), from box sums of
 * the luminance and its square. 5 × 5: the white between a shirt's stripes is a channel a few pixels wide, and a
 * 3 × 3 window in the middle of it saw no stripe.
 */
function localRoughness(data: Buffer, w: number, h: number): Float32Array {
  const n = w * h
  const r = 2
  const lum = new Float32Array(n)
  for (let p = 0, i = 0; p < n; p++, i += 4) lum[p] = data[i]! * 0.299 + data[i + 1]! * 0.587 + data[i + 2]! * 0.114
  // Horizontal box sums, then vertical ones.
  const hs = new Float32Array(n)
  const hs2 = new Float32Array(n)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0
      let s2 = 0
      for (let d = -r; d <= r; d++) {
        const v = lum[y * w + Math.max(0, Math.min(w - 1, x + d))]!
        s += v
        s2 += v * v
      }
      hs[y * w + x] = s
      hs2[y * w + x] = s2
    }
  }
  const out = new Float32Array(n)
  const k = (2 * r + 1) ** 2
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0
      let s2 = 0
      for (let d = -r; d <= r; d++) {
        const q = Math.max(0, Math.min(h - 1, y + d)) * w + x
        s += hs[q]!
        s2 += hs2[q]!
      }
      out[y * w + x] = Math.sqrt(Math.max(0, s2 / k - (s / k) ** 2))
    }
  }
  return out
}

/** Extracts the subject at a working size (long side ≤ maxSide). */
export async function extractSubject(input: Buffer, maxSide = 720): Promise<Subject> {
  const { data, info } = await sharp(input)
    .rotate()
    .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  const w = info.width
  const h = info.height
  const n = w * h

  const border: number[] = []
  for (let x = 0; x < w; x++) border.push(x, (h - 1) * w + x)
  for (let y = 1; y < h - 1; y++) border.push(y * w, y * w + w - 1)

  const transparentBorder = border.filter((p) => data[p * 4 + 3]! < 128).length
  let backgroundFraction = 0
  if (transparentBorder < border.length / 2) {
    // The backdrop's expected colour at every pixel: a phone photo is lit from a window, so a sheet or wall is
    // brighter on one side than the other and darker in the corners. A single border median would call the
    // bright patch near the window "subject"; a smooth field fitted to the border follows the light instead.
    const field = fitBackdrop(data, border, w, h)
    const dist = (p: number) => {
      const dr = data[p * 4]! - field[p * 3]!
      const dg = data[p * 4 + 1]! - field[p * 3 + 1]!
      const db = data[p * 4 + 2]! - field[p * 3 + 2]!
      return Math.sqrt(dr * dr + dg * dg + db * db)
    }
    const p80 = (d: number[]) => d.sort((a, b) => a - b)[Math.floor(d.length * 0.8)] ?? 0
    const [r0, g0, b0] = [0, 1, 2].map((c) => median(border.map((p) => data[p * 4 + c]!))) as [number, number, number]
    const spread = p80(border.map((p) => Math.hypot(data[p * 4]! - r0, data[p * 4 + 1]! - g0, data[p * 4 + 2]! - b0)))
    const noise = p80(border.map(dist))
    // A busy border (a scene, not a backdrop) has a large spread around its median colour: then flood nothing,
    // even where a smooth surface happens to fit it. Otherwise the tolerance follows what the light field leaves.
    const tol = spread > 60 ? 0 : Math.min(80, Math.max(24, noise * 1.6 + 14))
    // The border median with its own (wider) tolerance still counts too: a studio backdrop lit in the middle
    // (a radial vignette, as the try-on results have) is brighter inside than any surface fitted to its border.
    const tolMedian = spread > 60 ? 0 : Math.min(80, Math.max(24, spread * 1.6 + 14))
    // Which pixels are background-coloured (squared distance, one tight pass), then the flood over them.
    const near = new Uint8Array(n)
    const tol2 = tol * tol
    const tolMedian2 = tolMedian * tolMedian
    for (let p = 0, i = 0; p < n; p++, i += 4) {
      const dr = data[i]! - field[p * 3]!
      const dg = data[i + 1]! - field[p * 3 + 1]!
      const db = data[i + 2]! - field[p * 3 + 2]!
      const mr = data[i]! - r0
      const mg = data[i + 1]! - g0
      const mb = data[i + 2]! - b0
      if (dr * dr + dg * dg + db * db <= tol2 || mr * mr + mg * mg + mb * mb <= tolMedian2) near[p] = 1
    }
    // Texture gate: the flood also needs the pixel to be as smooth as the backdrop is. A white shirt on a white
    // studio (on_model with a scene cuts the dressed model out of the try-on result) or a white print touching
    // the garment's edge is background-coloured, but stripes, seams and print edges are not smooth: without the
    // gate the flood ran in through them and left a head and legs floating in the scene.
    const rough = localRoughness(data, w, h)
    const roughTol = Math.max(10, p80(border.map((p) => rough[p]!)) * 1.8 + 3)
    for (let p = 0; p < n; p++) if (near[p] && rough[p]! > roughTol) near[p] = 2
    const bg = new Uint8Array(n)
    if (tol > 0) {
      const stack = new Int32Array(n)
      let sp = 0
      for (const p of border) if (near[p] === 1 && !bg[p]) (bg[p] = 1), (stack[sp++] = p)
      while (sp > 0) {
        const p = stack[--sp]!
        const x = p % w
        let q = p - 1
        if (x > 0 && near[q] === 1 && !bg[q]) (bg[q] = 1), (stack[sp++] = q)
        q = p + 1
        if (x < w - 1 && near[q] === 1 && !bg[q]) (bg[q] = 1), (stack[sp++] = q)
        q = p - w
        if (q >= 0 && near[q] === 1 && !bg[q]) (bg[q] = 1), (stack[sp++] = q)
        q = p + w
        if (q < n && near[q] === 1 && !bg[q]) (bg[q] = 1), (stack[sp++] = q)
      }
    }
    // The gate also stops the flood a few pixels short of every edge (a window over the edge is rough): grow
    // the background back over background-coloured pixels next to it, three pixels at most.
    if (tol > 0) {
      for (let pass = 0; pass < 3; pass++) {
        const grow: number[] = []
        for (let p = 0; p < n; p++) {
          if (bg[p] || near[p] !== 2) continue
          const x = p % w
          if ((x > 0 && bg[p - 1]) || (x < w - 1 && bg[p + 1]) || (p >= w && bg[p - w]) || (p < n - w && bg[p + w])) grow.push(p)
        }
        for (const p of grow) bg[p] = 1
      }
    }
    // The mask, eroded by one pixel: edge pixels blend the subject with the backdrop and would leave a
    // light fringe on a darker scene.
    let count = 0
    const mask = Buffer.alloc(n)
    for (let p = 0; p < n; p++) {
      if (bg[p]) {
        count++
        continue
      }
      const x = p % w
      const edge = (x > 0 && bg[p - 1]) || (x < w - 1 && bg[p + 1]) || (p >= w && bg[p - w]) || (p < n - w && bg[p + w])
      if (!edge) mask[p] = 255
    }
    backgroundFraction = count / n
    if (count > 0 && count < n * 0.995) dropSpecks(mask, w, h)
    if (count > 0 && count < n * 0.995) {
      // A soft edge: about one pixel of anti-aliasing at the working size.
      // NOTE: extractChannel(0): sharp turns a 1-channel raw input into 3-channel sRGB output otherwise.
      const soft = await sharp(mask, { raw: { width: w, height: h, channels: 1 } }).blur(0.8).extractChannel(0).raw().toBuffer()
      for (let p = 0; p < n; p++) data[p * 4 + 3] = Math.min(data[p * 4 + 3]!, soft[p]!)
    } else backgroundFraction = 0
  }

  return subjectOf(data, w, h, backgroundFraction)
}

/** A subject from RGBA pixels: its bounding box is that of the pixels with alpha > 16. */
export function subjectOf(data: Buffer, w: number, h: number, backgroundFraction = 0): Subject {
  let left = w
  let top = h
  let right = -1
  let bottom = -1
  for (let y = 0; y < h; y++) {
    let rowMin = -1
    let rowMax = -1
    for (let x = 0, i = y * w * 4 + 3; x < w; x++, i += 4) {
      if (data[i]! > 16) {
        if (rowMin < 0) rowMin = x
        rowMax = x
      }
    }
    if (rowMin < 0) continue
    if (rowMin < left) left = rowMin
    if (rowMax > right) right = rowMax
    if (y < top) top = y
    bottom = y
  }
  const bbox = right < 0 ? { left: 0, top: 0, width: w, height: h } : { left, top, width: right - left + 1, height: bottom - top + 1 }
  return { data, width: w, height: h, bbox, backgroundFraction }
}

/** Crops a subject to its bounding box. */
export function trimSubject(s: Subject): Subject {
  const { left, top, width, height } = s.bbox
  if (left === 0 && top === 0 && width === s.width && height === s.height) return s
  const out = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) s.data.copy(out, y * width * 4, ((top + y) * s.width + left) * 4, ((top + y) * s.width + left + width) * 4)
  return { data: out, width, height, bbox: { left: 0, top: 0, width, height }, backgroundFraction: s.backgroundFraction }
}

/** The garment cut out of its plain background as a transparent PNG (what a background-generation API wants). */
export async function cutOutGarment(input: Buffer, maxSide = 1024): Promise<Buffer> {
  const s = trimSubject(await extractSubject(input, maxSide))
  return sharp(s.data, { raw: { width: s.width, height: s.height, channels: 4 } }).png().toBuffer()
}
