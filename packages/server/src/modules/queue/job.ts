/** Builds a provider job from a task: input bytes and signed URLs from storage, the rendered prompt, the scene. */
import type { GenerationJob, ProviderImage, Runtime } from '@aiphoto/runtime'
import { getDoc } from '../../lib/db'
import type { SceneDoc, TaskDoc } from '../../data/documents'
import { renderPrompt } from '../catalog/prompts'
import { INPUT_URL_TTL_SECONDS } from './policy'

/** The neutral studio a try-on is shown in (try-on has no scene of its own). */
const FITTING_SCENE = { id: 'fitting-studio', name: '试衣影棚', category: 'studio', parameters: { backdrop: 'white', light: 'studio' } }

type AspectRatio = GenerationJob['aspectRatio']
const ASPECTS: ReadonlySet<string> = new Set(['1:1', '3:4', '4:3', '9:16', '16:9'])

export class InputMissingError extends Error {}

/** Files a job staged for its provider (see `GenerationJob.stage`): recorded on the task, deleted when the job ends. */
export interface StagedFiles {
  fileIds: string[]
}

export async function buildJob(rt: Runtime, task: TaskDoc, staged: StagedFiles = { fileIds: [] }): Promise<GenerationJob> {
  const p = task.params
  const fileIds = [...p.garment_images, ...(p.person_image ? [p.person_image] : [])]
  let bytes: Buffer[]
  try {
    bytes = await Promise.all(fileIds.map((id) => rt.storage.download(id)))
  } catch (err) {
    // The user deleted an input after paying: no provider can help, fail (and refund) at once. Any other storage
    // failure (a timeout, STORAGE_REQUEST_FAIL) is not the user's doing and is retried like a provider failure.
    if ((err as { code?: unknown } | null)?.code === 'NOT_FOUND') throw new InputMissingError('输入图片已不存在')
    throw err
  }
  const urls = await rt.storage.getTempUrls(fileIds, INPUT_URL_TTL_SECONDS)
  const urlOf = (id: string) => urls.find((u) => u.fileId === id)?.url ?? ''
  const options = (p.options ?? {}) as Record<string, string | undefined>
  const aspect = typeof options.aspect_ratio === 'string' && ASPECTS.has(options.aspect_ratio) ? (options.aspect_ratio as AspectRatio) : '3:4'

  let scene: GenerationJob['scene'] = FITTING_SCENE
  let sceneDoc: SceneDoc | null = null
  if (task.type === 'photography' && p.scene_id) {
    // An admin may have deactivated the scene since: the paid task still runs with it.
    sceneDoc = await getDoc<SceneDoc>(rt.db, 'scenes', p.scene_id)
    if (sceneDoc) scene = { id: sceneDoc._id, name: sceneDoc.name, category: sceneDoc.category, parameters: sceneDoc.parameters ?? {} }
  }
  const prompt = await renderPrompt(rt, task.type, sceneDoc, { ...options, garment_type: p.garment_type })
  const garments = bytes.slice(0, p.garment_images.length)
  const person = p.person_image ? bytes[bytes.length - 1] : undefined
  const job: GenerationJob = {
    kind: task.type,
    inputs: person ? { garments, person } : { garments },
    inputUrls: p.person_image ? { garments: p.garment_images.map(urlOf), person: urlOf(p.person_image) } : { garments: p.garment_images.map(urlOf) },
    prompt: prompt.prompt,
    negativePrompt: prompt.negative_prompt,
    count: task.type === 'fitting' ? 1 : p.count,
    aspectRatio: aspect,
    scene,
    options: { ...options, garment_type: p.garment_type },
    stage: async (file) => {
      // Next to the work's results, so it is the user's data and is found by whoever cleans up after the task.
      const ext = file.contentType === 'image/png' ? 'png' : 'jpg'
      const safe = file.name.replace(/[^a-z0-9-]/gi, '').slice(0, 40) || 'input'
      const cloudPath = `users/${task.user_openid}/works/${task.work_id}/inputs/${safe}-${rt.ids.token(6)}.${ext}`
      const { fileId } = await rt.storage.upload({ cloudPath, content: file.bytes, contentType: file.contentType })
      staged.fileIds.push(fileId)
      const [signed] = await rt.storage.getTempUrls([fileId], INPUT_URL_TTL_SECONDS)
      if (!signed?.url) throw new Error('staged input has no URL')
      return signed.url
    },
  }
  return job
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/jpg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }

/**
 * Copies result images into the user's storage at once (provider URLs expire):
 * `users/<openid>/works/<work_id>/<n>-<lease_id>.jpg` — the lease in the name keeps a worker that lost its lease
 * (and deletes what it stored) from touching the files of the worker that took over. Returns the file ids of the images that could be stored.
 */
export async function storeResults(rt: Runtime, task: TaskDoc & { lease_id: string }, images: ProviderImage[], fetchImage?: (url: string) => Promise<{ bytes: Buffer; contentType: string }>): Promise<string[]> {
  const stored: string[] = []
  for (let i = 0; i < images.length; i++) {
    const img = images[i]!
    try {
      const got = 'bytes' in img ? img : await (fetchImage ?? fetchUrl)(img.url)
      if (!got.bytes.length) continue
      const type = got.contentType.split(';')[0]!.trim().toLowerCase()
      const ext = EXT[type] ?? 'jpg'
      const { fileId } = await rt.storage.upload({ cloudPath: `users/${task.user_openid}/works/${task.work_id}/${i + 1}-${task.lease_id}.${ext}`, content: got.bytes, contentType: type || 'image/jpeg' })
      stored.push(fileId)
    } catch (err) {
      rt.logger.warn('result_store_failed', { task_id: task._id, index: i, error: String((err as Error)?.message ?? err).slice(0, 200) })
    }
  }
  return stored
}

async function fetchUrl(url: string): Promise<{ bytes: Buffer; contentType: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
  if (!res.ok) throw new Error(`result download failed: HTTP ${res.status}`)
  return { bytes: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? 'image/jpeg' }
}
