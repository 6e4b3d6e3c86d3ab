/**
 * The route table: every module's procedures, plus the handlers of platform events (timer, payment callback).
 * A contract action without a procedure here answers UNKNOWN_ACTION ('not_implemented').
 */
import type { PlatformHandlers } from '../gateway/create-gateway'
import type { ProcedureMap } from '../procedure'
import { userProcedures } from './user/procedures'
import { paymentProcedures, handlePaymentCallback, sweepStaleOrders } from './payment'
import { adjustCreditsProcedures } from './admin/adjust-credits'
import { auditCreditsProcedures } from './admin/audit-credits'
import { catalogProcedures } from './catalog/procedures'
import { assetProcedures } from './assets/procedures'
import { generationProcedures } from './generation/procedures'
import { queueProcedures } from './queue/procedures'
import { runWorkerPass } from './queue/worker'
import { notifyProcedures } from './notify/procedures'
import { worksProcedures } from './works/procedures'

export const procedures: ProcedureMap = {
  ...userProcedures,
  ...paymentProcedures,
  ...adjustCreditsProcedures,
  ...auditCreditsProcedures,
  ...catalogProcedures,
  ...assetProcedures,
  ...generationProcedures,
  ...queueProcedures,
  ...notifyProcedures,
  ...worksProcedures,
}

export const platformHandlers: PlatformHandlers = {
  // The timer trigger (every minute) runs one bounded worker pass, then closes a few expired unpaid orders.
  async onTimer(rt, meta) {
    const worker = await runWorkerPass(rt, { maxTasks: 8, budgetMs: 45_000 })
    return { worker, orders: await sweepStaleOrders(rt, meta.requestId) }
  },
  // Verified, exactly-once crediting of a recharge (payment module).
  onPaymentCallback: handlePaymentCallback,
}
