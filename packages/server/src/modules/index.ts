/**
 * The route table: every module's procedures, plus the handlers of platform events (timer, payment callback).
 * A contract action without a procedure here answers UNKNOWN_ACTION ('not_implemented').
 */
import type { PlatformHandlers } from '../gateway/create-gateway'
import type { ProcedureMap } from '../procedure'
import { userProcedures } from './user/procedures'

export const procedures: ProcedureMap = {
  ...userProcedures,
}

export const platformHandlers: PlatformHandlers = {
  // Filled by the queue module (worker pass) and the payment module (verified crediting).
  async onTimer() {
    return { worker: 'not_implemented' }
  },
  async onPaymentCallback() {
    // NOTE: refusing (not acknowledging) makes WeChat Pay retry until the payment module exists.
    return { errcode: -1, errmsg: 'NOT_IMPLEMENTED' }
  },
}
