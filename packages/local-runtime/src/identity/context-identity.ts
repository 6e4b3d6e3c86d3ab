/**
 * Identity port for the local cloud and tests: the HTTP server (after verifying a signed dev token) or the
 * test harness puts the caller in the invocation context under CALLER_CONTEXT_KEY. The event body is never read.
 */
import { CALLER_CONTEXT_KEY, type Caller, type IdentityPort } from '@aiphoto/runtime'

export const contextIdentity: IdentityPort = {
  resolve(_event, context): Caller {
    const caller = (context as Record<symbol, unknown> | undefined)?.[CALLER_CONTEXT_KEY] as Caller | undefined
    if (caller && (caller.kind === 'user' || caller.kind === 'system')) return caller
    return { kind: 'anonymous' }
  },
}

/** The invocation context that carries a caller. */
export function contextFor(caller: Caller): Record<symbol, unknown> {
  return { [CALLER_CONTEXT_KEY]: caller }
}
