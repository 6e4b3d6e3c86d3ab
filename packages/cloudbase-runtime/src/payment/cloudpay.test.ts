import { describe, expect, it } from 'vitest'
import { PaymentError } from '@aiphoto/runtime'
import { createCloudPayPort } from './index'
import { createFakeCloudPay } from './testing'

const SUB_MCH_ID = '1900009231'

function setup(extra: { subAppid?: string; ipFallback?: string } = {}) {
  const cloudPay = createFakeCloudPay({ subMchId: SUB_MCH_ID })
  const port = createCloudPayPort({ cloudPay, subMchId: SUB_MCH_ID, envId: 'prod-1a2b', functionName: 'gateway', ...extra })
  return { cloudPay, port }
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
    expect((error as PaymentError).provider).toBe('cloudpay')
    return error as PaymentError
  }
  throw new Error('expected a PaymentError')
}

describe('createCloudPayPort', () => {
  it('places a JSAPI order that calls back the gateway and returns the payment object', async () => {
    const { cloudPay, port } = setup()
    const result = await port.createPayment(input('R20250301a'))
    expect(result).toEqual({
      kind: 'wechat',
      params: {
        timeStamp: '1614735287',
        nonceStr: 'goJo1XyhvJA7R1tV',
        package: `prepay_id=${cloudPay.orders.get('R20250301a')!.prepayId}`,
        signType: 'MD5',
        paySign: '5B09DB7255C453630B331170F9EBC942',
      },
    })
    const args = cloudPay.calls[0]!.args
    expect(args).toMatchObject({
      body: 'AI摄影师-积分充值',
      outTradeNo: 'R20250301a',
      spbillCreateIp: '203.0.113.7',
      subMchId: SUB_MCH_ID,
      totalFee: 600,
      envId: 'prod-1a2b',
      functionName: 'gateway',
      tradeType: 'JSAPI',
      timeExpire: '20250301123000',
    })
    expect(args.nonceStr).toMatch(/^[0-9a-f]{32}$/)
    expect(args).not.toHaveProperty('subOpenid')
  })

  it('falls back to a server IP when the client IP is missing or not an IP, and can name the payer', async () => {
    const { cloudPay, port } = setup({ ipFallback: '10.0.0.1', subAppid: 'wxapp' })
    await port.createPayment({ ...input('R20250301b'), clientIp: 'unknown, 1.2.3.4' })
    expect(cloudPay.calls[0]!.args).toMatchObject({ spbillCreateIp: '10.0.0.1', subAppid: 'wxapp', subOpenid: 'oUser1' })
    await port.createPayment({ ...input('R20250301c'), clientIp: undefined })
    expect(cloudPay.calls[1]!.args.spbillCreateIp).toBe('10.0.0.1')
  })

  it('validates out_trade_no, amount and description before calling cloudPay', async () => {
    const { cloudPay, port } = setup()
    for (const bad of ['', 'x'.repeat(33), 'R 1', 'R#1', '订单1']) {
      expect((await errorOf(port.createPayment(input(bad)))).code).toBe('INVALID_INPUT')
    }
    expect((await errorOf(port.createPayment({ ...input('R1'), amountFen: 10.5 }))).code).toBe('INVALID_INPUT')
    expect((await errorOf(port.createPayment({ ...input('R1'), amountFen: -1 }))).code).toBe('INVALID_INPUT')
    expect((await errorOf(port.createPayment({ ...input('R1'), description: '充'.repeat(43) }))).code).toBe('INVALID_INPUT')
    await port.createPayment({ ...input('R-_0aZ' + '9'.repeat(26)), description: '充'.repeat(42) })
    expect(cloudPay.calls.length).toBe(1)
  })

  it('turns returnCode/resultCode failures and SDK exceptions into typed errors', async () => {
    const { cloudPay, port } = setup()
    const wrongMerchant = createCloudPayPort({ cloudPay, subMchId: '1', envId: 'e', functionName: 'gateway' })
    expect(await errorOf(wrongMerchant.createPayment(input('R2')))).toMatchObject({ code: 'REJECTED' })

    await port.createPayment(input('R3'))
    cloudPay.pay('R3')
    expect(await errorOf(port.createPayment(input('R3')))).toMatchObject({ code: 'REJECTED', providerCode: 'ORDERPAID' })

    cloudPay.failNext('unifiedOrder')
    const error = await errorOf(port.createPayment(input('R4')))
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.cause).toBeInstanceOf(Error)

    const broken = createCloudPayPort({
      cloudPay: { ...cloudPay, unifiedOrder: async () => ({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', errCode: 0 }) },
      subMchId: SUB_MCH_ID,
      envId: 'e',
      functionName: 'gateway',
    })
    expect((await errorOf(broken.createPayment(input('R5')))).code).toBe('BAD_RESPONSE')
  })

  it('queries unpaid, paid and unknown orders', async () => {
    const { cloudPay, port } = setup()
    await port.createPayment(input('R6'))
    expect(await port.queryOrder('R6')).toEqual({ tradeState: 'NOTPAY', amountFen: 600 })
    expect(cloudPay.calls.at(-1)!.args).toMatchObject({ subMchId: SUB_MCH_ID, outTradeNo: 'R6' })

    cloudPay.pay('R6', undefined, '20250301120530')
    const paid = await port.queryOrder('R6')
    expect(paid).toEqual({
      tradeState: 'SUCCESS',
      amountFen: 600,
      transactionId: cloudPay.orders.get('R6')!.transactionId,
      payerOpenid: 'oZWaC4xeOVCUkip5njeEeXi1TEsk',
      paidAt: new Date('2025-03-01T04:05:30Z'),
    })
    expect(await port.queryOrder('R7')).toEqual({ tradeState: 'NOT_FOUND' })
    cloudPay.failNext('queryOrder')
    expect((await errorOf(port.queryOrder('R6'))).code).toBe('UNAVAILABLE')
  })

  it('maps every WeChat Pay trade state', async () => {
    const states: Record<string, string> = {
      SUCCESS: 'SUCCESS', REFUND: 'REFUND', NOTPAY: 'NOTPAY', CLOSED: 'CLOSED', REVOKED: 'CLOSED',
      USERPAYING: 'USERPAYING', PAYERROR: 'PAYERROR', ACCEPT: 'USERPAYING', SOMETHING_NEW: 'UNKNOWN',
    }
    for (const [wire, expected] of Object.entries(states)) {
      const port = createCloudPayPort({
        cloudPay: {
          unifiedOrder: async () => ({}),
          closeOrder: async () => ({}),
          queryOrder: async () => ({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', tradeState: wire, totalFee: '600', errCode: 0 }),
        },
        subMchId: SUB_MCH_ID,
        envId: 'e',
        functionName: 'gateway',
      })
      expect(await port.queryOrder('R8')).toEqual({ tradeState: expected, amountFen: 600 })
    }
  })

  it('closes orders idempotently and refuses to close a paid one', async () => {
    const { cloudPay, port } = setup()
    await port.createPayment(input('R9'))
    await port.closeOrder('R9')
    expect((await port.queryOrder('R9')).tradeState).toBe('CLOSED')
    await port.closeOrder('R9')
    await port.closeOrder('R10-never-created')

    await port.createPayment(input('R11'))
    cloudPay.pay('R11')
    expect(await errorOf(port.closeOrder('R11'))).toMatchObject({ code: 'REJECTED', providerCode: 'ORDERPAID' })
  })

  it('treats SYSTEMERROR as transient', async () => {
    const port = createCloudPayPort({
      cloudPay: {
        unifiedOrder: async () => ({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCodeDes: '系统错误', errCode: 0 }),
        queryOrder: async () => ({}),
        closeOrder: async () => ({}),
      },
      subMchId: SUB_MCH_ID,
      envId: 'e',
      functionName: 'gateway',
    })
    expect(await errorOf(port.createPayment(input('R12')))).toMatchObject({ code: 'UNAVAILABLE', providerCode: 'SYSTEMERROR' })
  })
})

describe('cloudPay answers as they survive wx-server-sdk', () => {
  it('recognises business codes whatever the description language, although the SDK zeroes errCode', async () => {
    for (const language of ['en', 'zh'] as const) {
      const cloudPay = createFakeCloudPay({ subMchId: SUB_MCH_ID, language })
      const port = createCloudPayPort({ cloudPay, subMchId: SUB_MCH_ID, envId: 'prod-1a2b', functionName: 'gateway' })
      // The real queryOrder answers an unknown order with "order not exist" and errCode 0.
      const raw = await cloudPay.queryOrder({ subMchId: SUB_MCH_ID, outTradeNo: 'R-missing', nonceStr: 'n' })
      expect(raw).toMatchObject({ resultCode: 'FAIL', errCode: 0, errMsg: 'cloudPay.queryOrder:ok' })
      expect(raw).not.toHaveProperty('err_code')
      expect(await port.queryOrder('R-missing')).toEqual({ tradeState: 'NOT_FOUND' })

      await port.createPayment(input('R20'))
      cloudPay.pay('R20')
      expect(await errorOf(port.createPayment(input('R20')))).toMatchObject({ code: 'REJECTED', providerCode: 'ORDERPAID' })
      expect(await errorOf(port.closeOrder('R20'))).toMatchObject({ code: 'REJECTED', providerCode: 'ORDERPAID' })
      await port.createPayment(input('R21'))
      await port.closeOrder('R21')
      await port.closeOrder('R21')
      expect(await errorOf(port.createPayment(input('R21')))).toMatchObject({ code: 'REJECTED', providerCode: 'ORDERCLOSED' })
      cloudPay.failBusinessNext('queryOrder', 'SYSTEMERROR')
      expect(await errorOf(port.queryOrder('R21'))).toMatchObject({ code: 'UNAVAILABLE', providerCode: 'SYSTEMERROR' })
    }
  })

  it('an unrecognised queryOrder failure is transient, never "order does not exist"', async () => {
    const port = createCloudPayPort({
      cloudPay: {
        unifiedOrder: async () => ({}),
        closeOrder: async () => ({}),
        queryOrder: async () => ({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCodeDes: 'something new', errCode: 0, errMsg: 'cloudPay.queryOrder:ok' }),
      },
      subMchId: SUB_MCH_ID,
      envId: 'e',
      functionName: 'gateway',
    })
    const error = await errorOf(port.queryOrder('R22'))
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.providerCode).toBeUndefined()
  })
})
