import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { manualClock } from '@aiphoto/local-runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalCloud, type StartedLocalCloud } from '../start'
import { safeReturnPath } from './dev-pay'

let cloud: StartedLocalCloud
let dir: string
const clock = manualClock('2026-01-15T02:00:00Z')

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'aiphoto-devpay-'))
  cloud = await startLocalCloud({ PORT: '0', HOST: '127.0.0.1', AIPHOTO_DATA_DIR: path.join(dir, 'data') }, { worker: false, clock, logger: { info() {}, warn() {}, error() {} } })
})
afterAll(async () => {
  await cloud?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(cloud.url + p, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })

async function user(openid: string) {
  const res = await post('/api/dev/login', { openid, nickname: openid })
  const token = ((await res.json()) as { data: { token: string } }).data.token
  const call = async (body: object) => (await (await post('/api/gateway', body, { authorization: `Bearer ${token}` })).json()) as { success: boolean; data: any; code?: string }
  return { call }
}

async function newOrder(u: Awaited<ReturnType<typeof user>>, package_id = 'pkg_30') {
  const res = await u.call({ $url: 'payment/createOrder', package_id })
  expect(res.success).toBe(true)
  return res.data as { out_trade_no: string; payment: { kind: string; url: string } }
}

const ACK = { errcode: 0, errmsg: 'SUCCESS' }

describe('dev checkout and dev pay endpoints', () => {
  it('checkout page → confirm → the gateway credits once; the page then shows it paid', async () => {
    const alice = await user('pay_alice')
    const order = await newOrder(alice)
    expect(order.payment.kind).toBe('checkout')
    const checkoutPath = new URL(order.payment.url).pathname + new URL(order.payment.url).search
    expect(checkoutPath).toBe(`/dev/checkout?out_trade_no=${order.out_trade_no}`)

    const pageRes = await fetch(cloud.url + checkoutPath)
    expect(pageRes.status).toBe(200)
    expect(pageRes.headers.get('content-type')).toContain('text/html')
    const html = await pageRes.text()
    expect(html).toContain('确认支付')
    expect(html).toContain('¥</span>30.00')
    expect(html).toContain('标准包')
    expect(html).toContain('name="viewport"')
    expect(html).toContain('取消')
    expect(html).toContain(`/#/package-account/recharge/index?paid=${order.out_trade_no}`)
    expect(html).toContain(`href="/#/package-account/recharge/index?cancelled=${order.out_trade_no}"`)

    const confirm = await post('/api/dev/pay/confirm', { out_trade_no: order.out_trade_no })
    expect(confirm.status).toBe(200)
    expect(await confirm.json()).toEqual({ success: true, data: { credited: true, reply: ACK } })
    expect((await alice.call({ $url: 'user/getUserInfo' })).data.credits).toBe(100 + 330)

    // Pressing the button again: same payment, acknowledged duplicate, nothing more.
    expect(await (await post('/api/dev/pay/confirm', { out_trade_no: order.out_trade_no })).json()).toEqual({ success: true, data: { credited: true, reply: ACK } })
    expect((await alice.call({ $url: 'user/getUserInfo' })).data.credits).toBe(430)
    expect(await alice.call({ $url: 'payment/getOrder', out_trade_no: order.out_trade_no })).toMatchObject({ success: true, data: { status: 'paid', credits_balance: 430 } })
    expect(await (await fetch(cloud.url + checkoutPath)).text()).toContain('已支付')
  })

  it('notify (forged/early/replayed) never credits an unpaid order; after the real payment a replay changes nothing', async () => {
    const bob = await user('pay_bob')
    const order = await newOrder(bob, 'pkg_6')
    const early = (await (await post('/api/dev/pay/notify', { out_trade_no: order.out_trade_no })).json()) as { data: { credited: boolean; reply: { errcode: number } } }
    expect(early.data.credited).toBe(false)
    expect(early.data.reply.errcode).not.toBe(0)
    const wrongAmount = await (await post('/api/dev/pay/notify', { out_trade_no: order.out_trade_no, amount_fen: 1 })).json()
    expect(wrongAmount).toEqual({ success: true, data: { credited: false, reply: ACK } })
    const unknown = await (await post('/api/dev/pay/notify', { out_trade_no: 'R_UNKNOWN_ORDER' })).json()
    expect(unknown).toEqual({ success: true, data: { credited: false, reply: ACK } })
    expect((await bob.call({ $url: 'user/getUserInfo' })).data.credits).toBe(100)

    await post('/api/dev/pay/confirm', { out_trade_no: order.out_trade_no })
    const replays = await Promise.all(Array.from({ length: 5 }, () => post('/api/dev/pay/notify', { out_trade_no: order.out_trade_no }).then((r) => r.json())))
    for (const r of replays) expect(r).toEqual({ success: true, data: { credited: true, reply: ACK } })
    expect((await bob.call({ $url: 'user/getUserInfo' })).data.credits).toBe(160)
  })

  it('refuses unknown, expired and malformed confirmations', async () => {
    const carol = await user('pay_carol')
    expect((await post('/api/dev/pay/confirm', { out_trade_no: 'R_NOT_THERE' })).status).toBe(404)
    for (const bad of [{}, { out_trade_no: { $ne: null } }, { out_trade_no: 'abc' }, { out_trade_no: 'R123456789', extra: 1 }, 'not json', [1]]) {
      const res = await post('/api/dev/pay/confirm', bad)
      expect(res.status, JSON.stringify(bad)).toBe(400)
      expect(await res.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    }
    expect((await post('/api/dev/pay/notify', { out_trade_no: 'R123456789', amount_fen: -1 })).status).toBe(400)

    const order = await newOrder(carol, 'pkg_6')
    clock.advance(31 * 60_000)
    const expired = await post('/api/dev/pay/confirm', { out_trade_no: order.out_trade_no })
    expect(expired.status).toBe(409)
    expect(await expired.json()).toMatchObject({ success: false, code: 'CONFLICT' })
    expect(await (await fetch(`${cloud.url}/dev/checkout?out_trade_no=${order.out_trade_no}`)).text()).toContain('订单已关闭')
    expect((await carol.call({ $url: 'user/getUserInfo' })).data.credits).toBe(100)
  })

  it('checkout validates its parameters: order number and a same-origin return path only', async () => {
    const dave = await user('pay_dave')
    const order = await newOrder(dave, 'pkg_6')
    const ok = await fetch(`${cloud.url}/dev/checkout?out_trade_no=${order.out_trade_no}&return=${encodeURIComponent('/#/pages/mine/index?from=pay')}`)
    expect(ok.status).toBe(200)
    const html = await ok.text()
    expect(html).toContain('/#/pages/mine/index?from=pay')
    for (const ret of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/a b']) {
      const res = await fetch(`${cloud.url}/dev/checkout?out_trade_no=${order.out_trade_no}&return=${encodeURIComponent(ret)}`)
      expect(res.status, ret).toBe(400)
    }
    expect((await fetch(`${cloud.url}/dev/checkout?out_trade_no=%3Cscript%3E`)).status).toBe(400)
    expect((await fetch(`${cloud.url}/dev/checkout?out_trade_no=R_NOT_THERE_1`)).status).toBe(404)
  })

  it('safeReturnPath accepts only same-origin relative paths', () => {
    expect(safeReturnPath('/#/pages/recharge/index?paid=R1')).toBe('/#/pages/recharge/index?paid=R1')
    expect(safeReturnPath('/')).toBe('/')
    for (const bad of [null, '', 'pages/x', '//x.com', '/\\x.com', 'http://x.com', '/x\ny', '/' + 'a'.repeat(600)]) expect(safeReturnPath(bad)).toBeNull()
  })
})
