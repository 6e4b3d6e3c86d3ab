/**
 * PaymentPort over `cloud.cloudPay` (WeChat cloud development's private channel to WeChat Pay: no certificates,
 * no signatures). The cloudPay object is injected so this adapter is testable without wx-server-sdk.
 */
import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import {
  PaymentError,
  type CreatePaymentInput,
  type PaymentErrorCode,
  type PaymentParams,
  type PaymentPort,
  type TradeQueryResult,
} from '@aiphoto/runtime'
import { formatCompactBeijing, parseCompactBeijing } from './beijing-time'
import { businessErrorCode, feeOf, mapCloudPayTradeState, stringOf } from './cloudpay-codes'

/** The part of wx-server-sdk's `cloud.cloudPay` this adapter calls. Arguments are camelCase; the SDK converts. */
export interface CloudPayApi {
  unifiedOrder(args: Record<string, unknown>): Promise<any>
  queryOrder(args: Record<string, unknown>): Promise<any>
  closeOrder(args: Record<string, unknown>): Promise<any>
}

export interface CloudPayPortDeps {
  cloudPay: CloudPayApi
  /** The merchant id bound to the cloud environment (cloudPay calls it sub_mch_id even for ordinary merchants). */
  subMchId: string
  /** Environment and function that receive the payment callback. */
  envId: string
  functionName: string
  /** Used as `spbillCreateIp` when the request has no valid client IP. Default '127.0.0.1'. */
  ipFallback?: string
  /**
   * When set, the order names its payer explicitly (`subAppid` + `subOpenid`); otherwise cloudPay takes the
   * payer from the calling user's context, which is how the documented examples work.
   */
  subAppid?: string
}

const PROVIDER = 'cloudpay' as const
/** cloudPay / WeChat Pay v2: at most 32 of [0-9A-Za-z_-|*@]; we stay within [0-9A-Za-z_-]. */
const OUT_TRADE_NO = /^[0-9A-Za-z_-]{1,32}$/

function fail(code: PaymentErrorCode, message: string, options: { providerCode?: string; cause?: unknown } = {}): PaymentError {
  return new PaymentError(code, PROVIDER, message, options)
}

function validateOutTradeNo(outTradeNo: string): void {
  if (!OUT_TRADE_NO.test(outTradeNo)) throw fail('INVALID_INPUT', 'outTradeNo must be 1-32 characters of [0-9A-Za-z_-]')
}

function nonce(): string {
  return randomBytes(16).toString('hex')
}

/** Calls cloudPay; a thrown SDK error (network, -501xxx, permission) is UNAVAILABLE. */
async function call(api: string, fn: () => Promise<any>): Promise<Record<string, unknown>> {
  let res: unknown
  try {
    res = await fn()
  } catch (cause) {
    throw fail('UNAVAILABLE', `cloudPay.${api} failed`, { cause })
  }
  if (typeof res !== 'object' || res === null) throw fail('BAD_RESPONSE', `cloudPay.${api} answered ${typeof res}`)
  return res as Record<string, unknown>
}

/**
 * returnCode FAIL is a channel/parameter problem; resultCode FAIL a business one. SYSTEMERROR is transient.
 * `unknownAs`: what a FAIL whose code cannot be recognised means (see cloudpay-codes.ts).
 */
function requireSuccess(
  api: string,
  res: Record<string, unknown>,
  tolerated: readonly string[] = [],
  unknownAs: 'REJECTED' | 'UNAVAILABLE' = 'REJECTED',
): string | undefined {
  if (res.returnCode !== 'SUCCESS') {
    throw fail('REJECTED', `cloudPay.${api}: returnCode ${String(res.returnCode)} ${String(res.returnMsg ?? '')}`.trim())
  }
  if (res.resultCode === 'SUCCESS') return undefined
  const code = businessErrorCode(res)
  if (code !== undefined && tolerated.includes(code)) return code
  const message = `cloudPay.${api}: ${code ?? 'FAIL'} ${String(res.errCodeDes ?? '')}`.trim()
  if (code === undefined) throw fail(unknownAs, message)
  throw fail(code === 'SYSTEMERROR' ? 'UNAVAILABLE' : 'REJECTED', message, { providerCode: code })
}

export function createCloudPayPort(deps: CloudPayPortDeps): PaymentPort {
  const ipFallback = deps.ipFallback ?? '127.0.0.1'

  return {
    provider: PROVIDER,

    async createPayment(input: CreatePaymentInput): Promise<PaymentParams> {
      validateOutTradeNo(input.outTradeNo)
      if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
        throw fail('INVALID_INPUT', 'amountFen must be a positive integer')
      }
      // NOTE: `body` is String(128) in WeChat Pay v2, counted in bytes: 42 Chinese characters at most.
      const bodyBytes = Buffer.byteLength(input.description, 'utf8')
      if (bodyBytes === 0 || bodyBytes > 128) throw fail('INVALID_INPUT', 'description must be 1-128 UTF-8 bytes')

      const args: Record<string, unknown> = {
        body: input.description,
        outTradeNo: input.outTradeNo,
        spbillCreateIp: input.clientIp && isIP(input.clientIp) ? input.clientIp : ipFallback,
        subMchId: deps.subMchId,
        totalFee: input.amountFen,
        envId: deps.envId,
        functionName: deps.functionName,
        nonceStr: nonce(),
        tradeType: 'JSAPI',
        timeExpire: formatCompactBeijing(input.expiresAt),
      }
      if (deps.subAppid) {
        args.subAppid = deps.subAppid
        args.subOpenid = input.payerOpenid
      }

      const res = await call('unifiedOrder', () => deps.cloudPay.unifiedOrder(args))
      requireSuccess('unifiedOrder', res)
      const payment = res.payment as Record<string, unknown> | undefined
      const fields = ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const
      if (typeof payment !== 'object' || payment === null || fields.some((f) => payment[f] === undefined || payment[f] === '')) {
        throw fail('BAD_RESPONSE', 'cloudPay.unifiedOrder returned no payment parameters')
      }
      return {
        kind: 'wechat',
        params: {
          timeStamp: String(payment.timeStamp),
          nonceStr: String(payment.nonceStr),
          package: String(payment.package),
          signType: String(payment.signType),
          paySign: String(payment.paySign),
        },
      }
    },

    async queryOrder(outTradeNo: string): Promise<TradeQueryResult> {
      validateOutTradeNo(outTradeNo)
      const res = await call('queryOrder', () =>
        deps.cloudPay.queryOrder({ subMchId: deps.subMchId, outTradeNo, nonceStr: nonce() }),
      )
      // NOTE: an unrecognised FAIL is "ask again later", never NOT_FOUND: settling treats NOT_FOUND as final.
      if (requireSuccess('queryOrder', res, ['ORDERNOTEXIST'], 'UNAVAILABLE') === 'ORDERNOTEXIST') return { tradeState: 'NOT_FOUND' }
      if (res.outTradeNo !== undefined && res.outTradeNo !== outTradeNo) {
        throw fail('BAD_RESPONSE', 'cloudPay.queryOrder answered about another order')
      }
      const result: TradeQueryResult = { tradeState: mapCloudPayTradeState(res.tradeState) }
      const amount = feeOf(res.totalFee)
      if (amount !== undefined) result.amountFen = amount
      const transactionId = stringOf(res.transactionId)
      if (transactionId) result.transactionId = transactionId
      // NOTE: cloudPay places orders as a service provider: `openid` belongs to the provider's appid;
      // the mini-program user's openid is `subOpenid`.
      const payer = stringOf(res.subOpenid)
      if (payer) result.payerOpenid = payer
      const paidAt = parseCompactBeijing(res.timeEnd)
      if (paidAt) result.paidAt = paidAt
      return result
    },

    async closeOrder(outTradeNo: string): Promise<void> {
      validateOutTradeNo(outTradeNo)
      // NOTE: WeChat Pay refuses to close an order younger than 5 minutes; callers close expired orders only.
      const res = await call('closeOrder', () =>
        deps.cloudPay.closeOrder({ subMchId: deps.subMchId, outTradeNo, nonceStr: nonce() }),
      )
      // Already closed or never created: either way it can no longer be paid, which is all closing promises.
      requireSuccess('closeOrder', res, ['ORDERCLOSED', 'ORDERNOTEXIST'])
    },
  }
}
