/**
 * A strict fake of the FASHN API, written from its documentation and SDK, not from our adapter:
 * - docs.fashn.ai/api-overview/api-fundamentals: `Authorization: Bearer <key>` on every request; `POST /v1/run`
 *   with `{ model_name, inputs }` answers `{ id, error: null }`; `GET /v1/status/{id}`.
 * - docs.fashn.ai/api-overview/error-handling: API-level errors `{ error, message }` — 400 BadRequest,
 *   401 UnauthorizedAccess ("Unauthorized: Invalid token"), 404 NotFound, 429 RateLimitExceeded,
 *   429 ConcurrencyLimitExceeded, 429 OutOfCredits, 500 InternalServerError; runtime errors on the status
 *   `{ status: 'failed', error: { name, message } }`.
 * - SDK (fashn-AI/fashn-typescript-sdk src/resources/predictions.ts): states starting | in_queue | processing |
 *   completed | failed (| canceled | time_out); tryon-v1.6 inputs model_image, garment_image (URL or
 *   `data:image/...;base64,`), category auto | tops | bottoms | one-pieces, garment_photo_type auto | flat-lay |
 *   model, mode performance | balanced | quality, moderation_level, num_samples, output_format png | jpeg,
 *   return_base64, seed, segmentation_free; product-to-model inputs product_image, model_image?, aspect_ratio?,
 *   generation_mode?, image_prompt?, output_format?, prompt?, resolution?, return_base64?, seed (0..2^32-1).
 * Where the docs are silent the fake is stricter: unknown input keys are a 400, num_samples is 1..4, the account
 * runs at most `maxConcurrent` (2) predictions at once and `runsPerSecond` (5) submissions per second, and an
 * input that cannot be downloaded as an image fails the prediction with ImageLoadError when it runs.
 */
import sharp from 'sharp'
import { startFakeServer, type FakeFault, type FakeServerBase } from './fake-server'
import { inspectImage, type InspectedImage } from './inspect-image'

export type FashnStatus = 'starting' | 'in_queue' | 'processing' | 'completed' | 'failed' | 'canceled' | 'time_out'

export interface FakeFashnOptions {
  apiKey?: string
  /** States a prediction goes through, one per status poll (default starting → in_queue → processing → completed). */
  states?: FashnStatus[]
  maxConcurrent?: number
  runsPerSecond?: number
  /** API credits left (each completed image costs 1); 0 → 429 OutOfCredits. */
  credits?: number
  now?: () => number
}

export interface FakeFashnPrediction {
  id: string
  model_name: string
  inputs: Record<string, unknown>
  polls: number
  status: FashnStatus
  error: { name: string; message: string } | null
  output: string[] | null
}

export interface FakeFashn extends FakeServerBase {
  predictions: Map<string, FakeFashnPrediction>
  downloads: Array<{ url: string; image: InspectedImage | null; status: number }>
  peakConcurrency: number
  /** The next prediction that runs fails with this runtime error (e.g. PoseError, PipelineError). */
  failNextPrediction(name: string, message?: string): void
  apiKey: string
}

const TRYON_KEYS = new Set(['model_image', 'garment_image', 'category', 'garment_photo_type', 'mode', 'moderation_level', 'num_samples', 'output_format', 'return_base64', 'seed', 'segmentation_free'])
const P2M_KEYS = new Set(['product_image', 'model_image', 'aspect_ratio', 'generation_mode', 'image_prompt', 'output_format', 'prompt', 'resolution', 'return_base64', 'seed'])
const ENUMS: Record<string, readonly string[]> = {
  category: ['auto', 'tops', 'bottoms', 'one-pieces'],
  garment_photo_type: ['auto', 'flat-lay', 'model'],
  mode: ['performance', 'balanced', 'quality'],
  moderation_level: ['conservative', 'permissive', 'none'],
  output_format: ['png', 'jpeg'],
  aspect_ratio: ['1:1', '2:3', '3:4', '4:5', '5:4', '4:3', '3:2', '16:9', '9:16'],
  generation_mode: ['fast', 'balanced', 'quality'],
  resolution: ['1k', '2k', '4k'],
}

const isImageRef = (v: unknown) => typeof v === 'string' && (/^https?:\/\/\S+$/.test(v) || /^data:image\/(png|jpe?g|webp);base64,[A-Za-z0-9+/=]+$/.test(v))

export async function startFakeFashn(options: FakeFashnOptions = {}): Promise<FakeFashn> {
  const apiKey = options.apiKey ?? 'test-fashn-key'
  const states = options.states ?? ['starting', 'in_queue', 'processing', 'completed']
  const maxConcurrent = options.maxConcurrent ?? 2
  const runsPerSecond = options.runsPerSecond ?? 5
  const now = options.now ?? Date.now
  let credits = options.credits ?? 1_000
  const predictions = new Map<string, FakeFashnPrediction>()
  const downloads: FakeFashn['downloads'] = []
  const results = new Map<string, Buffer>()
  const runTimes: number[] = []
  const runtimeFailures: Array<{ name: string; message: string }> = []
  let seq = 0
  let peak = 0

  const active = () => [...predictions.values()].filter((p) => p.status === 'starting' || p.status === 'in_queue' || p.status === 'processing').length

  async function download(url: string): Promise<Buffer | null> {
    if (url.startsWith('data:')) return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(10_000) })
      const bytes = Buffer.from(await r.arrayBuffer())
      const image = r.status === 200 ? await inspectImage(bytes).catch(() => null) : null
      downloads.push({ url, image, status: r.status })
      return image && image.format !== 'unknown' ? bytes : null
    } catch {
      downloads.push({ url, image: null, status: 0 })
      return null
    }
  }

  /** What the model runs when a prediction reaches processing: load the inputs, make the result image. */
  async function execute(p: FakeFashnPrediction, base: string): Promise<void> {
    const injected = runtimeFailures.shift()
    if (injected) return void Object.assign(p, { status: 'failed', error: injected })
    const personUrl = String(p.inputs['model_image'] ?? '')
    const garmentUrl = String(p.inputs[p.model_name === 'product-to-model' ? 'product_image' : 'garment_image'] ?? '')
    const [person, garment] = await Promise.all([personUrl ? download(personUrl) : Promise.resolve(Buffer.alloc(0)), download(garmentUrl)])
    if ((personUrl && !person) || !garment) {
      return void Object.assign(p, { status: 'failed', error: { name: 'ImageLoadError', message: 'Error loading model image or garment image' } })
    }
    // tryon-v1.6 renders at 864×1296 (docs: "Processing Resolution: 864×1296 pixels").
    const n = Number(p.inputs['num_samples'] ?? 1)
    const png = p.inputs['output_format'] === 'png'
    const bytes = await sharp(person && person.length ? person : garment).resize(864, 1296, { fit: 'cover' })[png ? 'png' : 'jpeg']().toBuffer()
    p.output = Array.from({ length: n }, (_, i) => {
      const key = `${p.id}-${i}.${png ? 'png' : 'jpg'}`
      results.set(key, bytes)
      return `${base}/cdn/${key}`
    })
    credits -= n
    p.status = 'completed'
  }

  let baseUrl = ''
  const server = await startFakeServer(
    async (req, res, fault: FakeFault | null) => {
      const path = req.path.split('?')[0]!
      if (req.method === 'GET' && path.startsWith('/cdn/')) {
        const bytes = results.get(path.slice(5))
        if (!bytes) return server.send(res, 404, { error: 'NotFound', message: 'Not found' })
        return server.send(res, 200, bytes, { 'content-type': path.endsWith('.png') ? 'image/png' : 'image/jpeg' })
      }
      if (fault === 'throttle') return server.send(res, 429, { error: 'RateLimitExceeded', message: 'Too many requests' })
      if (fault === 'server-error') return server.send(res, 500, { error: 'InternalServerError', message: 'Internal server error' })
      if (fault === 'malformed') return server.send(res, 200, '{"id": ')
      if (req.headers['authorization'] !== `Bearer ${apiKey}`) return server.send(res, 401, { error: 'UnauthorizedAccess', message: 'Unauthorized: Invalid token' })

      if (req.method === 'POST' && path === '/v1/run') {
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return server.send(res, 400, { error: 'BadRequest', message: 'Content-Type must be application/json' })
        let body: Record<string, unknown>
        try {
          body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>
        } catch {
          return server.send(res, 400, { error: 'BadRequest', message: 'Invalid JSON' })
        }
        const bad = (message: string) => server.send(res, 400, { error: 'BadRequest', message })
        const model = body['model_name']
        const inputs = body['inputs'] as Record<string, unknown> | undefined
        if (model !== 'tryon-v1.6' && model !== 'product-to-model') return bad(`Unsupported model_name: ${String(model)}`)
        if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) return bad('inputs is required')
        const allowed = model === 'tryon-v1.6' ? TRYON_KEYS : P2M_KEYS
        for (const k of Object.keys(inputs)) if (!allowed.has(k)) return bad(`Unknown parameter: inputs.${k}`)
        for (const [k, values] of Object.entries(ENUMS)) if (inputs[k] !== undefined && !values.includes(String(inputs[k]))) return bad(`Invalid value for inputs.${k}`)
        const required = model === 'tryon-v1.6' ? ['model_image', 'garment_image'] : ['product_image']
        for (const k of required) if (!isImageRef(inputs[k])) return bad(`inputs.${k} must be an image URL or a base64 data URI`)
        if (inputs['model_image'] !== undefined && !isImageRef(inputs['model_image'])) return bad('inputs.model_image must be an image URL or a base64 data URI')
        const n = inputs['num_samples']
        if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 4)) return bad('inputs.num_samples must be an integer from 1 to 4')
        const seed = inputs['seed']
        if (seed !== undefined && !(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) <= 2 ** 32 - 1)) return bad('inputs.seed must be between 0 and 2^32-1')
        if (credits <= 0) return server.send(res, 429, { error: 'OutOfCredits', message: 'No API credits remaining' })
        const t = now()
        while (runTimes.length && runTimes[0]! <= t - 1000) runTimes.shift()
        if (runTimes.length >= runsPerSecond) return server.send(res, 429, { error: 'RateLimitExceeded', message: 'Too many requests in the window' })
        if (active() >= maxConcurrent) return server.send(res, 429, { error: 'ConcurrencyLimitExceeded', message: 'Too many concurrent predictions' })
        runTimes.push(t)
        const id = `${(++seq).toString(16).padStart(8, '0')}-4129-4bb3-be18-9c9fb5bd7fc1-u1`
        predictions.set(id, { id, model_name: model, inputs, polls: 0, status: 'starting', error: null, output: null })
        peak = Math.max(peak, active())
        return server.send(res, 200, { id, error: null })
      }

      if (req.method === 'GET' && path.startsWith('/v1/status/')) {
        const p = predictions.get(decodeURIComponent(path.slice('/v1/status/'.length)))
        if (!p) return server.send(res, 404, { error: 'NotFound', message: 'Prediction not found' })
        if (p.status !== 'completed' && p.status !== 'failed' && p.status !== 'canceled' && p.status !== 'time_out') {
          p.polls++
          const next = states[Math.min(states.length - 1, p.polls)] ?? 'completed'
          if (next === 'completed') await execute(p, baseUrl)
          else p.status = next
        }
        return server.send(res, 200, { id: p.id, status: p.status, output: p.status === 'completed' ? p.output : null, error: p.error })
      }
      return server.send(res, 404, { error: 'NotFound', message: 'Not found' })
    },
    (req) => (req.method === 'POST' ? 'submit' : req.path.startsWith('/v1/status/') ? 'poll' : 'other'),
    3_000,
  )
  baseUrl = server.url
  return {
    ...server,
    apiKey,
    predictions,
    downloads,
    get peakConcurrency() {
      return peak
    },
    failNextPrediction(name, message = 'Prediction failed') {
      runtimeFailures.push({ name, message })
    },
  }
}
