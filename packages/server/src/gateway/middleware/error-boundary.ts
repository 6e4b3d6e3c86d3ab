import { AppError } from '../../errors'
import type { Middleware } from '../context'
import { toErrorEnvelope } from '../envelope'

/** Every thrown error becomes the envelope; unexpected ones are logged server-side (name + message only). */
export function errorBoundary(): Middleware {
  return async function errorBoundary(ctx, next) {
    try {
      await next()
      if (!ctx.body) ctx.body = toErrorEnvelope(new Error('handler produced no body'))
    } catch (err) {
      ctx.body = toErrorEnvelope(err)
      if (!(err instanceof AppError) && ctx.body.code === 'INTERNAL') {
        const e = err as { name?: string; message?: string; code?: unknown }
        ctx.state.rt.logger.error('unhandled', {
          request_id: ctx.state.requestId,
          action: ctx.state.url,
          error: String(e?.name ?? 'Error'),
          // NOTE: SDK messages can be long; never echo them to the caller, keep a bounded copy for operators.
          detail: String(e?.message ?? err).slice(0, 300),
          db_code: typeof e?.code === 'string' ? e.code : undefined,
        })
      }
    }
  }
}
