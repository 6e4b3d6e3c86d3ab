/**
 * DashScope background generation (`wanx-background-generation-v2`): a transparent garment cut-out plus a
 * text prompt → `n` product photos. The API wants a cut-out; `inputUrls.garmentCutouts` carries one when
 * the caller uploaded it (see `cutOutGarment`), otherwise the original garment photo is sent.
 */
import type { ImageProvider, ProviderConfig, ProviderImage } from '@aiphoto/runtime'
import { downloadImage } from './http'
import { pollDashScopeTask, submitDashScopeTask } from './dashscope-task'

export const BACKGROUND_GENERATION_PATH = '/api/v1/services/aigc/background-generation/generation/'

export function createDashScopeBackgroundProvider(config: ProviderConfig): ImageProvider {
  const label = 'dashscope-background'
  const defaults = config.default_params
  const model = typeof defaults['model'] === 'string' ? defaults['model'] : 'wanx-background-generation-v2'
  const extra = (defaults['parameters'] as Record<string, unknown> | undefined) ?? {}
  const images = (output: Record<string, unknown>): ProviderImage[] =>
    Array.isArray(output['results'])
      ? (output['results'] as Array<Record<string, unknown>>).filter((r) => r && typeof r['url'] === 'string' && r['url']).map((r) => ({ url: r['url'] as string }))
      : []

  return {
    name: label,
    supports: (kind) => kind === 'photography',
    async submit(job) {
      const base = job.inputUrls.garmentCutouts?.[0] ?? job.inputUrls.garments[0]
      if (job.kind !== 'photography' || !base) return { state: 'failed', retryable: false, reason: `${label}: needs a garment image` }
      const n = Math.max(1, Math.min(4, Math.floor(job.count) || 1))
      return submitDashScopeTask(config, BACKGROUND_GENERATION_PATH, { model, input: { base_image_url: base, ref_prompt: job.prompt }, parameters: { n, ...extra } }, label)
    },
    poll: (taskId) => pollDashScopeTask(config, taskId, label, images),
    fetchImage: (url) => downloadImage(url, config.timeoutMs ?? 30_000, label),
  }
}
