import { describe, expect, it, vi } from 'vitest'
import { actions, ERROR_MESSAGES, isActionUrl } from '@aiphoto/contract'
import { ACTION_GROUPS, ApiError, createClient, type GatewayRequest, type Transport } from './index'

function fakeTransport(answer: unknown | ((req: GatewayRequest) => unknown)) {
  const sent: GatewayRequest[] = []
  const transport: Transport = async (req) => {
    sent.push(req)
    return typeof answer === 'function' ? (answer as (r: GatewayRequest) => unknown)(req) : answer
  }
  return { transport, sent }
}

const page = { items: [], next_cursor: null }

describe('createClient.call', () => {
  it('sends the validated input with defaults and $url, and returns the data', async () => {
    const { transport, sent } = fakeTransport({ success: true, data: page })
    const client = createClient({ transport })
    await expect(client.call('api/listWorks', { tab: 'favorite' })).resolves.toEqual(page)
    expect(sent).toEqual([{ $url: 'api/listWorks', tab: 'favorite', pageSize: 12 }])
  })

  it('rejects invalid input before sending, with the contract message when it is Chinese', async () => {
    const { transport, sent } = fakeTransport({ success: true, data: {} })
    const client = createClient({ transport })
    const err = await client.call('photography/generate', { count: 2 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('VALIDATION_FAILED')
    expect((err as ApiError).message).toBe('请上传服装图片并选择场景')
    expect(sent).toHaveLength(0)
  })

  it('uses the generic Chinese message for zod-only validation failures and keeps the issues', async () => {
    const { transport, sent } = fakeTransport({ success: true, data: {} })
    const client = createClient({ transport })
    // A $ne-style object must never reach the server.
    const err = (await client.call('api/getWorkDetail', { work_id: { $ne: null } as never }).catch((e: unknown) => e)) as ApiError
    expect(err.code).toBe('VALIDATION_FAILED')
    expect(err.message).toBe(ERROR_MESSAGES.VALIDATION_FAILED)
    expect(Array.isArray(err.details)).toBe(true)
    expect(sent).toHaveLength(0)
  })

  it('rejects unknown keys (strict inputs)', async () => {
    const { transport } = fakeTransport({ success: true, data: {} })
    const client = createClient({ transport })
    await expect(client.call('api/toggleFavorite', { work_id: 'w1', user_openid: 'x' } as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
  })

  it('turns an error envelope into ApiError with the Chinese message for the code', async () => {
    const { transport } = fakeTransport({ success: false, code: 'INSUFFICIENT_CREDITS', message: 'balance 10 < cost 20', details: { cost: 20 } })
    const client = createClient({ transport })
    const err = (await client.call('photography/generate', { from_work_id: 'w1' }).catch((e: unknown) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('INSUFFICIENT_CREDITS')
    expect(err.message).toBe('积分不足，请先充值')
    expect(err.serverMessage).toBe('balance 10 < cost 20')
    expect(err.details).toEqual({ cost: 20 })
    expect(err.url).toBe('photography/generate')
  })

  it('keeps a more specific Chinese message from the server', async () => {
    const { transport } = fakeTransport({ success: false, code: 'CONFLICT', message: '该任务已完成，无法取消' })
    const client = createClient({ transport })
    await expect(client.call('api/cancelTask', { task_id: 't1' })).rejects.toMatchObject({ code: 'CONFLICT', message: '该任务已完成，无法取消' })
  })

  it('maps an unknown error code to INTERNAL and a missing answer to UNKNOWN_ACTION', async () => {
    const weird = createClient({ transport: fakeTransport({ success: false, code: 'BOOM', message: 'stack...' }).transport })
    await expect(weird.call('payment/getPackages')).rejects.toMatchObject({ code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL })
    const none = createClient({ transport: fakeTransport(undefined).transport })
    await expect(none.call('payment/getPackages')).rejects.toMatchObject({ code: 'UNKNOWN_ACTION' })
    const garbage = createClient({ transport: fakeTransport('<html>').transport })
    await expect(garbage.call('payment/getPackages')).rejects.toMatchObject({ code: 'INTERNAL' })
  })

  it('reports a transport failure as NETWORK with the cause kept', async () => {
    const boom = new Error('socket hang up')
    const client = createClient({ transport: async () => Promise.reject(boom) })
    const err = (await client.call('scene/getScenes').catch((e: unknown) => e)) as ApiError
    expect(err.code).toBe('NETWORK')
    expect(err.message).toBe('网络异常，请检查网络后重试')
    expect(err.cause).toBe(boom)
  })

  it('calls onUnauthenticated once per expired-session answer and still throws', async () => {
    const onUnauthenticated = vi.fn()
    const client = createClient({
      transport: fakeTransport({ success: false, code: 'UNAUTHENTICATED', message: 'token expired' }).transport,
      onUnauthenticated,
    })
    await expect(client.call('user/getUserInfo')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: '登录已失效，请重新登录' })
    expect(onUnauthenticated).toHaveBeenCalledTimes(1)
    expect(onUnauthenticated.mock.calls[0]?.[0]).toBeInstanceOf(ApiError)
    const other = vi.fn()
    const c2 = createClient({ transport: fakeTransport({ success: false, code: 'FORBIDDEN', message: '' }).transport, onUnauthenticated: other })
    await expect(c2.call('user/getUserInfo')).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(other).not.toHaveBeenCalled()
  })

  it('refuses names that are not own actions without sending', async () => {
    const { transport, sent } = fakeTransport({ success: true, data: 1 })
    const client = createClient({ transport })
    await expect((client.call as (url: string) => Promise<unknown>)('constructor')).rejects.toMatchObject({ code: 'UNKNOWN_ACTION' })
    expect(sent).toHaveLength(0)
  })
})

describe('grouped methods', () => {
  it('name only real contract actions, and each group method calls its action', async () => {
    const { transport, sent } = fakeTransport((req: GatewayRequest) => ({ success: true, data: { url: req.$url } }))
    const client = createClient({ transport })
    for (const [group, methods] of Object.entries(ACTION_GROUPS)) {
      for (const [name, url] of Object.entries(methods)) {
        expect(isActionUrl(url)).toBe(true)
        const method = (client as unknown as Record<string, Record<string, unknown>>)[group]?.[name]
        expect(typeof method).toBe('function')
        expect(actions[url]).toBeDefined()
      }
    }
    await client.works.list({ tab: 'photography', cursor: 'abc' })
    await client.payment.checkin()
    await client.scenes.list({ category: 'street' })
    expect(sent).toEqual([
      { $url: 'api/listWorks', tab: 'photography', pageSize: 12, cursor: 'abc' },
      { $url: 'payment/dailyCheckin' },
      { $url: 'scene/getScenes', category: 'street' },
    ])
  })

  it('validates through grouped methods too', async () => {
    const { transport, sent } = fakeTransport({ success: true, data: {} })
    const client = createClient({ transport })
    await expect(client.user.update({})).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: '至少修改一项' })
    await expect(client.payment.createOrder({ package_id: 'has space' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(sent).toHaveLength(0)
  })
})
