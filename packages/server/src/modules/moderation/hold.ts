/**
 * Outputs stay hidden until they pass. When a provider delivered, the worker stores the images, submits each to the
 * image check and HOLDS the task: it stays `processing`, with its outputs and the trace ids of its inputs and outputs
 * on `task.moderation`, and a lease that ends at the hold deadline, so no worker touches it meanwhile. It is resolved
 * (`resolveHold`) when an output's verdict arrives, when the owner polls its progress, and after the deadline by
 * the next worker that claims it:
 * - every input and output passed → completed (and the "done" message);
 * - any of them risky or review → the task fails with a full refund and its outputs are deleted (the refund key
 *   `refund:<task_id>` makes that exactly once);
 * - still waiting at the deadline → the same as risky: an image nobody checked is never shown (docs/decisions.md).
 */
import type { Runtime } from '@aiphoto/runtime'
import { findOne, getDoc } from '../../lib/db'
import type { AssetDoc, ModerationHold, ModerationStatus, TaskDoc } from '../../data/documents'
import { sendTaskMessage } from '../notify/notify'
import { updateHeld, type ClaimedTask } from '../queue/claim'
import { completeTask, failTask } from '../queue/settle'
import { checkStatus, ensureAssetChecked, submitCheck } from './media-checks'

/** mediaCheckAsync pushes "在 30 分钟内"; five more minutes for a push that is retried or a slow timer. */
export const MODERATION_TIMEOUT_MS = 35 * 60_000

export const RISKY_OUTPUT_REASON = '生成结果未通过内容安全审核'
export const RISKY_INPUT_REASON = '输入图片未通过内容安全审核'
export const MODERATION_TIMEOUT_REASON = '内容安全审核超时'

export type HoldResult = 'completed' | 'failed' | 'running' | 'lost'

/** The user's own inputs of a task (a library model image is the operator's, not checked per task). */
function inputsOf(task: TaskDoc): string[] {
  const p = task.params
  const own = [...(p.garment_images ?? []), ...(p.person_image ? [p.person_image] : []), ...(p.bottom_garment_image ? [p.bottom_garment_image] : [])]
  if (p.model_image && !p.model_id) own.push(p.model_image)
  return [...new Set(own)]
}

/** Submits the outputs, records the hold and resolves it at once (verdicts may already be in). */
export async function holdForModeration(rt: Runtime, task: ClaimedTask, outputs: string[], providerId: string | null, now: Date): Promise<HoldResult> {
  const checks: ModerationHold['checks'] = []
  for (const fileId of inputsOf(task)) {
    const trace = await inputTrace(rt, task.user_openid, fileId, now)
    // Not an uploaded asset (e.g. an earlier output being upscaled, which passed its own check): nothing to wait for.
    if (trace !== undefined) checks.push({ file_id: fileId, trace_id: trace, kind: 'input' })
  }
  for (const fileId of outputs) {
    checks.push({ file_id: fileId, trace_id: await submitCheck(rt, { fileId, openid: task.user_openid, kind: 'output', taskId: task._id }, now), kind: 'output' })
  }
  const deadline = new Date(now.getTime() + MODERATION_TIMEOUT_MS)
  const hold: ModerationHold = { outputs, provider_id: providerId, checks, deadline }
  const held = await updateHeld(rt, task, { moderation: hold, progress: 95, lease_until: deadline, updated_at: now })
  // Lost: the outputs are on the task's steps either way — a cancel removed them with the task's other files, and a
  // worker that reclaimed the task holds these very files for its own check, so they are not deleted here.
  if (!held) return 'lost'
  return resolveHold(rt, task._id, now)
}

/** The trace id of an input's check (null: unchecked), submitting one if needed; undefined when it is no asset. */
async function inputTrace(rt: Runtime, openid: string, fileId: string, now: Date): Promise<string | null | undefined> {
  const asset = await findOne<AssetDoc>(rt.db, 'assets', { user_openid: openid, file_id: fileId })
  if (!asset) return undefined
  return (await ensureAssetChecked(rt, asset, now)).trace_id
}

/** Decides a held task if its verdicts allow (see the file comment). `timedOut` is implied by the deadline. */
export async function resolveHold(rt: Runtime, taskId: string, now: Date): Promise<HoldResult> {
  const task = await getDoc<TaskDoc>(rt.db, 'task_queue', taskId)
  const hold = task?.moderation
  if (!task || !hold || task.status !== 'processing' || !task.lease_id) return 'lost'
  const statuses: Array<{ kind: 'input' | 'output'; status: ModerationStatus }> = []
  for (const c of hold.checks) statuses.push({ kind: c.kind, status: await checkStatus(rt, c.trace_id) })
  const rejected = statuses.find((s) => s.status === 'risky' || s.status === 'review')
  const waiting = statuses.some((s) => s.status === 'pending' || s.status === 'unchecked')
  const expired = now.getTime() >= new Date(hold.deadline).getTime()

  if (!rejected && !waiting) {
    const settled = await completeTask(rt, task._id, task.lease_id, hold.outputs, hold.provider_id, now)
    // Not settled here: a concurrent resolution completed it (the outputs are the work's images now) or a cancel
    // removed them; nothing to delete either way.
    if (!settled.settled) return 'lost'
    await sendTaskMessage(rt, task._id, 'task_done', now)
    return 'completed'
  }
  if (!rejected && !expired) return 'running'

  const reason = rejected ? (rejected.kind === 'input' ? RISKY_INPUT_REASON : RISKY_OUTPUT_REASON) : MODERATION_TIMEOUT_REASON
  rt.logger.warn('moderation_rejected', { task_id: task._id, reason: rejected ? rejected.status : 'timeout', kind: rejected?.kind ?? null })
  // failTask records the held outputs with the task's other files and deletes them once it committed.
  const settled = await failTask(rt, task._id, task.lease_id, reason, now)
  if (!settled.settled) return 'lost'
  await sendTaskMessage(rt, task._id, 'task_failed', now)
  return 'failed'
}
