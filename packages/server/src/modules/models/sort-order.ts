/**
 * The console's up/down buttons send the whole new order of a catalog collection (models, showcases): the given
 * ids get sort_order 10, 20, 30… in that order, others keep theirs; duplicates or unknown ids change nothing.
 */
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must } from '../../lib/db'
import { writeAudit } from '../catalog/audit'

export async function reorderBySortOrder(
  rt: Runtime,
  target: { collection: 'models' | 'showcases'; noun: string; action: string },
  actor: string,
  ids: string[],
  now: Date,
  requestId: string,
): Promise<{ updated: number }> {
  if (new Set(ids).size !== ids.length) throw new AppError('VALIDATION_FAILED', `${target.noun}编号重复`, { field: 'ids' })
  const docs = await Promise.all(ids.map((id) => getDoc<{ _id: string; sort_order: number }>(rt.db, target.collection, id)))
  const missing = ids.filter((_, i) => !docs[i])
  if (missing.length) throw new AppError('NOT_FOUND', `${target.noun}不存在`, { ids: missing.slice(0, 10) })
  let updated = 0
  for (let i = 0; i < ids.length; i++) {
    const order = (i + 1) * 10
    if (docs[i]!.sort_order === order) continue
    must(await rt.db.collection(target.collection).doc(ids[i]!).update({ sort_order: order, updated_at: now }))
    updated++
  }
  await writeAudit(rt, {
    actor,
    action: target.action,
    target: target.collection,
    before: docs.map((d) => ({ _id: d!._id, sort_order: d!.sort_order })),
    after: ids.map((id, i) => ({ _id: id, sort_order: (i + 1) * 10 })),
    requestId,
    now,
  })
  return { updated }
}
