/** Read-only admin views: a user by openid or invite code, orders and tasks with filters. */
import { defineProcedures } from '../../procedure'
import { AppError } from '../../errors'
import { findOne, getDoc, toIso, toIsoOrNull } from '../../lib/db'
import { keysetPage } from '../../lib/keyset-page'
import type { OrderDoc, TaskDoc, UserDoc } from '../../data/documents'
import { toProfile } from '../user/user-service'

/** The optional owner and status filters of the admin lists. */
function filterOf(input: { openid?: string | undefined; status?: string | undefined }): Record<string, unknown> {
  const filter: Record<string, unknown> = {}
  if (input.openid) filter.user_openid = input.openid
  if (input.status) filter.status = input.status
  return filter
}

export const adminLookupProcedures = defineProcedures({
  'admin/getUser': async ({ rt, input }) => {
    if (!input.openid === !input.invite_code) throw new AppError('VALIDATION_FAILED', '请提供 openid 或 invite_code 之一')
    const user = input.openid ? await getDoc<UserDoc>(rt.db, 'users', input.openid) : await findOne<UserDoc>(rt.db, 'users', { invite_code: input.invite_code })
    if (!user) throw new AppError('NOT_FOUND', '用户不存在')
    return toProfile(user, rt)
  },

  'admin/listOrders': async ({ rt, input }) => {
    const page = await keysetPage<OrderDoc>(rt, 'orders', filterOf(input), input)
    return {
      items: page.rows.map((o) => ({
        _id: o._id,
        user_openid: o.user_openid,
        out_trade_no: o.out_trade_no,
        package_id: o.package_id,
        amount_fen: o.amount_fen,
        credits: o.credits,
        status: o.status,
        transaction_id: o.transaction_id ?? null,
        created_at: toIso(o.created_at),
        paid_at: toIsoOrNull(o.paid_at),
      })),
      next_cursor: page.next_cursor,
    }
  },

  'admin/listTasks': async ({ rt, input }) => {
    const page = await keysetPage<TaskDoc>(rt, 'task_queue', filterOf(input), input)
    return {
      items: page.rows.map((t) => ({
        _id: t._id,
        user_openid: t.user_openid,
        type: t.type,
        status: t.status,
        attempts: t.attempts,
        provider_id: t.provider_id ?? null,
        error: t.error ?? null,
        cost: t.cost,
        created_at: toIso(t.created_at),
        updated_at: toIso(t.updated_at),
      })),
      next_cursor: page.next_cursor,
    }
  },
})
