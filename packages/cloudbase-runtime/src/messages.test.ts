import { beforeEach, describe, expect, it } from 'vitest'
import type { SubscribeMessage } from '@aiphoto/runtime'
import { createCloudMessages } from './messages'
import { createFakeWxCloud, FakeCloudSDKError, type FakeWxCloud } from './testing/fake-wx-cloud'

let cloud: FakeWxCloud
beforeEach(() => {
  cloud = createFakeWxCloud()
  cloud.templates.set('TPL_DONE', ['thing1'])
  cloud.acceptSubscription('oUser1234567', 'TPL_DONE', 5)
})

const message = { touser: 'oUser1234567', templateId: 'TPL_DONE', page: 'pages/progress/index?id=t1', data: { thing1: { value: '生成完成' } } }

describe('subscribe messages', () => {
  it('sends camelCase params (the SDK converts them) and answers ok', async () => {
    const messages = createCloudMessages({ cloud, miniprogramState: 'trial' })
    expect(await messages.sendSubscribe(message)).toEqual({ ok: true })
    expect(cloud.callsOf('openapi.subscribeMessage.send')[0]!.params).toEqual({
      touser: 'oUser1234567',
      templateId: 'TPL_DONE',
      page: 'pages/progress/index?id=t1',
      data: { thing1: { value: '生成完成' } },
      miniprogramState: 'trial',
    })
  })

  it('leaves out page and miniprogramState when not given', async () => {
    const { page: _page, ...noPage } = message
    await createCloudMessages({ cloud }).sendSubscribe(noPage)
    expect(Object.keys(cloud.callsOf('openapi.subscribeMessage.send')[0]!.params).sort()).toEqual(['data', 'templateId', 'touser'])
  })

  it('turns a refusal (43101: user did not subscribe) into ok:false with the code, never a throw', async () => {
    cloud.handlers.subscribeMessageSend = async () => {
      throw new FakeCloudSDKError(43101, 'openapi.subscribeMessage.send:fail user refuse to accept the msg')
    }
    const res = await createCloudMessages({ cloud }).sendSubscribe(message)
    expect(res).toEqual({ ok: false, errCode: 43101, errMsg: 'openapi.subscribeMessage.send:fail user refuse to accept the msg' })
  })

  it('answers ok:false without a code for a network failure', async () => {
    cloud.handlers.subscribeMessageSend = async () => {
      throw new TypeError('socket hang up')
    }
    const res = await createCloudMessages({ cloud }).sendSubscribe(message)
    expect(res.ok).toBe(false)
    expect(res.errCode).toBeUndefined()
    expect(res.errMsg).toContain('socket hang up')
  })

  it('treats a resolved result that still carries a non-zero errCode as a failure', async () => {
    cloud.handlers.subscribeMessageSend = async () => ({ errCode: 47003, errMsg: 'argument invalid! data.thing1.value' })
    expect(await createCloudMessages({ cloud }).sendSubscribe(message)).toMatchObject({ ok: false, errCode: 47003 })
  })
})

describe('the fake subscribeMessage.send answers like WeChat', () => {
  const send = (over: Partial<SubscribeMessage> = {}) => createCloudMessages({ cloud }).sendSubscribe({ ...message, ...over })

  it('43101 once the one-time subscriptions are used up, and for a user who never accepted', async () => {
    cloud.subscriptions.clear()
    cloud.acceptSubscription('oUser1234567', 'TPL_DONE')
    expect(await send()).toEqual({ ok: true })
    expect(await send()).toMatchObject({ ok: false, errCode: 43101 })
    expect(await send({ touser: 'oOther123456' })).toMatchObject({ ok: false, errCode: 43101 })
  })

  it('47003 for a data key the template lacks or misses, or a value its type refuses; 40037 for an unknown template', async () => {
    expect(await send({ data: { thing9: { value: 'x' } } })).toMatchObject({ ok: false, errCode: 47003, errMsg: expect.stringContaining('data.thing9') })
    cloud.templates.set('TPL_TWO', ['thing1', 'phrase2'])
    cloud.acceptSubscription('oUser1234567', 'TPL_TWO')
    expect(await send({ templateId: 'TPL_TWO' })).toMatchObject({ ok: false, errCode: 47003, errMsg: expect.stringContaining('data.phrase2.value is empty') })
    expect(await send({ templateId: 'TPL_TWO', data: { thing1: { value: 'x' }, phrase2: { value: '完成了吗吗吗' } } })).toMatchObject({ ok: false, errCode: 47003 })
    expect(await send({ data: { thing1: { value: '一'.repeat(21) } } })).toMatchObject({ ok: false, errCode: 47003 })
    expect(await send({ templateId: 'TPL_TWO', data: { thing1: { value: 'x' }, phrase2: { value: '生成完成' } } })).toEqual({ ok: true })
    expect(await send({ templateId: 'NOPE' })).toMatchObject({ ok: false, errCode: 40037 })
  })
})
