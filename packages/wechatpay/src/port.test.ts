import { generateKeyPairSync, verify } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PaymentError, type Clock } from '@aiphoto/runtime'
import { createWechatPayV3Port, signatureMessage, verifySha256Rsa, type WechatPayV3Config } from './index'
import { startFakeWechatPayServer, type FakeWechatPayServer } from './testing'

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
}
const merchant = pair()
const platform = pair()
const stranger = pair()
const MCHID = '1230000109'
const APPID = 'wx8888888888888888'
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD********'.replace(/\*/g, '0')
const PLATFORM_SERIAL = 'PUB_KEY_ID_0112345678900000000000000000000000'
const API_V3_KEY = '0123456789abcdef0123456789ABCDEF'

let now = new Date('2025-03-01T04:00:00Z')
const clock: Clock = { now: () => now }
let server: FakeWechatPayServer

beforeAll(async () => {
  server = await startFakeWechatPayServer({
    mchid: MCHID,
    appid: APPID,
    merchantSerialNo: MERCHANT_SERIAL,
    merchantPublicKey: merchant.publicKey,
    platformSerialNo: PLATFORM_SERIAL,
    platformPrivateKey: platform.privateKey,
    apiV3Key: API_V3_KEY,
    clock,
  })
})
afterAll(() => server.close())
beforeEach(() => {
  now = new Date('2025-03-01T04:00:00Z')
  server.responseSigning = 'valid'
})

function port(overrides: Partial<WechatPayV3Config> = {}) {
  return createWechatPayV3Port({
    mchid: MCHID,
    appid: APPID,
    serialNo: MERCHANT_SERIAL,
    privateKeyPem: merchant.privateKey,
    apiV3Key: API_V3_KEY,
    notifyUrl: 'https://example.com/api/pay/notify',
    baseUrl: server.baseUrl,
    platformCertificates: new Map([[PLATFORM_SERIAL, platform.publicKey]]),
    clock,
    ...overrides,
  })
}

const input = (outTradeNo: string) => ({
  outTradeNo,
  amountFen: 600,
  description: 'AI摄影师-积分充值',
  payerOpenid: 'oUser1',
  clientIp: '203.0.113.7',
  expiresAt: new Date('2025-03-01T04:30:00Z'),
})

async function errorOf(promise: Promise<unknown>): Promise<PaymentError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(PaymentError)
    return error as PaymentError
  }
  throw new Error('expected a PaymentError')
}

describe('createWechatPayV3Port against a v3 wire-format server', () => {
  it('places a signed JSAPI order and returns wx.requestPayment params signed by the merchant key', async () => {
    const result = await port().createPayment(input('R0001aaaa'))
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', url: '/v3/pay/transactions/jsapi', authorized: true })
    const order = server.orders.get('R0001aaaa')
    expect(order).toMatchObject({
      amountFen: 600,
      payerOpenid: 'oUser1',
      description: 'AI摄影师-积分充值',
      timeExpire: '2025-03-01T12:30:00+08:00',
      notifyUrl: 'https://example.com/api/pay/notify',
      tradeState: 'NOTPAY',
    })
    const sent = server.requests.at(-1)!
    const auth = /^WECHATPAY2-SHA256-RSA2048 mchid="(\d+)",nonce_str="(\w+)",signature="([^"]+)",timestamp="(\d+)",serial_no="(\w+)"$/.exec(sent.authorization ?? '')
    expect(auth?.slice(1, 2)).toEqual([MCHID])
    expect(auth?.[5]).toBe(MERCHANT_SERIAL)
    const signed = `POST\n/v3/pay/transactions/jsapi\n${auth![4]}\n${auth![2]}\n${sent.body}\n`
    expect(verify('sha256', Buffer.from(signed), merchant.publicKey, Buffer.from(auth![3]!, 'base64'))).toBe(true)
    expect(JSON.parse(server.requests.at(-1)!.body).scene_info).toEqual({ payer_client_ip: '203.0.113.7' })

    if (result.kind !== 'wechat') throw new Error('expected wechat params')
    const { params } = result
    expect(params.package).toBe(`prepay_id=${order!.prepayId}`)
    expect(params.signType).toBe('RSA')
    expect(params.timeStamp).toBe(String(now.getTime() / 1000))
    const message = signatureMessage([APPID, params.timeStamp, params.nonceStr, params.package])
    expect(message.toString()).toBe(`${APPID}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`)
    expect(verify('sha256', message, merchant.publicKey, Buffer.from(params.paySign, 'base64'))).toBe(true)
    expect(verifySha256Rsa(stranger.publicKey, message, params.paySign)).toBe(false)
  })

  it('queries an unpaid order, then a paid one, and reads a not-found answer', async () => {
    const p = port()
    await p.createPayment(input('R0002aaaa'))
    expect(await p.queryOrder('R0002aaaa')).toEqual({ tradeState: 'NOTPAY', amountFen: 600, payerOpenid: 'oUser1' })

    now = new Date('2025-03-01T04:05:00Z')
    server.pay('R0002aaaa')
    const paid = await p.queryOrder('R0002aaaa')
    expect(paid).toMatchObject({ tradeState: 'SUCCESS', amountFen: 600, payerOpenid: 'oUser1', paidAt: now })
    expect(paid.transactionId).toMatch(/^4200\d{24}$/)
    expect(server.requests.at(-1)!.url).toBe(`/v3/pay/transactions/out-trade-no/R0002aaaa?mchid=${MCHID}`)

    expect(await p.queryOrder('R0002nope')).toEqual({ tradeState: 'NOT_FOUND' })
  })

  it('closes an order; closing a paid one is a rejection', async () => {
    const p = port()
    await p.createPayment(input('R0003aaaa'))
    await p.closeOrder('R0003aaaa')
    expect((await p.queryOrder('R0003aaaa')).tradeState).toBe('CLOSED')
    expect(server.requests.at(-2)).toMatchObject({ method: 'POST', url: '/v3/pay/transactions/out-trade-no/R0003aaaa/close', authorized: true })

    await p.createPayment(input('R0004aaaa'))
    server.pay('R0004aaaa')
    const error = await errorOf(p.closeOrder('R0004aaaa'))
    expect(error).toMatchObject({ code: 'REJECTED', status: 400, providerCode: 'ORDERPAID' })
  })

  it('verifies the notification WeChat Pay sends for the paid order', async () => {
    const p = port()
    await p.createPayment(input('R0005aaaa'))
    const notification = server.pay('R0005aaaa')
    expect(p.verifyNotification(notification)).toMatchObject({ outTradeNo: 'R0005aaaa', totalFee: 600, success: true, payerOpenid: 'oUser1' })
    now = new Date(now.getTime() + 600_000)
    expect((await errorOf(Promise.resolve().then(() => p.verifyNotification(notification)))).code).toBe('STALE_TIMESTAMP')
  })

  it('does not trust answers signed by an unknown key, an unknown serial, or not signed at all', async () => {
    const p = port()
    server.responseSigning = { privateKey: stranger.privateKey, serialNo: PLATFORM_SERIAL }
    expect(await errorOf(p.createPayment(input('R0006aaaa')))).toMatchObject({ code: 'BAD_RESPONSE' })
    server.responseSigning = { privateKey: platform.privateKey, serialNo: 'ROTATED' }
    expect((await errorOf(p.queryOrder('R0006aaaa'))).code).toBe('BAD_RESPONSE')
    server.responseSigning = 'none'
    expect((await errorOf(p.queryOrder('R0006aaaa'))).code).toBe('BAD_RESPONSE')
    expect((await errorOf(p.closeOrder('R0006aaaa'))).code).toBe('BAD_RESPONSE')
  })

  it('is refused when its own signature is wrong', async () => {
    const p = port({ privateKeyPem: stranger.privateKey })
    const error = await errorOf(p.queryOrder('R0007aaaa'))
    expect(error).toMatchObject({ code: 'REJECTED', status: 401, providerCode: 'SIGN_ERROR' })
    expect(server.requests.at(-1)!.authorized).toBe(false)
  })

  it('refuses invalid input before sending anything', async () => {
    const p = port()
    const before = server.requests.length
    expect((await errorOf(p.createPayment(input('bad no!')))).code).toBe('INVALID_INPUT')
    expect((await errorOf(p.createPayment(input('x'.repeat(33))))).code).toBe('INVALID_INPUT')
    expect((await errorOf(p.createPayment({ ...input('R0008aaaa'), amountFen: 1.5 }))).code).toBe('INVALID_INPUT')
    expect((await errorOf(p.createPayment({ ...input('R0008aaaa'), amountFen: 0 }))).code).toBe('INVALID_INPUT')
    expect((await errorOf(p.createPayment({ ...input('R0008aaaa'), description: 'x'.repeat(128) }))).code).toBe('INVALID_INPUT')
    expect((await errorOf(p.queryOrder('../../v3/x'))).code).toBe('INVALID_INPUT')
    expect(server.requests.length).toBe(before)
  })

  it('reports an unreachable service as UNAVAILABLE', async () => {
    const p = port({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 })
    expect((await errorOf(p.queryOrder('R0009aaaa'))).code).toBe('UNAVAILABLE')
  })

  it('reports 5xx and 429 as UNAVAILABLE, other 4xx as REJECTED', async () => {
    const answer = (status: number, code: string) =>
      (async () => new Response(JSON.stringify({ code, message: 'x' }), { status })) as unknown as typeof fetch
    expect(await errorOf(port({ fetch: answer(500, 'SYSTEM_ERROR') }).queryOrder('R0010aaaa'))).toMatchObject({ code: 'UNAVAILABLE', status: 500 })
    expect(await errorOf(port({ fetch: answer(429, 'FREQUENCY_LIMITED') }).queryOrder('R0010aaaa'))).toMatchObject({ code: 'UNAVAILABLE' })
    expect(await errorOf(port({ fetch: answer(403, 'NO_AUTH') }).queryOrder('R0010aaaa'))).toMatchObject({ code: 'REJECTED', providerCode: 'NO_AUTH' })
  })
})
