/**
 * `photography/getProgress`: where one of the caller's tasks stands (either type). If the task is due (queued
 * and runnable, or waiting for its next provider poll), the call first advances it one bounded step, so a
 * user watching the progress page keeps their own task moving between timer runs. Multi-step tasks report the
 * running step ("模特换装中 1/2") and a percentage that never goes backwards.
 */
import type { Progress } from '@aiphoto/contract'
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must } from '../../lib/db'
import type { TaskDoc, WorkDoc } from '../../data/documents'
import { isDue } from '../queue/claim'
import { advanceOwnTask } from '../queue/worker'
import { resolveHold } from '../moderation/hold'
import { stepsOf } from '../queue/job'
import { STEP_LABEL } from '../queue/steps'

const IMAGE_URL_TTL_SECONDS = 3600

/** The running step, e.g. { index: 1, total: 2, kind: 'tryon', label: '模特换装中 1/2' }. */
function stepView(t: TaskDoc): Progress['step'] {
  const steps = stepsOf(t)
  const i = Math.min(steps.length - 1, t.step_index ?? 0)
  const kind = steps[i]!.kind
  return { index: i + 1, total: steps.length, kind, label: `${STEP_LABEL[kind]} ${i + 1}/${steps.length}` }
}

function stageOf(t: TaskDoc): { stage: string; progress: number; step?: Progress['step'] } {
  // Stored progress only grows (the runner keeps the highest value reached), and so does what we show.
  const reached = Math.max(0, Math.min(95, t.progress ?? 0))
  switch (t.status) {
    case 'pending':
      if (t.attempts > 0 || reached > 0) return { stage: t.attempts > 0 ? '生成遇到问题，正在重试' : '排队中', progress: Math.max(5, reached), step: stepView(t) }
      return { stage: '排队中', progress: 0 }
    case 'processing': {
      if (t.moderation) return { stage: '内容安全审核中', progress: 95, step: stepView(t) }
      const step = stepView(t)!
      if (step.total > 1) return { stage: step.label, progress: Math.max(5, reached), step }
      if (!t.provider_task_id) return { stage: '正在提交生成任务', progress: Math.max(5, reached), step }
      return { stage: reached >= 85 ? '正在保存作品' : '模型绘制中，请稍候', progress: Math.max(10, reached), step }
    }
    case 'completed':
      return { stage: (t.refunded ?? 0) > 0 ? '已完成（部分生成，差额已退回）' : '已完成', progress: 100 }
    case 'failed':
      return { stage: '生成失败，积分已退回', progress: 100 }
    case 'cancelled':
      return { stage: '已取消，积分已退回', progress: 100 }
  }
}

export async function getProgress(rt: Runtime, openid: string, taskId: string, now: Date): Promise<Progress> {
  let task = await getDoc<TaskDoc>(rt.db, 'task_queue', taskId)
  if (!task || task.user_openid !== openid) throw new AppError('NOT_FOUND', '任务不存在')
  if (isDue(task, now)) task = await advanceOwnTask(rt, task)
  else if (task.status === 'processing' && task.moderation) {
    // Waiting for image checks: a verdict of an input (which resolves nothing by itself) may be in by now.
    await resolveHold(rt, task._id, now)
    task = (await getDoc<TaskDoc>(rt.db, 'task_queue', taskId)) ?? task
  }

  const { stage, progress, step } = stageOf(task)
  const out: Progress = { task_id: task._id, work_id: task.work_id, status: task.status, progress, stage }
  if (step) out.step = step
  // Only a task actually waiting in line has a place in it; one waiting out a retry backoff or a provider's
  // throttling does not, and skipping the count keeps a poll that changes nothing at one billed read.
  if (task.status === 'pending' && isDue(task, now)) {
    const _ = rt.db.command
    const ahead = must(await rt.db.collection('task_queue').where({ status: 'pending', created_at: _.lt(task.created_at) }).count()) as { total: number }
    out.queue_position = ahead.total
  }
  if (task.status === 'completed') {
    const work = await getDoc<WorkDoc>(rt.db, 'works', task.work_id)
    if (work && !work.deleted && work.images.length) {
      const urls = await rt.storage.getTempUrls(work.images, IMAGE_URL_TTL_SECONDS)
      out.images = urls.map((u) => u.url).filter((u): u is string => !!u)
    }
  }
  if (task.status === 'failed' || task.status === 'cancelled') out.error = task.status === 'cancelled' ? '任务已取消' : friendlyError(task.error)
  if ((task.refunded ?? 0) > 0) out.refunded = task.refunded
  return out
}

/** Provider reasons are for logs; the user gets a plain sentence. */
function friendlyError(reason: string | null): string {
  if (!reason) return '生成失败'
  if (/安全|审核/.test(reason)) return reason
  if (/输入图片/.test(reason)) return reason
  if (/no provider/.test(reason)) return '生成服务暂时不可用，请稍后再试'
  return '生成失败，请稍后重试'
}
