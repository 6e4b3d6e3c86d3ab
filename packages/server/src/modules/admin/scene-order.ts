/** `admin/setSceneOrder`: the console's up/down buttons send the whole new order; sort_order becomes 10, 20, 30… */
import { defineProcedures, openidOf } from '../../procedure'
import { AppError } from '../../errors'
import { must } from '../../lib/db'
import type { SceneDoc } from '../../data/documents'
import { writeAudit } from '../catalog/audit'

export const adminSceneOrderProcedures = defineProcedures({
  'admin/setSceneOrder': async ({ rt, input, caller, now, requestId }) => {
    if (new Set(input.ids).size !== input.ids.length) throw new AppError('VALIDATION_FAILED', '场景重复', { field: 'ids' })
    const _ = rt.db.command
    const found = must(await rt.db.collection('scenes').where({ _id: _.in(input.ids) }).limit(input.ids.length).get()) as { data: SceneDoc[] }
    if (found.data.length !== input.ids.length) throw new AppError('NOT_FOUND', '场景不存在')
    const before = Object.fromEntries(found.data.map((s) => [s._id, s.sort_order]))
    let updated = 0
    for (const [i, id] of input.ids.entries()) {
      const order = (i + 1) * 10
      if (before[id] === order) continue
      must(await rt.db.collection('scenes').doc(id).update({ sort_order: order, updated_at: now }))
      updated++
    }
    await writeAudit(rt, { actor: openidOf(caller), action: 'admin/setSceneOrder', target: 'scenes', before, after: { order: input.ids.join(','), updated }, requestId, now })
    return { updated }
  },
})
