import { describe, expect, it } from 'vitest'
import { createClient, createCloudTransport, createHttpTransport, type FetchLike } from './index'

interface Recorded {
  url: string
  init: Parameters<FetchLike>[1]
}

function fakeFetch(status: number, body: string) {
  const calls: Recorded[] = []
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init })
    return { status, text: async () => body }
  }
  return { fetch, calls }
}

describe('createHttpTransport', () => {
  it('POSTs { $url, ...params } to /api/gateway with the bearer token', async () => {
    const { fetch, calls } = fakeFetch(200, JSON.stringify({ success: true, data: { ok: 1 } }))
    const client = createClient({ transport: createHttpTransport({ baseUrl: 'http://127.0.0.1:8787', fetch, getToken: () => 'tok.en' }) })
    await expect(client.works.toggleFavorite({ work_id: 'w_1' })).resolves.toEqual({ ok: 1 })
    expect(calls).toHaveLength(1)
    expect(calls[0]?.url).toBe('http://127.0.0.1:8787/api/gateway')
    expect(calls[0]?.init.method).toBe('POST')
    expect(calls[0]?.init.headers.authorization).toBe('Bearer tok.en')
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ $url: 'api/toggleFavorite', work_id: 'w_1' })
  })

  it('sends no authorization header without a token (same-origin base)', async () => {
    const { fetch, calls } = fakeFetch(200, JSON.stringify({ success: true, data: { items: [] } }))
    const client = createClient({ transport: createHttpTransport({ baseUrl: '', fetch, getToken: () => null }) })
    await client.payment.packages()
    expect(calls[0]?.url).toBe('/api/gateway')
    expect(calls[0]?.init.headers.authorization).toBeUndefined()
  })

  it('surfaces an HTTP 400 VALIDATION_FAILED envelope as ApiError', async () => {
    const { fetch } = fakeFetch(400, JSON.stringify({ success: false, code: 'VALIDATION_FAILED', message: 'malformed JSON' }))
    const client = createClient({ transport: createHttpTransport({ baseUrl: '', fetch, getToken: () => 't' }) })
    await expect(client.payment.packages()).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: '请求参数有误' })
  })

  it('reports a non-JSON body as INTERNAL and a failed fetch as NETWORK', async () => {
    const html = createClient({ transport: createHttpTransport({ baseUrl: '', fetch: fakeFetch(502, '<html>Bad Gateway</html>').fetch, getToken: () => 't' }) })
    await expect(html.payment.packages()).rejects.toMatchObject({ code: 'INTERNAL' })
    const down = createClient({
      transport: createHttpTransport({ baseUrl: '', fetch: async () => Promise.reject(new TypeError('Failed to fetch')), getToken: () => 't' }),
    })
    await expect(down.payment.packages()).rejects.toMatchObject({ code: 'NETWORK' })
  })
})

describe('createCloudTransport', () => {
  it('calls the gateway function with $url in data and unwraps result', async () => {
    const calls: Array<{ name: string; data: Record<string, unknown> }> = []
    const transport = createCloudTransport(async (opts) => {
      calls.push(opts)
      return { result: { success: true, data: { task_id: 't1', status: 'processing' } } }
    })
    const client = createClient({ transport })
    await expect(client.photography.progress({ task_id: 't1' })).resolves.toMatchObject({ status: 'processing' })
    expect(calls).toEqual([{ name: 'gateway', data: { $url: 'photography/getProgress', task_id: 't1' } }])
  })

  it('treats an undefined function result (unknown $url in tcb-router) as UNKNOWN_ACTION', async () => {
    const client = createClient({ transport: createCloudTransport(async () => ({})) })
    await expect(client.payment.packages()).rejects.toMatchObject({ code: 'UNKNOWN_ACTION' })
  })
})
