import { createHmac } from 'node:crypto'
import type { Middleware } from '../context'

const hashCache = new Map<string, string>()

/** Hashes an openid for logs: searchable per user, but not the openid itself. Memoised: an HMAC per call shows up in the gateway's overhead. */
export function hashOpenid(openid: string, salt: string): string {
  const key = salt + '\u0000' + openid
  let hash = hashCache.get(key)
  if (hash === undefined) {
    hash = createHmac('sha256', salt).update(openid).digest('hex').slice(0, 16)
    if (hashCache.size >= 10_000) hashCache.clear()
    hashCache.set(key, hash)
  }
  return hash
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
