import * as z from 'zod'
import { defineAction } from '../define'
import { idSchema, str } from '../common'

/** Internal actions: the timer trigger, the worker and the gateway itself call these; users get FORBIDDEN. */
export const internalActions = {
  'queue/addTask': defineAction({
    url: 'queue/addTask',
    access: 'system',
    summary: 'Makes a known task runnable again (used after a crash or by admins) and wakes the worker.',
    input: z.strictObject({ task_id: idSchema }),
    output: z.object({ task_id: z.string(), status: z.string() }),
  }),
  'queue/processTask': defineAction({
    url: 'queue/processTask',
    access: 'system',
    summary: 'Runs one worker pass: claims due tasks, submits or polls providers, settles results.',
    input: z.strictObject({
      max_tasks: z.number().int().min(1).max(50).default(8),
      budget_ms: z.number().int().min(1000).max(55_000).default(45_000),
    }),
    output: z.object({ claimed: z.number().int(), completed: z.number().int(), failed: z.number().int(), running: z.number().int() }),
  }),
  'notify/sendMessage': defineAction({
    url: 'notify/sendMessage',
    access: 'system',
    summary: 'Sends the task-finished subscribe message for one task (recorded in notifications).',
    input: z.strictObject({ task_id: idSchema, event: z.enum(['task_done', 'task_failed']) }),
    output: z.object({ sent: z.boolean(), err_code: z.number().int().nullable(), err_msg: str(200).nullable() }),
  }),
} as const
