/**
 * Messages port for the local cloud: subscribe messages are written to the `notifications` outbox instead of
 * WeChat, so the H5 dev tools and tests can see exactly what a user would have received.
 */
import type { Clock, Database, Ids, MessagesPort } from '@aiphoto/runtime'

export function createOutboxMessages(deps: { db: Database; clock: Clock; ids: Ids }): MessagesPort {
  return {
    async sendSubscribe(message) {
      await deps.db.collection('notifications').add({
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
