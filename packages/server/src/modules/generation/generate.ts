/**
 * `photography/generate` (modes on_model / scene / packshot, 画同款 from a showcase or an own work),
 * `photography/generateBatch`, `photography/upscale` and `fitting/generate`: validate inputs (the caller's own
 * registered files, an active scene and model, safe text and images) BEFORE charging, then one transaction
 * debits `consume:<task_id>`, creates the work (pending) and the task with its planned provider steps. With a `request_id`, the task id is derived from (openid, request_id), so a
 * repeat — sequential or concurrent — finds or collides with the first task and is answered as a replay.
 */
import { createHash } from 'node:crypto'
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must } from '../../lib/db'
import { isDuplicateKeyError as isDuplicateKey, isTransactionConflictError } from '@aiphoto/runtime'
import { photographyRuleViolations } from '@aiphoto/contract'
import type { PhotographyMode, SceneDoc, TaskDoc, UserDoc, WorkDoc, WorkMode, WorkParameters, WorkType } from '../../data/documents'
import { requireOwnAssets } from '../assets/assets'
import { requireInputsNotRejected } from '../moderation/inputs'
import { requireActiveScene } from '../catalog/scenes'
import { applyCreditChange, runTx } from '../ledger/ledger'
import { pickRandomModel, requireActiveModel, type ModelFilter } from '../models/library'
import { requireActiveShowcase } from '../models/showcases'
import { MAX_ATTEMPTS } from '../queue/policy'
import { planSteps } from '../queue/steps'

export interface GenerateRequest {
  type: WorkType
  /** Photography only; default scene (or the 画同款 source's). */
  mode?: PhotographyMode | undefined
  garment_images?: string[] | undefined
  person_image?: string | undefined
  garment_type?: string | undefined
  bottom_garment_image?: string | undefined
  model_id?: string | undefined
  model_image?: string | undefined
  /** null: explicitly no scene (不换场景), a 画同款 source's scene is not inherited; undefined: the source's. */
  scene_id?: string | null | undefined
  count: number
  options: Record<string, unknown>
  request_id?: string | undefined
  from_work_id?: string | undefined
  from_showcase_id?: string | undefined
}

export interface GenerateResult {
  work_id: string
  task_id: string
  cost: number
  credits: number
  replayed: boolean
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex')

export function taskIdFor(openid: string, requestId: string): string {
  return digest(`task\n${openid}\n${requestId}`).slice(0, 32)
}

export function workIdFor(taskId: string): string {
  return 'w' + digest(`work\n${taskId}`).slice(0, 31)
}

/** What the request asks for, after resolving a 画同款 source; equal requests give equal fingerprints. */
interface Resolved {
  params: WorkParameters
  scene_id: string | null
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

async function resolveRequest(rt: Runtime, openid: string, req: GenerateRequest): Promise<Resolved> {
  if (req.type === 'fitting') {
    if (req.from_work_id) {
      const work = await requireOwnSourceWork(rt, openid, req.from_work_id, 'fitting')
      const prev = work.parameters
      if (prev.mode === 'upscale') throw new AppError('VALIDATION_FAILED', '高清放大作品不能画同款，请选择原作品', { field: 'from_work_id' })
      const params: WorkParameters = { count: 1, garment_images: prev.garment_images ?? [], options: { ...(prev.options ?? {}), ...req.options }, from_work_id: work._id, mode: 'fitting' }
      if (prev.person_image) params.person_image = prev.person_image
      if (prev.garment_type) params.garment_type = prev.garment_type
      return { params, scene_id: null }
    }
    const params: WorkParameters = { count: 1, garment_images: req.garment_images ?? [], person_image: req.person_image!, options: {}, from_work_id: null, mode: 'fitting' }
    if (req.garment_type) params.garment_type = req.garment_type
    return { params, scene_id: null }
  }

  // Photography: a source (own work or showcase) gives defaults, the request's fields override them.
  let base: { mode: PhotographyMode; scene_id: string | null; model_id?: string; model_image?: string; garment_type?: string; bottom_garment_image?: string; garment_images: string[]; options: Record<string, unknown> } = {
    mode: 'scene',
    scene_id: null,
    garment_images: [],
    options: {},
  }
  let fromWork: string | null = null
  let fromShowcase: string | undefined
  if (req.from_work_id) {
    const work = await requireOwnSourceWork(rt, openid, req.from_work_id, 'photography')
    const prev = work.parameters
    if (prev.mode === 'upscale') throw new AppError('VALIDATION_FAILED', '高清放大作品不能画同款，请选择原作品', { field: 'from_work_id' })
    base = {
      mode: (prev.mode as PhotographyMode | undefined) ?? 'scene',
      scene_id: work.scene_id,
      garment_images: prev.garment_images ?? [],
      options: prev.options ?? {},
      ...defined({ model_id: prev.model_random ? undefined : prev.model_id, model_image: prev.model_image && !prev.model_id ? prev.model_image : undefined, garment_type: prev.garment_type, bottom_garment_image: prev.bottom_garment_image }),
    }
    fromWork = work._id
  } else if (req.from_showcase_id) {
    const sc = await requireActiveShowcase(rt, req.from_showcase_id)
    base = { mode: sc.mode, scene_id: sc.scene_id, garment_images: [], options: sc.options ?? {}, ...defined({ model_id: sc.model_id ?? undefined }) }
    fromShowcase = sc._id
  }
  const mode = req.mode ?? base.mode
  // A different garment makes the old pairing meaningless; a different model source replaces the old one.
  const newGarments = req.garment_images !== undefined
  const modelGiven = req.model_id !== undefined || req.model_image !== undefined
  // Only a top has a bottom to pair with: asking for another garment type drops the source's pair.
  const pairable = !newGarments && (req.garment_type === undefined || req.garment_type === 'top')
  const merged = {
    mode,
    scene_id: req.scene_id === null ? undefined : (req.scene_id ?? base.scene_id ?? undefined),
    garment_type: req.garment_type ?? (newGarments ? undefined : base.garment_type),
    bottom_garment_image: req.bottom_garment_image ?? (pairable ? base.bottom_garment_image : undefined),
    model_id: modelGiven ? req.model_id : base.model_id,
    model_image: modelGiven ? req.model_image : base.model_image,
    options: { ...base.options, ...req.options } as Record<string, unknown>,
    count: req.count,
  }
  if (mode !== 'on_model') Object.assign(merged, { model_id: undefined, model_image: undefined, bottom_garment_image: undefined, garment_type: undefined })
  const violations = photographyRuleViolations(merged as Parameters<typeof photographyRuleViolations>[0])
  if (violations.length) throw new AppError('VALIDATION_FAILED', violations[0]!.message, { field: violations[0]!.path.join('.') })
  const params: WorkParameters = {
    count: req.count,
    garment_images: req.garment_images ?? base.garment_images,
    options: merged.options,
    from_work_id: fromWork,
    mode,
    ...(defined({
      garment_type: mode === 'on_model' ? (merged.garment_type ?? 'top') : undefined,
      bottom_garment_image: merged.bottom_garment_image,
      model_id: merged.model_id,
      model_image: merged.model_image,
      from_showcase_id: fromShowcase,
    }) as Partial<WorkParameters>),
  }
  if (params.garment_images.length === 0) throw new AppError('VALIDATION_FAILED', '请上传服装图片', { field: 'garment_images' })
  return { params, scene_id: mode === 'packshot' ? null : (merged.scene_id ?? null) }
}

async function requireOwnSourceWork(rt: Runtime, openid: string, workId: string, type: WorkType): Promise<WorkDoc> {
  const work = await getDoc<WorkDoc>(rt.db, 'works', workId)
  if (!work || work.user_openid !== openid || work.deleted || work.type !== type) throw new AppError('NOT_FOUND', '作品不存在或已删除')
  return work
}

/** Credits per image of a resolved request (HD adds the upscale price). */
export function unitPrice(rt: Runtime, params: WorkParameters, type: WorkType): number {
  const p = rt.config.pricing
  // 高清放大 keeps its source's work type (a try-on's upscale is a fitting work): the mode decides its price.
  const mode = params.mode ?? 'scene'
  if (mode === 'upscale') return p.upscalePerImage
  if (type === 'fitting') return p.fittingPerImage
  const base = mode === 'on_model' ? p.onModelPerImage : mode === 'packshot' ? p.packshotPerImage : p.photographyPerImage
  return base + (params.options?.hd === true ? p.upscalePerImage : 0)
}

const LABEL: Record<WorkMode, string> = { on_model: '模特图', scene: '场景图', packshot: '白底图', fitting: '虚拟试衣', upscale: '高清放大' }

/** A work and its task, validated and priced, ready to be written with its charge. */
export interface PreparedWork {
  work: WorkDoc
  task: TaskDoc
  fingerprint: string
  reason: string
}

/**
 * Validates a resolved request BEFORE anything is charged: the caller's own files, the scene, the model (随机
 * picks one now, seeded by the task id, so the task is reproducible), text and image safety.
 */
async function prepareWork(rt: Runtime, openid: string, type: WorkType, resolved: Resolved, fingerprint: string, taskId: string, requestId: string | null, now: Date): Promise<PreparedWork> {
  const params: WorkParameters = { ...resolved.params }
  const mode: WorkMode = params.mode ?? (type === 'fitting' ? 'fitting' : 'scene')
  const ownInputs = [...params.garment_images, ...(params.person_image ? [params.person_image] : []), ...(params.bottom_garment_image ? [params.bottom_garment_image] : [])]
  if (params.model_image && !params.model_id) ownInputs.push(params.model_image)
  await requireOwnAssets(rt, openid, ownInputs)
  let scene: SceneDoc | null = null
  if (resolved.scene_id) scene = await requireActiveScene(rt, resolved.scene_id)
  else if (mode === 'scene') throw new AppError('VALIDATION_FAILED', '请选择场景', { field: 'scene_id' })
  let modelSceneId: string | null = null
  if (mode === 'on_model' && !params.model_image) {
    const o = params.options as Record<string, string | undefined>
    const model = params.model_id
      ? await requireActiveModel(rt, params.model_id)
      : await pickRandomModel(rt, defined({ gender: o.gender, age: o.age, body: o.body, pose: o.pose, skin_tone: o.skin_tone, scene_id: resolved.scene_id ?? undefined }) as ModelFilter, taskId)
    if (!params.model_id) params.model_random = true
    params.model_id = model._id
    params.model_image = model.file_id
    modelSceneId = model.scene_id
  }
  const extra = typeof params.options.extra === 'string' ? params.options.extra.trim() : ''
  if (extra) {
    const verdict = await rt.contentSafety.checkText({ text: extra, openid, scene: 'generation' })
    if (!verdict.ok) throw new AppError('VALIDATION_FAILED', '补充描述含有违规内容，请修改后重试', { field: 'options.extra', label: verdict.label ?? 'risky' })
  }
  // Inputs with a known bad verdict are refused before charging; unchecked ones are submitted now and the task's
  // outputs wait for their verdicts too (modules/moderation/hold.ts).
  await requireInputsNotRejected(rt, openid, ownInputs, now)

  const unit = unitPrice(rt, params, type)
  const cost = unit * params.count
  const workId = workIdFor(taskId)
  // A model photographed in the chosen scene needs no scene step.
  const sceneStep = mode === 'on_model' ? !!scene && modelSceneId !== scene._id : !!scene
  const steps = planSteps(mode, { scene: sceneStep, hd: params.options.hd === true })
  const work: WorkDoc = {
    _id: workId,
    user_openid: openid,
    type,
    status: 'pending',
    task_id: taskId,
    images: [],
    parameters: params,
    scene_id: resolved.scene_id,
    is_favorite: false,
    created_at: now,
    cost,
    refunded: 0,
    error: null,
    completed_at: null,
    deleted: false,
  }
  const task: TaskDoc = {
    _id: taskId,
    user_openid: openid,
    type,
    status: 'pending',
    params: { ...params, scene_id: resolved.scene_id, unit_price: unit },
    result: null,
    created_at: now,
    updated_at: now,
    attempts: 0,
    max_attempts: MAX_ATTEMPTS,
    lease_until: null,
    lease_id: null,
    next_attempt_at: now,
    provider_id: null,
    provider_task_id: null,
    submitted_at: null,
    progress: 0,
    request_id: requestId,
    work_id: workId,
    cost,
    refunded: 0,
    error: null,
    finished_at: null,
    fingerprint,
    steps,
    step_index: 0,
  }
  return { work, task, fingerprint, reason: `${type === 'photography' && mode !== 'upscale' ? `服装摄影·${LABEL[mode]}` : LABEL[mode]} ×${params.count}` }
}

function fingerprintOf(type: WorkType, r: Resolved, extra: unknown[] = []): string {
  const p = r.params
  return digest(
    JSON.stringify([type, p.garment_images, p.person_image ?? null, p.garment_type ?? null, r.scene_id, p.count, sortKeys(p.options), p.mode ?? null, p.bottom_garment_image ?? null, p.model_id ?? null, p.model_image ?? null, p.from_showcase_id ?? null, ...extra]),
  )
}

/** Writes the works, their tasks and one charge entry per work in one transaction (all or nothing). */
async function commitWorks(rt: Runtime, openid: string, prepared: PreparedWork[], now: Date): Promise<number> {
  return runTx(rt.db, async (tx) => {
    let balance = 0
    for (const p of prepared) {
      const again = await getDoc<TaskDoc>(tx, 'task_queue', p.task._id)
      if (again) throw new ReplayNeeded()
      const charged = await applyCreditChange(tx, { key: `consume:${p.task._id}`, openid, delta: -p.task.cost, kind: 'consume', refId: p.task._id, reason: p.reason }, now)
      balance = charged.balance
      must(await tx.collection('works').add(p.work))
      must(await tx.collection('task_queue').add(p.task))
    }
    return balance
  })
}

async function kick(rt: Runtime): Promise<void> {
  await rt.scheduler.kick('generate').catch((err: unknown) => rt.logger.warn('kick_failed', { error: String((err as Error)?.message ?? err).slice(0, 200) }))
}

export async function generate(rt: Runtime, openid: string, req: GenerateRequest, now: Date): Promise<GenerateResult> {
  const resolved = await resolveRequest(rt, openid, req)
  const fingerprint = fingerprintOf(req.type, resolved)
  const taskId = req.request_id ? taskIdFor(openid, req.request_id) : rt.ids.id()
  return submitWork(rt, openid, req.type, resolved, fingerprint, taskId, req.request_id, now)
}

/**
 * Charges for one resolved request and queues its task, exactly once per request id: a repeat of an accepted
 * request (before or during the commit) answers the first result.
 */
async function submitWork(rt: Runtime, openid: string, type: WorkType, resolved: Resolved, fingerprint: string, taskId: string, requestId: string | undefined, now: Date): Promise<GenerateResult> {
  if (requestId) {
    const prior = await getDoc<TaskDoc>(rt.db, 'task_queue', taskId)
    if (prior) return replay(rt, openid, prior, fingerprint)
  }
  const prepared = await prepareWork(rt, openid, type, resolved, fingerprint, taskId, requestId ?? null, now)
  let balance: number
  try {
    balance = await commitWorks(rt, openid, [prepared], now)
  } catch (err) {
    if (err instanceof ReplayNeeded || isDuplicateKey(err) || (requestId && isTransactionConflictError(err))) {
      const prior = await getDoc<TaskDoc>(rt.db, 'task_queue', taskId)
      if (prior) return replay(rt, openid, prior, fingerprint)
    }
    throw err
  }
  await kick(rt)
  return { work_id: prepared.work._id, task_id: taskId, cost: prepared.task.cost, credits: balance, replayed: false }
}

export interface BatchRequest extends Omit<GenerateRequest, 'type' | 'garment_images' | 'garment_type' | 'bottom_garment_image' | 'from_work_id'> {
  items: Array<{ garment_images: string[]; garment_type?: string | undefined; bottom_garment_image?: string | undefined }>
}

export interface BatchResult {
  works: Array<{ work_id: string; task_id: string; cost: number }>
  cost: number
  credits: number
  replayed: boolean
}

/**
 * `photography/generateBatch`: one work per garment, each with its own task, charge entry (`consume:<task_id>`)
 * and refund, written in one transaction so the batch is accepted whole or not at all (INSUFFICIENT_CREDITS
 * charges nothing). Task ids derive from (openid, request_id, index), so a repeat replays the whole batch.
 */
export async function generateBatch(rt: Runtime, openid: string, req: BatchRequest, now: Date): Promise<BatchResult> {
  const batchId = req.request_id ? digest(`batch\n${openid}\n${req.request_id}`).slice(0, 24) : rt.ids.id()
  const resolvedItems: Array<{ resolved: Resolved; fingerprint: string; taskId: string }> = []
  for (let i = 0; i < req.items.length; i++) {
    const item = req.items[i]!
    const resolved = await resolveRequest(rt, openid, { ...req, type: 'photography', garment_images: item.garment_images, garment_type: item.garment_type, bottom_garment_image: item.bottom_garment_image })
    resolved.params = { ...resolved.params, batch_id: batchId, batch_index: i }
    const taskId = req.request_id ? taskIdFor(openid, `${req.request_id}:${i}`) : rt.ids.id()
    resolvedItems.push({ resolved, fingerprint: fingerprintOf('photography', resolved, [req.items.length]), taskId })
  }
  const replayBatch = async (): Promise<BatchResult | null> => {
    const priors = await Promise.all(resolvedItems.map((r) => getDoc<TaskDoc>(rt.db, 'task_queue', r.taskId)))
    if (!priors.some(Boolean)) return null
    const works = []
    for (let i = 0; i < priors.length; i++) {
      const prior = priors[i]
      if (!prior) throw new AppError('CONFLICT', '该请求编号已用于另一个批量请求', { request_id: req.request_id })
      const r = await replay(rt, openid, prior, resolvedItems[i]!.fingerprint)
      works.push({ work_id: r.work_id, task_id: r.task_id, cost: r.cost })
    }
    const user = await getDoc<UserDoc>(rt.db, 'users', openid)
    return { works, cost: works.reduce((s, w) => s + w.cost, 0), credits: user?.credits ?? 0, replayed: true }
  }
  if (req.request_id) {
    const r = await replayBatch()
    if (r) return r
  }
  const prepared: PreparedWork[] = []
  for (const r of resolvedItems) prepared.push(await prepareWork(rt, openid, 'photography', r.resolved, r.fingerprint, r.taskId, req.request_id ? `${req.request_id}:${prepared.length}` : null, now))
  let balance: number
  try {
    balance = await commitWorks(rt, openid, prepared, now)
  } catch (err) {
    if (req.request_id && (err instanceof ReplayNeeded || isDuplicateKey(err) || isTransactionConflictError(err))) {
      const r = await replayBatch()
      if (r) return r
    }
    throw err
  }
  await kick(rt)
  const works = prepared.map((p) => ({ work_id: p.work._id, task_id: p.task._id, cost: p.task.cost }))
  return { works, cost: works.reduce((s, w) => s + w.cost, 0), credits: balance, replayed: false }
}

/**
 * `photography/upscale`: 高清放大 of one image of the caller's completed work, as a new work (mode upscale, same
 * type as the source) with its own charge and refund.
 */
export async function upscaleWork(rt: Runtime, openid: string, req: { work_id: string; image_index: number; scale: number; request_id?: string | undefined }, now: Date): Promise<GenerateResult> {
  const source = await getDoc<WorkDoc>(rt.db, 'works', req.work_id)
  if (!source || source.user_openid !== openid || source.deleted) throw new AppError('NOT_FOUND', '作品不存在或已删除')
  if (source.status !== 'completed') throw new AppError('CONFLICT', '作品尚未完成，无法高清放大', { status: source.status })
  const image = source.images[req.image_index]
  if (!image) throw new AppError('VALIDATION_FAILED', '图片不存在', { field: 'image_index' })
  const resolved: Resolved = {
    params: { count: 1, garment_images: [], options: {}, from_work_id: null, mode: 'upscale', source_work_id: source._id, source_image: image, scale: req.scale },
    scene_id: null,
  }
  const fingerprint = fingerprintOf(source.type, resolved, [image, req.scale])
  const taskId = req.request_id ? taskIdFor(openid, req.request_id) : rt.ids.id()
  return submitWork(rt, openid, source.type, resolved, fingerprint, taskId, req.request_id, now)
}

class ReplayNeeded extends Error {}

async function replay(rt: Runtime, openid: string, prior: TaskDoc, fingerprint: string): Promise<GenerateResult> {
  // Derived from the caller's openid, so another user's id cannot collide; checked anyway.
  if (prior.user_openid !== openid) throw new AppError('CONFLICT', '重复的请求编号')
  if (prior.fingerprint && prior.fingerprint !== fingerprint) throw new AppError('CONFLICT', '该请求编号已用于另一个生成请求', { request_id: prior.request_id })
  const user = await getDoc<UserDoc>(rt.db, 'users', openid)
  return { work_id: prior.work_id, task_id: prior._id, cost: prior.cost, credits: user?.credits ?? 0, replayed: true }
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)))
}
