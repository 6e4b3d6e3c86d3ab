/**
 * An in-memory `cloud.cloudPay` that answers the way wx-server-sdk does: camelCase fields, `errCode: 0` and
 * `errMsg: 'cloudPay.<api>:ok'` stamped over every answer (hiding WeChat Pay's own err_code), business failures
 * as `resultCode: 'FAIL'` + `errCodeDes`. Its `pay()` returns the callback event cloudPay would deliver.
 */
import type { CloudPayApi } from '../cloudpay'

export interface FakeCloudPayOrder {
  outTradeNo: string
  totalFee: number
  body: string
  tradeState: 'NOTPAY' | 'SUCCESS' | 'CLOSED'
  prepayId: string
  timeExpire?: string
  envId: string
  functionName: string
  transactionId?: string
  timeEnd?: string
}

export interface FakeCloudPay extends CloudPayApi {
  readonly orders: Map<string, FakeCloudPayOrder>
  readonly calls: Array<{ api: string; args: Record<string, unknown> }>
  /** The next call to `api` throws, as the SDK does on a network or permission failure. */
  failNext(api: 'unifiedOrder' | 'queryOrder' | 'closeOrder', error?: Error): void
  /** Marks an order paid and returns the event cloudPay would invoke the callback function with. */
  pay(outTradeNo: string, payer?: { openid?: string; subOpenid?: string }, timeEnd?: string): Record<string, unknown>
}

const REQUIRED: Record<string, string[]> = {
  unifiedOrder: ['body', 'outTradeNo', 'spbillCreateIp', 'subMchId', 'totalFee', 'envId', 'functionName', 'nonceStr'],
  queryOrder: ['subMchId', 'outTradeNo', 'nonceStr'],
  closeOrder: ['subMchId', 'outTradeNo', 'nonceStr'],
}

export function createFakeCloudPay(options: { subMchId: string; appid?: string }): FakeCloudPay {
  const orders = new Map<string, FakeCloudPayOrder>()
  const calls: FakeCloudPay['calls'] = []
  const failures = new Map<string, Error>()
  let sequence = 0
  const appid = options.appid ?? 'wx1c903ce159e16e7b'

  const sdk = (api: string, answer: Record<string, unknown>) => ({ ...answer, errCode: 0, errMsg: `cloudPay.${api}:ok` })
  const businessFail = (api: string, errCodeDes: string) =>
    sdk(api, { returnCode: 'SUCCESS', returnMsg: 'OK', resultCode: 'FAIL', errCodeDes, subMchId: options.subMchId })

  function enter(api: string, args: Record<string, unknown>): Record<string, unknown> | null {
    calls.push({ api, args })
    const failure = failures.get(api)
    if (failure) {
      failures.delete(api)
      throw failure
    }
    const missing = (REQUIRED[api] ?? []).filter((key) => args[key] === undefined || args[key] === '')
    if (missing.length > 0) return sdk(api, { returnCode: 'FAIL', returnMsg: `缺少参数${missing.join(',')}` })
    if (typeof args.nonceStr !== 'string' || args.nonceStr.length > 32) return sdk(api, { returnCode: 'FAIL', returnMsg: 'nonce_str参数错误' })
    if (args.subMchId !== options.subMchId) return sdk(api, { returnCode: 'FAIL', returnMsg: 'sub_mch_id与sub_appid不匹配' })
    return null
  }

  return {
    orders,
    calls,
    failNext(api, error = Object.assign(new Error('errCode: -501001 resource system error'), { errCode: -501001 })) {
      failures.set(api, error)
    },

    async unifiedOrder(args) {
      const refused = enter('unifiedOrder', args)
      if (refused) return refused
      if (!Number.isInteger(args.totalFee)) return sdk('unifiedOrder', { returnCode: 'FAIL', returnMsg: 'total_fee参数错误' })
      const outTradeNo = String(args.outTradeNo)
      const existing = orders.get(outTradeNo)
      if (existing?.tradeState === 'SUCCESS') return businessFail('unifiedOrder', '该订单已支付')
      if (existing?.tradeState === 'CLOSED') return businessFail('unifiedOrder', '该订单已关闭')
      if (existing && existing.totalFee !== args.totalFee) return businessFail('unifiedOrder', '商户订单号重复')
      const order: FakeCloudPayOrder = existing ?? {
        outTradeNo,
        totalFee: args.totalFee as number,
        body: String(args.body),
        tradeState: 'NOTPAY',
        prepayId: `wx${String(++sequence).padStart(30, '0')}`,
        envId: String(args.envId),
        functionName: String(args.functionName),
        ...(typeof args.timeExpire === 'string' ? { timeExpire: args.timeExpire } : {}),
      }
      orders.set(outTradeNo, order)
      return sdk('unifiedOrder', {
        returnCode: 'SUCCESS',
        returnMsg: 'OK',
        appid: 'wxd2d16a504f24665e',
        mchId: '1800008281',
        subAppid: appid,
        subMchId: options.subMchId,
        nonceStr: 'goJo1XyhvJA7R1tV',
        resultCode: 'SUCCESS',
        tradeType: 'JSAPI',
        prepayId: order.prepayId,
        payment: {
          appId: appid,
          timeStamp: '1614735287',
          nonceStr: 'goJo1XyhvJA7R1tV',
          package: `prepay_id=${order.prepayId}`,
          signType: 'MD5',
          paySign: '5B09DB7255C453630B331170F9EBC942',
        },
      })
    },

    async queryOrder(args) {
      const refused = enter('queryOrder', args)
      if (refused) return refused
      const order = orders.get(String(args.outTradeNo))
      if (!order) return businessFail('queryOrder', '此交易订单号不存在')
      return sdk('queryOrder', {
        returnCode: 'SUCCESS',
        returnMsg: 'OK',
        subMchId: options.subMchId,
        resultCode: 'SUCCESS',
        outTradeNo: order.outTradeNo,
        tradeState: order.tradeState,
        tradeStateDesc: order.tradeState,
        totalFee: order.totalFee,
        feeType: 'CNY',
        openid: 'oPoo341Im-roYxAd3WD3D_6J-4bA',
        ...(order.transactionId ? { transactionId: order.transactionId, timeEnd: order.timeEnd, subOpenid: 'oZWaC4xeOVCUkip5njeEeXi1TEsk' } : {}),
      })
    },

    async closeOrder(args) {
      const refused = enter('closeOrder', args)
      if (refused) return refused
      const order = orders.get(String(args.outTradeNo))
      if (!order) return businessFail('closeOrder', '此交易订单号不存在')
      if (order.tradeState === 'SUCCESS') return businessFail('closeOrder', '订单已支付,不能发起关单')
      if (order.tradeState === 'CLOSED') return businessFail('closeOrder', '订单已关闭,无法重复关闭')
      order.tradeState = 'CLOSED'
      return sdk('closeOrder', { returnCode: 'SUCCESS', returnMsg: 'OK', subMchId: options.subMchId, resultCode: 'SUCCESS' })
    },

    pay(outTradeNo, payer = { openid: 'oPoo341Im-roYxAd3WD3D_6J-4bA', subOpenid: 'oZWaC4xeOVCUkip5njeEeXi1TEsk' }, timeEnd = '20250301120000') {
      const order = orders.get(outTradeNo)
      if (!order) throw new Error(`no order ${outTradeNo}`)
      order.tradeState = 'SUCCESS'
      order.transactionId = `4200${String(++sequence).padStart(24, '0')}`
      order.timeEnd = timeEnd
      return {
        returnCode: 'SUCCESS',
        appid: 'wxd2565e6a04246fd1',
        mchId: '1800780001',
        subAppid: appid,
        subMchId: options.subMchId,
        nonceStr: 'f6444fd22de27b16',
        resultCode: 'SUCCESS',
        ...payer,
        isSubscribe: 'N',
        subIsSubscribe: 'N',
        tradeType: 'JSAPI',
        bankType: 'OTHERS',
        totalFee: order.totalFee,
        feeType: 'CNY',
        cashFee: order.totalFee,
        transactionId: order.transactionId,
        outTradeNo,
        timeEnd,
      }
    },
  }
}
