/**
 * What a provider sees of an input file: its format sniffed from the magic bytes (never the file name or the
 * Content-Type), pixel size and transparency. Used by the fakes to apply the providers' documented input rules.
 * BMP and HEIC are read from their headers because sharp's prebuilt libvips decodes neither.
 */
import sharp from 'sharp'

export type SniffedFormat = 'jpeg' | 'png' | 'bmp' | 'heic' | 'webp' | 'gif' | 'tiff' | 'unknown'

export interface InspectedImage {
  format: SniffedFormat
  bytes: number
  width: number | null
  height: number | null
  /** PNG/WebP with an alpha channel. */
  hasAlpha: boolean
  /** Share of fully transparent (alpha 0) and fully opaque (alpha 255) pixels; null without alpha. */
  transparent: number | null
  opaque: number | null
}

export function sniffFormat(b: Buffer): SniffedFormat {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg'
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png'
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp'
  if (b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp'
  if (b.length >= 6 && b.subarray(0, 3).toString('latin1') === 'GIF') return 'gif'
  // TIFF: byte order mark "II" or "MM", then the magic 42.
  if (b.length >= 8 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))) return 'tiff'
  if (b.length >= 12 && b.subarray(4, 8).toString('latin1') === 'ftyp' && /^(heic|heix|heim|heis|mif1|msf1)$/.test(b.subarray(8, 12).toString('latin1'))) return 'heic'
  return 'unknown'
}

/** Width/height of a HEIC from its `ispe` property box (the first one is the primary image's in practice). */
function heicSize(b: Buffer): { width: number; height: number } | null {
  const i = b.indexOf('ispe', 0, 'latin1')
  if (i < 0 || i + 16 > b.length) return null
  return { width: b.readUInt32BE(i + 8), height: b.readUInt32BE(i + 12) }
}

export async function inspectImage(b: Buffer): Promise<InspectedImage> {
  const format = sniffFormat(b)
  const out: InspectedImage = { format, bytes: b.length, width: null, height: null, hasAlpha: false, transparent: null, opaque: null }
  if (format === 'bmp') {
    out.width = Math.abs(b.readInt32LE(18))
    out.height = Math.abs(b.readInt32LE(22))
    return out
  }
  if (format === 'heic') {
    const s = heicSize(b)
    if (s) Object.assign(out, s)
    return out
  }
  if (format === 'unknown') return out
  try {
    const meta = await sharp(b).metadata()
    out.width = meta.width ?? null
    out.height = meta.height ?? null
    out.hasAlpha = !!meta.hasAlpha
    if (meta.hasAlpha) {
      const { data, info } = await sharp(b).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true })
      const n = info.width * info.height
      let zero = 0
      let full = 0
      for (let i = 0; i < n; i++) {
        if (data[i] === 0) zero++
        else if (data[i] === 255) full++
      }
      out.transparent = zero / n
      out.opaque = full / n
    }
  } catch {
    // Undecodable: the caller treats a missing size as an invalid image.
  }
  return out
}
