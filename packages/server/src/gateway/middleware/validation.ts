import { AppError } from '../../errors'
import type { Middleware } from '../context'
import { zodIssues } from '../envelope'

/**
 * Keys the platform or a client may put in the event that are never action input: `$url`, the platform's
 * `userInfo`, and identity fields a client might try to smuggle (`openid`/`OPENID` are ignored, not trusted).
 */
const NON_INPUT_KEYS = new Set(['$url', 'userInfo', 'openid', 'OPENID', '$system'])

/**
 * NOTE: admin actions declare `openid` as input (the TARGET user, e.g. admin/adjustCredits); it is kept when the
 * action's schema declares it. The caller's identity still comes only from the platform.
 */
export function actionInput(event: Record<string, unknown>, declared: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(event)) if (!NON_INPUT_KEYS.has(key) || (key === 'openid' && declared.has(key))) out[key] = event[key]
  return out
}

const declaredKeys = new WeakMap<object, ReadonlySet<string>>()
function declaredOf(schema: object): ReadonlySet<string> {
  let keys = declaredKeys.get(schema)
  if (!keys) {
    const shape = (schema as { shape?: Record<string, unknown> }).shape
    keys = new Set(shape && typeof shape === 'object' ? Object.keys(shape) : [])
    declaredKeys.set(schema, keys)
  }
  return keys
}

/** Parses the input with the contract's schema; failures answer VALIDATION_FAILED with the issues. */
export function validation(): Middleware {
  return async function validation(ctx, next) {
    const s = ctx.state
    const parsed = s.def.input.safeParse(actionInput(s.event, declaredOf(s.def.input)))
    if (!parsed.success) throw new AppError('VALIDATION_FAILED', '请求参数有误', { issues: zodIssues(parsed.error) })
    s.input = parsed.data
    await next()
  }
}
