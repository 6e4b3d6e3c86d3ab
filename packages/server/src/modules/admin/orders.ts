/**
 * Order tools: ask the payment provider about one order (and settle it through the same exactly-once path as the
 * callback, so a missed notification is credited once), and close the expired unpaid orders now.
 */
import { isPaymentError } from '@aiphoto/runtime'
import { defineProcedures, openidOf } from '../../procedure'
import { AppError } from '../../errors'
import { getDoc } from '../../lib/db'
import type { OrderDoc } from '../../data/documents'
import { closeStaleOrders } from '../payment'
import { findOrderByOutTradeNo, settleOrder } from '../payment/settle-order'
import { writeAudit } from '../catalog/audit'

export const adminOrderProcedures = defineProcedures({
  'admin/queryOrder': async ({ rt, input, caller, now, requestId }) => {
    const order = await findOrderByOutTradeNo(rt, input.out_trade_no)
    if (!order) throw new AppError('NOT_FOUND', '订单不存在')
    let trade
    try {
      trade = await rt.payment.queryOrder(order.out_trade_no)
    } catch (err) {
      throw new AppError('PROVIDER_UNAVAILABLE', '支付服务暂时无法查询，请稍后再试', { provider_code: isPaymentError(err) ? err.code : 'UNEXPECTED' })
    }
    const outcome = await settleOrder(rt, { outTradeNo: order.out_trade_no, source: 'query', known: trade, requestId }, now)
    const after = (await getDoc<OrderDoc>(rt.db, 'orders', order._id)) ?? order
    const result = {
      out_trade_no: order.out_trade_no,
      provider_state: trade.tradeState,
      status_before: order.status,
      status_after: after.status,
      credited: outcome.result === 'credited',
    }
    await writeAudit(rt, { actor: openidOf(caller), action: 'admin/queryOrder', target: `orders:${order._id}`, before: { status: order.status }, after: result, requestId, now })
    return result
  },

  'admin/closeExpiredOrders': async ({ rt, caller, now, requestId }) => {
    const result = await closeStaleOrders(rt, now, { limit: 100 })
    await writeAudit(rt, { actor: openidOf(caller), action: 'admin/closeExpiredOrders', target: 'orders', before: null, after: result, requestId, now })
    return result
  },
})
