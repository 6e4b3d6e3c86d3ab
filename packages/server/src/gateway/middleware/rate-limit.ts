import { AppError } from '../../errors'
import type { Middleware } from '../context'

/**
 * Fixed-window limit per (user, action). NOTE: state lives in the function instance; CloudBase runs several
 * instances under load, so this bounds bursts per instance. Money paths do not rely on it for correctness.
 */
export function rateLimit(): Middleware {
  const windows = new Map<string, { start: number; count: number }>()
  let lastSweep = 0
  return async function rateLimit(ctx, next) {
    const { caller, def, rt } = ctx.state
    if (caller.kind === 'user') {
      const now = rt.clock.now().getTime()
      const windowMs = rt.config.rateLimit.windowMs
      const max = def.rateLimitPerMinute ?? rt.config.rateLimit.defaultMax
      if (now - lastSweep > windowMs) {
        for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k)
        lastSweep = now
      }
      const key = caller.openid + '\u0000' + def.url
      const w = windows.get(key)
      if (!w || now - w.start >= windowMs) windows.set(key, { start: now, count: 1 })
      else if (++w.count > max) {
        throw new AppError('RATE_LIMITED', undefined, { retry_after_ms: windowMs - (now - w.start) })
      }
    }
    await next()
  }
}
