/**
 * Output sizes, and the reframing that makes a provider's result honour the aspect ratio the seller chose when
 * the provider's API has no such parameter (DashScope try-on answers at the person photo's ratio, background
 * generation at the cut-out's; FASHN tryon at the model photo's).
 */
import sharp from 'sharp'
import type { GenerationJob, ImageProvider, PollContext, ProviderImage, ProviderOutcome } from '@aiphoto/runtime'

export type AspectRatio = GenerationJob['aspectRatio']

export function outputSize(aspect: AspectRatio, longSide = 1024): { width: number; height: number } {
  const [a, b] = aspect.split(':').map(Number) as [number, number]
  if (a >= b) return { width: longSide, height: Math.round((longSide * b) / a) }
  return { width: Math.round((longSide * a) / b), height: longSide }
}

function ratioOf(aspect: AspectRatio): number {
  const [a, b] = aspect.split(':').map(Number) as [number, number]
  return a / b
}

/** Within this relative difference a result already has the ratio (rounding of provider sizes). */
const RATIO_TOLERANCE = 0.02
/**
 * A crop that keeps at least this share of the picture is taken (around what sharp's attention strategy finds
 * salient: the model's face and the garment); beyond it a crop would cut the head or the hem off a full-body
 * shot, so the picture is fitted whole over a blurred, enlarged copy of itself instead.
 */
const MIN_KEPT_AREA = 0.8

export interface FramedImage {
  bytes: Buffer
  contentType: 'image/jpeg'
  width: number
  height: number
  /** How the ratio was reached: unchanged (already right), cropped, or fitted over a blurred fill. */
  method: 'unchanged' | 'crop' | 'blur_fill'
}

/** The image at `aspect` (long side kept, at most 2048 px), or unchanged when it already has that ratio. */
export async function frameToAspect(input: Buffer, aspect: AspectRatio): Promise<FramedImage> {
  const img = sharp(input, { failOn: 'none' }).rotate()
  const meta = await img.metadata()
  const oriented = (meta.orientation ?? 1) >= 5
  const w = (oriented ? meta.height : meta.width) ?? 0
  const h = (oriented ? meta.width : meta.height) ?? 0
  if (!w || !h) throw new Error('frameToAspect: undecodable image')
  const target = ratioOf(aspect)
  const have = w / h
  if (Math.abs(have - target) / target <= RATIO_TOLERANCE) return { bytes: input, contentType: 'image/jpeg', width: w, height: h, method: 'unchanged' }
  const kept = have > target ? target / have : have / target
  if (kept >= MIN_KEPT_AREA) {
    const width = have > target ? Math.round(h * target) : w
    const height = have > target ? h : Math.round(w / target)
    const bytes = await img.resize(width, height, { fit: 'cover', position: sharp.strategy.attention }).jpeg({ quality: 92, mozjpeg: true }).toBuffer()
    return { bytes, contentType: 'image/jpeg', width, height, method: 'crop' }
  }
  const long = Math.min(2048, Math.max(w, h))
  const size = outputSize(aspect, long)
  const upright = await img.toBuffer()
  const fill = await sharp(upright).resize(size.width, size.height, { fit: 'cover' }).blur(Math.max(8, Math.round(long / 40))).modulate({ brightness: 0.92 }).toBuffer()
  const fitted = await sharp(upright).resize(size.width, size.height, { fit: 'inside' }).toBuffer({ resolveWithObject: true })
  const bytes = await sharp(fill)
    .composite([{ input: fitted.data, left: Math.round((size.width - fitted.info.width) / 2), top: Math.round((size.height - fitted.info.height) / 2) }])
    .jpeg({ quality: 92, mozjpeg: true })
    .toBuffer()
  return { bytes, contentType: 'image/jpeg', width: size.width, height: size.height, method: 'blur_fill' }
}

/** Job kinds whose result is a photo at the seller's chosen ratio (cut-outs, packshots and upscales have their own sizes). */
const FRAMED_KINDS = new Set<GenerationJob['kind']>(['photography', 'fitting'])

/**
 * Wraps a remote adapter so the task's final photography / try-on results arrive at the job's aspect ratio
 * (`job.frameResults` on submit, a `PollContext` on poll): results that already have it pass through untouched
 * (URLs stay URLs); others are downloaded and reframed. Without either, results pass through.
 */
export function withAspectFraming(provider: ImageProvider): ImageProvider {
  const fetchImage = provider.fetchImage?.bind(provider)
  async function frame(outcome: ProviderOutcome, context: PollContext | undefined): Promise<ProviderOutcome> {
    if (outcome.state !== 'succeeded' || !context || !FRAMED_KINDS.has(context.kind)) return outcome
    const images: ProviderImage[] = []
    for (const image of outcome.images) {
      try {
        const got = 'bytes' in image ? image : fetchImage ? await fetchImage(image.url) : null
        if (!got) {
          images.push(image)
          continue
        }
        const framed = await frameToAspect(got.bytes, context.aspectRatio)
        images.push(framed.method === 'unchanged' && 'url' in image ? image : framed.method === 'unchanged' ? got : { bytes: framed.bytes, contentType: framed.contentType })
      } catch (err) {
        // A result that cannot be downloaded or decoded now is a transient failure of this poll: the job stays
        // done at the provider and the next poll fetches it again (never a resubmit).
        return { state: 'failed', retryable: true, reason: `${provider.name}: result could not be reframed: ${String((err as Error)?.message ?? err).slice(0, 160)}` }
      }
    }
    return { state: 'succeeded', images }
  }
  return {
    name: provider.name,
    supports: (kind) => provider.supports(kind),
    ...(provider.refuses ? { refuses: (job: GenerationJob) => provider.refuses!(job) } : {}),
    submit: async (job) => frame(await provider.submit(job), job.frameResults ? { kind: job.kind, aspectRatio: job.aspectRatio } : undefined),
    poll: async (id, context) => frame(await provider.poll(id, context), context),
    ...(fetchImage ? { fetchImage } : {}),
  }
}
