/**
 * Proof that an event comes from the deployment itself (the gateway invoking itself to kick the worker),
 * not from a user: an HMAC over the action and a timestamp with a key derived from the secret key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export interface SystemToken {
  ts: number
  sig: string
}

const MAX_SKEW_MS = 5 * 60 * 1000

function sign(secretKey: Buffer, url: string, ts: number): string {
  return createHmac('sha256', secretKey).update(`aiphoto-system\n${url}\n${ts}`).digest('base64url')
}

export function signSystemCall(secretKey: Buffer, url: string, now: Date): SystemToken {
  const ts = now.getTime()
  return { ts, sig: sign(secretKey, url, ts) }
}

export function verifySystemCall(secretKey: Buffer, url: string, token: unknown, now: Date): boolean {
  if (!token || typeof token !== 'object') return false
  const { ts, sig } = token as Partial<SystemToken>
  if (typeof ts !== 'number' || typeof sig !== 'string' || Math.abs(now.getTime() - ts) > MAX_SKEW_MS) return false
  const expected = Buffer.from(sign(secretKey, url, ts))
  const given = Buffer.from(sig)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/** Where runtimes that authenticate outside the gateway (the local HTTP server, tests) hand the caller over. */
export const CALLER_CONTEXT_KEY = Symbol.for('aiphoto.caller')
