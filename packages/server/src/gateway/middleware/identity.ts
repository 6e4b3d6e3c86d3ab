import type { Middleware } from '../context'

/** Resolves the caller from the platform (never from the event body). */
export function identity(): Middleware {
  return async function identity(ctx, next) {
    const s = ctx.state
    if (s.caller.kind === 'anonymous') s.caller = await s.rt.identity.resolve(s.event, s.platformContext)
    await next()
  }
}
