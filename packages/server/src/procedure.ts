/**
 * A procedure is the handler of one contract action. Modules export a map of them; the gateway
 * registers the one matching `$url` with tcb-router after the shared middleware.
 */
import type { ActionParsedInput, ActionUrl, Actions } from '@aiphoto/contract'
import type { Caller, Runtime } from '@aiphoto/runtime'
import type * as z from 'zod'
import { AppError } from './errors'

export interface ProcedureContext<U extends ActionUrl> {
  rt: Runtime
  input: ActionParsedInput<U>
  caller: Caller
  requestId: string
  /** One clock reading per call so every write of the call agrees on "now". */
  now: Date
}

export type Handler<U extends ActionUrl> = (ctx: ProcedureContext<U>) => Promise<z.input<Actions[U]['output']>>

export type ProcedureMap = { [U in ActionUrl]?: Handler<U> }

/** The caller's openid; procedures with access user/admin always have one (checked by the access middleware). */
export function openidOf(caller: Caller): string {
  if (caller.kind !== 'user') throw new AppError('UNAUTHENTICATED')
  return caller.openid
}

/** Identity helper for typing module maps: `defineProcedures({ 'user/register': async (ctx) => ... })`. */
export function defineProcedures<const M extends ProcedureMap>(map: M): M {
  return map
}
