/**
 * Dev session tokens for the local cloud: `<payload>.<hmac>` where the payload is base64url JSON
 * `{ sub: openid, exp }`, signed with the per-data-dir secret. Stands in for WeChat's OPENID, which the
 * local cloud cannot have; the gateway never sees the token, only the verified openid.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const OPENID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const TTL_MS = 7 * 24 * 3600 * 1000

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update('aiphoto-dev-token\n' + payload).digest('base64url')
}

export function issueDevToken(key: Buffer, openid: string, now: Date): string {
  const payload = Buffer.from(JSON.stringify({ sub: openid, exp: now.getTime() + TTL_MS })).toString('base64url')
  return `${payload}.${mac(key, payload)}`
}

/** The openid of a valid token, or null (forged, malformed, expired). */
export function verifyDevToken(key: Buffer, token: string, now: Date): string | null {
  const [payload, sig, extra] = token.split('.')
  if (!payload || !sig || extra !== undefined || token.length > 512) return null
  const expected = Buffer.from(mac(key, payload))
  const given = Buffer.from(sig)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  try {
    const { sub, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; exp?: unknown }
    if (typeof sub !== 'string' || !OPENID_PATTERN.test(sub) || typeof exp !== 'number' || exp < now.getTime()) return null
    return sub
  } catch {
    return null
  }
}
