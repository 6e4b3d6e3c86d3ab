/**
 * The RSA signatures of WeChat Pay API v3: the merchant's request signature (Authorization header),
 * the mini-program payment signature (paySign), and the messages WeChat Pay signs (responses, notifications).
 * All are SHA256-with-RSA (PKCS#1 v1.5) over newline-terminated lines, base64-encoded.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto'

export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048'

export type KeyInput = string | KeyObject

export function toPrivateKey(key: KeyInput): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key
}

/** Accepts a public key PEM, a platform certificate PEM, or a KeyObject. */
export function toPublicKey(key: KeyInput): KeyObject {
  return typeof key === 'string' ? createPublicKey(key) : key
}

/** `a\nb\nc\n`: every line, the last one included, ends with a newline. */
export function signatureMessage(lines: ReadonlyArray<string | Uint8Array>): Buffer {
  const parts: Buffer[] = []
  for (const line of lines) {
    parts.push(typeof line === 'string' ? Buffer.from(line, 'utf8') : Buffer.from(line), Buffer.from('\n'))
  }
  return Buffer.concat(parts)
}

export function signSha256Rsa(privateKey: KeyInput, message: Uint8Array | string): string {
  const data = typeof message === 'string' ? Buffer.from(message, 'utf8') : message
  return sign('sha256', data, toPrivateKey(privateKey)).toString('base64')
}

export function verifySha256Rsa(publicKey: KeyInput, message: Uint8Array | string, signatureBase64: string): boolean {
  const data = typeof message === 'string' ? Buffer.from(message, 'utf8') : message
  try {
    return verify('sha256', data, toPublicKey(publicKey), Buffer.from(signatureBase64, 'base64'))
  } catch {
    return false
  }
}

/** 32 random hex characters: WeChat Pay accepts nonces up to 32 characters. */
export function newNonce(): string {
  return randomBytes(16).toString('hex')
}

export interface RequestSignatureInput {
  mchid: string
  serialNo: string
  privateKey: KeyInput
  method: string
  /** Path plus query string exactly as sent, e.g. `/v3/pay/transactions/out-trade-no/x?mchid=1`. */
  canonicalUrl: string
  /** The exact body bytes sent; '' for GET. */
  body: string
  timestamp: number
  nonce: string
}

/** The value of the `Authorization` header for one request. */
export function buildAuthorization(input: RequestSignatureInput): string {
  const message = signatureMessage([input.method.toUpperCase(), input.canonicalUrl, String(input.timestamp), input.nonce, input.body])
  const signature = signSha256Rsa(input.privateKey, message)
  return (
    `${AUTH_SCHEMA} mchid="${input.mchid}",nonce_str="${input.nonce}",signature="${signature}",` +
    `timestamp="${input.timestamp}",serial_no="${input.serialNo}"`
  )
}

export interface ParsedAuthorization {
  mchid: string
  nonce_str: string
  signature: string
  timestamp: string
  serial_no: string
}

/** Parses an `Authorization` header built by `buildAuthorization` (or WeChat's SDKs); null when it is not one. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | null {
  if (!header || !header.startsWith(`${AUTH_SCHEMA} `)) return null
  const fields: Record<string, string> = {}
  const pattern = /(\w+)="([^"]*)"/g
  for (const match of header.slice(AUTH_SCHEMA.length + 1).matchAll(pattern)) {
    fields[match[1] as string] = match[2] as string
  }
  const { mchid, nonce_str, signature, timestamp, serial_no } = fields
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return null
  return { mchid, nonce_str, signature, timestamp, serial_no }
}

export interface MiniProgramPaymentParams {
  timeStamp: string
  nonceStr: string
  package: string
  signType: string
  paySign: string
}

/** The object `wx.requestPayment` takes, signed over `appId\ntimeStamp\nnonceStr\nprepay_id=...\n`. */
export function buildMiniProgramPaymentParams(input: {
  appid: string
  prepayId: string
  privateKey: KeyInput
  timestamp: number
  nonce: string
}): MiniProgramPaymentParams {
  const timeStamp = String(input.timestamp)
  const pkg = `prepay_id=${input.prepayId}`
  const paySign = signSha256Rsa(input.privateKey, signatureMessage([input.appid, timeStamp, input.nonce, pkg]))
  return { timeStamp, nonceStr: input.nonce, package: pkg, signType: 'RSA', paySign }
}
