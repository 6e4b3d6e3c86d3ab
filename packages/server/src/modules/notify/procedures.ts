import { AppError } from '../../errors'
import { getDoc } from '../../lib/db'
import type { TaskDoc } from '../../data/documents'
import { defineProcedures } from '../../procedure'
import { sendTaskMessage } from './notify'

export const notifyProcedures = defineProcedures({
  'notify/sendMessage': async ({ rt, input, now }) => {
    const task = await getDoc<TaskDoc>(rt.db, 'task_queue', input.task_id)
    if (!task) throw new AppError('NOT_FOUND', '任务不存在')
    const terminal = input.event === 'task_done' ? task.status === 'completed' : task.status === 'failed'
    if (!terminal) throw new AppError('CONFLICT', '任务状态与消息不符', { status: task.status })
    return sendTaskMessage(rt, input.task_id, input.event, now)
  },
})
