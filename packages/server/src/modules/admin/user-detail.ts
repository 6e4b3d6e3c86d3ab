/** `admin/lookupUser`: a user by openid or invite code with the newest ledger entries, works and orders (one page each, index-served). */
import { defineProcedures } from '../../procedure'
import { AppError } from '../../errors'
import { findOne, getDoc, toIso } from '../../lib/db'
import { keysetPage } from '../../lib/keyset-page'
import type { LedgerDoc, OrderDoc, UserDoc, WorkDoc } from '../../data/documents'
import { toProfile } from '../user/user-service'

const ROWS = 20

export const adminUserDetailProcedures = defineProcedures({
  'admin/lookupUser': async ({ rt, input }) => {
    if (!input.openid === !input.invite_code) throw new AppError('VALIDATION_FAILED', '请输入 openid 或邀请码之一')
    const user = input.openid
      ? await getDoc<UserDoc>(rt.db, 'users', input.openid)
      : await findOne<UserDoc>(rt.db, 'users', { invite_code: input.invite_code!.toUpperCase() })
    if (!user) throw new AppError('NOT_FOUND', '用户不存在')
    const [ledger, works, orders] = await Promise.all([
      keysetPage<LedgerDoc>(rt, 'credit_ledger', { user_openid: user._id }, { pageSize: ROWS }),
      keysetPage<WorkDoc>(rt, 'works', { user_openid: user._id }, { pageSize: ROWS }),
      keysetPage<OrderDoc>(rt, 'orders', { user_openid: user._id }, { pageSize: ROWS }),
    ])
    return {
      user: await toProfile(user, rt),
      ledger: ledger.rows.map((e) => ({ _id: e._id, kind: e.kind, delta: e.delta, balance_after: e.balance_after, reason: e.reason ?? null, created_at: toIso(e.created_at) })),
      works: works.rows.map((w) => ({ _id: w._id, type: w.type, status: w.status, cost: w.cost ?? 0, refunded: w.refunded ?? 0, images: w.images?.length ?? 0, created_at: toIso(w.created_at) })),
      orders: orders.rows.map((o) => ({ out_trade_no: o.out_trade_no, amount_fen: o.amount_fen, credits: o.credits, status: o.status, created_at: toIso(o.created_at) })),
    }
  },
})
