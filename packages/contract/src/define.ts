import type * as z from 'zod'

/**
 * Who may call an action:
 * - public: anyone, identity optional
 * - user: a caller with a platform identity (OPENID) or a verified dev token
 * - admin: a user listed in the deployment's admin openids
 * - system: the platform itself (timer trigger, the gateway calling itself), never a user
 */
export type Access = 'public' | 'user' | 'admin' | 'system'

export interface ActionDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  url: string
  access: Access
  summary: string
  input: I
  output: O
  /** Calls per user per minute, when stricter than the default. */
  rateLimitPerMinute?: number
}

/** Declares an action; the `url` literal becomes the key clients and the gateway use. */
export function defineAction<const U extends string, I extends z.ZodType, O extends z.ZodType>(def: {
  url: U
  access: Access
  summary: string
  input: I
  output: O
  rateLimitPerMinute?: number
}): ActionDef<I, O> & { url: U } {
  return def
}
