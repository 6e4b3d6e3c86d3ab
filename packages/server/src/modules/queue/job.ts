/**
 * Builds the provider job of one unit of one step: input bytes and signed URLs from storage (the task's inputs,
 * or the stored outputs of the previous step), the rendered prompt, the scene, the listing size.
 */
import type { GenerationJob, PollContext, ProviderImage, Runtime } from '@aiphoto/runtime'
import { getDoc } from '../../lib/db'
import type { SceneDoc, TaskDoc, TaskStep } from '../../data/documents'
import { renderPrompt } from '../catalog/prompts'
import { INPUT_URL_TTL_SECONDS } from './policy'
import { sourceOfOutput, STEP_JOB_KIND, stepOutputs } from './steps'
import { discardUnrecorded } from '../works/work-files'

/** The neutral studio a try-on is shown in (try-on has no scene of its own). */
const FITTING_SCENE = { id: 'fitting-studio', name: '试衣影棚', category: 'studio', parameters: { backdrop: 'white', light: 'studio' } }

type AspectRatio = GenerationJob['aspectRatio']
const ASPECTS: ReadonlySet<string> = new Set(['1:1', '3:4', '4:3', '9:16', '16:9'])

/** Listing sizes of 白底图 (Taobao/JD main images: 800×800 square, 750×1000 for 3:4). */
export const PACKSHOT_SIZES = { '1:1': { width: 800, height: 800 }, '3:4': { width: 750, height: 1000 } } as const

export class InputMissingError extends Error {}

/** Files a job staged for its provider (see `GenerationJob.stage`): recorded on the task, deleted when the job ends. */
export interface StagedFiles {
  fileIds: string[]
  /**
   * Records a staged file on the task before the provider is handed its URL, so a worker that dies from here on
   * leaves a record for whoever settles or resumes the task; false = the task is no longer this worker's.
   */
  record?: (fileId: string) => Promise<boolean>
}


async function download(rt: Runtime, ids: string[]): Promise<Buffer[]> {
  try {
    return await Promise.all(ids.map((id) => rt.storage.download(id)))
  } catch (err) {
    // The user deleted an input after paying (or a step output vanished): no provider can help, fail (and refund)
    // at once. Any other storage failure (a timeout, STORAGE_REQUEST_FAIL) is not the user's doing and is retried
    // like a provider failure.
    if ((err as { code?: unknown } | null)?.code === 'NOT_FOUND') throw new InputMissingError('输入图片已不存在')
    throw err
  }
}

/** The steps of a task (tasks queued before steps existed ran one step of their type). */
export function stepsOf(task: TaskDoc): TaskStep[] {
  return task.steps ?? [{ kind: task.type === 'fitting' ? 'tryon' : 'scene', units: null }]
}

function aspectOf(task: TaskDoc): AspectRatio {
  const ratio = (task.params.options as Record<string, unknown> | undefined)?.['aspect_ratio']
  return typeof ratio === 'string' && ASPECTS.has(ratio) ? (ratio as AspectRatio) : '3:4'
}

/** The step whose results are the task's photos at the chosen ratio: its last try-on or scene step. */
function isFinalPhotoStep(steps: TaskStep[], stepIndex: number): boolean {
  const kind = steps[stepIndex]?.kind
  return (kind === 'tryon' || kind === 'scene') && !steps.slice(stepIndex + 1).some((s) => s.kind === 'tryon' || s.kind === 'scene')
}

/** What a poll of this step's provider job must honour (see `ImageProvider.poll`); undefined when nothing. */
export function pollContextOf(task: TaskDoc, stepIndex: number): PollContext | undefined {
  const steps = stepsOf(task)
  if (!isFinalPhotoStep(steps, stepIndex)) return undefined
  return { kind: STEP_JOB_KIND[steps[stepIndex]!.kind], aspectRatio: aspectOf(task) }
}

export async function buildJob(rt: Runtime, task: TaskDoc, stepIndex = 0, unitIndex = 0, staged: StagedFiles = { fileIds: [] }): Promise<GenerationJob> {
  const p = task.params
  const steps = stepsOf(task)
  const step = steps[stepIndex]!
  const unit = step.units?.[unitIndex] ?? { count: p.count, source: null, outputs: null }
  const prev = stepIndex > 0 ? stepOutputs(steps[stepIndex - 1]!) : null
  const mode = p.mode ?? (task.type === 'fitting' ? 'fitting' : 'scene')
  const options = (p.options ?? {}) as Record<string, string | undefined>
  const aspect = aspectOf(task)

  // Which stored files this unit reads.
  // Only an explicit bottom is a second garment: more photos of the one garment are not the other half of an
  // outfit (a try-on provider would dress the model in them as a bottom).
  const garmentIds = [...p.garment_images.slice(0, 1), ...(p.bottom_garment_image ? [p.bottom_garment_image] : [])]
  let personId: string | undefined
  let sourceId: string | undefined
  let cutoutId: string | undefined
  if (step.kind === 'tryon') personId = mode === 'on_model' ? p.model_image : p.person_image
  else if (step.kind === 'upscale') sourceId = prev ? prev[unit.source ?? 0] : p.source_image
  else if (step.kind === 'cutout') sourceId = prev ? prev[unit.source ?? 0] : p.garment_images[0]
  else {
    // scene / packshot: the cut-out made by the previous step, and the picture it was cut from.
    cutoutId = prev?.[unit.source ?? 0]
    // The picture the cut-out was cut from, found through the cut-out unit that made it (not by position: a
    // cut-out that failed for good shifts the positions of the ones after it).
    const before = stepIndex >= 2 ? stepOutputs(steps[stepIndex - 2]!) : null
    const from = before ? sourceOfOutput(steps[stepIndex - 1]!, unit.source ?? 0) : null
    sourceId = before && from !== null ? before[from] : undefined
  }
  if ((step.kind === 'upscale' || step.kind === 'cutout') && !sourceId) throw new InputMissingError('输入图片已不存在')
  const ids = [...new Set([...garmentIds, personId, sourceId, cutoutId].filter((x): x is string => !!x))]
  const bytes = await download(rt, ids)
  const byId = new Map(ids.map((id, i) => [id, bytes[i]!]))
  const remote = step.kind === 'tryon' || step.kind === 'scene' || step.kind === 'upscale' || step.kind === 'cutout'
  const urls = remote ? await rt.storage.getTempUrls(ids, INPUT_URL_TTL_SECONDS) : []
  const urlOf = (id: string) => urls.find((u) => u.fileId === id)?.url ?? ''

  let scene: GenerationJob['scene'] = FITTING_SCENE
  let sceneDoc: SceneDoc | null = null
  if (task.type === 'photography' && p.scene_id && step.kind === 'scene') {
    // An admin may have deactivated the scene since: the paid task still runs with it.
    sceneDoc = await getDoc<SceneDoc>(rt.db, 'scenes', p.scene_id)
    if (sceneDoc) scene = { id: sceneDoc._id, name: sceneDoc.name, category: sceneDoc.category, parameters: sceneDoc.parameters ?? {} }
  }
  const promptType = step.kind === 'tryon' ? 'fitting' : 'photography'
  const prompt = await renderPrompt(rt, promptType, sceneDoc, { ...options, garment_type: p.garment_type })
  const inputs: GenerationJob['inputs'] = { garments: garmentIds.map((id) => byId.get(id)!) }
  const inputUrls: GenerationJob['inputUrls'] = { garments: remote ? garmentIds.map(urlOf) : [] }
  if (personId) (inputs.person = byId.get(personId)!), (inputUrls.person = urlOf(personId))
  if (sourceId) (inputs.source = byId.get(sourceId)!), (inputUrls.source = urlOf(sourceId))
  if (cutoutId) (inputs.cutouts = [byId.get(cutoutId)!]), (inputUrls.garmentCutouts = [urlOf(cutoutId)])
  const job: GenerationJob = {
    kind: STEP_JOB_KIND[step.kind],
    inputs,
    inputUrls,
    prompt: prompt.prompt,
    negativePrompt: prompt.negative_prompt,
    count: unit.count,
    aspectRatio: step.kind === 'packshot' ? (aspect === '1:1' ? '1:1' : '3:4') : aspect,
    scene,
    // `subject` tells a scene step what it places: a garment (scene mode) or a dressed model (on_model).
    options: { ...options, garment_type: p.garment_type, mode, subject: mode === 'on_model' ? 'model' : 'garment' },
    variation: unitIndex,
    frameResults: isFinalPhotoStep(steps, stepIndex),
    stage: async (file) => {
      // Next to the work's results, so it is the user's data and is found by whoever cleans up after the task.
      const ext = file.contentType === 'image/png' ? 'png' : 'jpg'
      const safe = file.name.replace(/[^a-z0-9-]/gi, '').slice(0, 40) || 'input'
      const cloudPath = `users/${task.user_openid}/works/${task.work_id}/inputs/${safe}-${rt.ids.token(6)}.${ext}`
      const { fileId } = await rt.storage.upload({ cloudPath, content: file.bytes, contentType: file.contentType })
      if (staged.record && !(await staged.record(fileId))) {
        // Cancelled or reclaimed meanwhile: no task lists this file, so it goes now (or onto the work's list).
        await discardUnrecorded(rt, task.work_id, [fileId])
        throw new Error('task no longer held')
      }
      staged.fileIds.push(fileId)
      const [signed] = await rt.storage.getTempUrls([fileId], INPUT_URL_TTL_SECONDS)
      if (!signed?.url) throw new Error('staged input has no URL')
      return signed.url
    },
  }
  if (step.kind === 'packshot') job.target = PACKSHOT_SIZES[aspect === '1:1' ? '1:1' : '3:4']
  if (step.kind === 'upscale') job.scale = p.scale ?? 2
  return job
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/jpg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }


/**
 * Copies result images into the user's storage at once (provider URLs expire):
 * `users/<openid>/works/<work_id>/<n>-<lease_id>.jpg` for final images (`s<step>u<unit>-<n>-…` for a step's
 * intermediate ones) — the lease in the name keeps a worker that lost its lease
 * (and deletes what it stored) from touching the files of the worker that took over. Returns the file ids of the images that could be stored.
 */
export async function storeResults(rt: Runtime, task: TaskDoc & { lease_id: string }, images: ProviderImage[], fetchImage?: (url: string) => Promise<{ bytes: Buffer; contentType: string }>, prefix = '', firstIndex = 0): Promise<string[]> {
  const stored: string[] = []
  for (let i = 0; i < images.length; i++) {
    const img = images[i]!
    try {
      const got = 'bytes' in img ? img : await (fetchImage ?? fetchUrl)(img.url)
      if (!got.bytes.length) continue
      const type = got.contentType.split(';')[0]!.trim().toLowerCase()
      const ext = EXT[type] ?? 'jpg'
      const { fileId } = await rt.storage.upload({ cloudPath: `users/${task.user_openid}/works/${task.work_id}/${prefix}${firstIndex + i + 1}-${task.lease_id}.${ext}`, content: got.bytes, contentType: type || 'image/jpeg' })
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
