/**
 * Payment events that an operator must be able to find later (credited, replayed, forged, early, paid after
 * close): one structured log line (openid hashed) and one `logs` document (kept in the database, with the openid,
 * for support and audits). A failure to write the document never changes the payment outcome.
 */
import type { Runtime } from '@aiphoto/runtime'
import type { PaymentLogDoc } from '../../data/documents'
import { hashOpenid } from '../../gateway/middleware/request-log'
import { must } from '../../lib/db'

export interface PaymentLogEntry {
  level: PaymentLogDoc['level']
  event: string
  outTradeNo: string
  openid: string | null
  source: PaymentLogDoc['source']
  details?: Record<string, unknown>
  requestId?: string | null
  /** Also keep a `logs` document (default true). */
  persist?: boolean
}

export async function logPaymentEvent(rt: Runtime, entry: PaymentLogEntry, now: Date): Promise<void> {
  const details = entry.details ?? {}
  rt.logger[entry.level](entry.event, {
    request_id: entry.requestId ?? undefined,
    out_trade_no: entry.outTradeNo,
    user: entry.openid ? hashOpenid(entry.openid, rt.config.logSalt) : null,
    source: entry.source,
    ...details,
  })
  if (entry.persist === false) return
  const doc: PaymentLogDoc = {
    kind: 'payment',
    level: entry.level,
    event: entry.event,
    out_trade_no: entry.outTradeNo,
    user_openid: entry.openid,
    source: entry.source,
    details,
    request_id: entry.requestId ?? null,
    created_at: now,
  }
  try {
    must(await rt.db.collection('logs').add(doc))
  } catch (err) {
    rt.logger.error('payment_log_write_failed', { out_trade_no: entry.outTradeNo, event: entry.event, error: String((err as Error)?.message ?? err).slice(0, 200) })
  }
}
