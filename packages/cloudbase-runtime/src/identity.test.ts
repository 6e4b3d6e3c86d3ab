import { describe, expect, it } from 'vitest'
import { createWxContextIdentity } from './identity'
import { createFakeWxCloud } from './testing/fake-wx-cloud'

describe('identity from getWXContext', () => {
  it('is the WeChat user when OPENID is set', async () => {
    const cloud = createFakeWxCloud()
    cloud.context = { OPENID: 'oAbCdEfGhIjKlMnOpQrStUvWxYz0', APPID: 'wx123' }
    expect(await createWxContextIdentity(cloud).resolve({}, {})).toEqual({ kind: 'user', openid: 'oAbCdEfGhIjKlMnOpQrStUvWxYz0', source: 'wechat' })
  })

  it('is anonymous without OPENID (timer trigger, payment callback, console) and with an empty one', async () => {
    const cloud = createFakeWxCloud()
    const identity = createWxContextIdentity(cloud)
    expect(await identity.resolve({ Type: 'Timer', TriggerName: 'queue' }, {})).toEqual({ kind: 'anonymous' })
    cloud.context = { OPENID: '' }
    expect(await identity.resolve({}, {})).toEqual({ kind: 'anonymous' })
  })

  it('never takes an openid from the event body or the context argument', async () => {
    const cloud = createFakeWxCloud()
    const identity = createWxContextIdentity(cloud)
    expect(await identity.resolve({ openid: 'oForged', OPENID: 'oForged', userInfo: { openId: 'oForged' } }, { OPENID: 'oForged' })).toEqual({ kind: 'anonymous' })
    expect(cloud.callsOf('getWXContext')).toHaveLength(1)
  })

  it('does not trust an OPENID that cannot be an openid', async () => {
    const cloud = createFakeWxCloud()
    const identity = createWxContextIdentity(cloud)
    for (const OPENID of [12345678, 'a/b/c/d/e/f', 'x'.repeat(65), 'abc']) {
      cloud.context = { OPENID }
      expect(await identity.resolve({}, {})).toEqual({ kind: 'anonymous' })
    }
  })
})
