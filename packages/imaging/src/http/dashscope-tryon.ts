/** DashScope AI try-on (OutfitAnyone, model `aitryon` / `aitryon-plus`): person photo + garment flat-lays → one image. */
import type { ImageProvider, ProviderConfig, ProviderImage } from '@aiphoto/runtime'
import { downloadImage } from './http'
import { pollDashScopeTask, submitDashScopeTask } from './dashscope-task'

export const AITRYON_PATH = '/api/v1/services/aigc/image2image/image-synthesis'

export function createDashScopeTryOnProvider(config: ProviderConfig): ImageProvider {
  const label = 'dashscope-aitryon'
  const defaults = config.default_params
  const model = typeof defaults['model'] === 'string' ? defaults['model'] : config.api_name.startsWith('aitryon') ? config.api_name : 'aitryon'
  const extra = (defaults['parameters'] as Record<string, unknown> | undefined) ?? {}
  const images = (output: Record<string, unknown>): ProviderImage[] =>
    typeof output['image_url'] === 'string' && output['image_url'] ? [{ url: output['image_url'] }] : []

  return {
    name: label,
    supports: (kind) => kind === 'fitting',
    async submit(job) {
      const person = job.inputUrls.person
      const top = job.inputUrls.garments[0]
      if (job.kind !== 'fitting' || !person || !top) return { state: 'failed', retryable: false, reason: `${label}: needs a person image and a garment image` }
      const input: Record<string, string> = { top_garment_url: top, person_image_url: person }
      const bottom = job.inputUrls.garments[1]
      if (bottom) input['bottom_garment_url'] = bottom
      return submitDashScopeTask(config, AITRYON_PATH, { model, input, parameters: { resolution: -1, restore_face: true, ...extra } }, label)
    },
    poll: (taskId) => pollDashScopeTask(config, taskId, label, images),
    fetchImage: (url) => downloadImage(url, config.timeoutMs ?? 30_000, label),
  }
}
