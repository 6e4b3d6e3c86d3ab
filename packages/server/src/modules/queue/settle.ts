/**
 * Terminal transitions of a task, each ONE transaction that re-reads the task and moves it only from the state
 * the caller saw: completed (with a partial refund when fewer images than paid for), failed (full refund),
 * cancelled (full refund). A task has one refund key, `refund:<task_id>`, and only a transition out of
 * pending/processing may use it, so no interleaving of worker, cancel and deleteWork refunds twice.
 * Each transition also records on the work what the task stored that the work will not show (step outputs, staged
 * inputs, held outputs; works/work-files.ts) and moves `staged_files` there; the files are deleted after commit.
 */
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must, type DbScope } from '../../lib/db'
import type { TaskDoc, TaskStatus, WorkDoc } from '../../data/documents'
import { applyCreditChange, runTx } from '../ledger/ledger'
import { leftoverFiles, recordFilesInTx, removeWorkFiles } from '../works/work-files'

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
  return settleThenRemove<SettleResult>(rt, async (tx) => {
    const t = await getDoc<TaskDoc>(tx, 'task_queue', taskId)
    if (!t || t.status !== 'processing' || t.lease_id !== leaseId) return { result: { settled: false, status: t?.status ?? 'missing' } }
    const paidFor = t.params.count
    const delivered = Math.min(images.length, paidFor)
    const kept = images.slice(0, delivered)
    const refund = t.cost - delivered * t.params.unit_price
    const refunded = await refundInTx(tx, t, refund, `部分生成：${delivered}/${paidFor} 张`, now)
    const leftovers = leftoverFiles(t, kept)
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
        ...(t.staged_files?.length ? { staged_files: [] } : {}),
      }),
    )
    const files = await recordFilesInTx(tx, t.work_id, leftovers)
    must(await tx.collection('works').doc(t.work_id).update({ status: 'completed', images: kept, refunded, completed_at: now, error: null, ...files }))
    return { result: { settled: true, refunded }, workId: t.work_id, files: leftovers }
  })
}

/**
 * pending/processing → failed with a full refund. With `leaseId`, only the holder of that lease may fail it
 * (a worker whose lease was taken over must not); without, any active task (admin/sweeps).
 */
export async function failTask(rt: Runtime, taskId: string, leaseId: string | null, reason: string, now: Date): Promise<SettleResult> {
  return settleThenRemove<SettleResult>(rt, async (tx) => {
    const t = await getDoc<TaskDoc>(tx, 'task_queue', taskId)
    if (!t || !isActive(t.status) || (leaseId !== null && (t.status !== 'processing' || t.lease_id !== leaseId))) {
      return { result: { settled: false, status: t?.status ?? 'missing' } }
    }
    // Nothing a failed task stored is shown: every step output, held output and staged input goes.
    const leftovers = leftoverFiles(t)
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
        ...(t.staged_files?.length ? { staged_files: [] } : {}),
      }),
    )
    const files = await recordFilesInTx(tx, t.work_id, leftovers)
    must(await tx.collection('works').doc(t.work_id).update({ status: 'failed', refunded: (t.refunded ?? 0) + refunded, error: reason.slice(0, 300), completed_at: now, ...files }))
    return { result: { settled: true, refunded }, workId: t.work_id, files: leftovers }
  })
}

/**
 * Cancels an active task inside the caller's transaction (cancelTask, deleteWork). Answers what was refunded now
 * and the files it recorded on the work, which the caller removes (`removeWorkFiles`) once the transaction committed.
 */
export async function cancelInTx(tx: DbScope, t: TaskDoc, now: Date, reason: string): Promise<{ refunded: number; files: string[] }> {
  const refunded = await refundInTx(tx, t, t.cost - (t.refunded ?? 0), reason, now)
  // Held outputs included: a verdict arriving after the cancel finds the task settled and does nothing.
  const leftovers = leftoverFiles(t)
  must(
    await tx.collection('task_queue').doc(t._id).update({
      status: 'cancelled',
      refunded: (t.refunded ?? 0) + refunded,
      error: 'cancelled',
      lease_until: null,
      lease_id: null,
      finished_at: now,
      updated_at: now,
      ...(t.staged_files?.length ? { staged_files: [] } : {}),
    }),
  )
  const files = await recordFilesInTx(tx, t.work_id, leftovers)
  must(await tx.collection('works').doc(t.work_id).update({ status: 'cancelled', refunded: (t.refunded ?? 0) + refunded, completed_at: now, ...files }))
  return { refunded, files: leftovers }
}

/** `api/cancelTask`: the caller's own active task → cancelled + refunded once; a repeat answers the same. */
export async function cancelOwnTask(rt: Runtime, openid: string, taskId: string, now: Date): Promise<{ status: 'cancelled'; refunded: number }> {
  return settleThenRemove(rt, async (tx) => {
    const t = await getDoc<TaskDoc>(tx, 'task_queue', taskId)
    if (!t || t.user_openid !== openid) throw new AppError('NOT_FOUND', '任务不存在')
    if (t.status === 'cancelled') return { result: { status: 'cancelled' as const, refunded: t.refunded ?? 0 } }
    if (!isActive(t.status)) throw new AppError('CONFLICT', t.status === 'completed' ? '任务已完成，无法取消' : '任务已结束', { status: t.status })
    const work = await getDoc<WorkDoc>(tx, 'works', t.work_id)
    if (work?.deleted) throw new AppError('NOT_FOUND', '任务不存在')
    const { files } = await cancelInTx(tx, t, now, '用户取消任务退款')
    return { result: { status: 'cancelled' as const, refunded: t.cost - (t.refunded ?? 0) }, workId: t.work_id, files }
  })
}

/** Runs a settling transaction, then (committed) deletes the files it recorded on the work. */
async function settleThenRemove<R>(rt: Runtime, fn: (tx: DbScope) => Promise<{ result: R; workId?: string; files?: string[] }>): Promise<R> {
  const { result, workId, files } = await runTx(rt.db, fn)
  if (workId && files?.length) await removeWorkFiles(rt, workId, files)
  return result
}
