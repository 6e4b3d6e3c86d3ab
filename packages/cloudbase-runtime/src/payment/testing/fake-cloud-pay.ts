/**
 * An in-memory `cloud.cloudPay`. Each API first builds the answer WeChat Pay v2 itself gives (snake_case JSON:
 * `return_code`, `result_code`, `err_code`, `err_code_des`, ...), then hands it through `throughWxServerSdk`, a copy
 * of what wx-server-sdk 4.0.2 does to it — so what reaches the adapter is exactly what survives the real SDK.
 * Its `pay()` returns the callback event cloudPay would deliver.
 */
import type { CloudPayApi } from '../cloudpay'
import { throughWxServerSdk, type WxPayWireAnswer } from './wx-server-sdk-transform'

/**
 * `err_code_des` texts. Source: the real cloudPay `queryOrder` answers an unknown order with the English
 * "order not exist" (issue 10, observed); WeChat Pay v2's own pages list Chinese texts
 * (https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_2, chapter=9_3, chapter=9_1). Which language the
 * channel uses for the other codes is not documented, so the fake speaks either (default English, the observed
 * one) and the adapter must not depend on the wording of one language.
 */
export const ERR_CODE_DES = {
  en: { ORDERNOTEXIST: 'order not exist', ORDERPAID: 'order paid', ORDERCLOSED: 'order closed', OUT_TRADE_NO_USED: 'out_trade_no used', SYSTEMERROR: 'system error' },
  zh: { ORDERNOTEXIST: '此交易订单号不存在', ORDERPAID: '该订单已支付', ORDERCLOSED: '该订单已关闭', OUT_TRADE_NO_USED: '商户订单号重复', SYSTEMERROR: '系统错误' },
} as const
export type CloudPayBusinessCode = keyof (typeof ERR_CODE_DES)['en']

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
  /** The next call to `api` answers `result_code: FAIL` with this WeChat Pay business code. */
  failBusinessNext(api: 'unifiedOrder' | 'queryOrder' | 'closeOrder', code: CloudPayBusinessCode): void
  /** Marks an order paid and returns the event cloudPay would invoke the callback function with. */
  pay(outTradeNo: string, payer?: { openid?: string; subOpenid?: string }, timeEnd?: string): Record<string, unknown>
}

const REQUIRED: Record<string, string[]> = {
  unifiedOrder: ['body', 'outTradeNo', 'spbillCreateIp', 'subMchId', 'totalFee', 'envId', 'functionName', 'nonceStr'],
  queryOrder: ['subMchId', 'outTradeNo', 'nonceStr'],
  closeOrder: ['subMchId', 'outTradeNo', 'nonceStr'],
}

export function createFakeCloudPay(options: { subMchId: string; appid?: string; language?: 'en' | 'zh' }): FakeCloudPay {
  const orders = new Map<string, FakeCloudPayOrder>()
  const calls: FakeCloudPay['calls'] = []
  const failures = new Map<string, Error>()
  const businessFailures = new Map<string, CloudPayBusinessCode>()
  const descriptions = ERR_CODE_DES[options.language ?? 'en']
  let sequence = 0
  const appid = options.appid ?? 'wx1c903ce159e16e7b'

  const sdk = (api: string, wire: WxPayWireAnswer) => throughWxServerSdk(api, wire)
  const businessFail = (api: string, code: CloudPayBusinessCode) =>
    sdk(api, { return_code: 'SUCCESS', return_msg: 'OK', result_code: 'FAIL', err_code: code, err_code_des: descriptions[code], sub_mch_id: options.subMchId })

  function enter(api: string, args: Record<string, unknown>): Record<string, unknown> | null {
    calls.push({ api, args })
    const failure = failures.get(api)
    if (failure) {
      failures.delete(api)
      throw failure
    }
    const missing = (REQUIRED[api] ?? []).filter((key) => args[key] === undefined || args[key] === '')
    if (missing.length > 0) return sdk(api, { return_code: 'FAIL', return_msg: `缺少参数${missing.join(',')}` })
    if (typeof args.nonceStr !== 'string' || args.nonceStr.length > 32) return sdk(api, { return_code: 'FAIL', return_msg: 'nonce_str参数错误' })
    if (args.subMchId !== options.subMchId) return sdk(api, { return_code: 'FAIL', return_msg: 'sub_mch_id与sub_appid不匹配' })
    const business = businessFailures.get(api)
    if (business) {
      businessFailures.delete(api)
      return businessFail(api, business)
    }
    return null
  }

  return {
    orders,
    calls,
    failNext(api, error = Object.assign(new Error('errCode: -501001 resource system error'), { errCode: -501001 })) {
      failures.set(api, error)
    },
    failBusinessNext(api, code) {
      businessFailures.set(api, code)
    },

    async unifiedOrder(args) {
      const refused = enter('unifiedOrder', args)
      if (refused) return refused
      if (!Number.isInteger(args.totalFee)) return sdk('unifiedOrder', { return_code: 'FAIL', return_msg: 'total_fee参数错误' })
      const outTradeNo = String(args.outTradeNo)
      const existing = orders.get(outTradeNo)
      if (existing?.tradeState === 'SUCCESS') return businessFail('unifiedOrder', 'ORDERPAID')
      if (existing?.tradeState === 'CLOSED') return businessFail('unifiedOrder', 'ORDERCLOSED')
      if (existing && existing.totalFee !== args.totalFee) return businessFail('unifiedOrder', 'OUT_TRADE_NO_USED')
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
        return_code: 'SUCCESS',
        return_msg: 'OK',
        appid: 'wxd2d16a504f24665e',
        mch_id: '1800008281',
        sub_appid: appid,
        sub_mch_id: options.subMchId,
        nonce_str: 'goJo1XyhvJA7R1tV',
        result_code: 'SUCCESS',
        trade_type: 'JSAPI',
        prepay_id: order.prepayId,
        // The cloudPay channel adds the ready-signed wx.requestPayment object (already camelCase on the wire).
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
      if (!order) return businessFail('queryOrder', 'ORDERNOTEXIST')
      return sdk('queryOrder', {
        return_code: 'SUCCESS',
        return_msg: 'OK',
        sub_mch_id: options.subMchId,
        result_code: 'SUCCESS',
        out_trade_no: order.outTradeNo,
        trade_state: order.tradeState,
        trade_state_desc: order.tradeState,
        total_fee: order.totalFee,
        fee_type: 'CNY',
        openid: 'oPoo341Im-roYxAd3WD3D_6J-4bA',
        ...(order.transactionId ? { transaction_id: order.transactionId, time_end: order.timeEnd, sub_openid: 'oZWaC4xeOVCUkip5njeEeXi1TEsk' } : {}),
      })
    },

    async closeOrder(args) {
      const refused = enter('closeOrder', args)
      if (refused) return refused
      const order = orders.get(String(args.outTradeNo))
      if (!order) return businessFail('closeOrder', 'ORDERNOTEXIST')
      if (order.tradeState === 'SUCCESS') return businessFail('closeOrder', 'ORDERPAID')
      if (order.tradeState === 'CLOSED') return businessFail('closeOrder', 'ORDERCLOSED')
      order.tradeState = 'CLOSED'
      return sdk('closeOrder', { return_code: 'SUCCESS', return_msg: 'OK', sub_mch_id: options.subMchId, result_code: 'SUCCESS' })
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
