/** AIPHOTO_PAYMENT_PROVIDER=wechatpay-v3 builds the API v3 port (orders to WeChat Pay, notifications over HTTP). */
import { generateKeyPairSync } from 'node:crypto'
import type { Database } from '@aiphoto/runtime'
import { startFakeWechatPayServer } from '@aiphoto/wechatpay/testing'
import { describe, expect, it } from 'vitest'
import { createCloudbaseRuntime } from './create-cloudbase-runtime'
import { createFakeWxCloud } from './testing/fake-wx-cloud'

const pem = () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(), priv: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}

describe('payment provider selection', () => {
  it('wechatpay-v3 places JSAPI orders with WeChat Pay and reads signed HTTP notifications', async () => {
    const merchant = pem()
    const platform = pem()
    const env = {
      AIPHOTO_SECRET_KEY: 'ab'.repeat(32),
      AIPHOTO_PAYMENT_PROVIDER: 'wechatpay-v3',
      AIPHOTO_WECHATPAY_MCHID: '1230000109',
      AIPHOTO_WECHATPAY_APPID: 'wx8888888888888888',
      AIPHOTO_WECHATPAY_SERIAL_NO: '3775B6A45ACD588826D15E583A95F5DD00000000',
      // Environment variables carry the PEM on one line with \n escapes.
      AIPHOTO_WECHATPAY_PRIVATE_KEY: merchant.priv.replace(/\n/g, '\\n'),
      AIPHOTO_WECHATPAY_API_V3_KEY: '0123456789abcdef0123456789ABCDEF',
      AIPHOTO_WECHATPAY_NOTIFY_URL: 'https://prod-1a2b.service.tcloudbase.com/pay/notify/wechatpay',
      AIPHOTO_WECHATPAY_PLATFORM_SERIAL: 'PUB_KEY_ID_0112345678900000000000000000000000',
      AIPHOTO_WECHATPAY_PLATFORM_PUBLIC_KEY: platform.pub,
    }
    const server = await startFakeWechatPayServer({
      mchid: env.AIPHOTO_WECHATPAY_MCHID,
      appid: env.AIPHOTO_WECHATPAY_APPID,
      merchantSerialNo: env.AIPHOTO_WECHATPAY_SERIAL_NO,
      merchantPublicKey: merchant.pub,
      platformSerialNo: env.AIPHOTO_WECHATPAY_PLATFORM_SERIAL,
      platformPrivateKey: platform.priv,
      apiV3Key: env.AIPHOTO_WECHATPAY_API_V3_KEY,
    })
    try {
      const rt = createCloudbaseRuntime({ cloud: createFakeWxCloud(), env, providers: () => null, db: {} as Database, wechatPayBaseUrl: server.baseUrl })
      expect(rt.payment.provider).toBe('wechatpay-v3')
      const params = await rt.payment.createPayment({ outTradeNo: 'R20250301v3', amountFen: 600, description: 'AI摄影师-积分充值', payerOpenid: 'oUser1234', expiresAt: new Date(Date.now() + 1800_000) })
      expect(params).toMatchObject({ kind: 'wechat', params: { signType: 'RSA' } })
      const signed = server.pay('R20250301v3')
      expect(rt.payment.readHttpNotification!({ headers: signed.headers as Record<string, string>, rawBody: Buffer.from(signed.rawBody) })).toMatchObject({ outTradeNo: 'R20250301v3', totalFee: 600, success: true })
      expect(await rt.payment.queryOrder('R20250301v3')).toMatchObject({ tradeState: 'SUCCESS', amountFen: 600 })
    } finally {
      await server.close()
    }
  })
})
