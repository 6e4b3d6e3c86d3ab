/**
 * Terminal transitions of a task, each ONE transaction that re-reads the task and moves it only from the state
 * the caller saw: completed (with a partial refund when fewer images than paid for), failed (full refund),
 * cancelled (full refund). A task has one refund key, `refund:<task_id>`, and only a transition out of
 * pending/processing may use it, so no interleaving of worker, cancel and deleteWork refunds twice.
 */
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must, type DbScope } from '../../lib/db'
import type { TaskDoc, TaskStatus, WorkDoc } from '../../data/documents'
import { applyCreditChange, runTx } from '../ledger/ledger'

const ACTIVE: ReadonlySet<TaskStatus> = new Set(['pending', 'processing'])

export const isActive = (status: TaskStatus) => ACTIVE.has(status)

async function refundInTx(tx: DbScope, task: TaskDoc, amount: number, reason: string, now: Date): Promise<number> {
  if (amount <= 0) return 0
  await applyCreditChange(tx, { key: `refund:${task._id}`, openid: task.user_openid, delta: amount, kind: 'refund', refId: task._id, reason }, now)
  return amount
}

export type SettleResult = { settled: true; refunded: number } | { settled: false; status: TaskStatus | 'missing' }

/** processing (this lease) → completed. `images` are stored file ids; a refund covers the images not delivered. */
export async function completeTask(rt: Runtime, taskId: string, leaseId: string, images: string[], providerId: string | null, now: Date): Promise<SettleResult> {
  return runTx(rt.db, async (tx) => {
    const t = await getDoc<TaskDoc>(tx, 'task_queue', taskId)
    if (!t || t.status !== 'processing' || t.lease_id !== leaseId) return { settled: false, status: t?.status ?? 'missing' }
    const paidFor = t.params.count
    const delivered = Math.min(images.length, paidFor)
    const kept = images.slice(0, delivered)
    const refund = t.cost - delivered * t.params.unit_price
    const refunded = await refundInTx(tx, t, refund, `部分生成：${delivered}/${paidFor} 张`, now)
    must(
      await tx.collection('task_queue').doc(taskId).update({
        status: 'completed',
        // `result` is null until now; a nested object would be sent as dotted $set paths through null, which
        // CloudBase (MongoDB) refuses (PathNotViable). _.set() replaces the whole field.
        result: rt.db.command.set({ images: kept, provider_id: providerId }),
        refunded,
        progress: 100,
        lease_until: null,
        lease_id: null,
        error: refunded > 0 ? `partial: ${delivered}/${paidFor}` : null,
        finished_at: now,
        updated_at: now,
      }),
    )
    must(await tx.collection('works').doc(t.work_id).update({ status: 'completed', images: kept, refunded, completed_at: now, error: null }))
    return { settled: true, refunded }
  })
}

/**
 * pending/processing → failed with a full refund. With `leaseId`, only the holder of that lease may fail it
 * (a worker whose lease was taken over must not); without, any active task (admin/sweeps).
 */
export async function failTask(rt: Runtime, taskId: string, leaseId: string | null, reason: string, now: Date): Promise<SettleResult> {
  return runTx(rt.db, async (tx) => {
    const t = await getDoc<TaskDoc>(tx, 'task_queue', taskId)
    if (!t || !isActive(t.status) || (leaseId !== null && (t.status !== 'processing' || t.lease_id !== leaseId))) {
      return { settled: false, status: t?.status ?? 'missing' }
    }
    const refunded = await refundInTx(tx, t, t.cost - (t.refunded ?? 0), `生成失败退款：${reason.slice(0, 80)}`, now)
    must(
      await tx.collection('task_queue').doc(taskId).update({
        status: 'failed',
        refunded: (t.refunded ?? 0) + refunded,
        error: reason.slice(0, 300),
        lease_until: null,
        lease_id: null,
        finished_at: now,
        updated_at: now,
      }),
    )
    must(await tx.collection('works').doc(t.work_id).update({ status: 'failed', refunded: (t.refunded ?? 0) + refunded, error: reason.slice(0, 300), completed_at: now }))
    return { settled: true, refunded }
  })
}

/** Cancels an active task inside the caller's transaction (cancelTask, deleteWork). Returns what was refunded now. */
export async function cancelInTx(tx: DbScope, t: TaskDoc, now: Date, reason: string): Promise<number> {
  const refunded = await refundInTx(tx, t, t.cost - (t.refunded ?? 0), reason, now)
  must(
    await tx.collection('task_queue').doc(t._id).update({
      status: 'cancelled',
      refunded: (t.refunded ?? 0) + refunded,
      error: 'cancelled',
      lease_until: null,
      lease_id: null,
      finished_at: now,
      updated_at: now,
    }),
  )
  must(await tx.collection('works').doc(t.work_id).update({ status: 'cancelled', refunded: (t.refunded ?? 0) + refunded, completed_at: now }))
  return refunded
}

/** `api/cancelTask`: the caller's own active task → cancelled + refunded once; a repeat answers the same. */
export async function cancelOwnTask(rt: Runtime, openid: string, taskId: string, now: Date): Promise<{ status: 'cancelled'; refunded: number }> {
  return runTx(rt.db, async (tx) => {
    const t = await getDoc<TaskDoc>(tx, 'task_queue', taskId)
    if (!t || t.user_openid !== openid) throw new AppError('NOT_FOUND', '任务不存在')
    if (t.status === 'cancelled') return { status: 'cancelled' as const, refunded: t.refunded ?? 0 }
    if (!isActive(t.status)) throw new AppError('CONFLICT', t.status === 'completed' ? '任务已完成，无法取消' : '任务已结束', { status: t.status })
    const work = await getDoc<WorkDoc>(tx, 'works', t.work_id)
    if (work?.deleted) throw new AppError('NOT_FOUND', '任务不存在')
    await cancelInTx(tx, t, now, '用户取消任务退款')
    return { status: 'cancelled' as const, refunded: t.cost - (t.refunded ?? 0) }
  })
}
