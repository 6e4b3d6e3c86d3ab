import { beforeEach, describe, expect, it } from 'vitest'
import { createCloudMessages } from './messages'
import { createFakeWxCloud, FakeCloudSDKError, type FakeWxCloud } from './testing/fake-wx-cloud'

let cloud: FakeWxCloud
beforeEach(() => {
  cloud = createFakeWxCloud()
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
