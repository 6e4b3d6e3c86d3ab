/**
 * The route table: every module's procedures, plus the handlers of platform events (timer, payment callback).
 * A contract action without a procedure here answers UNKNOWN_ACTION ('not_implemented').
 */
import type { PlatformHandlers } from '../gateway/create-gateway'
import type { ProcedureMap } from '../procedure'
import { userProcedures } from './user/procedures'
import { paymentProcedures, handlePaymentCallback } from './payment'
import { adjustCreditsProcedures } from './admin/adjust-credits'
import { auditCreditsProcedures } from './admin/audit-credits'

export const procedures: ProcedureMap = {
  ...userProcedures,
  ...paymentProcedures,
  ...adjustCreditsProcedures,
  ...auditCreditsProcedures,
}

export const platformHandlers: PlatformHandlers = {
  // Filled by the queue module (worker pass) and the payment module (verified crediting).
  async onTimer() {
    return { worker: 'not_implemented' }
  },
  // Verified, exactly-once crediting of a recharge (payment module).
  onPaymentCallback: handlePaymentCallback,
}
