/**
 * Garment segmentation with DashScope's `aitryon-parsing-v1` (synchronous; same key and endpoint as try-on):
 * a garment photo → an RGBA PNG of the garment alone, which background generation needs as its base image.
 * https://help.aliyun.com/zh/model-studio/developer-reference/aitryon-parsing-api:
 * POST /api/v1/services/vision/image-process/process, { model, input: { image_url }, parameters: { clothes_type } },
 * clothes_type ∈ [upper] | [lower] | [dress] | [upper, lower]; output.parsing_img_url[i] is an RGBA PNG (null
 * when no such garment was found), crop_img_url the RGB crop, bbox [x1, y1, x2, y2]; 10 RPS per account.
 */
import type { GenerationJob, ProviderConfig } from '@aiphoto/runtime'
import { InputRejectedError } from '../normalize/normalize-image'
import { dashscopeHeaders, DASHSCOPE_DEFAULT_ENDPOINT, ThrottledError, throttleFromAnswer } from './dashscope-task'
import { PARSING_INPUT_SPEC, providerInputUrl } from './dashscope-inputs'
import { describeErrorBody, httpRequest, isRetryableStatus, joinUrl, parseJson, ProviderRequestError } from './http'

export const PARSING_PATH = '/api/v1/services/vision/image-process/process'

export type ClothesType = 'upper' | 'lower' | 'dress'

/** Our garment types → the parsing API's regions. */
export function clothesTypeOf(garmentType: unknown): ClothesType {
  if (garmentType === 'bottom') return 'lower'
  if (garmentType === 'dress') return 'dress'
  return 'upper'
}

export interface Segmenter {
  /** The garment as an RGBA PNG. Throws InputRejectedError (no garment found), ThrottledError or ProviderRequestError. */
  cutOut(job: GenerationJob, garment: Buffer, garmentUrl: string | undefined, type: ClothesType): Promise<Buffer>
}

export function createDashScopeSegmenter(config: ProviderConfig): Segmenter {
  const label = 'dashscope-parsing'
  const timeoutMs = config.timeoutMs ?? 30_000
  return {
    async cutOut(job, garment, garmentUrl, type) {
      const imageUrl = await providerInputUrl(job, garment, garmentUrl, PARSING_INPUT_SPEC, 'garment-parse')
      const answer = await httpRequest(
        joinUrl(config.endpoint || DASHSCOPE_DEFAULT_ENDPOINT, PARSING_PATH),
        // A synchronous API: no X-DashScope-Async header.
        { method: 'POST', headers: dashscopeHeaders(config, false), body: JSON.stringify({ model: 'aitryon-parsing-v1', input: { image_url: imageUrl }, parameters: { clothes_type: [type] } }) },
        timeoutMs,
        label,
      )
      const throttled = throttleFromAnswer(answer, label)
      if (throttled) throw new ThrottledError(throttled.reason, throttled.retryAfterMs)
      if (answer.status !== 200) throw new ProviderRequestError(`${label}: HTTP ${answer.status} ${describeErrorBody(answer)}`, isRetryableStatus(answer.status))
      const output = (parseJson(answer, label)['output'] ?? {}) as Record<string, unknown>
      const urls = Array.isArray(output['parsing_img_url']) ? (output['parsing_img_url'] as unknown[]) : []
      const url = urls[0]
      if (typeof url !== 'string' || !url) throw new InputRejectedError('未在图片中识别到服装，请使用服装平铺图')
      const png = await httpRequest(url, { method: 'GET' }, timeoutMs, label)
      if (png.status !== 200) throw new ProviderRequestError(`${label}: result download HTTP ${png.status}`, isRetryableStatus(png.status))
      return png.bytes
    },
  }
}
