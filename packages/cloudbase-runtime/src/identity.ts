/**
 * Who is calling, from the platform: `cloud.getWXContext().OPENID`, which WeChat sets for calls from the
 * mini-program. The event body is never read (a client controls it). No OPENID (timer trigger, payment callback,
 * console test, HTTP access) means anonymous; the gateway recognises its own system calls separately.
 */
import type { Caller, IdentityPort } from '@aiphoto/runtime'
import type { WxCloud } from './wx-cloud'

/** WeChat openids are 28 URL-safe characters; anything else is not trusted as a user id. */
const OPENID = /^[A-Za-z0-9_-]{6,64}$/

export function createWxContextIdentity(cloud: Pick<WxCloud, 'getWXContext'>): IdentityPort {
  return {
    resolve(): Caller {
      const openid = cloud.getWXContext()?.OPENID
      if (typeof openid === 'string' && OPENID.test(openid)) return { kind: 'user', openid, source: 'wechat' }
      return { kind: 'anonymous' }
    },
  }
}
