/**
 * DashScope background generation (`wanx-background-generation-v2`): a garment cut-out plus a text prompt → `n`
 * product photos. https://help.aliyun.com/zh/model-studio/wanx-background-generation-api-reference: the base
 * image "必须为带透明背景的RGBA四通道图像", PNG, long side ≤ 2048 (a photo on its background fails the task with
 * BadRequest.UnsupportedFileFormat), n 1..4, ref_prompt read up to ~100 Chinese characters / 150 words.
 * The cut-out comes from DashScope's garment parsing (`default_params.segmentation: 'dashscope'`, same key and
 * endpoint) or, by default, from the local cut-out — unless an earlier step of the task made one (`inputs.cutouts`:
 * the garment's, or on_model's dressed model); either way it is checked for real transparency, sized and staged
 * before the job is submitted.
 */
import type { ImageProvider, ProviderConfig } from '@aiphoto/runtime'
import { cutOutGarment } from '../local/cutout'
import { InputRejectedError, prepareCutout } from '../normalize/normalize-image'
import { downloadImage } from './http'
import { outcomeFromError, pollDashScopeTask, submitDashScopeTask, resultImages } from './dashscope-task'
import { BACKGROUND_MAX_SIDE, fitPrompt } from './dashscope-inputs'
import { clothesTypeOf, createDashScopeSegmenter } from './dashscope-segment'

export const BACKGROUND_GENERATION_PATH = '/api/v1/services/aigc/background-generation/generation/'

export function createDashScopeBackgroundProvider(config: ProviderConfig): ImageProvider {
  const label = 'dashscope-background'
  const defaults = config.default_params
  const model = typeof defaults['model'] === 'string' ? defaults['model'] : 'wanx-background-generation-v2'
  const extra = (defaults['parameters'] as Record<string, unknown> | undefined) ?? {}
  const segmenter = defaults['segmentation'] === 'dashscope' ? createDashScopeSegmenter(config) : null

  return {
    name: label,
    supports: (kind) => kind === 'photography',
    async submit(job) {
      const garment = job.inputs.garments[0]
      // A cut-out made by an earlier step of the task (the garment, or on_model's dressed model) is the subject.
      const made = job.inputs.cutouts?.[0]
      if (job.kind !== 'photography' || (!garment && !made && !job.inputUrls.garmentCutouts?.[0])) return { state: 'failed', retryable: false, reason: `${label}: needs a garment image` }
      let base: string
      try {
        if (made || garment) {
          const raw = made ?? (segmenter ? await segmenter.cutOut(job, garment!, job.inputUrls.garments[0], clothesTypeOf(job.options['garment_type'])) : await cutOutGarment(garment!, BACKGROUND_MAX_SIDE))
          const cutout = await prepareCutout(raw, BACKGROUND_MAX_SIDE)
          if (!job.stage) throw new InputRejectedError('无法上传服装抠图')
          base = await job.stage({ bytes: cutout.bytes, contentType: 'image/png', name: 'cutout' })
        } else base = job.inputUrls.garmentCutouts![0]!
      } catch (err) {
        return outcomeFromError(err, label)
      }
      const n = Math.max(1, Math.min(4, Math.floor(job.count) || 1))
      return submitDashScopeTask(config, BACKGROUND_GENERATION_PATH, { model, input: { base_image_url: base, ref_prompt: fitPrompt(job.prompt) }, parameters: { n, ...extra } }, label)
    },
    poll: (taskId) => pollDashScopeTask(config, taskId, label, resultImages),
    fetchImage: (url) => downloadImage(url, config.timeoutMs ?? 30_000, label),
  }
}
