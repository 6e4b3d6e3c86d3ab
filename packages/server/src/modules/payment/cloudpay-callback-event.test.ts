import { describe, expect, it } from 'vitest'
import { classifyPlatformEvent } from '../../gateway/platform-events'
import { cloudPayCallbackEventOf, isCloudPayCallbackEvent, parseCloudPayCallback } from './cloudpay-callback-event'

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

describe('cloudPay callback event', () => {
  it('parses the documented event: the payer is subOpenid, timeEnd is Beijing time', () => {
    expect(parseCloudPayCallback(documented)).toEqual({
      outTradeNo: '2021WERUN1647839289398',
      totalFee: 1,
      transactionId: '4200004561202203217657282768',
      success: true,
      payerOpenid: 'oZWaC4xeOVCUkip5njeEeXi1TEsk',
      paidAt: new Date('2022-03-21T05:20:07Z'),
    })
    expect(parseCloudPayCallback({ ...documented, totalFee: '600' })?.totalFee).toBe(600)
    expect(parseCloudPayCallback({ ...documented, totalFee: -5 })?.totalFee).toBe(0)
  })

  it('builds the event the local fake pay delivers: the gateway classifies it as a callback and it parses back', () => {
    const n = { outTradeNo: 'R20260115abcDEF_-1234', totalFee: 3000, transactionId: '4200abc', success: true, payerOpenid: 'alice', paidAt: new Date('2026-01-15T10:11:12Z') }
    const event = cloudPayCallbackEventOf(n)
    expect(isCloudPayCallbackEvent(event)).toBe(true)
    expect(classifyPlatformEvent(event)).toEqual({ kind: 'payment-callback', event })
    expect(event.timeEnd).toBe('20260115181112')
    expect(parseCloudPayCallback(event)).toEqual(n)
    const failed = cloudPayCallbackEventOf({ outTradeNo: 'R1', totalFee: 1, transactionId: '', success: false })
    expect(parseCloudPayCallback(failed)).toEqual({ outTradeNo: 'R1', totalFee: 1, transactionId: '', success: false })
  })

  it('refuses what is not a callback or names no order or another merchant', () => {
    expect(parseCloudPayCallback({ ...documented, $url: 'payment/createOrder' })).toBeNull()
    expect(parseCloudPayCallback({ returnCode: 'FAIL', subMchId: '1712734762' })).toBeNull()
    expect(parseCloudPayCallback({ ...documented, outTradeNo: '' })).toBeNull()
    expect(parseCloudPayCallback(documented, { subMchId: 'other' })).toBeNull()
    expect(parseCloudPayCallback({ ...documented, resultCode: 'FAIL' })?.success).toBe(false)
    expect(isCloudPayCallbackEvent([documented])).toBe(false)
    expect(isCloudPayCallbackEvent(null)).toBe(false)
  })
})
