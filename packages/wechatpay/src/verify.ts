/**
 * Verifies what WeChat Pay signs — API responses and notifications — with the platform key named by
 * `Wechatpay-Serial`: SHA256-with-RSA over `timestamp\nnonce\nbody\n`, plus a timestamp window against replay.
 */
import type { KeyObject } from 'node:crypto'
import { wechatPayError } from './errors'
import { getHeader, type HeaderBag } from './headers'
import { signatureMessage, toPublicKey, verifySha256Rsa, type KeyInput } from './signing'

/** Platform certificate serial (or WeChat Pay public key id) → public key / certificate PEM. */
export type PlatformCertificates = ReadonlyMap<string, KeyInput>

export interface SignedMessage {
  headers: HeaderBag
  /** The body exactly as received: re-serialised JSON would not verify. */
  rawBody: string | Uint8Array
}

export interface VerifySignatureOptions {
  platformCertificates: PlatformCertificates
  now: Date
  /** Allowed distance between `Wechatpay-Timestamp` and `now`, either way. Default 300. */
  maxSkewSeconds?: number
}

const keyCache = new WeakMap<PlatformCertificates, Map<string, KeyObject>>()

function keyRing(certificates: PlatformCertificates): Map<string, KeyObject> {
  let ring = keyCache.get(certificates)
  if (!ring) {
    ring = new Map()
    for (const [serial, key] of certificates) ring.set(serial.toUpperCase(), toPublicKey(key))
    keyCache.set(certificates, ring)
  }
  return ring
}

/** Throws a PaymentError (MALFORMED, UNKNOWN_SERIAL, BAD_SIGNATURE, STALE_TIMESTAMP) unless the message verifies. */
export function verifyWechatpaySignature(message: SignedMessage, options: VerifySignatureOptions): void {
  const serial = getHeader(message.headers, 'Wechatpay-Serial')
  const signature = getHeader(message.headers, 'Wechatpay-Signature')
  const timestamp = getHeader(message.headers, 'Wechatpay-Timestamp')
  const nonce = getHeader(message.headers, 'Wechatpay-Nonce')
  if (!serial || !signature || !timestamp || !nonce) {
    throw wechatPayError('MALFORMED', 'missing Wechatpay-Serial/Signature/Timestamp/Nonce header')
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw wechatPayError('MALFORMED', 'Wechatpay-Timestamp is not a unix time')

  // NOTE: an unknown serial is not a forgery by itself: WeChat Pay rotates platform certificates,
  // so callers should answer it with a retryable failure and refresh their certificates.
  const key = keyRing(options.platformCertificates).get(serial.toUpperCase())
  if (!key) throw wechatPayError('UNKNOWN_SERIAL', `no platform certificate with serial ${serial}`)

  const body = typeof message.rawBody === 'string' ? Buffer.from(message.rawBody, 'utf8') : message.rawBody
  // WeChat Pay probes merchants with `WECHATPAY/SIGNTEST/` signatures that must fail; they do, like any invalid one.
  if (!verifySha256Rsa(key, signatureMessage([timestamp, nonce, body]), signature)) {
    throw wechatPayError('BAD_SIGNATURE', 'Wechatpay-Signature does not verify')
  }

  const maxSkew = options.maxSkewSeconds ?? 300
  const skew = Math.abs(Math.floor(options.now.getTime() / 1000) - Number(timestamp))
  if (skew > maxSkew) throw wechatPayError('STALE_TIMESTAMP', `Wechatpay-Timestamp is ${skew}s away from now`)
}
