import { createCipheriv, generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PaymentError } from '@aiphoto/runtime'
import { decryptResource, encryptResource, notificationReply, verifyAndDecryptNotification, type V3Transaction } from './index'
import { buildSignedNotification } from './testing'

const pem = (bits = 2048) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits })
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
}
const platform = pem()
const intruder = pem()
const SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'
const API_V3_KEY = 'a'.repeat(16) + 'B'.repeat(16)
const NOW = new Date('2025-03-01T04:00:00Z')
const nowSeconds = Math.floor(NOW.getTime() / 1000)
const certificates = new Map([[SERIAL, platform.publicKey]])

const transaction: V3Transaction = {
  appid: 'wx8888888888888888',
  mchid: '1230000109',
  out_trade_no: 'R20250301abc123',
  transaction_id: '4200000000202503011234567890',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  success_time: '2025-03-01T11:59:58+08:00',
  payer: { openid: 'oUser1' },
  amount: { total: 600, payer_total: 600, currency: 'CNY' },
}

function notify(overrides: Partial<Parameters<typeof buildSignedNotification>[0]> = {}) {
  return buildSignedNotification({
    transaction,
    apiV3Key: API_V3_KEY,
    platformPrivateKey: platform.privateKey,
    platformSerialNo: SERIAL,
    timestamp: nowSeconds,
    ...overrides,
  })
}

function verify(request: { headers: Record<string, string>; rawBody: string }, extra: Partial<Parameters<typeof verifyAndDecryptNotification>[1]> = {}) {
  return verifyAndDecryptNotification(request, { platformCertificates: certificates, apiV3Key: API_V3_KEY, now: NOW, ...extra })
}

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(PaymentError)
    expect((error as PaymentError).provider).toBe('wechatpay-v3')
    return (error as PaymentError).code
  }
  throw new Error('expected a PaymentError')
}

describe('verifyAndDecryptNotification', () => {
  it('accepts a genuine notification and reads the transaction', () => {
    expect(verify(notify())).toEqual({
      outTradeNo: 'R20250301abc123',
      totalFee: 600,
      transactionId: '4200000000202503011234567890',
      success: true,
      payerOpenid: 'oUser1',
      paidAt: new Date('2025-03-01T03:59:58Z'),
    })
  })

  it('accepts a notification built independently of this package, from the documented format', () => {
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(API_V3_KEY), Buffer.from('fdasflkja484'))
    cipher.setAAD(Buffer.from('transaction'))
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(transaction)), cipher.final(), cipher.getAuthTag()]).toString('base64')
    const rawBody = JSON.stringify({
      id: 'EV-2018022511223320873',
      create_time: '2025-03-01T12:00:00+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce: 'fdasflkja484' },
    })
    const signature = sign('sha256', Buffer.from(`${nowSeconds}\nn0nce\n${rawBody}\n`), platform.privateKey).toString('base64')
    const headers = { 'Wechatpay-Serial': SERIAL, 'Wechatpay-Timestamp': String(nowSeconds), 'Wechatpay-Nonce': 'n0nce', 'Wechatpay-Signature': signature }
    expect(verify({ headers, rawBody })).toMatchObject({ outTradeNo: 'R20250301abc123', totalFee: 600, success: true })
  })

  it('reports a non-SUCCESS trade state as success: false', () => {
    const request = notify({ transaction: { ...transaction, trade_state: 'PAYERROR' } })
    expect(verify(request).success).toBe(false)
  })

  it('finds headers whatever their case, and takes the body as bytes', () => {
    const request = notify()
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.replace(/(^|-)(\w)/g, (m) => m.toUpperCase()), v]))
    expect(verifyAndDecryptNotification({ headers: new Headers(headers), rawBody: Buffer.from(request.rawBody) }, {
      platformCertificates: certificates, apiV3Key: API_V3_KEY, now: NOW,
    }).outTradeNo).toBe('R20250301abc123')
  })

  it('rejects a signature made with another key', () => {
    const request = notify({ platformPrivateKey: intruder.privateKey })
    expect(codeOf(() => verify(request))).toBe('BAD_SIGNATURE')
  })

  it('rejects a tampered body', () => {
    const request = notify()
    const tampered = request.rawBody.replace('"summary":"支付成功"', '"summary":"支付成功 "')
    expect(tampered).not.toBe(request.rawBody)
    expect(codeOf(() => verify({ ...request, rawBody: tampered }))).toBe('BAD_SIGNATURE')
  })

  it('rejects re-serialised JSON even when the content is equal', () => {
    const request = notify()
    const reserialised = JSON.stringify(JSON.parse(request.rawBody), null, 1)
    expect(codeOf(() => verify({ ...request, rawBody: reserialised }))).toBe('BAD_SIGNATURE')
  })

  it('rejects WeChat Pay signature-test probes', () => {
    const request = notify()
    request.headers['wechatpay-signature'] = 'WECHATPAY/SIGNTEST/' + request.headers['wechatpay-signature']
    expect(codeOf(() => verify(request))).toBe('BAD_SIGNATURE')
  })

  it('rejects an unknown serial, even if the signature would verify with a known key', () => {
    const request = notify({ platformSerialNo: 'FFFFFFFF' })
    expect(codeOf(() => verify(request))).toBe('UNKNOWN_SERIAL')
  })

  it('rejects stale and future timestamps beyond the window, accepts within it', () => {
    expect(codeOf(() => verify(notify({ timestamp: nowSeconds - 301 })))).toBe('STALE_TIMESTAMP')
    expect(codeOf(() => verify(notify({ timestamp: nowSeconds + 301 })))).toBe('STALE_TIMESTAMP')
    expect(verify(notify({ timestamp: nowSeconds - 299 })).success).toBe(true)
    expect(codeOf(() => verify(notify({ timestamp: nowSeconds - 60 }), { maxSkewSeconds: 30 }))).toBe('STALE_TIMESTAMP')
  })

  it('fails decryption with the wrong APIv3 key', () => {
    const request = notify({ apiV3Key: 'Z'.repeat(32) })
    expect(codeOf(() => verify(request))).toBe('DECRYPT_FAILED')
  })

  it('reports missing headers and non-transaction events as MALFORMED', () => {
    const request = notify()
    const { ['wechatpay-nonce']: _nonce, ...withoutNonce } = request.headers
    expect(codeOf(() => verify({ ...request, headers: withoutNonce }))).toBe('MALFORMED')
    expect(codeOf(() => verify(notify({ eventType: 'REFUND.SUCCESS' })))).toBe('MALFORMED')
  })

  it('refuses a transaction of another merchant when the merchant is given', () => {
    expect(codeOf(() => verify(notify(), { mchid: '1999999999' }))).toBe('MALFORMED')
    expect(verify(notify(), { mchid: '1230000109', appid: 'wx8888888888888888' }).success).toBe(true)
  })
})

describe('AEAD_AES_256_GCM resources', () => {
  it('decrypts the NIST GCM AES-256 test case 14 (zero key, zero IV, one zero block)', () => {
    const ciphertext = Buffer.from('cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919', 'hex').toString('base64')
    const plaintext = decryptResource(
      { algorithm: 'AEAD_AES_256_GCM', ciphertext, nonce: '\0'.repeat(12), associated_data: '' },
      new Uint8Array(32),
    )
    expect(Buffer.from(plaintext, 'utf8')).toEqual(Buffer.alloc(16))
  })

  it('authenticates associated_data and the ciphertext', () => {
    const resource = encryptResource('{"x":1}', API_V3_KEY, { associatedData: 'transaction' })
    expect(decryptResource(resource, API_V3_KEY)).toBe('{"x":1}')
    expect(codeOf(() => decryptResource({ ...resource, associated_data: 'certificate' }, API_V3_KEY))).toBe('DECRYPT_FAILED')
    const bytes = Buffer.from(resource.ciphertext, 'base64')
    bytes[0] = (bytes[0] as number) ^ 1
    expect(codeOf(() => decryptResource({ ...resource, ciphertext: bytes.toString('base64') }, API_V3_KEY))).toBe('DECRYPT_FAILED')
    expect(codeOf(() => decryptResource({ ...resource, algorithm: 'AES_CBC' }, API_V3_KEY))).toBe('DECRYPT_FAILED')
  })
})

describe('notificationReply', () => {
  it('stops WeChat Pay on success and keeps it retrying on failures', () => {
    expect(notificationReply('ok')).toEqual({ status: 204 })
    expect(notificationReply('retry').status).toBe(500)
    expect(notificationReply(new PaymentError('UNKNOWN_SERIAL', 'wechatpay-v3', 'x')).status).toBe(401)
    expect(notificationReply(new PaymentError('DECRYPT_FAILED', 'wechatpay-v3', 'x')).status).toBe(500)
    expect(notificationReply(new PaymentError('MALFORMED', 'wechatpay-v3', 'x'))).toEqual({
      status: 400,
      body: { code: 'FAIL', message: '报文格式错误' },
    })
  })
})
