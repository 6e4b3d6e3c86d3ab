import { defineProcedures, openidOf } from '../../procedure'
import { listActiveModels, listAllModels, reorderModels, setModelActive, upsertModel } from './library'
import { getPreset, listShowcases } from './showcases'
import { generateModel } from './generate-model'
import { listAllShowcases, reorderShowcases, setShowcaseActive, upsertShowcase } from './showcase-admin'

export const modelProcedures = defineProcedures({
  'photography/listModels': async ({ rt, input }) => ({ items: await listActiveModels(rt, input) }),
  'photography/listShowcases': async ({ rt, input }) => ({ items: await listShowcases(rt, input.mode) }),
  'photography/getPreset': async ({ rt, caller, input }) => getPreset(rt, openidOf(caller), input),
  'admin/listModels': async ({ rt }) => ({ items: await listAllModels(rt) }),
  'admin/upsertModel': async ({ rt, caller, input, now, requestId }) => upsertModel(rt, openidOf(caller), input, now, requestId),
  'admin/setModelActive': async ({ rt, caller, input, now, requestId }) => setModelActive(rt, openidOf(caller), input._id, input.is_active, now, requestId),
  'admin/generateModel': async ({ rt, caller, input, now, requestId }) => generateModel(rt, openidOf(caller), input, now, requestId),
  'admin/reorderModels': async ({ rt, caller, input, now, requestId }) => reorderModels(rt, openidOf(caller), input.ids, now, requestId),
  'admin/listShowcases': async ({ rt }) => ({ items: await listAllShowcases(rt) }),
  'admin/upsertShowcase': async ({ rt, caller, input, now, requestId }) => upsertShowcase(rt, openidOf(caller), input, now, requestId),
  'admin/setShowcaseActive': async ({ rt, caller, input, now, requestId }) => setShowcaseActive(rt, openidOf(caller), input._id, input.is_active, now, requestId),
  'admin/reorderShowcases': async ({ rt, caller, input, now, requestId }) => reorderShowcases(rt, openidOf(caller), input.ids, now, requestId),
})
