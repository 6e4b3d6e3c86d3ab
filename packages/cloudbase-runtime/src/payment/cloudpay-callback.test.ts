import { describe, expect, it } from 'vitest'
import { CLOUDPAY_CALLBACK_ACK, cloudPayCallbackRetry, isCloudPayCallbackEvent, parseCloudPayCallback } from './index'
import { createFakeCloudPay } from './testing'

/** The documented example of a callback event (cloud development payment callback protocol). */
const documented = {
  returnCode: 'SUCCESS',
  appid: 'wxd2565e6a04246fd1',
  mchId: '1800780001',
  subAppid: 'wxd2565e6a04246fd1',
  subMchId: '1712734762',
  nonceStr: 'f6444fd22de27b16',
  resultCode: 'SUCCESS',
  openid: 'oPoo341Im-roYxAd3WD3D_6J-4bA',
  isSubscribe: 'N',
  subOpenid: 'oZWaC4xeOVCUkip5njeEeXi1TEsk',
  subIsSubscribe: 'N',
  tradeType: 'JSAPI',
  bankType: 'OTHERS',
  totalFee: 1,
  feeType: 'CNY',
  cashFee: 1,
  transactionId: '4200004561202203217657282768',
  outTradeNo: '2021WERUN1647839289398',
  timeEnd: '20220321132007',
}

describe('cloudPay callback events', () => {
  it('recognises the documented callback and nothing else', () => {
    expect(isCloudPayCallbackEvent(documented)).toBe(true)
    expect(isCloudPayCallbackEvent({ $url: 'payment/createOrder', returnCode: 'SUCCESS', outTradeNo: 'x' })).toBe(false)
    expect(isCloudPayCallbackEvent({ Type: 'Timer', TriggerName: 'worker', Time: '2025-03-01T00:00:00Z' })).toBe(false)
    expect(isCloudPayCallbackEvent({})).toBe(false)
    expect(isCloudPayCallbackEvent(null)).toBe(false)
    expect(isCloudPayCallbackEvent([documented])).toBe(false)
    expect(isCloudPayCallbackEvent({ returnCode: 'FAIL', returnMsg: '签名失败', subMchId: '1712734762' })).toBe(true)
  })

  it('parses the documented callback', () => {
    expect(parseCloudPayCallback(documented)).toEqual({
      outTradeNo: '2021WERUN1647839289398',
      totalFee: 1,
      transactionId: '4200004561202203217657282768',
      success: true,
      payerOpenid: 'oZWaC4xeOVCUkip5njeEeXi1TEsk',
      paidAt: new Date('2022-03-21T05:20:07Z'),
    })
  })

  it('parses what the fake cloudPay delivers after a payment', async () => {
    const cloudPay = createFakeCloudPay({ subMchId: '1900009231' })
    await cloudPay.unifiedOrder({ body: 'b', outTradeNo: 'R1', spbillCreateIp: '127.0.0.1', subMchId: '1900009231', totalFee: 600, envId: 'e', functionName: 'gateway', nonceStr: 'n' })
    const event = cloudPay.pay('R1')
    expect(parseCloudPayCallback(event, { subMchId: '1900009231' })).toMatchObject({ outTradeNo: 'R1', totalFee: 600, success: true })
  })

  it('reports failures, drops events without an order or for another merchant', () => {
    expect(parseCloudPayCallback({ ...documented, resultCode: 'FAIL' })?.success).toBe(false)
    expect(parseCloudPayCallback({ ...documented, returnCode: 'FAIL' })?.success).toBe(false)
    expect(parseCloudPayCallback({ returnCode: 'FAIL', returnMsg: '签名失败', subMchId: '1712734762' })).toBeNull()
    expect(parseCloudPayCallback({ ...documented, $url: 'x' })).toBeNull()
    expect(parseCloudPayCallback(documented, { subMchId: '1712734762' })).not.toBeNull()
    expect(parseCloudPayCallback(documented, { subMchId: '1900009231' })).toBeNull()
    expect(parseCloudPayCallback({ ...documented, totalFee: 'abc', timeEnd: 'soon' })).toMatchObject({ totalFee: 0 })
    expect(parseCloudPayCallback({ ...documented, timeEnd: 'soon' })).not.toHaveProperty('paidAt')
  })

  it('exports the reply that stops retries and one that asks for them', () => {
    expect(CLOUDPAY_CALLBACK_ACK).toEqual({ errcode: 0, errmsg: 'SUCCESS' })
    expect(cloudPayCallbackRetry().errcode).not.toBe(0)
  })
})
