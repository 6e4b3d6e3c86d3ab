import { isPaymentError, memoryLogger, verifySystemCall, type Database, type ProviderFactory } from '@aiphoto/runtime'
import { describe, expect, it } from 'vitest'
import { createCloudbaseRuntime } from './create-cloudbase-runtime'
import type { NodeSdkModule } from './database'
import { createFakeWxCloud, FAKE_BUCKET } from './testing/fake-wx-cloud'

const SECRET = 'ab'.repeat(32)
const providers: ProviderFactory = () => null

function fakeTcb() {
  const inits: Array<{ env: unknown; timeout?: number }> = []
  const db = { collection: () => ({}) } as unknown as Database
  const tcb: NodeSdkModule = { SYMBOL_CURRENT_ENV: Symbol('current'), init: (c) => (inits.push(c), { database: () => db }) }
  return { tcb, inits, db }
}

describe('createCloudbaseRuntime', () => {
  it('wires every port to the injected cloud and node-sdk', async () => {
    const cloud = createFakeWxCloud()
    const { tcb, inits, db } = fakeTcb()
    const logger = memoryLogger()
    const now = new Date('2025-03-01T00:00:00Z')
    const rt = createCloudbaseRuntime({
      cloud,
      tcb,
      env: { AIPHOTO_SECRET_KEY: SECRET, AIPHOTO_ADMIN_OPENIDS: 'oAdmin1', AIPHOTO_TCB_TIMEOUT_MS: '4000' },
      providers,
      logger,
      clock: { now: () => now },
      fetch: cloud.fetch,
    })
    expect(rt.config.runtimeName).toBe('cloudbase')
    expect(rt.config.adminOpenids).toEqual(['oAdmin1'])
    expect(rt.db).toBe(db)
    expect(inits).toEqual([{ env: tcb.SYMBOL_CURRENT_ENV, timeout: 4000 }])
    expect(rt.providers).toBe(providers)
    expect(rt.logger).toBe(logger)

    const { fileId } = await rt.storage.upload({ cloudPath: 'users/oUser12345/a.jpg', content: Buffer.from('x') })
    expect(fileId.startsWith(FAKE_BUCKET)).toBe(true)
    expect(await rt.storage.stat(fileId)).toMatchObject({ size: 1, ownerOpenid: 'oUser12345' })

    cloud.context = { OPENID: 'oUser12345' }
    expect(await rt.identity.resolve({}, {})).toMatchObject({ kind: 'user', openid: 'oUser12345' })

    await rt.scheduler.kick('test')
    const kick = cloud.callsOf('callFunction')[0]!.params
    expect(kick.name).toBe('gateway')
    expect(verifySystemCall(rt.config.secretKey, 'queue/processTask', kick.data.$system, now)).toBe(true)

    cloud.templates.set('T', ['thing1'])
    cloud.acceptSubscription('oUser12345', 'T')
    expect(await rt.messages.sendSubscribe({ touser: 'oUser12345', templateId: 'T', data: { thing1: { value: '生成完成' } } })).toEqual({ ok: true })
    expect(await rt.contentSafety.checkText({ text: 'hi', openid: 'oUser12345', scene: 'profile' })).toEqual({ ok: true })
  })

  it('throws when AIPHOTO_SECRET_KEY is missing (the gateway must turn this into INTERNAL)', () => {
    expect(() => createCloudbaseRuntime({ cloud: createFakeWxCloud(), tcb: fakeTcb().tcb, env: {}, providers })).toThrow(/AIPHOTO_SECRET_KEY/)
  })

  it('answers payments as UNAVAILABLE until a cloudPay merchant is configured', async () => {
    const cloud = createFakeWxCloud()
    const rt = createCloudbaseRuntime({ cloud, tcb: fakeTcb().tcb, env: { AIPHOTO_SECRET_KEY: SECRET, TCB_ENV: 'prod-1' }, providers, logger: memoryLogger() })
    expect(rt.payment.provider).toBe('cloudpay')
    const err = await rt.payment.queryOrder('R20250301000001').catch((e: unknown) => e)
    expect(isPaymentError(err) && err.code).toBe('UNAVAILABLE')
    expect(cloud.callsOf('cloudPay.queryOrder')).toHaveLength(0)
  })

  it('hands cloud.cloudPay, the merchant id, env id and function name to the cloudPay adapter', async () => {
    const cloud = createFakeWxCloud()
    const rt = createCloudbaseRuntime({
      cloud,
      tcb: fakeTcb().tcb,
      env: { AIPHOTO_SECRET_KEY: SECRET, TCB_ENV: 'prod-1', AIPHOTO_CLOUDPAY_SUB_MCH_ID: '1900000109', AIPHOTO_FUNCTION_NAME: 'gw' },
      providers,
      logger: memoryLogger(),
    })
    await rt.payment
      .createPayment({ outTradeNo: 'R20250301000001', amountFen: 600, description: '积分充值', payerOpenid: 'oUser12345', expiresAt: new Date(Date.now() + 600_000) })
      .catch(() => undefined)
    const [order] = cloud.callsOf('cloudPay.unifiedOrder')
    expect(order!.params).toMatchObject({ subMchId: '1900000109', envId: 'prod-1', functionName: 'gw', totalFee: 600, outTradeNo: 'R20250301000001' })
  })
})
