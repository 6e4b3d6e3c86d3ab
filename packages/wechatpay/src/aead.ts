/**
 * AEAD_AES_256_GCM as WeChat Pay v3 uses it for notification resources (and platform certificates):
 * key = the 32-byte APIv3 key, IV = the resource's nonce string, AAD = associated_data,
 * ciphertext = base64(encrypted bytes || 16-byte auth tag).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { wechatPayError } from './errors'

export interface EncryptedResource {
  algorithm: string
  ciphertext: string
  nonce: string
  associated_data?: string
  original_type?: string
}

const TAG_BYTES = 16

function keyBytes(apiV3Key: string | Uint8Array): Buffer {
  return typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : Buffer.from(apiV3Key)
}

/** Decrypts a resource to its UTF-8 plaintext; any failure (wrong key, tampering, bad input) is DECRYPT_FAILED. */
export function decryptResource(resource: EncryptedResource, apiV3Key: string | Uint8Array): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') {
    throw wechatPayError('DECRYPT_FAILED', `unsupported algorithm ${String(resource.algorithm)}`)
  }
  const key = keyBytes(apiV3Key)
  if (key.length !== 32) throw wechatPayError('DECRYPT_FAILED', 'the APIv3 key must be 32 bytes')
  const data = Buffer.from(resource.ciphertext, 'base64')
  if (data.length <= TAG_BYTES) throw wechatPayError('DECRYPT_FAILED', 'ciphertext too short')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'))
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES))
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'))
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8')
  } catch (cause) {
    throw wechatPayError('DECRYPT_FAILED', 'resource authentication failed', { cause })
  }
}

/** The inverse of `decryptResource`: what WeChat Pay does before notifying. Used by fakes and tests. */
export function encryptResource(
  plaintext: string,
  apiV3Key: string | Uint8Array,
  options: { nonce?: string; associatedData?: string; originalType?: string } = {},
): EncryptedResource {
  const nonce = options.nonce ?? randomBytes(6).toString('hex')
  const associatedData = options.associatedData ?? 'transaction'
  const cipher = createCipheriv('aes-256-gcm', keyBytes(apiV3Key), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return {
    original_type: options.originalType ?? 'transaction',
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: encrypted.toString('base64'),
    associated_data: associatedData,
    nonce,
  }
}
