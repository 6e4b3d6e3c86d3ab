/// <reference path="../tcb-router.d.ts" />
/**
 * The ONE cloud function's `main(event, context)`. Per call: classify the event, whitelist `$url` against
 * the contract, build a tcb-router with the shared middleware and the one matching procedure, serve.
 * Always answers the envelope (or, for a payment callback, the reply WeChat Pay expects).
 */
import { actions, isActionUrl, type ActionUrl, type Envelope } from '@aiphoto/contract'
import { CALLER_CONTEXT_KEY, verifySystemCall, type Caller, type Runtime } from '@aiphoto/runtime'
import TcbRouter from 'tcb-router'
import { AppError } from '../errors'
import type { Handler, ProcedureMap } from '../procedure'
import type { GatewayState, Middleware, RouterCtx } from './context'
import { errorEnvelope, toErrorEnvelope } from './envelope'
import { access } from './middleware/access'
import { errorBoundary } from './middleware/error-boundary'
import { identity } from './middleware/identity'
import { rateLimit } from './middleware/rate-limit'
import { requestLog } from './middleware/request-log'
import { validation } from './middleware/validation'
import { classifyPlatformEvent, MESSAGE_PUSH_ACK, PAYMENT_CALLBACK_ACK, type PaymentCallbackReply } from './platform-events'

export interface PlatformHandlers {
  /** Timer trigger: advances the queue and runs retention. */
  onTimer(rt: Runtime, meta: { requestId: string; triggerName: string }): Promise<unknown>
  /** cloudPay callback: verify with the provider, credit at most once, answer WeChat. */
  onPaymentCallback(rt: Runtime, event: Record<string, unknown>, meta: { requestId: string }): Promise<PaymentCallbackReply>
  /** An HTTP access-service request (WeChat Pay v3 notifications): answers the integration response. */
  onHttp(rt: Runtime, event: Record<string, unknown>, meta: { requestId: string }): Promise<unknown>
  /** wxa_media_check push: record the verdict of an image check and resolve what waited for it. */
  onMediaCheck(rt: Runtime, event: Record<string, unknown>, meta: { requestId: string }): Promise<unknown>
}

export interface GatewayOptions {
  procedures: ProcedureMap
  platform: PlatformHandlers
}

export type GatewayMain = (event: unknown, context?: unknown) => Promise<unknown>

export function createGateway(runtime: Runtime | (() => Runtime), options: GatewayOptions): GatewayMain {
  let rt: Runtime | null = typeof runtime === 'function' ? null : runtime
  const getRuntime = () => (rt ??= (runtime as () => Runtime)())
  const shared: Middleware[] = [requestLog(), errorBoundary(), identity(), access(), rateLimit(), validation()]
  // Request ids: a random per-instance prefix plus a counter (no crypto call per request).
  let instancePrefix: string | null = null
  let seq = 0

  return async function main(event: unknown, context?: unknown): Promise<unknown> {
    let runtime: Runtime
    try {
      runtime = getRuntime()
    } catch {
      // Misconfigured deployment (e.g. AIPHOTO_SECRET_KEY missing): answer, never crash; the next call retries.
      const ev = event as Record<string, unknown> | null
      const isCallback = !!ev && typeof ev === 'object' && !Array.isArray(ev) && !('$url' in ev) && classifyPlatformEvent(ev).kind === 'payment-callback'
      return isCallback ? { errcode: -1, errmsg: 'RETRY' } : errorEnvelope('INTERNAL')
    }
    const startedAt = performance.now()
    const requestId = requestIdOf(context) ?? `${(instancePrefix ??= runtime.ids.token(6))}-${(++seq).toString(36)}`

    if (!event || typeof event !== 'object' || Array.isArray(event)) {
      return errorEnvelope('VALIDATION_FAILED', '请求格式错误')
    }
    const ev = event as Record<string, unknown>

    if (!('$url' in ev)) return handlePlatformEvent(runtime, options.platform, ev, context, requestId)

    const url = ev.$url
    // NOTE: tcb-router matches `$url` with hasOwnProperty on its route table and crashes on names such as
    // `constructor`; an array `$url` would be stringified. Only own contract keys get past this line.
    if (!isActionUrl(url)) {
      runtime.logger.info('call', { request_id: requestId, action: typeof url === 'string' ? url.slice(0, 80) : typeof url, code: 'UNKNOWN_ACTION' })
      return errorEnvelope('UNKNOWN_ACTION', '不支持的操作', { url: typeof url === 'string' ? url.slice(0, 80) : null })
    }

    const handler = options.procedures[url] as Handler<ActionUrl> | undefined
    const state: GatewayState = {
      rt: runtime,
      url,
      def: actions[url],
      event: ev,
      platformContext: context,
      requestId,
      startedAt,
      caller: systemCaller(runtime, ev, url, context),
      input: undefined,
    }

    const app = new TcbRouter({ event: ev })
    app.use(async function attachState(ctx: RouterCtx, next: () => Promise<void>) {
      ctx.state = state
      await next()
    })
    for (const mw of shared) app.use(mw)
    app.router(url, async function procedure(ctx: RouterCtx) {
      if (!handler) throw new AppError('UNKNOWN_ACTION', '该功能尚未开放', { url, reason: 'not_implemented' })
      const s = ctx.state
      const data = await handler({ rt: s.rt, input: s.input as never, caller: s.caller, requestId: s.requestId, now: s.rt.clock.now() })
      // Parsing the output strips any field the contract does not declare, so internals never leak.
      const out = s.def.output.safeParse(data)
      if (!out.success) {
        // A server bug, not the caller's: INTERNAL for them, the issues for the operator's log.
        throw new Error(`output of ${url} breaks the contract: ${JSON.stringify(out.error.issues.slice(0, 3))}`)
      }
      ctx.body = { success: true, data: out.data }
    })
    try {
      const body = (await app.serve()) as Envelope<unknown> | undefined
      return body ?? errorEnvelope('INTERNAL')
    } catch (err) {
      return toErrorEnvelope(err)
    }
  }
}

/** A self-invocation (worker kick) proves itself with an HMAC; everything else goes through the identity port. */
function systemCaller(rt: Runtime, ev: Record<string, unknown>, url: string, context: unknown): Caller {
  const handed = (context as Record<symbol, unknown> | undefined)?.[CALLER_CONTEXT_KEY] as Caller | undefined
  if (handed?.kind === 'system') return handed
  if ('$system' in ev && verifySystemCall(rt.config.secretKey, url, ev.$system, rt.clock.now())) {
    return { kind: 'system', source: 'internal' }
  }
  return { kind: 'anonymous' }
}

async function handlePlatformEvent(
  rt: Runtime,
  platform: PlatformHandlers,
  ev: Record<string, unknown>,
  context: unknown,
  requestId: string,
): Promise<unknown> {
  const kind = classifyPlatformEvent(ev)
  if (kind.kind === 'unknown') return errorEnvelope('UNKNOWN_ACTION', '缺少 $url', { url: null })
  if (kind.kind === 'media-check') {
    // NOTE: not refused for a user context: a message push may carry the user's OPENID. It is authenticated by its
    // trace id instead, which only the platform and this server know (see modules/moderation/verdict-push.ts).
    try {
      const handled = (await platform.onMediaCheck(rt, kind.event, { requestId })) as { outcome?: string } | undefined
      // A verdict for a check not recorded yet (the push overtook the write) is refused, so WeChat delivers it again.
      return handled?.outcome === 'unknown_check' ? errorEnvelope('NOT_FOUND', '未知的检测任务') : MESSAGE_PUSH_ACK
    } catch (err) {
      rt.logger.error('platform_event_failed', { request_id: requestId, kind: kind.kind, error: String((err as Error)?.message ?? err).slice(0, 300) })
      // Not acknowledged: WeChat delivers the push again.
      return toErrorEnvelope(err)
    }
  }
  const caller = await rt.identity.resolve(ev, context)
  if (kind.kind === 'http') {
    // HTTP access carries no WeChat identity; a user invoking the function with this shape is refused.
    if (caller.kind === 'user') return { statusCode: 403, headers: {}, body: '', isBase64Encoded: false }
    try {
      return await platform.onHttp(rt, kind.event, { requestId })
    } catch (err) {
      rt.logger.error('platform_event_failed', { request_id: requestId, kind: kind.kind, error: String((err as Error)?.message ?? err).slice(0, 300) })
      return { statusCode: 500, headers: {}, body: '', isBase64Encoded: false }
    }
  }
  if (caller.kind === 'user') {
    // A user forging a platform event through callFunction: refuse, change nothing.
    rt.logger.warn('platform_event_from_user', { request_id: requestId, kind: kind.kind })
    return kind.kind === 'payment-callback' ? { errcode: -1, errmsg: 'FORBIDDEN' } : errorEnvelope('FORBIDDEN')
  }
  try {
    if (kind.kind === 'timer') {
      const data = await platform.onTimer(rt, { requestId, triggerName: kind.triggerName })
      return { success: true, data }
    }
    return await platform.onPaymentCallback(rt, kind.event, { requestId })
  } catch (err) {
    rt.logger.error('platform_event_failed', { request_id: requestId, kind: kind.kind, error: String((err as Error)?.message ?? err).slice(0, 300) })
    // A failed callback must make WeChat Pay retry later, so it must NOT be acknowledged.
    return kind.kind === 'payment-callback' ? { errcode: -1, errmsg: 'RETRY' } : toErrorEnvelope(err)
  }
}

function requestIdOf(context: unknown): string | undefined {
  const c = context as { request_id?: unknown; requestId?: unknown } | undefined
  const id = c?.request_id ?? c?.requestId
  return typeof id === 'string' && id.length <= 128 ? id : undefined
}

export { PAYMENT_CALLBACK_ACK }
