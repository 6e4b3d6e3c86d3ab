import { defineProcedures, openidOf } from '../../procedure'
import { registerAsset, resolveAsset } from './assets'

export const assetProcedures = defineProcedures({
  'storage/resolveAsset': async ({ rt, caller, input }) => ({ file_id: await resolveAsset(rt, openidOf(caller), input.hash, input.size) }),
  'storage/registerAsset': async ({ rt, caller, input, now }) => registerAsset(rt, openidOf(caller), input, now),
})
