/**
 * Payment notifications (POSTed to `notify_url`): verify WeChat Pay's signature, check freshness,
 * decrypt the `resource`, and read the transaction. Also the HTTP replies that tell WeChat Pay to stop or retry.
 */
import { isPaymentError, type PaymentError, type PaymentNotification } from '@aiphoto/runtime'
import { decryptResource, type EncryptedResource } from './aead'
import { wechatPayError } from './errors'
import { isV3Transaction, toPaymentNotification } from './transaction'
import { verifyWechatpaySignature, type PlatformCertificates, type SignedMessage } from './verify'

export interface NotificationOptions {
  platformCertificates: PlatformCertificates
  apiV3Key: string | Uint8Array
  now: Date
  /** Default 300. */
  maxSkewSeconds?: number
  /** When given, a transaction for another merchant / app is MALFORMED rather than trusted. */
  mchid?: string
  appid?: string
}

interface NotificationEnvelope {
  id?: string
  event_type?: string
  resource_type?: string
  resource?: EncryptedResource
}

/**
 * Verified, decrypted notification → PaymentNotification. Throws PaymentError with code BAD_SIGNATURE,
 * UNKNOWN_SERIAL, STALE_TIMESTAMP, DECRYPT_FAILED or MALFORMED.
 * NOTE: even a verified notification is only a hint; the port comment's rule stands — confirm with queryOrder.
 */
export function verifyAndDecryptNotification(request: SignedMessage, options: NotificationOptions): PaymentNotification {
  const verify = { platformCertificates: options.platformCertificates, now: options.now }
  verifyWechatpaySignature(request, options.maxSkewSeconds === undefined ? verify : { ...verify, maxSkewSeconds: options.maxSkewSeconds })

  const raw = typeof request.rawBody === 'string' ? request.rawBody : Buffer.from(request.rawBody).toString('utf8')
  let envelope: NotificationEnvelope
  try {
    envelope = JSON.parse(raw) as NotificationEnvelope
  } catch (cause) {
    throw wechatPayError('MALFORMED', 'notification body is not JSON', { cause })
  }
  const resource = envelope?.resource
  if (
    typeof resource !== 'object' ||
    resource === null ||
    typeof resource.ciphertext !== 'string' ||
    typeof resource.nonce !== 'string' ||
    typeof resource.algorithm !== 'string'
  ) {
    throw wechatPayError('MALFORMED', 'notification has no encrypted resource')
  }
  if (typeof envelope.event_type !== 'string' || !envelope.event_type.startsWith('TRANSACTION.')) {
    throw wechatPayError('MALFORMED', `not a transaction notification: ${String(envelope.event_type)}`)
  }

  const plaintext = decryptResource(resource, options.apiV3Key)
  let transaction: unknown
  try {
    transaction = JSON.parse(plaintext)
  } catch (cause) {
    throw wechatPayError('MALFORMED', 'decrypted resource is not JSON', { cause })
  }
  if (!isV3Transaction(transaction)) throw wechatPayError('MALFORMED', 'decrypted resource is not a transaction')
  if (options.mchid !== undefined && transaction.mchid !== options.mchid) {
    throw wechatPayError('MALFORMED', 'transaction belongs to another merchant')
  }
  if (options.appid !== undefined && transaction.appid !== options.appid) {
    throw wechatPayError('MALFORMED', 'transaction belongs to another app')
  }
  return toPaymentNotification(transaction)
}

export interface NotificationReply {
  status: number
  /** JSON body to send; absent means an empty body. */
  body?: { code: string; message: string }
}

/**
 * The HTTP answer to a notification. WeChat Pay stops on 200/204 and retries (for about a day, with growing
 * gaps) on 4xx/5xx, so:
 * - 'ok' → 204: handled (or a duplicate of something handled).
 * - 'retry' → 500: we could not process it now (database down, queryOrder failed); ask again later.
 * - a PaymentError from verification → 401 for signature/serial/timestamp problems (a rotated certificate
 *   heals on retry), 500 for DECRYPT_FAILED (our APIv3 key is wrong: a config fix, then retries succeed),
 *   400 for MALFORMED.
 */
export function notificationReply(outcome: 'ok' | 'retry' | PaymentError | unknown): NotificationReply {
  if (outcome === 'ok') return { status: 204 }
  if (isPaymentError(outcome)) {
    switch (outcome.code) {
      case 'BAD_SIGNATURE':
      case 'UNKNOWN_SERIAL':
      case 'STALE_TIMESTAMP':
        return { status: 401, body: { code: 'FAIL', message: '签名验证失败' } }
      case 'MALFORMED':
        return { status: 400, body: { code: 'FAIL', message: '报文格式错误' } }
      default:
        break
    }
  }
  return { status: 500, body: { code: 'FAIL', message: '处理失败,请重试' } }
}
