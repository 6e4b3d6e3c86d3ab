/** Raster helpers shared by the photography and try-on compositors (raw RGBA buffers, no encode round trips). */
import sharp, { type OverlayOptions } from 'sharp'
import type { LightPreset } from './light'

export interface Rgba {
  data: Buffer
  width: number
  height: number
}

/** Resizes (and optionally rotates) an RGBA layer; sharp premultiplies alpha so edges stay clean. */
export async function transformLayer(layer: Rgba, width: number, height: number, angle = 0): Promise<Rgba> {
  let img = sharp(layer.data, { raw: { width: layer.width, height: layer.height, channels: 4 } }).resize(
    Math.max(1, Math.round(width)),
    Math.max(1, Math.round(height)),
    { fit: 'fill' },
  )
  if (angle) img = sharp(await img.raw().toBuffer(), { raw: { width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)), channels: 4 } }).rotate(angle, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height }
}

/** Colour-grades a layer in place with a light preset (channel gains around mid-grey contrast). */
export function gradeLayer(layer: Rgba, light: LightPreset, exposure = 1): void {
  const { data } = layer
  const c = light.contrast
  const lut = [0, 1, 2].map((ch) => {
    const t = new Uint8Array(256)
    const g = light.gain[ch]! * exposure
    for (let v = 0; v < 256; v++) t[v] = Math.max(0, Math.min(255, Math.round(((v * g - 128) * c) + 128)))
    return t
  })
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue
    data[i] = lut[0]![data[i]!]!
    data[i + 1] = lut[1]![data[i + 1]!]!
    data[i + 2] = lut[2]![data[i + 2]!]!
  }
}

/** A soft shadow cast by a layer: its alpha, blurred (at quarter size: cheap and smooth), as translucent black. */
export async function shadowOf(layer: Rgba, blur: number, opacity: number): Promise<Rgba & { pad: number }> {
  const q = 4
  const padQ = Math.ceil((blur * 2.5) / q)
  const pad = padQ * q
  const sw = Math.max(1, Math.round(layer.width / q))
  const sh = Math.max(1, Math.round(layer.height / q))
  const small = await sharp(layer.data, { raw: { width: layer.width, height: layer.height, channels: 4 } })
    .resize(sw, sh, { fit: 'fill' })
    .extractChannel(3)
    .raw()
    .toBuffer()
  const w = layer.width + pad * 2
  const h = layer.height + pad * 2
  // NOTE: two pipelines: sharp applies its single resize before extend/blur, whatever the call order.
  const blurred = await sharp(small, { raw: { width: sw, height: sh, channels: 1 } })
    .extend({ top: padQ, bottom: padQ, left: padQ, right: padQ, background: '#000000' })
    .blur(Math.max(0.4, blur / q))
    .extractChannel(0)
    .raw()
    .toBuffer()
  const big = await sharp(blurred, { raw: { width: sw + padQ * 2, height: sh + padQ * 2, channels: 1 } })
    .resize(w, h, { fit: 'fill', kernel: 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer()
  const out = Buffer.alloc(w * h * 4)
  for (let p = 0, i = 3; p < w * h; p++, i += 4) out[i] = big[p]! * opacity
  return { data: out, width: w, height: h, pad }
}

/** An overlay for sharp's composite, cropped to the canvas (sharp rejects overlays that stick out). */
export function placeLayer(layer: Rgba, left: number, top: number, canvasW: number, canvasH: number): OverlayOptions | null {
  const l = Math.round(left)
  const t = Math.round(top)
  const x0 = Math.max(0, -l)
  const y0 = Math.max(0, -t)
  const x1 = Math.min(layer.width, canvasW - l)
  const y1 = Math.min(layer.height, canvasH - t)
  if (x1 <= x0 || y1 <= y0) return null
  let data = layer.data
  let width = layer.width
  let height = layer.height
  if (x0 > 0 || y0 > 0 || x1 < layer.width || y1 < layer.height) {
    width = x1 - x0
    height = y1 - y0
    data = Buffer.alloc(width * height * 4)
    for (let y = 0; y < height; y++) layer.data.copy(data, y * width * 4, ((y0 + y) * layer.width + x0) * 4, ((y0 + y) * layer.width + x1) * 4)
  }
  return { input: data, raw: { width, height, channels: 4 }, left: l + x0, top: t + y0 }
}

/** Width of the opaque run in a row of a layer (used to find a garment's body width below the sleeves). */
export function opaqueRowWidth(layer: Rgba, y: number): number {
  let min = -1
  let max = -1
  const row = Math.max(0, Math.min(layer.height - 1, Math.round(y)))
  for (let x = 0; x < layer.width; x++) {
    if (layer.data[(row * layer.width + x) * 4 + 3]! > 128) {
      if (min < 0) min = x
      max = x
    }
  }
  return min < 0 ? 0 : max - min + 1
}
