/**
 * Stability AI Stable Image (`v2beta/stable-image/generate/{core|ultra|sd3}`): multipart form in, image
 * bytes out, synchronously. Text-to-image cannot see the user's garment, so by default the generated
 * picture is used as the backdrop and the garment cut-out is composited onto it locally.
 */
import type { GenerationJob, ImageProvider, ProviderConfig, ProviderImage, ProviderOutcome } from '@aiphoto/runtime'
import { outputSize } from '../aspect'
import { addAiMark } from '../local/ai-mark'
import { composePhotography } from '../local/compose-photography'
import { extractSubject, trimSubject } from '../local/cutout'
import { resolveSceneStyle } from '../local/scene-style'
import { hashString } from '../seeded-random'
import { failureFromError, httpFailure, httpRequest, joinUrl } from './http'

export const STABILITY_DEFAULT_ENDPOINT = 'https://api.stability.ai'
export type StabilityModel = 'core' | 'ultra' | 'sd3'

/** Stability accepts 16:9 1:1 21:9 2:3 3:2 4:5 5:4 9:16 9:21: 3:4 and 4:3 map to the nearest (4:5, 5:4). */
export function stabilityAspectRatio(aspect: GenerationJob['aspectRatio']): string {
  return aspect === '3:4' ? '4:5' : aspect === '4:3' ? '5:4' : aspect
}

export function createStabilityProvider(config: ProviderConfig): ImageProvider {
  const label = 'stability'
  const model: StabilityModel = config.api_name === 'ultra' || config.api_name === 'sd3' ? config.api_name : 'core'
  const defaults = { ...config.default_params }
  const compositeGarment = defaults['composite_garment'] !== false
  delete defaults['composite_garment']
  const url = config.endpoint && config.endpoint.includes('/v2beta/') ? config.endpoint : joinUrl(config.endpoint || STABILITY_DEFAULT_ENDPOINT, `/v2beta/stable-image/generate/${model}`)

  async function generateOne(job: GenerationJob, index: number): Promise<ProviderOutcome & { bytes?: Buffer; contentType?: string }> {
    const form = new FormData()
    form.set('prompt', job.prompt)
    if (job.negativePrompt) form.set('negative_prompt', job.negativePrompt)
    form.set('aspect_ratio', stabilityAspectRatio(job.aspectRatio))
    form.set('output_format', 'jpeg')
    for (const [k, v] of Object.entries(defaults)) if (v !== undefined && v !== null && typeof v !== 'object') form.set(k, String(v))
    if (index > 0 && !form.has('seed')) form.set('seed', String((hashString(`${job.prompt}:${index}`) % 4294967294) + 1))
    const answer = await httpRequest(url, { method: 'POST', headers: { ...config.headers, Accept: 'image/*' }, body: form }, config.timeoutMs ?? 60_000, label)
    if (answer.status !== 200) return httpFailure(answer, label)
    const contentType = answer.headers.get('content-type')?.split(';')[0]?.trim() ?? ''
    if (!contentType.startsWith('image/') || answer.bytes.length === 0) return { state: 'failed', retryable: true, reason: `${label}: malformed response (${contentType || 'no content type'})` }
    if ((answer.headers.get('finish-reason') ?? 'SUCCESS').toUpperCase() === 'CONTENT_FILTERED')
      return { state: 'failed', retryable: false, reason: `${label}: output blocked by content moderation` }
    return { state: 'succeeded', images: [], bytes: answer.bytes, contentType }
  }

  return {
    name: `stability-${model}`,
    supports: (kind) => kind === 'photography',
    async submit(job) {
      if (job.kind !== 'photography') return { state: 'failed', retryable: false, reason: `${label}: photography only` }
      const count = Math.max(1, Math.min(4, Math.floor(job.count) || 1))
      let results: Array<Awaited<ReturnType<typeof generateOne>>>
      try {
        results = await Promise.all(Array.from({ length: count }, (_, i) => generateOne(job, i)))
      } catch (err) {
        return failureFromError(err)
      }
      const failed = results.filter((r) => r.state === 'failed')
      if (failed.length) {
        const final = failed.find((r) => r.state === 'failed' && !r.retryable)
        return final ?? failed[0]!
      }
      const garmentBytes = job.inputs.garments[0]
      try {
        if (!compositeGarment || !garmentBytes) return { state: 'succeeded', images: await Promise.all(results.map((r) => addAiMark(r.bytes!))) }
        const garment = trimSubject(await extractSubject(garmentBytes, 720))
        const { width, height } = outputSize(job.aspectRatio, 1024)
        const style = resolveSceneStyle(job.scene.parameters)
        const images: ProviderImage[] = []
        for (const [i, r] of results.entries())
          images.push({ bytes: await composePhotography(garment, { style, width, height, variation: i, seed: job.scene.id, backdrop: r.bytes! }), contentType: 'image/jpeg' })
        return { state: 'succeeded', images }
      } catch (err) {
        return { state: 'failed', retryable: true, reason: `${label}: result could not be decoded (${(err as Error).message.slice(0, 80)})` }
      }
    },
    async poll() {
      return { state: 'failed', retryable: false, reason: `${label}: synchronous provider has no tasks to poll` }
    },
  }
}
