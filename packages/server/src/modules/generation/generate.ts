/**
 * `photography/generate` and `fitting/generate`: validate inputs (the caller's own registered files, an active
 * scene, safe text and images) BEFORE charging, then one transaction debits `consume:<task_id>`, creates the
 * work (pending) and the task. With a `request_id`, the task id is derived from (openid, request_id), so a
 * repeat — sequential or concurrent — finds or collides with the first task and is answered as a replay.
 */
import { createHash } from 'node:crypto'
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must } from '../../lib/db'
import { isDuplicateKeyError as isDuplicateKey, isTransactionConflictError } from '@aiphoto/runtime'
import type { TaskDoc, UserDoc, WorkDoc, WorkParameters, WorkType } from '../../data/documents'
import { requireOwnAssets } from '../assets/assets'
import { requireInputsNotRejected } from '../moderation/inputs'
import { requireActiveScene } from '../catalog/scenes'
import { applyCreditChange, runTx } from '../ledger/ledger'
import { MAX_ATTEMPTS } from '../queue/policy'

export interface GenerateRequest {
  type: WorkType
  garment_images?: string[] | undefined
  person_image?: string | undefined
  garment_type?: string | undefined
  scene_id?: string | undefined
  count: number
  options: Record<string, unknown>
  request_id?: string | undefined
  from_work_id?: string | undefined
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

/** What the request asks for, after resolving `from_work_id`; equal requests give equal fingerprints. */
interface Resolved {
  params: WorkParameters
  scene_id: string | null
}

async function resolveRequest(rt: Runtime, openid: string, req: GenerateRequest): Promise<Resolved> {
  if (req.from_work_id) {
    const work = await getDoc<WorkDoc>(rt.db, 'works', req.from_work_id)
    if (!work || work.user_openid !== openid || work.deleted || work.type !== req.type) throw new AppError('NOT_FOUND', '作品不存在或已删除')
    const prev = work.parameters
    const options = { ...(prev.options ?? {}), ...req.options }
    const params: WorkParameters = {
      count: req.type === 'fitting' ? 1 : req.count,
      garment_images: prev.garment_images ?? [],
      options,
      from_work_id: work._id,
    }
    if (prev.person_image) params.person_image = prev.person_image
    if (prev.garment_type) params.garment_type = prev.garment_type
    return { params, scene_id: work.scene_id }
  }
  if (req.type === 'photography') {
    return { params: { count: req.count, garment_images: req.garment_images ?? [], options: req.options, from_work_id: null }, scene_id: req.scene_id ?? null }
  }
  const params: WorkParameters = { count: 1, garment_images: req.garment_images ?? [], person_image: req.person_image!, options: {}, from_work_id: null }
  if (req.garment_type) params.garment_type = req.garment_type
  return { params, scene_id: null }
}

export async function generate(rt: Runtime, openid: string, req: GenerateRequest, now: Date): Promise<GenerateResult> {
  const resolved = await resolveRequest(rt, openid, req)
  const { params } = resolved
  const unit = req.type === 'photography' ? rt.config.pricing.photographyPerImage : rt.config.pricing.fittingPerImage
  const cost = unit * params.count
  const fingerprint = digest(JSON.stringify([req.type, params.garment_images, params.person_image ?? null, params.garment_type ?? null, resolved.scene_id, params.count, sortKeys(params.options)]))
  const taskId = req.request_id ? taskIdFor(openid, req.request_id) : rt.ids.id()
  const workId = workIdFor(taskId)

  // A repeat of an accepted request answers the first result before re-validating anything.
  if (req.request_id) {
    const prior = await getDoc<TaskDoc>(rt.db, 'task_queue', taskId)
    if (prior) return replay(rt, openid, prior, fingerprint)
  }

  const inputs = [...params.garment_images, ...(params.person_image ? [params.person_image] : [])]
  await requireOwnAssets(rt, openid, inputs)
  if (resolved.scene_id) await requireActiveScene(rt, resolved.scene_id)
  else if (req.type === 'photography') throw new AppError('VALIDATION_FAILED', '请选择场景', { field: 'scene_id' })
  const extra = typeof params.options.extra === 'string' ? params.options.extra.trim() : ''
  if (extra) {
    const verdict = await rt.contentSafety.checkText({ text: extra, openid, scene: 'generation' })
    if (!verdict.ok) throw new AppError('VALIDATION_FAILED', '补充描述含有违规内容，请修改后重试', { field: 'options.extra', label: verdict.label ?? 'risky' })
  }
  // Inputs with a known bad verdict are refused before charging; unchecked ones are submitted now and the task's
  // outputs wait for their verdicts too (modules/moderation/hold.ts).
  await requireInputsNotRejected(rt, openid, inputs, now)

  const work: WorkDoc = {
    _id: workId,
    user_openid: openid,
    type: req.type,
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
    type: req.type,
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
    request_id: req.request_id ?? null,
    work_id: workId,
    cost,
    refunded: 0,
    error: null,
    finished_at: null,
    fingerprint,
  }

  let balance: number
  try {
    balance = await runTx(rt.db, async (tx) => {
      const again = await getDoc<TaskDoc>(tx, 'task_queue', taskId)
      if (again) throw new ReplayNeeded()
      const charged = await applyCreditChange(tx, { key: `consume:${taskId}`, openid, delta: -cost, kind: 'consume', refId: taskId, reason: `${req.type === 'photography' ? '服装摄影' : '虚拟试衣'} ×${params.count}` }, now)
      must(await tx.collection('works').add(work))
      must(await tx.collection('task_queue').add(task))
      return charged.balance
    })
  } catch (err) {
    if (err instanceof ReplayNeeded || isDuplicateKey(err) || (req.request_id && isTransactionConflictError(err))) {
      const prior = await getDoc<TaskDoc>(rt.db, 'task_queue', taskId)
      if (prior) return replay(rt, openid, prior, fingerprint)
    }
    throw err
  }
  await rt.scheduler.kick('generate').catch((err: unknown) => rt.logger.warn('kick_failed', { error: String((err as Error)?.message ?? err).slice(0, 200) }))
  return { work_id: workId, task_id: taskId, cost, credits: balance, replayed: false }
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
