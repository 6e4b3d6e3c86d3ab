/**
 * DashScope text-to-image V2 (`wanx2.1-t2i-turbo` by default; `wanx2.1-t2i-plus`, `wan2.2-t2i-flash`, … by
 * `default_params.model`): a prompt → photos, for the model library (admin/generateModel).
 * https://help.aliyun.com/zh/model-studio/developer-reference/text-to-image-v2-api-reference: prompt ≤ 800
 * characters, negative_prompt ≤ 500 (the service cuts the rest silently; we cut at a clause boundary ourselves),
 * size "宽*高" with each side in [512, 1440] and at most 2 million pixels, n 1–4 (default 4: always sent),
 * prompt_extend (default on: an LLM rewrites the prompt; off here, since the library needs exactly the pose and
 * clothes the prompt asks for), watermark (off: our own AI mark is stamped on download).
 */
import type { GenerationJob, ImageProvider, ProviderConfig } from '@aiphoto/runtime'
import { downloadImage } from './http'
import { pollDashScopeTask, submitDashScopeTask, resultImages } from './dashscope-task'
import { fitChars, TEXT_TO_IMAGE_LIMITS } from './dashscope-inputs'

export const TEXT2IMAGE_PATH = '/api/v1/services/aigc/text2image/image-synthesis'

/** Model names of the reference ("万相2.2模型名称前缀为wan，早期模型为wanx"). */
export const TEXT_TO_IMAGE_MODEL_NAMES = ['wanx2.1-t2i-turbo', 'wanx2.1-t2i-plus', 'wanx2.0-t2i-turbo', 'wan2.2-t2i-flash', 'wan2.2-t2i-plus'] as const

/** Sizes per aspect ratio, all within the limits (3:4 → 768*1024, the library's portrait). */
const SIZES: Record<GenerationJob['aspectRatio'], { width: number; height: number }> = {
  '1:1': { width: 1024, height: 1024 },
  '3:4': { width: 768, height: 1024 },
  '4:3': { width: 1024, height: 768 },
  '9:16': { width: 720, height: 1280 },
  '16:9': { width: 1280, height: 720 },
}

/** An exact target brought within the limits at its aspect ratio (sides in [512, 1440], ≤ 2 MP). */
export function textToImageSize(aspect: GenerationJob['aspectRatio'], target?: { width: number; height: number }): { width: number; height: number } {
  if (!target || !(target.width > 0) || !(target.height > 0)) return SIZES[aspect]
  const L = TEXT_TO_IMAGE_LIMITS
  let k = Math.min(1, L.maxSide / Math.max(target.width, target.height), Math.sqrt(L.maxPixels / (target.width * target.height)))
  k = Math.max(k, L.minSide / Math.min(target.width, target.height))
  const width = Math.min(L.maxSide, Math.max(L.minSide, Math.floor(target.width * k)))
  const height = Math.min(L.maxSide, Math.max(L.minSide, Math.floor(target.height * k)))
  // An extreme aspect ratio cannot meet both bounds: fall back to the aspect ratio's size.
  return width * height <= L.maxPixels ? { width, height } : SIZES[aspect]
}

export function createDashScopeTextToImageProvider(config: ProviderConfig): ImageProvider {
  const label = 'dashscope-t2i'
  const defaults = config.default_params
  const api = config.api_name.trim().toLowerCase()
  const model = typeof defaults['model'] === 'string' ? defaults['model'] : (TEXT_TO_IMAGE_MODEL_NAMES as readonly string[]).includes(api) ? api : 'wanx2.1-t2i-turbo'
  const extra = (defaults['parameters'] as Record<string, unknown> | undefined) ?? {}

  return {
    name: label,
    supports: (kind) => kind === 'text_to_image',
    async submit(job) {
      const prompt = fitChars(job.prompt, TEXT_TO_IMAGE_LIMITS.promptChars)
      if (job.kind !== 'text_to_image' || !prompt) return { state: 'failed', retryable: false, reason: `${label}: needs a prompt` }
      const negative = fitChars(job.negativePrompt ?? '', TEXT_TO_IMAGE_LIMITS.negativeChars)
      const size = textToImageSize(job.aspectRatio, job.target)
      const n = Math.max(1, Math.min(TEXT_TO_IMAGE_LIMITS.maxCount, Math.floor(job.count) || 1))
      const seed = job.options['seed']
      const parameters: Record<string, unknown> = {
        size: `${size.width}*${size.height}`,
        n,
        prompt_extend: false,
        watermark: false,
        ...(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) <= 2147483647 ? { seed } : {}),
        ...extra,
      }
      return submitDashScopeTask(config, TEXT2IMAGE_PATH, { model, input: { prompt, ...(negative ? { negative_prompt: negative } : {}) }, parameters }, label)
    },
    poll: (taskId) => pollDashScopeTask(config, taskId, label, resultImages),
    fetchImage: (url) => downloadImage(url, config.timeoutMs ?? 30_000, label),
  }
}
