import { AppError } from '../../errors'
import type { Middleware } from '../context'
import { zodIssues } from '../envelope'

/**
 * Keys the platform or a client may put in the event that are never action input: `$url`, the platform's
 * `userInfo`, and identity fields a client might try to smuggle (`openid`/`OPENID` are ignored, not trusted).
 */
const NON_INPUT_KEYS = new Set(['$url', 'userInfo', 'openid', 'OPENID', '$system'])

export function actionInput(event: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(event)) if (!NON_INPUT_KEYS.has(key)) out[key] = event[key]
  return out
}

/** Parses the input with the contract's schema; failures answer VALIDATION_FAILED with the issues. */
export function validation(): Middleware {
  return async function validation(ctx, next) {
    const s = ctx.state
    const parsed = s.def.input.safeParse(actionInput(s.event))
    if (!parsed.success) throw new AppError('VALIDATION_FAILED', '请求参数有误', { issues: zodIssues(parsed.error) })
    s.input = parsed.data
    await next()
  }
}
