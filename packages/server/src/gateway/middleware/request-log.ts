import { createHmac } from 'node:crypto'
import type { Middleware } from '../context'

/** Hashes an openid for logs: searchable per user, but not the openid itself. */
export function hashOpenid(openid: string, salt: string): string {
  return createHmac('sha256', salt).update(openid).digest('hex').slice(0, 16)
}

/** Outermost middleware: one structured JSON line per call (request id, action, hashed openid, duration, result code). */
export function requestLog(): Middleware {
  return async function requestLog(ctx, next) {
    try {
      await next()
    } finally {
      const s = ctx.state
      const body = ctx.body
      s.rt.logger.info('call', {
        request_id: s.requestId,
        action: s.url,
        caller: s.caller.kind === 'user' ? hashOpenid(s.caller.openid, s.rt.config.logSalt) : s.caller.kind,
        duration_ms: Math.round((performance.now() - s.startedAt) * 100) / 100,
        code: body ? (body.success ? 'OK' : body.code) : 'NO_BODY',
      })
    }
  }
}
