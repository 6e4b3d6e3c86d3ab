/**
 * The contract: every gateway action's `$url`, access rule, input and output schema, and the error codes.
 * The gateway validates with it; the mini-program's client is derived from it.
 */
import type * as z from 'zod'
import { actions, type ActionUrl, type Actions } from './actions'

export * from './errors'
export * from './common'
export * from './define'
export * from './actions'

export type ActionInput<U extends ActionUrl> = z.input<Actions[U]['input']>
export type ActionParsedInput<U extends ActionUrl> = z.output<Actions[U]['input']>
export type ActionOutput<U extends ActionUrl> = z.output<Actions[U]['output']>

/** Own-property lookup: `constructor`, `__proto__` and friends are never actions. */
export function isActionUrl(value: unknown): value is ActionUrl {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(actions, value)
}

export const actionUrls = Object.keys(actions) as ActionUrl[]
