/**
 * `photography/getProgress`: where one of the caller's tasks stands (either type). If the task is due (queued
 * and runnable, or waiting for its next provider poll), the call first advances it one bounded step, so a
 * user watching the progress page keeps their own task moving between timer runs.
 */
import type { Progress } from '@aiphoto/contract'
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must } from '../../lib/db'
import type { TaskDoc, WorkDoc } from '../../data/documents'
import { isDue } from '../queue/claim'
import { advanceOwnTask } from '../queue/worker'
import { resolveHold } from '../moderation/hold'

const IMAGE_URL_TTL_SECONDS = 3600

function stageOf(t: TaskDoc): { stage: string; progress: number } {
  switch (t.status) {
    case 'pending':
      return t.attempts > 0 ? { stage: '生成遇到问题，正在重试', progress: 5 } : { stage: '排队中', progress: 0 }
    case 'processing':
      if (t.moderation) return { stage: '内容安全审核中', progress: 95 }
      if (!t.provider_task_id) return { stage: '正在提交生成任务', progress: Math.max(5, t.progress ?? 5) }
      return { stage: (t.progress ?? 0) >= 85 ? '正在保存作品' : '模型绘制中，请稍候', progress: Math.min(95, Math.max(10, t.progress ?? 10)) }
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

  const { stage, progress } = stageOf(task)
  const out: Progress = { task_id: task._id, work_id: task.work_id, status: task.status, progress, stage }
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
