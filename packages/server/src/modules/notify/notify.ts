/**
 * The "task finished" subscribe message. At most one per (task, event): a record with a deterministic id in
 * `notifications` is written first (a duplicate insert means it was already handled), then the message goes
 * through the messages port and its result — including refusals such as 43101 (user did not subscribe) — is
 * recorded on it. A refusal is never retried: the user has to subscribe again in the mini-program.
 */
import type { MessageField, Runtime, SubscribeTemplate } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { getDoc, must } from '../../lib/db'
import { isDuplicateKeyError as isDuplicateKey } from '@aiphoto/runtime'
import type { NotificationDoc, TaskDoc } from '../../data/documents'

export type TaskEvent = 'task_done' | 'task_failed'

export interface SendOutcome {
  sent: boolean
  err_code: number | null
  err_msg: string | null
}

const TYPE_NAME: Record<string, string> = { photography: '服装摄影', fitting: '虚拟试衣' }

/** Shanghai wall time `yyyy-mm-dd hh:mm` (the `time` field of a subscribe message). */
function shanghaiTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}

/** The local outbox's stand-in template (the console's example layout); the cloud never guesses keys. */
const LOCAL_KEYS: SubscribeTemplate['keys'] = { type: 'thing1', status: 'phrase2', time: 'time3', note: 'thing4' }

function templateFor(rt: Runtime, event: TaskEvent): SubscribeTemplate | null {
  const configured = event === 'task_done' ? rt.config.templates.taskDone : rt.config.templates.taskFailed
  if (configured) return configured
  // In the cloud an unconfigured template means "do not send".
  return rt.config.runtimeName === 'cloudbase' ? null : { id: `local-${event}`, keys: LOCAL_KEYS }
}

/** Template ids the client must ask the user to accept before a generation: every one the server may send. */
export function subscribeTemplateIds(rt: Runtime): string[] {
  const { taskDone, taskFailed } = rt.config.templates
  return [...new Set([taskDone?.id, taskFailed?.id].filter((id): id is string => !!id))]
}

/** thing values are at most 20 characters (sendMessage 参数值内容限制); longer ones would be refused with 47003. */
function fit(key: string, value: string): string {
  return key.startsWith('thing') ? [...value].slice(0, 20).join('') : value
}

function messageData(template: SubscribeTemplate, values: Record<MessageField, string>): Record<string, { value: string }> {
  const data: Record<string, { value: string }> = {}
  for (const [field, key] of Object.entries(template.keys) as Array<[MessageField, string]>) data[key] = { value: fit(key, values[field]) }
  return data
}

export async function sendTaskMessage(rt: Runtime, taskId: string, event: TaskEvent, now: Date): Promise<SendOutcome> {
  try {
    return await sendOnce(rt, taskId, event, now)
  } catch (err) {
    // A message is never worth failing a task over.
    rt.logger.warn('notify_failed', { task_id: taskId, event, error: String((err as Error)?.message ?? err).slice(0, 200) })
    return { sent: false, err_code: null, err_msg: 'internal error' }
  }
}

async function sendOnce(rt: Runtime, taskId: string, event: TaskEvent, now: Date): Promise<SendOutcome> {
  const task = await getDoc<TaskDoc>(rt.db, 'task_queue', taskId)
  if (!task) throw new AppError('NOT_FOUND', '任务不存在')
  // The record's deterministic id makes the send exactly-once: a repeat collides on insert below (one billed
  // write instead of a read before every first send).
  const recordId = `notify-${taskId}-${event}`

  const template = templateFor(rt, event)
  const templateId = template?.id ?? null
  // The mini-program page the message opens: the work detail page (a sub-package of the Taro app).
  const page = `package-works/detail/index?id=${task.work_id}`
  const data = template
    ? messageData(template, {
        type: TYPE_NAME[task.type] ?? '作品生成',
        status: event === 'task_done' ? '生成完成' : '生成失败',
        time: shanghaiTime(now),
        note: event === 'task_done' ? '点击查看作品' : `已退还${task.refunded ?? task.cost}积分`,
      })
    : {}
  const record: NotificationDoc = {
    _id: recordId,
    user_openid: task.user_openid,
    channel: 'subscribe',
    template_id: templateId ?? '',
    page,
    data,
    result: { ok: false, errMsg: 'sending' },
    task_id: taskId,
    event,
    created_at: now,
  }
  try {
    must(await rt.db.collection('notifications').add(record))
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    const winner = await getDoc<NotificationDoc>(rt.db, 'notifications', recordId)
    return outcomeOf(winner?.result ?? { ok: false })
  }
  const result = templateId
    ? await rt.messages.sendSubscribe({ touser: task.user_openid, templateId, page, data })
    : { ok: false, errMsg: 'template not configured' }
  const stored: NotificationDoc['result'] = { ok: result.ok }
  if (result.errCode !== undefined) stored.errCode = result.errCode
  if (result.errMsg !== undefined) stored.errMsg = result.errMsg.slice(0, 200)
  // NOTE: `_.set` replaces the object; a plain object value would be merged key by key (keeping 'sending').
  must(await rt.db.collection('notifications').doc(recordId).update({ result: rt.db.command.set(stored) }))
  if (!result.ok) rt.logger.info('notify_refused', { task_id: taskId, event, err_code: result.errCode ?? null })
  return outcomeOf(stored)
}

function outcomeOf(result: NotificationDoc['result']): SendOutcome {
  return { sent: result.ok, err_code: result.errCode ?? null, err_msg: result.ok ? null : (result.errMsg ?? null) }
}
