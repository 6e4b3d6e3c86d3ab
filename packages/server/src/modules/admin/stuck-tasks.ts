/**
 * Operator tools for tasks that are stuck: put one back in the queue, or fail it with a refund. Both go through
 * the queue's own transitions (conditional on the task still being active), so a refund still happens at most once.
 */
import { defineProcedures, openidOf } from '../../procedure'
import { AppError } from '../../errors'
import { getDoc } from '../../lib/db'
import type { TaskDoc } from '../../data/documents'
import { requeueTask } from '../queue/requeue'
import { failTask, isActive } from '../queue/settle'
import { writeAudit } from '../catalog/audit'

export const adminTaskProcedures = defineProcedures({
  'admin/requeueTask': async ({ rt, input, caller, now, requestId }) => {
    const before = await getDoc<TaskDoc>(rt.db, 'task_queue', input.task_id)
    if (!before) throw new AppError('NOT_FOUND', '任务不存在')
    if (!isActive(before.status)) throw new AppError('CONFLICT', `任务已结束（${before.status}），不能重新排队`)
    if (before.status === 'processing' && before.lease_until && new Date(before.lease_until).getTime() > now.getTime()) {
      throw new AppError('CONFLICT', '任务正在处理中（租约未过期）', { lease_until: new Date(before.lease_until).toISOString() })
    }
    const result = await requeueTask(rt, input.task_id, now)
    await writeAudit(rt, { actor: openidOf(caller), action: 'admin/requeueTask', target: `task_queue:${input.task_id}`, before: { status: before.status, reason: input.reason }, after: result, requestId, now })
    return { task_id: result.task_id, status: result.status as TaskDoc['status'] }
  },

  'admin/refundTask': async ({ rt, input, caller, now, requestId }) => {
    const before = await getDoc<TaskDoc>(rt.db, 'task_queue', input.task_id)
    if (!before) throw new AppError('NOT_FOUND', '任务不存在')
    const result = await failTask(rt, input.task_id, null, `管理员处理：${input.reason}`, now)
    if (!result.settled) throw new AppError('CONFLICT', `任务已结束（${result.status}），未重复退款`)
    await writeAudit(rt, { actor: openidOf(caller), action: 'admin/refundTask', target: `task_queue:${input.task_id}`, before: { status: before.status }, after: { status: 'failed', refunded: result.refunded, reason: input.reason }, requestId, now })
    return { task_id: input.task_id, status: 'failed' as const, refunded: result.refunded }
  },
})
