import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decryptSecret, encryptSecret, isSecretBox, openHeaders, sealHeaders, SecretBoxError } from './secret-box'

const key = randomBytes(32)

describe('secret-box', () => {
  it('round-trips and uses a fresh IV every time', () => {
    const a = encryptSecret(key, 'Bearer sk-123 密钥')
    const b = encryptSecret(key, 'Bearer sk-123 密钥')
    expect(a).not.toBe(b)
    expect(a).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/)
    expect(a).not.toContain('sk-123')
    expect(decryptSecret(key, a)).toBe('Bearer sk-123 密钥')
    expect(decryptSecret(key, b)).toBe('Bearer sk-123 密钥')
    expect(isSecretBox(a)).toBe(true)
    expect(isSecretBox('Bearer x')).toBe(false)
  })

  it('refuses a wrong key, a tampered ciphertext/tag/iv, another AAD and bad formats', () => {
    const boxed = encryptSecret(key, 'secret', 'api_configs:a:Authorization')
    expect(() => decryptSecret(randomBytes(32), boxed, 'api_configs:a:Authorization')).toThrow(SecretBoxError)
    expect(() => decryptSecret(key, boxed, 'api_configs:b:Authorization')).toThrow(SecretBoxError)
    const [v, iv, tag, ct] = boxed.split(':') as [string, string, string, string]
    const flip = (s: string) => {
      const buf = Buffer.from(s, 'base64url')
      buf[0] = buf[0]! ^ 1
      return buf.toString('base64url')
    }
    for (const bad of [[v, iv, tag, flip(ct)], [v, iv, flip(tag), ct], [v, flip(iv), tag, ct], ['v2', iv, tag, ct], [v, iv, tag], [v, 'a+b', tag, ct]]) {
      expect(() => decryptSecret(key, bad.join(':'), 'api_configs:a:Authorization')).toThrow(SecretBoxError)
    }
    expect(() => encryptSecret(randomBytes(16), 'x')).toThrow(SecretBoxError)
  })

  it('seals header values bound to the config id and header name', () => {
    const sealed = sealHeaders(key, 'cfg1', { Authorization: 'Bearer k', 'X-Key': 'v' })
    expect(Object.keys(sealed)).toEqual(['Authorization', 'X-Key'])
    expect(JSON.stringify(sealed)).not.toContain('Bearer k')
    expect(openHeaders(key, 'cfg1', sealed)).toEqual({ Authorization: 'Bearer k', 'X-Key': 'v' })
    // A value copied to another config or header does not open.
    expect(() => openHeaders(key, 'cfg2', sealed)).toThrow(SecretBoxError)
    expect(() => openHeaders(key, 'cfg1', { 'X-Key': sealed.Authorization! })).toThrow(SecretBoxError)
    expect(openHeaders(key, 'cfg1', undefined)).toEqual({})
  })
})
