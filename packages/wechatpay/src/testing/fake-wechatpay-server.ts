/**
 * A local stand-in for api.mch.weixin.qq.com that speaks the v3 wire format: it checks each request's
 * Authorization signature with the merchant's public key, keeps JSAPI orders in memory, signs its answers
 * with a platform key, and can produce the signed, encrypted notification WeChat Pay would POST.
 * For tests and local end-to-end runs; never for production.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { systemClock, type Clock } from '@aiphoto/runtime'
import { encryptResource } from '../aead'
import { parseAuthorization, signatureMessage, signSha256Rsa, verifySha256Rsa, type KeyInput } from '../signing'
import type { V3Transaction } from '../transaction'

export interface FakeWechatPayServerOptions {
  mchid: string
  appid: string
  merchantSerialNo: string
  merchantPublicKey: KeyInput
  platformSerialNo: string
  platformPrivateKey: KeyInput
  apiV3Key: string
  clock?: Clock
  /** Allowed request timestamp skew. Default 300. */
  maxSkewSeconds?: number
}

export interface FakeOrder {
  outTradeNo: string
  description: string
  amountFen: number
  payerOpenid: string
  timeExpire?: string
  notifyUrl: string
  prepayId: string
  tradeState: 'NOTPAY' | 'SUCCESS' | 'CLOSED'
  transactionId?: string
  successTime?: string
}

export interface RecordedRequest {
  method: string
  url: string
  body: string
  authorization?: string
  authorized: boolean
}

/** How the server signs its answers: validly, not at all, or with some other key (a forger, a rotated cert). */
export type ResponseSigning = 'valid' | 'none' | { privateKey: KeyInput; serialNo: string }

export interface SignedNotification {
  headers: Record<string, string>
  rawBody: string
}

export interface FakeWechatPayServer {
  readonly baseUrl: string
  readonly orders: Map<string, FakeOrder>
  readonly requests: RecordedRequest[]
  responseSigning: ResponseSigning
  /** Marks an order paid, as if the user completed `wx.requestPayment`, and returns the notification to deliver. */
  pay(outTradeNo: string): SignedNotification
  close(): Promise<void>
}

export interface NotificationBuildInput {
  transaction: V3Transaction
  apiV3Key: string
  platformPrivateKey: KeyInput
  platformSerialNo: string
  timestamp: number
  nonce?: string
  eventType?: string
}

/** The notification WeChat Pay would POST for `transaction`: encrypted resource, signed headers. */
export function buildSignedNotification(input: NotificationBuildInput): SignedNotification {
  const resource = encryptResource(JSON.stringify(input.transaction), input.apiV3Key)
  const eventType = input.eventType ?? (input.transaction.trade_state === 'SUCCESS' ? 'TRANSACTION.SUCCESS' : 'TRANSACTION.FAIL')
  const rawBody = JSON.stringify({
    id: `EV-${randomBytes(8).toString('hex')}`,
    create_time: new Date(input.timestamp * 1000).toISOString(),
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: '支付成功',
    resource,
  })
  const nonce = input.nonce ?? randomBytes(16).toString('hex')
  const timestamp = String(input.timestamp)
  return {
    headers: {
      'content-type': 'application/json',
      'wechatpay-serial': input.platformSerialNo,
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signSha256Rsa(input.platformPrivateKey, signatureMessage([timestamp, nonce, rawBody])),
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
    rawBody,
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export async function startFakeWechatPayServer(options: FakeWechatPayServerOptions): Promise<FakeWechatPayServer> {
  const clock = options.clock ?? systemClock
  const orders = new Map<string, FakeOrder>()
  const requests: RecordedRequest[] = []
  let sequence = 0
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000)

  const toTransaction = (order: FakeOrder): V3Transaction => ({
    appid: options.appid,
    mchid: options.mchid,
    out_trade_no: order.outTradeNo,
    trade_state: order.tradeState,
    trade_state_desc: order.tradeState,
    trade_type: 'JSAPI',
    ...(order.transactionId ? { transaction_id: order.transactionId } : {}),
    ...(order.successTime ? { success_time: order.successTime, bank_type: 'OTHERS' } : {}),
    payer: { openid: order.payerOpenid },
    amount: { total: order.amountFen, currency: 'CNY', ...(order.tradeState === 'SUCCESS' ? { payer_total: order.amountFen } : {}) },
  })

  function send(res: ServerResponse, status: number, body?: unknown, sign = true): void {
    const text = body === undefined ? '' : JSON.stringify(body)
    const headers: Record<string, string> = { 'Request-ID': `fake-${++sequence}` }
    if (text !== '') headers['Content-Type'] = 'application/json; charset=utf-8'
    const signing = server.responseSigning
    if (sign && signing !== 'none') {
      const key = signing === 'valid' ? options.platformPrivateKey : signing.privateKey
      const serial = signing === 'valid' ? options.platformSerialNo : signing.serialNo
      const timestamp = String(nowSeconds())
      const nonce = randomBytes(16).toString('hex')
      headers['Wechatpay-Serial'] = serial
      headers['Wechatpay-Timestamp'] = timestamp
      headers['Wechatpay-Nonce'] = nonce
      headers['Wechatpay-Signature'] = signSha256Rsa(key, signatureMessage([timestamp, nonce, text]))
    }
    res.writeHead(status, headers).end(text)
  }

  function authorized(req: IncomingMessage, body: string): boolean {
    const auth = parseAuthorization(req.headers.authorization)
    if (!auth || auth.mchid !== options.mchid || auth.serial_no !== options.merchantSerialNo) return false
    if (Math.abs(nowSeconds() - Number(auth.timestamp)) > (options.maxSkewSeconds ?? 300)) return false
    const message = signatureMessage([req.method ?? '', req.url ?? '', auth.timestamp, auth.nonce_str, body])
    return verifySha256Rsa(options.merchantPublicKey, message, auth.signature)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    const ok = authorized(req, body)
    requests.push({ method: req.method ?? '', url: req.url ?? '', body, authorized: ok, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) })
    // Like the real service: a request that fails signature verification is refused unsigned.
    if (!ok) return send(res, 401, { code: 'SIGN_ERROR', message: '签名错误' }, false)

    const url = new URL(req.url ?? '/', 'http://fake')
    if (req.method === 'POST' && url.pathname === '/v3/pay/transactions/jsapi') {
      const input = JSON.parse(body) as Record<string, any>
      if (
        input.appid !== options.appid ||
        input.mchid !== options.mchid ||
        typeof input.out_trade_no !== 'string' ||
        typeof input.description !== 'string' ||
        typeof input.notify_url !== 'string' ||
        !Number.isSafeInteger(input.amount?.total) ||
        typeof input.payer?.openid !== 'string'
      ) {
        return send(res, 400, { code: 'PARAM_ERROR', message: '参数错误' })
      }
      const existing = orders.get(input.out_trade_no)
      if (existing) {
        if (existing.tradeState === 'SUCCESS') return send(res, 400, { code: 'ORDERPAID', message: '该订单已支付' })
        if (existing.tradeState === 'CLOSED') return send(res, 400, { code: 'ORDER_CLOSED', message: '订单已关闭' })
        if (existing.amountFen !== input.amount.total || existing.payerOpenid !== input.payer.openid) {
          return send(res, 400, { code: 'INVALID_REQUEST', message: '201 商户订单号重复' })
        }
        return send(res, 200, { prepay_id: existing.prepayId })
      }
      const order: FakeOrder = {
        outTradeNo: input.out_trade_no,
        description: input.description,
        amountFen: input.amount.total,
        payerOpenid: input.payer.openid,
        ...(typeof input.time_expire === 'string' ? { timeExpire: input.time_expire } : {}),
        notifyUrl: input.notify_url,
        prepayId: `wx${randomBytes(14).toString('hex')}`,
        tradeState: 'NOTPAY',
      }
      orders.set(order.outTradeNo, order)
      return send(res, 200, { prepay_id: order.prepayId })
    }

    const match = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(url.pathname)
    if (match && url.searchParams.get('mchid') !== null && req.method === 'GET' && !match[2]) {
      if (url.searchParams.get('mchid') !== options.mchid) return send(res, 400, { code: 'PARAM_ERROR', message: 'mchid' })
      const order = orders.get(decodeURIComponent(match[1] as string))
      if (!order) return send(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' })
      return send(res, 200, toTransaction(order))
    }
    if (match && match[2] && req.method === 'POST') {
      if ((JSON.parse(body || '{}') as { mchid?: string }).mchid !== options.mchid) {
        return send(res, 400, { code: 'PARAM_ERROR', message: 'mchid' })
      }
      const order = orders.get(decodeURIComponent(match[1] as string))
      if (!order) return send(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' })
      if (order.tradeState === 'SUCCESS') return send(res, 400, { code: 'ORDERPAID', message: '该订单已支付' })
      order.tradeState = 'CLOSED'
      return send(res, 204)
    }
    return send(res, 404, { code: 'NOT_FOUND', message: 'no such API' })
  }

  const http = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { code: 'SYSTEM_ERROR', message: '系统错误' }))
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo

  const server: FakeWechatPayServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    orders,
    requests,
    responseSigning: 'valid',
    pay(outTradeNo) {
      const order = orders.get(outTradeNo)
      if (!order) throw new Error(`no order ${outTradeNo}`)
      order.tradeState = 'SUCCESS'
      order.transactionId = `4200${String(++sequence).padStart(24, '0')}`
      order.successTime = new Date(nowSeconds() * 1000 + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00'
      return buildSignedNotification({
        transaction: toTransaction(order),
        apiV3Key: options.apiV3Key,
        platformPrivateKey: options.platformPrivateKey,
        platformSerialNo: options.platformSerialNo,
        timestamp: nowSeconds(),
      })
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections()
        http.close((error) => (error ? reject(error) : resolve()))
      }),
  }
  return server
}
