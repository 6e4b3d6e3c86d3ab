import { defineProcedures, openidOf } from '../../procedure'
import { requireUser } from '../user/user-service'
import { activePackages, allPackages, toPackageView, upsertPackage } from './credit-packages'
import { dailyCheckin } from './daily-checkin'
import { createOrder, getOwnOrder, toRechargeRecord } from './orders'
import { listConsumeRecords, listRechargeRecords } from './records'

export const paymentProcedures = defineProcedures({
  'payment/getPackages': async ({ rt }) => ({ items: (await activePackages(rt)).map(toPackageView) }),

  'payment/createOrder': async ({ rt, caller, input, requestId, now }) => createOrder(rt, openidOf(caller), input.package_id, requestId, now),

  'payment/getOrder': async ({ rt, caller, input, requestId, now }) => {
    const openid = openidOf(caller)
    const order = await getOwnOrder(rt, openid, input.out_trade_no, requestId, now)
    const user = await requireUser(rt, openid)
    return { ...toRechargeRecord(order), credits_balance: user.credits }
  },

  'payment/dailyCheckin': async ({ rt, caller, now }) => dailyCheckin(rt, openidOf(caller), now),

  'payment/listRechargeRecords': async ({ rt, caller, input, requestId, now }) => listRechargeRecords(rt, openidOf(caller), input, requestId, now),

  'payment/listConsumeRecords': async ({ rt, caller, input }) => listConsumeRecords(rt, openidOf(caller), input),

  'admin/listPackages': async ({ rt }) => ({
    items: (await allPackages(rt)).map((p) => ({ ...toPackageView(p), is_active: p.is_active, sort_order: p.sort_order })),
  }),

  'admin/upsertPackage': async ({ rt, caller, input, requestId, now }) => upsertPackage(rt, openidOf(caller), input, requestId, now),
})
