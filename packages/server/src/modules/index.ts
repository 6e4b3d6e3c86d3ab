/**
 * The route table: every module's procedures, plus the handlers of platform events (timer, payment callback,
 * image-check verdict push).
 * A contract action without a procedure here answers UNKNOWN_ACTION ('not_implemented').
 */
import type { PlatformHandlers } from '../gateway/create-gateway'
import type { ProcedureMap } from '../procedure'
import { userProcedures } from './user/procedures'
import { paymentProcedures, handlePaymentCallback } from './payment'
import { adminProcedures, rollupRecent, runRetention } from './admin/procedures'
import { catalogProcedures } from './catalog/procedures'
import { assetProcedures } from './assets/procedures'
import { generationProcedures } from './generation/procedures'
import { queueProcedures } from './queue/procedures'
import { runWorkerPass } from './queue/worker'
import { notifyProcedures } from './notify/procedures'
import { worksProcedures } from './works/procedures'
import { handleMediaCheckPush } from './moderation/verdict-push'
import { handleHttpAccess, type HttpAccessEvent } from './payment/http-notify'
import { modelProcedures } from './models/procedures'

export const procedures: ProcedureMap = {
  ...userProcedures,
  ...paymentProcedures,
  ...adminProcedures,
  ...catalogProcedures,
  ...assetProcedures,
  ...generationProcedures,
  ...queueProcedures,
  ...notifyProcedures,
  ...worksProcedures,
  ...modelProcedures,
}

export const platformHandlers: PlatformHandlers = {
  onMediaCheck: (rt, event, meta) => handleMediaCheckPush(rt, event, meta),
  onHttp: (rt, event, meta) => handleHttpAccess(rt, event as unknown as HttpAccessEvent, meta),
  // The timer trigger (every minute) runs one bounded worker pass, then a bounded retention batch (expired unpaid
  // orders, deleted works' files, expired leases) and the dashboard roll-ups, neither of which fails the timer run.
  async onTimer(rt, meta) {
    const worker = await runWorkerPass(rt, { maxTasks: 8, budgetMs: 45_000 })
    const retention = await runRetention(rt, rt.clock.now(), { limit: 20 }).catch((err: unknown) => {
      rt.logger.error('retention_failed', { request_id: meta.requestId, error: String((err as Error)?.message ?? err).slice(0, 200) })
      return { error: 'retention_failed' }
    })
    // Dashboard roll-ups (today at most once a minute, yesterday until final); never fails the timer run.
    const stats = await rollupRecent(rt, rt.clock.now()).catch((err: unknown) => {
      rt.logger.error('stats_rollup_failed', { request_id: meta.requestId, error: String((err as Error)?.message ?? err).slice(0, 200) })
      return { error: 'stats_rollup_failed' }
    })
    return { worker, retention, stats }
  },
  // Verified, exactly-once crediting of a recharge (payment module).
  onPaymentCallback: handlePaymentCallback,
}
