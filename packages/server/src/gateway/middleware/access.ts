import { AppError } from '../../errors'
import type { Middleware } from '../context'

/** Enforces the contract's access rule for the action. */
export function access(): Middleware {
  return async function access(ctx, next) {
    const { def, caller, rt } = ctx.state
    switch (def.access) {
      case 'public':
        break
      case 'user':
        if (caller.kind !== 'user') throw new AppError('UNAUTHENTICATED')
        break
      case 'admin':
        if (caller.kind !== 'user') throw new AppError('UNAUTHENTICATED')
        if (!rt.config.adminOpenids.includes(caller.openid)) throw new AppError('FORBIDDEN')
        break
      case 'system':
        if (caller.kind !== 'system') throw new AppError('FORBIDDEN')
        break
    }
    await next()
  }
}
