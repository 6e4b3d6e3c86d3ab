/**
 * DashScope image super-resolution (高清放大): the general image-edit model `wanx2.1-imageedit` with
 * `input.function: "super_resolution"` (https://help.aliyun.com/zh/model-studio/wanx-image-edit-api-reference).
 * The base image must be JPG/PNG/BMP/TIFF/WEBP, 512–4096 px per side, ≤ 10 MB, its URL without Chinese characters;
 * `upscale_factor` is an integer 1–4 (1: "仅进行高清处理，不放大"); `prompt` is required ("可使用“图像超分”或描述图像内容").
 *
 * Our upscale is an exact factor of the source (2× in the product). When the source is outside the pixel range,
 * the factor is split between a local resample and the model so the output is still exactly `scale` ×: a 300 px
 * image at 2× goes to the model at 600 px with upscale_factor 1 (the model only sharpens); a 5000 px one at 2×
 * goes at 2500 px with factor 4. Only when no split fits (e.g. 5000 px at 4×) does the output fall short of the
 * factor (capped by the provider's limits, as the contract says), and a source whose short side is under
 * 512 / scale px is refused: it would be mostly invented detail. Like the local enlargement, the output's long side
 * is capped at UPSCALE_MAX_SIDE (4096 px): the reference does not bound the output, our worker's memory does.
 */
import type { GenerationJob, ImageProvider, ProviderConfig } from '@aiphoto/runtime'
import sharp, { type Metadata } from 'sharp'
import { InputRejectedError, normalizeImage } from '../normalize/normalize-image'
import { UPSCALE_MAX_SIDE } from '../local/operations'
import { downloadImage } from './http'
import { outcomeFromError, pollDashScopeTask, submitDashScopeTask, resultImages } from './dashscope-task'
import { fitChars, IMAGE_EDIT_INPUT_SPEC, UPSCALE_FACTORS } from './dashscope-inputs'

export const IMAGE_EDIT_PATH = '/api/v1/services/aigc/image2image/image-synthesis'

/** The guide's own prompt for 图像超分. */
const DEFAULT_PROMPT = '图像超分。'

export interface UpscalePlan {
  /** Local resample applied before the model (1 = the original goes as is). */
  preScale: number
  /** The model's integer upscale_factor. */
  factor: number
  /** False when the limits forced an output smaller than `scale` × the source. */
  exact: boolean
}

/**
 * Splits `scale` into a local pre-scale and the model's integer factor so the pre-scaled image fits the base image
 * limits. Prefers a pixel-exact split, then the factor closest to `scale` (the least local resampling). Throws
 * InputRejectedError when the source is too small for any split.
 */
export function planUpscale(width: number, height: number, scale: number, spec = IMAGE_EDIT_INPUT_SPEC): UpscalePlan {
  const fits = (k: number) => Math.round(Math.min(width, height) * k) >= spec.minSide && Math.round(Math.max(width, height) * k) <= spec.maxSide
  // Pixel-exact: the pre-scaled sides times the factor are exactly the sides times `scale` (no rounding).
  const exactly = (k: number, f: number) => Math.round(width * k) * f === Math.round(width * scale) && Math.round(height * k) * f === Math.round(height * scale)
  const candidates = [...UPSCALE_FACTORS].sort((a, b) => Math.abs(a - scale) - Math.abs(b - scale) || b - a)
  for (const pass of ['exact', 'close'] as const) {
    for (const factor of candidates) {
      const preScale = scale / factor
      if (fits(preScale) && (pass === 'close' || exactly(preScale, factor))) return { preScale, factor, exact: pass === 'exact' }
    }
  }
  if (Math.min(width, height) * scale < spec.minSide) throw new InputRejectedError(`图片太小，短边至少 ${Math.ceil(spec.minSide / scale)} 像素才能高清放大`)
  // Too large for an exact split: shrink into the limits and let the model enlarge as far as it goes.
  const preScale = spec.maxSide / Math.max(width, height)
  if (Math.round(Math.min(width, height) * preScale) < spec.minSide) throw new InputRejectedError('图片长宽比过于极端，请裁剪后重试')
  const factor = Math.max(1, Math.min(4, Math.round(scale / preScale)))
  return { preScale, factor, exact: false }
}

/** The base image URL and factor for one job: the original when it already fits, else a prepared staged copy. */
async function prepareBase(job: GenerationJob, scale: number): Promise<{ url: string; factor: number }> {
  const bytes = job.inputs.source
  const original = job.inputUrls.source
  if (!bytes) {
    if (!original) throw new InputRejectedError('缺少需要放大的图片')
    return { url: original, factor: Math.max(1, Math.min(4, Math.round(scale))) }
  }
  let meta: Metadata
  try {
    meta = await sharp(bytes).metadata()
  } catch {
    throw new InputRejectedError('图片无法读取，请换一张 JPG 或 PNG 图片')
  }
  if (!meta.width || !meta.height) throw new InputRejectedError('图片无法读取，请换一张 JPG 或 PNG 图片')
  const swap = (meta.orientation ?? 1) >= 5
  const width = swap ? meta.height : meta.width
  const height = swap ? meta.width : meta.height
  // At most UPSCALE_MAX_SIDE on the long side (a factor below 1 would shrink: 1 then, the model only sharpens).
  const capped = Math.max(1, Math.min(scale, UPSCALE_MAX_SIDE / Math.max(width, height)))
  const plan = planUpscale(width, height, capped)
  // A pre-scale that rounds to the same pixels is no resample at all.
  if (Math.round(width * plan.preScale) === width && Math.round(height * plan.preScale) === height) plan.preScale = 1
  let prepared = bytes
  if (plan.preScale !== 1) {
    const w = Math.round(width * plan.preScale)
    const h = Math.round(height * plan.preScale)
    const img = sharp(bytes).rotate().resize(w, h, { fit: 'fill', kernel: 'lanczos3' })
    prepared = await (meta.hasAlpha ? img.png() : img.jpeg({ quality: 95 })).toBuffer()
  }
  const normalized = await normalizeImage(prepared, IMAGE_EDIT_INPUT_SPEC)
  // "URL地址中不能包含中文字符": a storage path with Chinese characters goes as a staged copy (ASCII name).
  const asciiUrl = !!original && !/[^\x00-\x7f]/.test(original)
  if (plan.preScale === 1 && !normalized.changed && asciiUrl) return { url: original!, factor: plan.factor }
  if (!job.stage) throw new InputRejectedError('输入图片不符合服务要求')
  const url = await job.stage({ bytes: normalized.bytes, contentType: normalized.contentType, name: 'upscale-source' })
  return { url, factor: plan.factor }
}

export function createDashScopeUpscaleProvider(config: ProviderConfig): ImageProvider {
  const label = 'dashscope-upscale'
  const defaults = config.default_params
  const model = typeof defaults['model'] === 'string' ? defaults['model'] : 'wanx2.1-imageedit'
  const prompt = fitChars(typeof defaults['prompt'] === 'string' && defaults['prompt'].trim() ? defaults['prompt'] : DEFAULT_PROMPT, 800)
  const extra = (defaults['parameters'] as Record<string, unknown> | undefined) ?? {}

  return {
    name: label,
    supports: (kind) => kind === 'upscale',
    async submit(job) {
      if (job.kind !== 'upscale' || !(job.inputs.source || job.inputUrls.source)) return { state: 'failed', retryable: false, reason: `${label}: needs an image to upscale` }
      const scale = Number.isFinite(job.scale) && job.scale! > 0 ? job.scale! : 2
      let base: { url: string; factor: number }
      try {
        base = await prepareBase(job, scale)
      } catch (err) {
        return outcomeFromError(err, label)
      }
      // One image per unit; our own AI mark is stamped on download, so the service's watermark stays off.
      return submitDashScopeTask(
        config,
        IMAGE_EDIT_PATH,
        { model, input: { function: 'super_resolution', prompt, base_image_url: base.url }, parameters: { upscale_factor: base.factor, n: 1, watermark: false, ...extra } },
        label,
      )
    },
    poll: (taskId) => pollDashScopeTask(config, taskId, label, resultImages),
    fetchImage: (url) => downloadImage(url, config.timeoutMs ?? 30_000, label),
  }
}
