import { describe, expect, it } from 'vitest'
import { cloudbaseSettingsFromEnv } from './cloudbase-env'

describe('CloudBase settings from the environment', () => {
  it('has defaults and reads the platform env id', () => {
    expect(cloudbaseSettingsFromEnv({})).toEqual({
      envId: null,
      cloudPaySubMchId: null,
      functionName: 'gateway',
      miniprogramState: undefined,
      dbTimeoutMs: undefined,
      paymentProvider: 'cloudpay',
      wechatPay: null,
    })
    expect(cloudbaseSettingsFromEnv({ SCF_NAMESPACE: 'prod-1' }).envId).toBe('prod-1')
    expect(cloudbaseSettingsFromEnv({ TCB_ENV: 'prod-2', SCF_NAMESPACE: 'prod-1' }).envId).toBe('prod-2')
  })

  it('reads the optional settings and trims them', () => {
    expect(
      cloudbaseSettingsFromEnv({
        AIPHOTO_CLOUDPAY_SUB_MCH_ID: ' 1900000109 ',
        AIPHOTO_FUNCTION_NAME: 'gateway-staging',
        AIPHOTO_MINIPROGRAM_STATE: 'trial',
        AIPHOTO_TCB_TIMEOUT_MS: '5000',
      }),
    ).toMatchObject({ cloudPaySubMchId: '1900000109', functionName: 'gateway-staging', miniprogramState: 'trial', dbTimeoutMs: 5000 })
  })

  it('refuses values that would misroute calls', () => {
    expect(() => cloudbaseSettingsFromEnv({ AIPHOTO_FUNCTION_NAME: '../x' })).toThrow(/AIPHOTO_FUNCTION_NAME/)
    expect(() => cloudbaseSettingsFromEnv({ AIPHOTO_MINIPROGRAM_STATE: 'prod' })).toThrow(/AIPHOTO_MINIPROGRAM_STATE/)
    expect(() => cloudbaseSettingsFromEnv({ AIPHOTO_TCB_TIMEOUT_MS: '1.5' })).toThrow(/AIPHOTO_TCB_TIMEOUT_MS/)
    expect(() => cloudbaseSettingsFromEnv({ AIPHOTO_TCB_TIMEOUT_MS: '10' })).toThrow(/AIPHOTO_TCB_TIMEOUT_MS/)
    expect(() => cloudbaseSettingsFromEnv({ AIPHOTO_PAYMENT_PROVIDER: 'alipay' })).toThrow(/AIPHOTO_PAYMENT_PROVIDER/)
    expect(() => cloudbaseSettingsFromEnv({ AIPHOTO_PAYMENT_PROVIDER: 'wechatpay-v3', AIPHOTO_WECHATPAY_MCHID: '1' })).toThrow(/AIPHOTO_WECHATPAY_APPID/)
  })
})
