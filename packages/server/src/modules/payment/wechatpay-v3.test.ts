/**
 * The same crediting path fed by the WeChat Pay API v3 adapter (deployments outside cloud development): orders are
 * placed with the v3 port against a v3 wire-format fake server, notifications are verified and decrypted by the
 * adapter, then handed to `handlePaymentNotification`, and the HTTP reply comes from `notificationReply`.
 */
import { generateKeyPairSync } from 'node:crypto'
import type { PaymentPort } from '@aiphoto/runtime'
import { createWechatPayV3Port, notificationReply, type WechatPayV3Port } from '@aiphoto/wechatpay'
import { buildSignedNotification, startFakeWechatPayServer, type FakeWechatPayServer } from '@aiphoto/wechatpay/testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { TestGateway } from '../../testing'
import { handlePaymentNotification } from './payment-callback'
import { creditsOf, ledgerOf, orderDoc, paymentGateway } from './payment-test-kit'

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}
const merchant = pair()
const platform = pair()
const MCHID = '1230000109'
const APPID = 'wx8888888888888888'
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD00000000'
const PLATFORM_SERIAL = 'PUB_KEY_ID_0112345678900000000000000000000000'
const API_V3_KEY = '0123456789abcdef0123456789ABCDEF'

let gw: TestGateway
let server: FakeWechatPayServer
afterEach(async () => {
  await gw?.close()
  await server?.close()
})

async function v3Gateway(): Promise<{ port: WechatPayV3Port }> {
  gw = await paymentGateway()
  server = await startFakeWechatPayServer({
    mchid: MCHID,
    appid: APPID,
    merchantSerialNo: MERCHANT_SERIAL,
    merchantPublicKey: merchant.publicKey,
    platformSerialNo: PLATFORM_SERIAL,
    platformPrivateKey: platform.privateKey,
    apiV3Key: API_V3_KEY,
    clock: gw.clock,
  })
  const port = createWechatPayV3Port({
    mchid: MCHID,
    appid: APPID,
    serialNo: MERCHANT_SERIAL,
    privateKeyPem: merchant.privateKey,
    apiV3Key: API_V3_KEY,
    notifyUrl: 'https://example.com/api/pay/notify',
    baseUrl: server.baseUrl,
    platformCertificates: new Map([[PLATFORM_SERIAL, platform.publicKey]]),
    clock: gw.clock,
  })
  // The deployment would build its runtime with this port; the test swaps it into the local runtime.
  ;(gw.rt as { payment: PaymentPort }).payment = port
  return { port }
}

describe('WeChat Pay v3 notifications through the same crediting path', () => {
  it('verified + decrypted notification credits once; replays are acknowledged; a tampered one is refused', async () => {
    const { port } = await v3Gateway()
    const order = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_30' })
    expect(order.payment).toMatchObject({ kind: 'wechat', params: { package: expect.stringMatching(/^prepay_id=/), signType: 'RSA' } })
    expect(server.orders.get(order.out_trade_no)).toMatchObject({ amountFen: 3000, payerOpenid: 'alice' })

    const signed = server.pay(order.out_trade_no)
    const notification = port.verifyNotification(signed)
    expect(notification).toMatchObject({ outTradeNo: order.out_trade_no, totalFee: 3000, success: true, payerOpenid: 'alice' })

    const first = await handlePaymentNotification(gw.rt, notification, { requestId: 'v3-1' })
    expect(first).toMatchObject({ acknowledge: true, result: 'credited' })
    expect(notificationReply('ok')).toEqual({ status: 204 })
    expect(await creditsOf(gw, 'alice')).toBe(430)
    expect(await orderDoc(gw, order.out_trade_no)).toMatchObject({ status: 'paid', transaction_id: notification.transactionId })

    const replays = await Promise.all(Array.from({ length: 5 }, () => handlePaymentNotification(gw.rt, port.verifyNotification(signed), { requestId: 'v3-r' })))
    for (const r of replays) expect(r).toMatchObject({ acknowledge: true, result: 'already_paid' })
    expect((await ledgerOf(gw, 'alice')).filter((e) => e.kind === 'recharge')).toHaveLength(1)

    // A body altered in transit fails verification before anything is read: 401, WeChat retries.
    const tampered = { ...signed, rawBody: signed.rawBody.replace('"summary":"支付成功"', '"summary":"x"') }
    let rejected: unknown
    try {
      port.verifyNotification(tampered)
    } catch (err) {
      rejected = err
    }
    expect(rejected).toMatchObject({ code: 'BAD_SIGNATURE' })
    expect(notificationReply(rejected).status).toBe(401)
  })

  it('a correctly signed SUCCESS notification for an order the provider has not been paid for credits nothing and asks for a retry', async () => {
    const { port } = await v3Gateway()
    const order = await gw.as('bob').ok('payment/createOrder', { package_id: 'pkg_6' })
    const early = buildSignedNotification({
      transaction: {
        appid: APPID,
        mchid: MCHID,
        out_trade_no: order.out_trade_no,
        transaction_id: '4200000000000000000000000001',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        trade_type: 'JSAPI',
        success_time: '2026-01-15T10:00:00+08:00',
        payer: { openid: 'bob' },
        amount: { total: 600, currency: 'CNY', payer_total: 600 },
      },
      apiV3Key: API_V3_KEY,
      platformPrivateKey: platform.privateKey,
      platformSerialNo: PLATFORM_SERIAL,
      timestamp: Math.floor(gw.clock.now().getTime() / 1000),
    })
    const handled = await handlePaymentNotification(gw.rt, port.verifyNotification(early), { requestId: 'v3-early' })
    expect(handled).toEqual({ acknowledge: false, reason: 'NOTPAY', result: 'not_paid' })
    expect(notificationReply('retry').status).toBe(500)
    expect(await creditsOf(gw, 'bob')).toBe(100)

    // The user then really pays: the next delivery credits.
    const real = port.verifyNotification(server.pay(order.out_trade_no))
    expect(await handlePaymentNotification(gw.rt, real, { requestId: 'v3-real' })).toMatchObject({ acknowledge: true, result: 'credited' })
    expect(await creditsOf(gw, 'bob')).toBe(160)
  })
})

/** The HTTP access service's event for a request WeChat Pay sent to notify_url (docs.cloudbase.net/service/access-cloud-function). */
function httpEvent(signed: { headers: Record<string, string>; rawBody: string }, base64: boolean) {
  return {
    path: '/pay/notify/wechatpay',
    httpMethod: 'POST',
    headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
    queryStringParameters: {},
    body: base64 ? Buffer.from(signed.rawBody, 'utf8').toString('base64') : signed.rawBody,
    isBase64Encoded: base64,
    requestContext: { requestId: 'req-http-1' },
  }
}

describe('WeChat Pay v3 notify over the HTTP access service (the gateway as notify_url)', () => {
  it('verifies the raw body (base64 or not), credits once, answers 204; a tampered body is 401 and credits nothing', async () => {
    await v3Gateway()
    const order = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_30' })
    const signed = server.pay(order.out_trade_no) as { headers: Record<string, string>; rawBody: string }

    const tampered = httpEvent({ ...signed, rawBody: signed.rawBody.replace('"summary":"支付成功"', '"summary":"x"') }, true)
    expect(await gw.raw(tampered)).toMatchObject({ statusCode: 401 })
    // Decoding is part of the request: a base64 body verified without decoding would not match.
    expect(await gw.raw({ ...httpEvent(signed, true), isBase64Encoded: false })).toMatchObject({ statusCode: 401 })
    expect(await creditsOf(gw, 'alice')).toBe(100)

    expect(await gw.raw(httpEvent(signed, true))).toEqual({ statusCode: 204, headers: {}, body: '', isBase64Encoded: false })
    expect(await creditsOf(gw, 'alice')).toBe(430)
    const replays = await Promise.all([gw.raw(httpEvent(signed, false)), gw.raw(httpEvent(signed, true)), gw.raw(httpEvent(signed, false))])
    for (const r of replays) expect(r).toMatchObject({ statusCode: 204 })
    expect((await ledgerOf(gw, 'alice')).filter((e) => e.kind === 'recharge')).toHaveLength(1)
  })

  it('answers 404 where the provider does not notify over HTTP, 405 for GET, and 403 to a user invoking the function', async () => {
    gw = await paymentGateway()
    const event = { path: '/pay/notify/wechatpay', httpMethod: 'POST', headers: {}, body: '{}', isBase64Encoded: false }
    expect(await gw.raw(event)).toMatchObject({ statusCode: 404 })
    await gw.close()
    await v3Gateway()
    expect(await gw.raw({ ...event, httpMethod: 'GET' })).toMatchObject({ statusCode: 405 })
    expect(await gw.raw({ ...event, path: '/other' })).toMatchObject({ statusCode: 404 })
    expect(await gw.raw(event, { kind: 'user', openid: 'alice', source: 'test' })).toMatchObject({ statusCode: 403 })
    // Unsigned: refused before anything is read.
    expect(await gw.raw(event)).toMatchObject({ statusCode: 400 })
  })
})
