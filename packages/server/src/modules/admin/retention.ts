/**
 * Retention, run by the timer trigger and `admin/runCleanup`: closes unpaid orders past their expiry, removes the
 * files recorded on works that an earlier delete could not remove (a deleted work's images, a settled task's step
 * outputs, staged inputs and unshown held outputs), and releases expired task leases. Every step is
 * a conditional transition or a delete of what is still listed, so running it twice (or concurrently) is harmless.
 */
import type { Runtime } from '@aiphoto/runtime'
import { defineProcedures, openidOf } from '../../procedure'
import { must } from '../../lib/db'
import type { TaskDoc, WorkDoc } from '../../data/documents'
import { closeStaleOrders } from '../payment'
import { requeueTask } from '../queue/requeue'
import { writeAudit } from '../catalog/audit'
import { removeWorkFiles } from '../works/work-files'

export interface RetentionResult {
  files_removed: number
  orders_closed: number
  leases_reclaimed: number
}

export async function runRetention(rt: Runtime, now: Date, opts: { limit?: number } = {}): Promise<RetentionResult> {
  const limit = opts.limit ?? 100
  const _ = rt.db.command
  const orders = await closeStaleOrders(rt, now, { limit })

  let filesRemoved = 0
  const works = must(
    // Served by the works.files_pending index (database/indexes.json): this runs every minute.
    await rt.db.collection('works').where({ files_pending: true }).limit(limit).get(),
  ) as { data: WorkDoc[] }
  // Deleted works' files and the leftovers of settled tasks (works/work-files.ts); a failure stays listed.
  for (const w of works.data) filesRemoved += await removeWorkFiles(rt, w._id, w.files_to_remove ?? [])

  const stale = must(
    await rt.db.collection('task_queue').where({ status: 'processing', lease_until: _.lt(now) }).limit(limit).get(),
  ) as { data: TaskDoc[] }
  let reclaimed = 0
  for (const t of stale.data) {
    const res = await requeueTask(rt, t._id, now)
    if (res.status === 'pending') reclaimed++
  }
  return { files_removed: filesRemoved, orders_closed: orders.closed, leases_reclaimed: reclaimed }
}

export const adminRetentionProcedures = defineProcedures({
  'admin/runCleanup': async ({ rt, caller, now, requestId }) => {
    const result = await runRetention(rt, now)
    await writeAudit(rt, { actor: openidOf(caller), action: 'admin/runCleanup', target: 'retention', before: null, after: result, requestId, now })
    return result
  },
})
