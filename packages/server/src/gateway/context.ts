import type { ActionDef, ErrorEnvelope, SuccessEnvelope } from '@aiphoto/contract'
import type { Caller, Runtime } from '@aiphoto/runtime'

/** What the gateway's middleware share on the tcb-router context (`ctx.state`). */
export interface GatewayState {
  rt: Runtime
  url: string
  def: ActionDef
  event: Record<string, unknown>
  platformContext: unknown
  requestId: string
  startedAt: number
  caller: Caller
  input: unknown
}

/** tcb-router's context is the router instance; we only use these members. */
export interface RouterCtx {
  _req: { event: Record<string, unknown>; url: string }
  body?: SuccessEnvelope<unknown> | ErrorEnvelope
  state: GatewayState
}

export type Middleware = (ctx: RouterCtx, next: () => Promise<void>) => Promise<void>
