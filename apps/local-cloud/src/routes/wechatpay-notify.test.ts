/** The local cloud serves the WeChat Pay v3 notify path like CloudBase's HTTP access service does. */
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { memoryLogger, type PaymentPort } from '@aiphoto/runtime'
import { createWechatPayV3Port } from '@aiphoto/wechatpay'
import { startFakeWechatPayServer, type FakeWechatPayServer } from '@aiphoto/wechatpay/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { issueDevToken } from '../dev-token'
import { startLocalCloud, type StartedLocalCloud } from '../start'

const pem = () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(), priv: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}
const merchant = pem()
const platform = pem()
const KEYS = { mchid: '1230000109', appid: 'wx8888888888888888', serial: '3775B6A45ACD588826D15E583A95F5DD00000000', platformSerial: 'PUB_KEY_ID_0112345678900000000000000000000000', apiV3Key: '0123456789abcdef0123456789ABCDEF' }

let cloud: StartedLocalCloud
let server: FakeWechatPayServer
let dir: string
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'aiphoto-v3-'))
  cloud = await startLocalCloud({ PORT: '0', HOST: '127.0.0.1', AIPHOTO_DATA_DIR: path.join(dir, 'data') }, { worker: false, logger: memoryLogger() })
  server = await startFakeWechatPayServer({ mchid: KEYS.mchid, appid: KEYS.appid, merchantSerialNo: KEYS.serial, merchantPublicKey: merchant.pub, platformSerialNo: KEYS.platformSerial, platformPrivateKey: platform.priv, apiV3Key: KEYS.apiV3Key, clock: cloud.rt.clock })
  ;(cloud.rt as { payment: PaymentPort }).payment = createWechatPayV3Port({
    mchid: KEYS.mchid,
    appid: KEYS.appid,
    serialNo: KEYS.serial,
    privateKeyPem: merchant.priv,
    apiV3Key: KEYS.apiV3Key,
    notifyUrl: `${cloud.url}/api/pay/notify/wechatpay`,
    baseUrl: server.baseUrl,
    platformCertificates: new Map([[KEYS.platformSerial, platform.pub]]),
    clock: cloud.rt.clock,
  })
})
afterAll(async () => {
  await server?.close()
  await cloud?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const gateway = async (token: string, body: object) =>
  (await (await fetch(`${cloud.url}/api/gateway`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })).json()) as { success: boolean; data: any }

it('POST /api/pay/notify/wechatpay verifies the raw request, credits once, and refuses a tampered body', async () => {
  const token = issueDevToken(cloud.rt.config.secretKey, 'alice', cloud.rt.clock.now())
  await gateway(token, { $url: 'user/register' })
  const order = await gateway(token, { $url: 'payment/createOrder', package_id: 'pkg_30' })
  expect(order.success).toBe(true)
  const signed = server.pay(order.data.out_trade_no) as { headers: Record<string, string>; rawBody: string }
  const notify = (body: string) => fetch(`${cloud.url}/api/pay/notify/wechatpay`, { method: 'POST', headers: { ...signed.headers, 'content-type': 'application/json' }, body })

  const tampered = await notify(signed.rawBody.replace('"summary":"支付成功"', '"summary":"x"'))
  expect(tampered.status).toBe(401)
  expect((await notify(signed.rawBody)).status).toBe(204)
  expect((await notify(signed.rawBody)).status).toBe(204)
  const user = await gateway(token, { $url: 'user/getUserInfo' })
  expect(user.data.credits).toBe(100 + 330)
})
