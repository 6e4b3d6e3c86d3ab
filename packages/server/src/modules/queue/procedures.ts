import { defineProcedures } from '../../procedure'
import { requeueTask } from './requeue'
import { runWorkerPass } from './worker'

export const queueProcedures = defineProcedures({
  'queue/processTask': async ({ rt, input }) => runWorkerPass(rt, { maxTasks: input.max_tasks, budgetMs: input.budget_ms }),
  'queue/addTask': async ({ rt, input, now }) => requeueTask(rt, input.task_id, now),
})
