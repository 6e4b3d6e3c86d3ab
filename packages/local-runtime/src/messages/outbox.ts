/**
 * Messages port for the local cloud: subscribe messages are written to the `message_outbox` collection instead of
 * being sent by WeChat, so tests and developers see exactly what a user would have received. (The domain's own
 * record of each send, with its result, stays in `notifications`, as in the cloud.)
 */
import type { Clock, Database, Ids, MessagesPort } from '@aiphoto/runtime'

export const OUTBOX_COLLECTION = 'message_outbox'

export function createOutboxMessages(deps: { db: Database; clock: Clock; ids: Ids }): MessagesPort {
  return {
    async sendSubscribe(message) {
      await deps.db.collection(OUTBOX_COLLECTION).add({
        _id: deps.ids.id(),
        user_openid: message.touser,
        channel: 'outbox',
        template_id: message.templateId,
        page: message.page ?? null,
        data: message.data,
        result: { ok: true },
        created_at: deps.clock.now(),
      })
      return { ok: true }
    },
  }
}
