/**
 * Encryption of secrets at rest (provider API keys in `api_configs.headers`) with AES-256-GCM.
 * Format: `v1:<iv>:<tag>:<ciphertext>`, each part base64url, a fresh random 12-byte IV per value. The version
 * prefix lets a later key rotation or algorithm change read old values. The seed's `crypto.createCipher`
 * (no IV, MD5 key derivation) is not used anywhere.
 * NOTE: decrypt only in memory right before building a provider; never return or log the plaintext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16
const PART = /^[A-Za-z0-9_-]*$/

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SecretBoxError'
  }
}

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new SecretBoxError('secret key must be 32 bytes')
}

/** Encrypts a UTF-8 string. `aad` binds the value to its place (e.g. `api_configs:<id>:<header>`). */
export function encryptSecret(key: Buffer, plaintext: string, aad?: string): string {
  checkKey(key)
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'))
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  const tag = cipher.getAuthTag()
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join(':')
}

/** Decrypts a value from `encryptSecret`; throws SecretBoxError on a wrong key, tampering or a bad format. */
export function decryptSecret(key: Buffer, boxed: string, aad?: string): string {
  checkKey(key)
  const parts = boxed.split(':')
  if (parts.length !== 4 || parts[0] !== VERSION || !parts.slice(1).every((p) => PART.test(p))) {
    throw new SecretBoxError('not a v1 secret box')
  }
  const iv = Buffer.from(parts[1]!, 'base64url')
  const tag = Buffer.from(parts[2]!, 'base64url')
  const ct = Buffer.from(parts[3]!, 'base64url')
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('not a v1 secret box')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8')
  } catch {
    throw new SecretBoxError('secret box does not open (wrong key or tampered)')
  }
}

export function isSecretBox(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${VERSION}:`) && value.split(':').length === 4
}

/** Encrypts every header value of a provider config (keys stay readable: admins see header names only). */
export function sealHeaders(key: Buffer, configId: string, headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name] = encryptSecret(key, value, `api_configs:${configId}:${name}`)
  return out
}

/** Decrypts the headers of a provider config (in memory only, right before building the provider). */
export function openHeaders(key: Buffer, configId: string, headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = decryptSecret(key, value, `api_configs:${configId}:${name}`)
  return out
}
