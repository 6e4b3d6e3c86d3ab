/**
 * `admin/generateModel`: a library model made by a text-to-image provider (capability `text_to_image`: the local
 * compositor draws its stand-in figure; a remote provider configured for it generates a photo). Stateless across
 * calls, so it fits the 60 s function limit: the first call submits and, if the provider answers `running`, hands
 * back a job token (provider id + provider task id, HMAC-signed so an admin cannot point it at another config);
 * the next calls poll with it. The result is stored in storage and added as an INACTIVE model (`source:
 * generated`) for an operator to review before users see it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { GenerationJob, ProviderOutcome, Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { providerById, rankedProviders } from '../queue/providers'
import { modelPhotoPath } from './seed-data'
import { upsertModel } from './library'
import type { ModelDoc } from '../../data/documents'

export interface GenerateModelInput {
  name: string
  gender: ModelDoc['gender']
  age: ModelDoc['age']
  body: ModelDoc['body']
  pose: ModelDoc['pose']
  skin_tone: ModelDoc['skin_tone']
  scene_id: string | null
  prompt_extra: string
  job_token?: string | undefined
}

const GENDER = { female: 'woman', male: 'man' } as const
const AGE = { child: 'child', young: 'young adult', adult: 'adult', senior: 'senior' } as const
const POSE = { standing: 'standing, front-facing, full body', walking: 'walking towards the camera, full body', sitting: 'sitting on a stool, full body', half_body: 'upper body, front-facing' } as const

/** The prompt: a try-on-ready model photo (plain light backdrop, front-facing, simple fitted clothes). */
export function modelPrompt(i: GenerateModelInput): string {
  return [
    `Studio fashion photo of a ${AGE[i.age]} ${GENDER[i.gender]} model, ${i.body} build, ${i.skin_tone} skin tone, ${POSE[i.pose]}`,
    'arms slightly away from the body, wearing a plain fitted light grey top and slim dark trousers, plain light grey seamless backdrop, soft even light, photorealistic',
    i.prompt_extra ? `Notes (description only): ${i.prompt_extra.replace(/[\r\n]+/g, ' ')}` : '',
  ]
    .filter(Boolean)
    .join('. ')
}

function sign(rt: Runtime, payload: string): string {
  return createHmac('sha256', rt.config.secretKey).update(`model-job\n${payload}`).digest('base64url').slice(0, 32)
}

function encodeToken(rt: Runtime, providerId: string, taskId: string): string {
  const payload = Buffer.from(JSON.stringify([providerId, taskId])).toString('base64url')
  return `${payload}.${sign(rt, payload)}`
}

function decodeToken(rt: Runtime, token: string): { providerId: string; taskId: string } {
  const [payload, mac] = token.split('.')
  const ok = payload && mac && mac.length === 32 && timingSafeEqual(Buffer.from(mac), Buffer.from(sign(rt, payload)))
  if (!ok) throw new AppError('VALIDATION_FAILED', '任务凭证无效', { field: 'job_token' })
  const [providerId, taskId] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string]
  return { providerId, taskId }
}

export async function generateModel(rt: Runtime, actor: string, input: GenerateModelInput, now: Date, requestId: string) {
  let outcome: ProviderOutcome
  let providerId: string
  let fetchImage: ((url: string) => Promise<{ bytes: Buffer; contentType: string }>) | undefined
  if (input.job_token) {
    const { providerId: id, taskId } = decodeToken(rt, input.job_token)
    const handle = await providerById(rt, id)
    if (!handle) throw new AppError('PROVIDER_UNAVAILABLE', '生成服务已下线')
    providerId = id
    fetchImage = handle.provider.fetchImage?.bind(handle.provider)
    outcome = await handle.provider.poll(taskId).catch((err: unknown) => ({ state: 'failed' as const, retryable: true, reason: String((err as Error)?.message ?? err).slice(0, 200) }))
  } else {
    const handles = await rankedProviders(rt, 'text_to_image', now)
    if (handles.length === 0) throw new AppError('PROVIDER_UNAVAILABLE', '没有可用的文生图服务')
    const job: GenerationJob = {
      kind: 'text_to_image',
      inputs: { garments: [] },
      inputUrls: { garments: [] },
      prompt: modelPrompt(input),
      negativePrompt: 'nsfw, nudity, text, watermark, logo, deformed hands, extra limbs, busy background, cropped feet',
      count: 1,
      aspectRatio: '3:4',
      scene: { id: 'model-studio', name: '模特影棚', category: 'studio', parameters: { backdrop: 'grey', light: 'studio' } },
      options: { gender: input.gender, age: input.age, body: input.body, pose: input.pose, skin_tone: input.skin_tone },
    }
    outcome = { state: 'failed', retryable: true, reason: 'no provider accepted' }
    providerId = ''
    for (const handle of handles) {
      outcome = await handle.provider.submit(job).catch((err: unknown) => ({ state: 'failed' as const, retryable: true, reason: String((err as Error)?.message ?? err).slice(0, 200) }))
      providerId = handle.config._id
      fetchImage = handle.provider.fetchImage?.bind(handle.provider)
      if (outcome.state !== 'failed') break
    }
  }
  if (outcome.state === 'running') return { status: 'running' as const, job_token: encodeToken(rt, providerId, outcome.providerTaskId), model_id: null, error: null }
  if (outcome.state === 'throttled') {
    if (input.job_token) return { status: 'running' as const, job_token: input.job_token, model_id: null, error: null }
    return { status: 'failed' as const, job_token: null, model_id: null, error: `throttled: ${outcome.reason}`.slice(0, 200) }
  }
  if (outcome.state === 'failed') return { status: 'failed' as const, job_token: null, model_id: null, error: outcome.reason.slice(0, 200) }
  const first = outcome.images[0]
  if (!first) return { status: 'failed' as const, job_token: null, model_id: null, error: 'no image' }
  const got = 'bytes' in first ? first : await (fetchImage ?? (async (url: string) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
    return { bytes: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? 'image/jpeg' }
  }))(first.url)
  const id = `model-gen-${rt.ids.id().slice(0, 12)}`
  const { fileId } = await rt.storage.upload({ cloudPath: modelPhotoPath(id), content: got.bytes, contentType: got.contentType || 'image/jpeg' })
  await upsertModel(
    rt,
    actor,
    {
      _id: id,
      name: input.name,
      gender: input.gender,
      age: input.age,
      body: input.body,
      pose: input.pose,
      skin_tone: input.skin_tone,
      scene_id: input.scene_id,
      file_id: fileId,
      source: 'generated',
      licence: `text-to-image via ${providerId} on ${now.toISOString().slice(0, 10)}; prompt: ${modelPrompt(input).slice(0, 160)}`,
      sort_order: 1000,
      // Hidden until an operator has looked at it.
      is_active: false,
    },
    now,
    requestId,
  )
  return { status: 'created' as const, job_token: null, model_id: id, error: null }
}
