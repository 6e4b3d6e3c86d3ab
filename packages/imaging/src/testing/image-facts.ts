/** What tests of other packages need to know about an image without depending on sharp themselves. */
import sharp from 'sharp'

export interface ImageFacts {
  format: string
  width: number
  height: number
  channels: number
  /** EXIF block as latin1 text ('' when none). */
  exif: string
  /** RGB of the four corner pixels (2 px in), top-left, top-right, bottom-left, bottom-right. */
  corners: Array<[number, number, number]>
}

export async function imageFacts(bytes: Buffer): Promise<ImageFacts> {
  const meta = await sharp(bytes).metadata()
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const at = (x: number, y: number): [number, number, number] => {
    const i = (y * info.width + x) * info.channels
    return [data[i]!, data[i + 1]!, data[i + 2]!]
  }
  const r = info.width - 3
  const b = info.height - 3
  return {
    format: meta.format ?? '',
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    channels: meta.channels ?? 0,
    exif: meta.exif ? meta.exif.toString('latin1') : '',
    corners: [at(2, 2), at(r, 2), at(2, b), at(r, b)],
  }
}

/** A recoloured copy of an image (a second garment for batch tests). */
export async function recolor(bytes: Buffer, hue: number): Promise<Buffer> {
  return sharp(bytes).modulate({ hue }).jpeg({ quality: 90 }).toBuffer()
}
