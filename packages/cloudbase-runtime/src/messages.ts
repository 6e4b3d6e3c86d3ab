/**
 * Subscribe messages through `cloud.openapi.subscribeMessage.send`. Never throws: a refusal (43101 the user
 * did not subscribe or unsubscribed, 47003 bad template data, 40037 bad template id, ...) or a network failure
 * comes back as `{ ok: false, errCode, errMsg }` for the outbox to record; a message is never worth a failed task.
 */
import type { MessagesPort, SendResult } from '@aiphoto/runtime'
import { errCodeOf, errMsgOf, type WxCloud } from './wx-cloud'

export interface CloudMessagesOptions {
  cloud: Pick<WxCloud, 'openapi'>
  /** Which build of the mini-program a tap opens (WeChat's default is 'formal'). */
  miniprogramState?: 'developer' | 'trial' | 'formal'
}

export function createCloudMessages(opts: CloudMessagesOptions): MessagesPort {
  return {
    async sendSubscribe(message): Promise<SendResult> {
      const params: Parameters<WxCloud['openapi']['subscribeMessage']['send']>[0] = {
        touser: message.touser,
        templateId: message.templateId,
        data: message.data,
      }
      if (message.page !== undefined) params.page = message.page
      if (opts.miniprogramState !== undefined) params.miniprogramState = opts.miniprogramState
      try {
        const res = await opts.cloud.openapi.subscribeMessage.send(params)
        // The SDK throws on a non-zero errcode; a result still carrying one is treated the same way.
        const code = typeof res?.errCode === 'number' ? res.errCode : 0
        return code === 0 ? { ok: true } : { ok: false, errCode: code, errMsg: String(res?.errMsg ?? '').slice(0, 300) }
      } catch (err) {
        const result: SendResult = { ok: false, errMsg: errMsgOf(err) }
        const code = errCodeOf(err)
        if (code !== undefined) result.errCode = code
        return result
      }
    },
  }
}
