/**
 * FASHN (https://docs.fashn.ai) as a try-on provider: `POST /v1/run` with `{ model_name, inputs }` answers
 * `{ id, error }`; `GET /v1/status/{id}` answers `{ id, status, output, error }` with status
 * starting | in_queue | processing | completed | failed (the SDK's type adds canceled | time_out).
 * Sources: docs.fashn.ai/api-overview/api-fundamentals, /api-overview/error-handling, /api-reference/tryon-v1-6,
 * and the TypeScript SDK (github fashn-AI/fashn-typescript-sdk, src/resources/predictions.ts).
 * - `tryon-v1.6`: inputs { model_image, garment_image, category: tops | bottoms | one-pieces | auto,
 *   garment_photo_type, mode, num_samples, output_format, seed, … } onto the model photo (our library model or
 *   the seller's own photo).
 * - `product-to-model`: inputs { product_image, model_image?, prompt?, aspect_ratio? } — with a model_image it is
 *   a try-on onto that person, which is how we use it.
 * Result URLs are CDN links kept 72 h; the worker copies them into storage at once.
 */
import type { GenerationJob, ImageProvider, ProviderConfig, ProviderImage, ProviderOutcome } from '@aiphoto/runtime'
import { describeErrorBody, downloadImage, failureFromError, httpRequest, joinUrl, parseJson, type HttpAnswer } from './http'

export const FASHN_DEFAULT_ENDPOINT = 'https://api.fashn.ai'
export const FASHN_RUN_PATH = '/v1/run'
export const FASHN_STATUS_PATH = '/v1/status/'
export const FASHN_MODELS = ['tryon-v1.6', 'product-to-model'] as const
export type FashnModel = (typeof FASHN_MODELS)[number]

/** Our garment types → FASHN's categories (tryon-v1.6 `category`). Outerwear is worn on top. */
export function fashnCategory(garmentType: unknown): 'tops' | 'bottoms' | 'one-pieces' {
  if (garmentType === 'bottom') return 'bottoms'
  if (garmentType === 'dress') return 'one-pieces'
  return 'tops'
}

/**
 * Runtime error names (the SDK's `PredictionStatusResponse.Error.name`): the docs say retry for PipelineError,
 * 3rdPartyProviderError and InternalServerError ("no charge for failures"); the others are about the inputs.
 */
const RETRYABLE_RUNTIME_ERRORS = new Set(['PipelineError', '3rdPartyProviderError', 'InternalServerError', 'PollingTimeout'])

/**
 * API-level errors (docs: error-handling): 400 BadRequest, 401 UnauthorizedAccess, 404 NotFound,
 * 429 RateLimitExceeded / ConcurrencyLimitExceeded (wait and ask again), 429 OutOfCredits (a failure the operator
 * must fix — counted against the provider so failover moves on), 500 InternalServerError (retry).
 */
function apiError(answer: HttpAnswer, label: string): ProviderOutcome {
  let name = ''
  try {
    name = String((JSON.parse(answer.bytes.toString('utf8')) as Record<string, unknown>)['error'] ?? '')
  } catch {
    /* not JSON */
  }
  const detail = describeErrorBody(answer)
  const reason = `${label}: HTTP ${answer.status}${detail ? ` ${detail}` : name ? ` ${name}` : ''}`.slice(0, 300)
  if (answer.status === 429 && name !== 'OutOfCredits') {
    const retryAfter = Number(answer.headers.get('retry-after'))
    return { state: 'throttled', reason, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) }
  }
  return { state: 'failed', retryable: answer.status === 429 ? false : answer.status >= 500 || answer.status === 408, reason }
}

function fashnHeaders(config: ProviderConfig): Record<string, string> {
  return { ...config.headers, 'Content-Type': 'application/json', Accept: 'application/json' }
}

/**
 * tryon-v1.6 (one `garment_image` + one `category`) and product-to-model (one `product_image`) dress one garment
 * per run: a top + bottom outfit is refused (not retryable) so failover hands it to a provider that takes both
 * (DashScope aitryon), instead of dropping the bottom.
 */
function outfitRefusal(job: GenerationJob): string | null {
  return job.inputUrls.garments.length > 1 || job.inputs.garments.length > 1 ? 'one garment per run (a top + bottom outfit needs another try-on provider)' : null
}

function runBody(model: FashnModel, job: GenerationJob, defaults: Record<string, unknown>): Record<string, unknown> | string {
  const person = job.inputUrls.person
  const garment = job.inputUrls.garments[0]
  if (!person || !garment) return 'needs a model photo and a garment image'
  const outfit = outfitRefusal(job)
  if (outfit) return outfit
  const extra = (defaults['inputs'] as Record<string, unknown> | undefined) ?? {}
  // A different seed per unit: each image of an on_model task is its own run (num_samples stays 1).
  const seed = typeof job.variation === 'number' ? 1000 + job.variation : undefined
  if (model === 'product-to-model') {
    return { model_name: model, inputs: { product_image: garment, model_image: person, output_format: 'jpeg', ...(seed !== undefined ? { seed } : {}), ...extra } }
  }
  return {
    model_name: model,
    inputs: {
      model_image: person,
      garment_image: garment,
      category: fashnCategory(job.options['garment_type']),
      garment_photo_type: 'flat-lay',
      mode: 'balanced',
      num_samples: 1,
      output_format: 'jpeg',
      ...(seed !== undefined ? { seed } : {}),
      ...extra,
    },
  }
}

export function createFashnProvider(config: ProviderConfig): ImageProvider {
  const label = 'fashn'
  const api = config.api_name.trim().toLowerCase()
  const model: FashnModel = typeof config.default_params['model_name'] === 'string' && (FASHN_MODELS as readonly string[]).includes(config.default_params['model_name'])
    ? (config.default_params['model_name'] as FashnModel)
    : api === 'product-to-model' ? 'product-to-model' : 'tryon-v1.6'
  const base = config.endpoint && /^https?:\/\//.test(config.endpoint) ? config.endpoint : FASHN_DEFAULT_ENDPOINT
  const timeout = config.timeoutMs ?? 15_000

  return {
    name: label,
    supports: (kind) => kind === 'fitting',
    refuses: (job) => {
      const reason = job.kind === 'fitting' ? outfitRefusal(job) : null
      return reason ? `${label}: ${reason}` : null
    },
    async submit(job) {
      if (job.kind !== 'fitting') return { state: 'failed', retryable: false, reason: `${label}: only try-on` }
      const body = runBody(model, job, config.default_params)
      if (typeof body === 'string') return { state: 'failed', retryable: false, reason: `${label}: ${body}` }
      try {
        const answer = await httpRequest(joinUrl(base, FASHN_RUN_PATH), { method: 'POST', headers: fashnHeaders(config), body: JSON.stringify(body) }, timeout, label)
        if (answer.status !== 200) return apiError(answer, label)
        const json = parseJson(answer, label)
        const id = json['id']
        if (typeof id !== 'string' || !id) {
          const error = typeof json['error'] === 'string' ? json['error'] : 'no id'
          return { state: 'failed', retryable: false, reason: `${label}: not started (${error.slice(0, 200)})` }
        }
        return { state: 'running', providerTaskId: id, progress: 0 }
      } catch (err) {
        return failureFromError(err)
      }
    },
    async poll(id) {
      try {
        const answer = await httpRequest(joinUrl(base, FASHN_STATUS_PATH + encodeURIComponent(id)), { method: 'GET', headers: fashnHeaders(config) }, timeout, label)
        if (answer.status !== 200) return apiError(answer, label)
        const json = parseJson(answer, label)
        const status = String(json['status'] ?? '')
        switch (status) {
          case 'starting':
            return { state: 'running', providerTaskId: id, progress: 0.05 }
          case 'in_queue':
            return { state: 'running', providerTaskId: id, progress: 0.15 }
          case 'processing':
            return { state: 'running', providerTaskId: id, progress: 0.5 }
          case 'completed': {
            const output = Array.isArray(json['output']) ? (json['output'] as unknown[]).filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u)) : []
            if (output.length === 0) return { state: 'failed', retryable: true, reason: `${label}: completed without output` }
            return { state: 'succeeded', images: output.map((url): ProviderImage => ({ url })) }
          }
          case 'failed':
          case 'canceled':
          case 'time_out': {
            const error = (json['error'] ?? {}) as Record<string, unknown>
            const name = typeof error['name'] === 'string' ? error['name'] : status
            const message = typeof error['message'] === 'string' ? error['message'].slice(0, 200) : ''
            return { state: 'failed', retryable: status === 'time_out' || RETRYABLE_RUNTIME_ERRORS.has(name), reason: `${label}: ${status} ${name}${message ? `: ${message}` : ''}` }
          }
          default:
            // An unknown state means "not done yet": poll again (the job timeout bounds it), never resubmit.
            return { state: 'running', providerTaskId: id, progress: 0.5 }
        }
      } catch (err) {
        return failureFromError(err)
      }
    },
    fetchImage: (url) => downloadImage(url, config.timeoutMs ?? 30_000, label),
  }
}
