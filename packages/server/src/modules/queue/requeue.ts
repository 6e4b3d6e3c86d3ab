/** `queue/addTask`: makes a known task runnable now (a pending task's backoff is skipped, an expired lease released). */
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must } from '../../lib/db'
import type { TaskDoc } from '../../data/documents'

export async function requeueTask(rt: Runtime, taskId: string, now: Date): Promise<{ task_id: string; status: string }> {
  const t = await getDoc<TaskDoc>(rt.db, 'task_queue', taskId)
  if (!t) throw new AppError('NOT_FOUND', '任务不存在')
  const _ = rt.db.command
  if (t.status === 'pending') {
    must(await rt.db.collection('task_queue').where({ _id: taskId, status: 'pending' }).update({ next_attempt_at: now, updated_at: now }))
  } else if (t.status === 'processing' && t.lease_until && new Date(t.lease_until).getTime() < now.getTime()) {
    // Released to pending with the provider job kept, so the next claim polls it instead of paying twice.
    must(
      await rt.db
        .collection('task_queue')
        .where({ _id: taskId, status: 'processing', lease_id: t.lease_id, lease_until: _.lt(now) })
        .update({ status: 'pending', lease_id: null, lease_until: null, next_attempt_at: now, updated_at: now }),
    )
  }
  await rt.scheduler.kick('requeue').catch(() => undefined)
  const after = await getDoc<TaskDoc>(rt.db, 'task_queue', taskId)
  return { task_id: taskId, status: after?.status ?? t.status }
}
