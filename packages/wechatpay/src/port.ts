/**
 * PaymentPort over WeChat Pay API v3 (direct merchant, JSAPI/mini-program payments), for deployments
 * outside WeChat cloud development. Plain `fetch` + `node:crypto`: no SDK.
 */
import {
  systemClock,
  type Clock,
  type CreatePaymentInput,
  type PaymentNotification,
  type PaymentParams,
  type PaymentPort,
  type TradeQueryResult,
} from '@aiphoto/runtime'
import { createWechatPayClient } from './client'
import { wechatPayError } from './errors'
import { verifyAndDecryptNotification } from './notification'
import { buildMiniProgramPaymentParams, newNonce, toPrivateKey, type KeyInput } from './signing'
import { formatRfc3339Beijing } from './time'
import { isV3Transaction, toTradeQueryResult } from './transaction'
import type { PlatformCertificates, SignedMessage } from './verify'

export interface WechatPayV3Config {
  mchid: string
  /** The mini-program's appid (bound to the merchant). */
  appid: string
  /** Serial number of the merchant API certificate whose private key signs requests. */
  serialNo: string
  privateKeyPem: KeyInput
  /** 32-byte APIv3 key that decrypts notifications. */
  apiV3Key: string
  notifyUrl: string
  baseUrl?: string
  platformCertificates: PlatformCertificates
  fetch?: typeof fetch
  clock?: Clock
  /** Per request. Default 10 000. */
  timeoutMs?: number
  /** Allowed clock difference for signed answers and notifications. Default 300. */
  maxSkewSeconds?: number
}

export interface WechatPayV3Port extends PaymentPort {
  readonly provider: 'wechatpay-v3'
  /** `verifyAndDecryptNotification` with this merchant's keys, mchid/appid and clock. */
  verifyNotification(request: SignedMessage): PaymentNotification
  readHttpNotification(request: SignedMessage): PaymentNotification
}

/** v3 accepts 6–32 of [0-9A-Za-z_-|*]; we stay within the subset every WeChat Pay API accepts. */
const OUT_TRADE_NO = /^[0-9A-Za-z_-]{6,32}$/

function validateOutTradeNo(outTradeNo: string): void {
  if (!OUT_TRADE_NO.test(outTradeNo)) {
    throw wechatPayError('INVALID_INPUT', 'out_trade_no must be 6-32 characters of [0-9A-Za-z_-]')
  }
}

export function createWechatPayV3Port(config: WechatPayV3Config): WechatPayV3Port {
  if (Buffer.byteLength(config.apiV3Key, 'utf8') !== 32) throw new Error('apiV3Key must be 32 bytes')
  const privateKey = toPrivateKey(config.privateKeyPem)
  const clock = config.clock ?? systemClock
  const maxSkewSeconds = config.maxSkewSeconds ?? 300
  const client = createWechatPayClient({
    mchid: config.mchid,
    serialNo: config.serialNo,
    privateKey,
    platformCertificates: config.platformCertificates,
    baseUrl: config.baseUrl ?? 'https://api.mch.weixin.qq.com',
    fetch: config.fetch ?? globalThis.fetch,
    clock,
    timeoutMs: config.timeoutMs ?? 10_000,
    maxSkewSeconds,
  })
  const verify = (request: SignedMessage): PaymentNotification =>
    verifyAndDecryptNotification(request, {
      platformCertificates: config.platformCertificates,
      apiV3Key: config.apiV3Key,
      now: clock.now(),
      maxSkewSeconds,
      mchid: config.mchid,
      appid: config.appid,
    })
  const orderPath = (outTradeNo: string) => `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}`

  return {
    provider: 'wechatpay-v3',

    async createPayment(input: CreatePaymentInput): Promise<PaymentParams> {
      validateOutTradeNo(input.outTradeNo)
      if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
        throw wechatPayError('INVALID_INPUT', 'amountFen must be a positive integer')
      }
      if (input.description.length === 0 || input.description.length > 127) {
        throw wechatPayError('INVALID_INPUT', 'description must be 1-127 characters')
      }
      if (!input.payerOpenid) throw wechatPayError('INVALID_INPUT', 'payerOpenid is required for JSAPI payments')

      const body: Record<string, unknown> = {
        appid: config.appid,
        mchid: config.mchid,
        description: input.description,
        out_trade_no: input.outTradeNo,
        time_expire: formatRfc3339Beijing(input.expiresAt),
        notify_url: config.notifyUrl,
        amount: { total: input.amountFen, currency: 'CNY' },
        payer: { openid: input.payerOpenid },
      }
      if (input.clientIp) body.scene_info = { payer_client_ip: input.clientIp }

      const { json } = await client.request('POST', '/v3/pay/transactions/jsapi', body)
      const prepayId = (json as { prepay_id?: unknown } | undefined)?.prepay_id
      if (typeof prepayId !== 'string' || prepayId === '') throw wechatPayError('BAD_RESPONSE', 'no prepay_id in answer')

      const params = buildMiniProgramPaymentParams({
        appid: config.appid,
        prepayId,
        privateKey,
        timestamp: Math.floor(clock.now().getTime() / 1000),
        nonce: newNonce(),
      })
      return { kind: 'wechat', params }
    },

    async queryOrder(outTradeNo: string): Promise<TradeQueryResult> {
      validateOutTradeNo(outTradeNo)
      const { status, json } = await client.request(
        'GET',
        `${orderPath(outTradeNo)}?mchid=${encodeURIComponent(config.mchid)}`,
        undefined,
        { acceptStatuses: [404] },
      )
      if (status === 404) {
        const code = (json as { code?: unknown } | undefined)?.code
        if (code === 'ORDER_NOT_EXIST' || code === 'RESOURCE_NOT_EXISTS') return { tradeState: 'NOT_FOUND' }
        throw wechatPayError('REJECTED', `WeChat Pay answered 404 ${String(code)}`, { status, providerCode: String(code) })
      }
      if (!isV3Transaction(json)) throw wechatPayError('BAD_RESPONSE', 'answer is not a transaction')
      if (json.out_trade_no !== outTradeNo) throw wechatPayError('BAD_RESPONSE', 'answer is about another order')
      return toTradeQueryResult(json)
    },

    async closeOrder(outTradeNo: string): Promise<void> {
      validateOutTradeNo(outTradeNo)
      await client.request('POST', `${orderPath(outTradeNo)}/close`, { mchid: config.mchid })
    },

    readHttpNotification: verify,
    verifyNotification: verify,
  }
}
