import { actionUrls, actions, ERROR_CODES } from '@aiphoto/contract'
import { createLocalRuntime, contextFor } from '@aiphoto/local-runtime'
import { memoryLogger } from '@aiphoto/runtime'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from '../testing'
import { createGateway } from './create-gateway'
import { AppError } from '../errors'
import { platformHandlers } from '../modules'

let gw: TestGateway
afterEach(async () => gw?.close())

const isEnvelope = (v: unknown) => {
  const e = v as { success?: unknown; code?: unknown; data?: unknown; message?: unknown }
  if (e?.success === true) return 'data' in e
  return e?.success === false && ERROR_CODES.includes(e.code as never) && typeof e.message === 'string'
}

describe('gateway main(event, context)', () => {
  it('answers every declared action with an envelope, for every kind of caller', async () => {
    gw = await createTestGateway()
    await gw.as('openid-admin').ok('user/register', {})
    for (const url of actionUrls) {
      for (const client of [gw.anonymous, gw.as('openid-bob'), gw.as('openid-admin'), gw.system]) {
        const res = await client.call(url, {})
        expect(isEnvelope(res), `${url} as ${client.caller.kind}: ${JSON.stringify(res)}`).toBe(true)
        if (!res.success) expect(res.code).not.toBe('INTERNAL')
      }
    }
  })

  it('refuses unknown, prototype-named and non-string $url without crashing', async () => {
    gw = await createTestGateway()
    const alice = { kind: 'user', openid: 'alice', source: 'test' } as const
    for (const url of ['nope/nothing', 'constructor', 'toString', '__proto__', 'hasOwnProperty', ['user/register'], 42, null, { a: 1 }, '']) {
      const res = await gw.raw({ $url: url }, alice)
      expect(res, String(url)).toMatchObject({ success: false, code: 'UNKNOWN_ACTION' })
    }
    for (const event of [null, 'string', 42, [1, 2]]) {
      expect(await gw.raw(event, alice)).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    }
    expect(await gw.raw({ foo: 1 }, alice)).toMatchObject({ success: false, code: 'UNKNOWN_ACTION' })
  })

  it('maps thrown errors to the envelope; INTERNAL carries no stack or SDK message', async () => {
    const logger = memoryLogger()
    const rt = createLocalRuntime({ dataDir: ':memory:', logger, providers: () => null })
    const main = createGateway(rt, {
      platform: platformHandlers,
      procedures: {
        'user/getUserInfo': async () => {
          throw new Error('DATABASE_REQUEST_FAILED: secret-token-abc at /srv/app.js:10')
        },
        'user/updateUserInfo': async () => {
          throw new AppError('CONFLICT', '冲突了', { why: 'test' })
        },
        'scene/getScenes': async () => ({ items: 'not-an-array' }) as never,
        'payment/dailyCheckin': async () => {
          throw Object.assign(new Error('[TransactionConflict] write conflict'), { code: 'DATABASE_TRANSACTION_CONFLICT' })
        },
      },
    })
    const ctx = contextFor({ kind: 'user', openid: 'u1', source: 'test' })
    const internal = await main({ $url: 'user/getUserInfo' }, ctx)
    expect(internal).toEqual({ success: false, code: 'INTERNAL', message: expect.any(String) })
    expect(JSON.stringify(internal)).not.toMatch(/secret-token|DATABASE|srv|at /)
    expect(await main({ $url: 'user/updateUserInfo', nickname: 'x' }, ctx)).toEqual({ success: false, code: 'CONFLICT', message: '冲突了', details: { why: 'test' } })
    // An output that breaks the contract is a server bug: INTERNAL, not malformed data.
    expect(await main({ $url: 'scene/getScenes' }, ctx)).toMatchObject({ success: false, code: 'INTERNAL' })
    expect(logger.lines.some((l) => l.includes('"unhandled"'))).toBe(true)
    // Contention that outlived runTransaction's retries: the caller may retry.
    expect(await main({ $url: 'payment/dailyCheckin' }, ctx)).toEqual({ success: false, code: 'CONFLICT', message: expect.any(String) })
    await rt.close()
  })

  it('takes identity only from the platform: an openid in the body is ignored', async () => {
    gw = await createTestGateway()
    await gw.as('alice').ok('user/register', {})
    await gw.as('bob').ok('user/register', {})
    const viaBody = await gw.as('alice').ok('user/getUserInfo', { openid: 'bob', OPENID: 'bob' } as never)
    expect(viaBody.openid).toBe('alice')
    const anonymous = await gw.anonymous.call('user/getUserInfo', { openid: 'bob' } as never)
    expect(anonymous).toMatchObject({ success: false, code: 'UNAUTHENTICATED' })
    const renamed = await gw.as('alice').ok('user/updateUserInfo', { nickname: '爱丽丝', openid: 'bob' } as never)
    expect(renamed.openid).toBe('alice')
    expect((await gw.as('bob').ok('user/getUserInfo')).nickname).not.toBe('爱丽丝')
  })

  it('enforces access rules from the contract', async () => {
    gw = await createTestGateway()
    const bob = gw.as('bob')
    for (const url of actionUrls) {
      const def = actions[url]
      const res = await bob.call(url, {})
      if (def.access === 'admin' || def.access === 'system') expect(res, url).toMatchObject({ success: false, code: 'FORBIDDEN' })
      const anon = await gw.anonymous.call(url, {})
      if (def.access !== 'public' && def.access !== 'system') expect(anon, url).toMatchObject({ success: false, code: 'UNAUTHENTICATED' })
      if (def.access === 'system') expect(anon, url).toMatchObject({ success: false, code: 'FORBIDDEN' })
    }
  })

  it('rate-limits per user and action', async () => {
    gw = await createTestGateway({ config: { rateLimit: { windowMs: 60_000, defaultMax: 5 } } })
    const alice = gw.as('alice')
    await alice.ok('user/register', {})
    const codes: string[] = []
    for (let i = 0; i < 8; i++) {
      const r = await alice.call('user/getUserInfo', {})
      codes.push(r.success ? 'OK' : r.code)
    }
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED'])
    // Another user and another action are not affected; the window resets.
    await gw.as('bob').ok('user/register', {})
    expect((await gw.as('bob').call('user/getUserInfo', {})).success).toBe(true)
    gw.clock.advance(60_001)
    expect((await alice.call('user/getUserInfo', {})).success).toBe(true)
  })

  it('recognises platform events and refuses them from users', async () => {
    gw = await createTestGateway()
    const timer = { Type: 'Timer', TriggerName: 'queue', Time: '2026-01-01T00:00:00Z', Message: '' }
    expect(await gw.raw(timer)).toMatchObject({ success: true })
    expect(await gw.raw(timer, { kind: 'user', openid: 'mallory', source: 'test' })).toMatchObject({ success: false, code: 'FORBIDDEN' })
    const callback = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: 'NOPE', totalFee: 600, transactionId: 't' }
    expect(await gw.raw(callback, { kind: 'user', openid: 'mallory', source: 'test' })).toMatchObject({ errcode: -1 })
  })

  it('logs one JSON line per call with hashed openid and result code, never the openid', async () => {
    gw = await createTestGateway()
    await gw.as('openid-secretive').call('user/register', {})
    await gw.as('openid-secretive').call('user/updateUserInfo', { nickname: '' })
    const calls = gw.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'call')
    expect(calls).toHaveLength(2)
    expect(calls[0]).toMatchObject({ action: 'user/register', code: 'OK', request_id: expect.any(String), duration_ms: expect.any(Number) })
    expect(calls[1]).toMatchObject({ action: 'user/updateUserInfo', code: 'VALIDATION_FAILED' })
    expect(calls[0].caller).toMatch(/^[0-9a-f]{16}$/)
    expect(gw.logs.join('\n')).not.toContain('openid-secretive')
  })
})

describe('gateway with a runtime that cannot be built', () => {
  it('answers INTERNAL (or a retry to WeChat Pay) and tries again on the next call', async () => {
    let attempts = 0
    const main = createGateway(
      () => {
        attempts++
        throw new Error('AIPHOTO_SECRET_KEY is not set')
      },
      { procedures: {}, platform: platformHandlers },
    )
    expect(await main({ $url: 'user/getUserInfo' }, {})).toEqual({ success: false, code: 'INTERNAL', message: expect.any(String) })
    expect(await main({ returnCode: 'SUCCESS', outTradeNo: 'X1', totalFee: 1 }, {})).toEqual({ errcode: -1, errmsg: 'RETRY' })
    expect(attempts).toBe(2)
  })
})
