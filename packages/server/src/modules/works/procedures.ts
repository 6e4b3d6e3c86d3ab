import { defineProcedures, openidOf } from '../../procedure'
import { cancelOwnTask } from '../queue/settle'
import { deleteWork, listWorks, toggleFavorite, workDetail } from './works'

export const worksProcedures = defineProcedures({
  'api/listWorks': async ({ rt, caller, input }) => listWorks(rt, openidOf(caller), input),
  'api/getWorkDetail': async ({ rt, caller, input }) => workDetail(rt, openidOf(caller), input.work_id),
  'api/toggleFavorite': async ({ rt, caller, input }) => toggleFavorite(rt, openidOf(caller), input.work_id),
  'api/deleteWork': async ({ rt, caller, input, now }) => deleteWork(rt, openidOf(caller), input.work_id, now),
  'api/cancelTask': async ({ rt, caller, input, now }) => cancelOwnTask(rt, openidOf(caller), input.task_id, now),
})
