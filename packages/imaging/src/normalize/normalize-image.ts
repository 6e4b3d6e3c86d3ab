/**
 * Inputs are made acceptable to a provider before they leave: EXIF orientation applied (providers read pixels,
 * not the orientation tag, so a phone photo would arrive sideways), long side and file size brought within the
 * provider's documented limits, and an accepted format. An input that already meets the spec is passed through
 * untouched (its original URL can be used); one that cannot be made acceptable (too small, undecodable) is
 * refused with a Chinese reason for the user.
 */
import sharp, { type Metadata } from 'sharp'

export interface ImageSpec {
  minBytes: number
  maxBytes: number
  /** Inclusive bounds of each side, in pixels. */
  minSide: number
  maxSide: number
  /** Accepted encodings; the first is what a converted input becomes. */
  formats: ReadonlyArray<'jpeg' | 'png'>
}

export interface NormalizedImage {
  bytes: Buffer
  contentType: 'image/jpeg' | 'image/png'
  width: number
  height: number
  /** False when the input already met the spec and is returned as is. */
  changed: boolean
}

/** The input can never meet the provider's limits; `message` is for the user (Chinese). */
export class InputRejectedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputRejectedError'
  }
}

const TYPE = { jpeg: 'image/jpeg', png: 'image/png' } as const

export async function normalizeImage(input: Buffer, spec: ImageSpec): Promise<NormalizedImage> {
  let meta: Metadata
  try {
    meta = await sharp(input).metadata()
  } catch {
    throw new InputRejectedError('图片无法读取，请换一张 JPG 或 PNG 图片')
  }
  if (!meta.width || !meta.height) throw new InputRejectedError('图片无法读取，请换一张 JPG 或 PNG 图片')
  const rotated = (meta.orientation ?? 1) >= 5
  const width = rotated ? meta.height : meta.width
  const height = rotated ? meta.width : meta.height
  const format = meta.format === 'jpeg' || meta.format === 'png' ? meta.format : null
  if (
    format &&
    spec.formats.includes(format) &&
    (meta.orientation ?? 1) === 1 &&
    input.length >= spec.minBytes &&
    input.length <= spec.maxBytes &&
    Math.min(width, height) >= spec.minSide &&
    Math.max(width, height) <= spec.maxSide
  ) {
    return { bytes: input, contentType: TYPE[format], width, height, changed: false }
  }

  let scale = Math.min(1, spec.maxSide / Math.max(width, height))
  if (Math.min(width, height) * scale < spec.minSide) {
    throw new InputRejectedError(Math.min(width, height) < spec.minSide ? `图片太小，短边至少 ${spec.minSide} 像素` : '图片长宽比过于极端，请裁剪后重试')
  }
  const target = spec.formats[0]!
  const keepPng = format === 'png' && spec.formats.includes('png') && !!meta.hasAlpha
  const encode = async (s: number, quality: number, as: 'jpeg' | 'png') => {
    const w = Math.max(1, Math.round(width * s))
    const h = Math.max(1, Math.round(height * s))
    let p = sharp(input).rotate().resize(w, h, { fit: 'fill' })
    p = as === 'jpeg' ? p.flatten({ background: '#ffffff' }).jpeg({ quality }) : p.png({ compressionLevel: 9 })
    const { data, info } = await p.toBuffer({ resolveWithObject: true })
    return { bytes: data, width: info.width, height: info.height }
  }
  const as: 'jpeg' | 'png' = keepPng ? 'png' : target
  // Shrink quality first, then pixels, until the file fits; never below the minimum side.
  for (let attempt = 0; attempt < 12; attempt++) {
    const quality = Math.max(50, 90 - attempt * 10)
    const out = await encode(scale, quality, as)
    if (out.bytes.length > spec.maxBytes) {
      if (as === 'png' || quality === 50) scale *= 0.8
      if (Math.min(width, height) * scale < spec.minSide) break
      continue
    }
    if (out.bytes.length < spec.minBytes) {
      // A tiny, flat image: the lossless encoding is larger and loses nothing.
      const other = as === 'jpeg' && spec.formats.includes('png') ? await encode(scale, 100, 'png') : await encode(scale, 100, 'jpeg')
      if (other.bytes.length >= spec.minBytes && other.bytes.length <= spec.maxBytes) return { ...other, contentType: TYPE[as === 'jpeg' && spec.formats.includes('png') ? 'png' : 'jpeg'], changed: true }
      throw new InputRejectedError('图片内容过少，请换一张清晰的照片')
    }
    return { ...out, contentType: TYPE[as], changed: true }
  }
  throw new InputRejectedError('图片过大，无法压缩到服务要求的大小')
}

/**
 * A garment cut-out as background generation needs it: a PNG with an alpha channel, long side ≤ maxSide, with a
 * real transparent background around an opaque subject (not an alpha channel that hides nothing).
 */
export async function prepareCutout(rgba: Buffer, maxSide: number): Promise<NormalizedImage> {
  const resized = await sharp(rgba).ensureAlpha().resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true }).png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true })
  const alpha = await sharp(resized.data).extractChannel(3).raw().toBuffer()
  let zero = 0
  let full = 0
  for (const a of alpha) {
    if (a === 0) zero++
    else if (a === 255) full++
  }
  const n = alpha.length || 1
  if (zero / n < 0.01 || full / n < 0.01) throw new InputRejectedError('无法从图片中分离出服装，请使用纯色背景的服装平铺图')
  return { bytes: resized.data, contentType: 'image/png', width: resized.info.width, height: resized.info.height, changed: true }
}
