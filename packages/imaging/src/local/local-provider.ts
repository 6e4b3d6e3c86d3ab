/**
 * The `local` provider: real images from the sharp compositor, no network. With a delay configured it
 * behaves like a remote asynchronous provider (submit → running, poll → succeeded once the delay has
 * passed), so the queue's polling path is exercised locally too.
 */
import type { GenerationJob, ImageProvider, ProviderImage, ProviderOutcome } from '@aiphoto/runtime'
import { outputSize } from '../aspect'
import { createSeededRandom, hashString } from '../seeded-random'
import { composeFitting } from './compose-fitting'
import { composePhotography } from './compose-photography'
import { extractSubject, trimSubject } from './cutout'
import { presentGarment } from './garment-shape'
import { resolveSceneStyle } from './scene-style'
import { drawModelFigure, type ModelFigureAttributes } from './model-figure'
import { composeModelInScene, renderCutout, renderPackshot, renderUpscale } from './operations'

export interface LocalProviderOptions {
  /** Simulated latency: submit answers `running`, poll answers `succeeded` once this has elapsed. */
  delayMs?: number
  /** Probability (0..1) that a job fails with a retryable error. */
  failRate?: number
  /** Long side of the output in px (≥ 1024 by default). */
  longSide?: number
  now?: () => number
  random?: () => number
}

/** Reads the provider's knobs from the environment once (AIPHOTO_LOCAL_PROVIDER_DELAY_MS, AIPHOTO_LOCAL_PROVIDER_FAIL). */
export function localProviderOptionsFromEnv(env: Record<string, string | undefined>): LocalProviderOptions {
  const delay = Number(env['AIPHOTO_LOCAL_PROVIDER_DELAY_MS'] ?? '')
  const fail = Number(env['AIPHOTO_LOCAL_PROVIDER_FAIL'] ?? '')
  return {
    delayMs: Number.isFinite(delay) && delay > 0 ? Math.floor(delay) : 0,
    failRate: Number.isFinite(fail) ? Math.min(1, Math.max(0, fail)) : 0,
  }
}

const FIGURE_KEYS = { gender: ['female', 'male'], age: ['child', 'young', 'adult', 'senior'], body: ['slim', 'regular', 'curvy', 'plus'], pose: ['standing', 'walking', 'sitting', 'half_body'], skin_tone: ['light', 'medium', 'tan', 'deep'] } as const

/** The figure attributes of a text-to-image job (the model library's options), defaults where absent. */
function figureOf(options: Record<string, unknown>): ModelFigureAttributes {
  const pick = <K extends keyof typeof FIGURE_KEYS>(k: K, d: (typeof FIGURE_KEYS)[K][number]) =>
    ((FIGURE_KEYS[k] as readonly string[]).includes(String(options[k])) ? options[k] : d) as (typeof FIGURE_KEYS)[K][number]
  return { gender: pick('gender', 'female'), age: pick('age', 'young'), body: pick('body', 'regular'), pose: pick('pose', 'standing'), skin_tone: pick('skin_tone', 'medium') }
}

/** Renders every image of a job (the cut-outs are computed once and shared by the variations). */
export async function renderLocalJob(job: GenerationJob, longSide = 1024): Promise<ProviderImage[]> {
  const count = Math.max(1, Math.min(8, Math.floor(job.count) || 1))
  const offset = Math.max(0, Math.floor(job.variation ?? 0))
  switch (job.kind) {
    case 'cutout': {
      const source = job.inputs.source ?? job.inputs.garments[0]
      if (!source) throw new LocalInputError('an image to cut out is required')
      return [{ bytes: await renderCutout(source, undefined, job.options['subject'] !== 'model'), contentType: 'image/png' }]
    }
    case 'packshot': {
      const source = job.inputs.cutouts?.[0] ?? job.inputs.source ?? job.inputs.garments[0]
      if (!source) throw new LocalInputError('a product image is required')
      const target = job.target ?? { width: 800, height: 800 }
      const bytes = await renderPackshot(source, target, job.options['shadow'] !== false)
      return Array.from({ length: count }, () => ({ bytes, contentType: 'image/jpeg' }))
    }
    case 'upscale': {
      if (!job.inputs.source) throw new LocalInputError('an image to upscale is required')
      return [{ bytes: await renderUpscale(job.inputs.source, job.scale ?? 2), contentType: 'image/jpeg' }]
    }
    case 'text_to_image': {
      const { width, height } = outputSize(job.aspectRatio, longSide)
      const bytes = await drawModelFigure(figureOf(job.options), { width, height })
      return Array.from({ length: count }, () => ({ bytes, contentType: 'image/jpeg' }))
    }
    default:
      break
  }
  const garmentBytes = job.inputs.cutouts?.[0] ?? job.inputs.garments[0]
  if (!garmentBytes) throw new LocalInputError('a garment image is required')
  if (job.kind === 'fitting' && !job.inputs.person) throw new LocalInputError('a person image is required for try-on')
  const { width, height } = outputSize(job.aspectRatio, longSide)
  const style = resolveSceneStyle(job.scene.parameters)
  const seed = `${job.scene.id}:${hashString(job.prompt)}:${garmentBytes.length}:${hashString(garmentBytes.subarray(0, 4096).toString('base64'))}`
  if (job.kind === 'photography' && job.options['subject'] === 'model') {
    // on_model's scene step: the dressed model (its cut-out) stood in the scene.
    const dressed = job.inputs.cutouts?.[0] ?? job.inputs.source
    if (!dressed) throw new LocalInputError('a dressed model image is required')
    const images: ProviderImage[] = []
    for (let i = 0; i < count; i++) images.push({ bytes: await composeModelInScene(dressed, { style, width, height, variation: offset + i, seed }), contentType: 'image/jpeg' })
    return images
  }
  // A try-on's second garment is the bottom of a top + bottom pair.
  const bottomBytes = job.kind === 'fitting' ? job.inputs.garments[1] : undefined
  const [garment, person, bottom] = await Promise.all([
    extractSubject(garmentBytes, 640).then(trimSubject).then(presentGarment),
    job.kind === 'fitting' && job.inputs.person ? extractSubject(job.inputs.person, 768) : Promise.resolve(null),
    bottomBytes ? extractSubject(bottomBytes, 640).then(trimSubject).then(presentGarment) : Promise.resolve(null),
  ])
  const images: ProviderImage[] = []
  for (let i = 0; i < count; i++) {
    const req = { style, width, height, variation: offset + i, seed }
    const bytes = person ? await composeFitting(person, garment, req, { garmentType: String(job.options['garment_type'] ?? ''), bottom }) : await composePhotography(garment, req)
    images.push({ bytes, contentType: 'image/jpeg' })
  }
  return images
}

class LocalInputError extends Error {}

interface PendingJob {
  result: Promise<ProviderImage[]>
  expiresAt: number
}

/**
 * Jobs rendered ahead of their simulated completion, shared by every local provider in the process
 * (the worker may build a new provider per invocation).
 */
const pending = new Map<string, PendingJob>()

interface TaskToken {
  j: string
  ready: number
  fail: 0 | 1
}

const PREFIX = 'local:'

function encodeToken(t: TaskToken): string {
  return PREFIX + Buffer.from(JSON.stringify(t)).toString('base64url')
}

function decodeToken(id: string): TaskToken | null {
  if (!id.startsWith(PREFIX)) return null
  try {
    const t = JSON.parse(Buffer.from(id.slice(PREFIX.length), 'base64url').toString('utf8')) as Partial<TaskToken>
    if (typeof t.j !== 'string' || typeof t.ready !== 'number') return null
    return { j: t.j, ready: t.ready, fail: t.fail === 1 ? 1 : 0 }
  } catch {
    return null
  }
}

async function settle(result: Promise<ProviderImage[]>): Promise<ProviderOutcome> {
  try {
    return { state: 'succeeded', images: await result }
  } catch (err) {
    if (err instanceof LocalInputError) return { state: 'failed', retryable: false, reason: `local: ${err.message}` }
    return { state: 'failed', retryable: true, reason: `local: render failed (${(err as Error).message})` }
  }
}

/** Example: `createLocalProvider(localProviderOptionsFromEnv(process.env))`. */
export function createLocalProvider(options: LocalProviderOptions = {}): ImageProvider {
  const delayMs = Math.max(0, options.delayMs ?? 0)
  const failRate = Math.min(1, Math.max(0, options.failRate ?? 0))
  const longSide = Math.max(256, options.longSide ?? 1024)
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  let seq = 0

  return {
    name: 'local',
    // Everything, locally: text_to_image draws the stand-in figures of the model library.
    supports: (kind) => ['photography', 'fitting', 'cutout', 'packshot', 'upscale', 'text_to_image'].includes(kind),

    async submit(job) {
      const fail = random() < failRate
      if (delayMs === 0) {
        if (fail) return { state: 'failed', retryable: true, reason: 'local: simulated provider failure' }
        return settle(renderLocalJob(job, longSide))
      }
      const t = now()
      for (const [id, p] of pending) if (p.expiresAt < t) pending.delete(id)
      const j = `${t.toString(36)}-${(seq++).toString(36)}-${Math.floor(createSeededRandom(t ^ seq)() * 1e9).toString(36)}`
      if (!fail) {
        const result = renderLocalJob(job, longSide)
        result.catch(() => undefined) // observed later by poll; never an unhandled rejection
        pending.set(j, { result, expiresAt: t + delayMs + 30 * 60_000 })
      }
      return { state: 'running', providerTaskId: encodeToken({ j, ready: t + delayMs, fail: fail ? 1 : 0 }), progress: 0 }
    },

    async poll(providerTaskId) {
      const token = decodeToken(providerTaskId)
      if (!token) return { state: 'failed', retryable: false, reason: 'local: malformed provider task id' }
      const t = now()
      if (t < token.ready) {
        const progress = delayMs > 0 ? Math.min(0.99, Math.max(0, 1 - (token.ready - t) / delayMs)) : 0.5
        return { state: 'running', providerTaskId, progress }
      }
      if (token.fail) return { state: 'failed', retryable: true, reason: 'local: simulated provider failure' }
      const job = pending.get(token.j)
      // NOTE: the inputs live only in this process; after a restart the job cannot be finished, and a
      // retryable failure makes the worker submit it again.
      if (!job) return { state: 'failed', retryable: true, reason: 'local: job not found (process restarted?)' }
      pending.delete(token.j)
      return settle(job.result)
    },
  }
}
