import { afterAll, describe, expect, it } from 'vitest'
import { PaymentError, type Clock, type Database, type Ids } from '@aiphoto/runtime'
import { createLocalPayPort, FAKE_PAY_COLLECTION } from './index'
import { createLocalDatabase, type LocalDatabase } from '../database'
import { createMemoryDb } from './testing/memory-db'

const opened: LocalDatabase[] = []
afterAll(() => opened.forEach((database) => database.close()))
function sqlite(strict: boolean): Database {
  const database = createLocalDatabase({ file: ':memory:', strict })
  opened.push(database)
  return database.db
}

/** Each backend provides a fresh Db. */
const backends: Array<{ name: string; open: () => Database }> = [
  { name: 'the SQLite emulator', open: () => sqlite(false) },
  { name: 'the SQLite emulator in strict mode (collections must be created)', open: () => sqlite(true) },
  { name: 'the in-memory stand-in', open: () => createMemoryDb().db },
]

function harness(db: Database) {
  let now = new Date('2025-03-01T04:00:00Z')
  let n = 0
  const clock: Clock = { now: () => now }
  const ids: Ids = { id: () => (++n).toString(16).padStart(32, 'a'), token: () => `t${++n}` }
  const port = createLocalPayPort({ db, checkoutBaseUrl: 'http://127.0.0.1:8787/', clock, ids })
  return { port, advance: (ms: number) => (now = new Date(now.getTime() + ms)), now: () => now }
}

const input = (outTradeNo: string, over: Partial<{ amountFen: number; payerOpenid: string }> = {}) => ({
  outTradeNo,
  amountFen: 600,
  description: 'AI摄影师-积分充值',
  payerOpenid: 'oUser1',
  expiresAt: new Date('2025-03-01T04:30:00Z'),
  ...over,
})

async function errorOf(promise: Promise<unknown>): Promise<PaymentError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(PaymentError)
    expect((error as PaymentError).provider).toBe('local')
    return error as PaymentError
  }
  throw new Error('expected a PaymentError')
}

describe.each(backends)('createLocalPayPort on $name', ({ open }) => {
  it('records a transaction and sends the payer to the dev checkout page', async () => {
    const { port } = harness(open())
    expect(await port.createPayment(input('R2025_a-1'))).toEqual({
      kind: 'checkout',
      url: 'http://127.0.0.1:8787/dev/checkout?out_trade_no=R2025_a-1',
    })
    expect(await port.getTransaction('R2025_a-1')).toMatchObject({
      _id: 'R2025_a-1',
      amount_fen: 600,
      description: 'AI摄影师-积分充值',
      payer_openid: 'oUser1',
      state: 'NOTPAY',
      expires_at: new Date('2025-03-01T04:30:00Z'),
    })
    expect(await port.queryOrder('R2025_a-1')).toEqual({ tradeState: 'NOTPAY', amountFen: 600, payerOpenid: 'oUser1' })
    expect(await port.queryOrder('R-unknown')).toEqual({ tradeState: 'NOT_FOUND' })
  })

  it('confirms a payment once and reports it from its own records', async () => {
    const { port, advance, now } = harness(open())
    await port.createPayment(input('R1'))
    advance(60_000)
    const notification = await port.confirmPayment('R1')
    expect(notification).toMatchObject({ outTradeNo: 'R1', totalFee: 600, success: true, payerOpenid: 'oUser1', paidAt: now() })
    expect(notification.transactionId).toMatch(/^4200[0-9a-f]{24}$/)
    expect(await port.queryOrder('R1')).toEqual({
      tradeState: 'SUCCESS',
      amountFen: 600,
      payerOpenid: 'oUser1',
      transactionId: notification.transactionId,
      paidAt: now(),
    })
    advance(1000)
    expect(await port.confirmPayment('R1')).toEqual(notification)
  })

  it('refuses to confirm unknown, closed and expired orders', async () => {
    const { port, advance } = harness(open())
    expect(await errorOf(port.confirmPayment('R-none'))).toMatchObject({ code: 'REJECTED', providerCode: 'ORDER_NOT_EXIST' })
    await port.createPayment(input('R2'))
    await port.closeOrder('R2')
    expect(await errorOf(port.confirmPayment('R2'))).toMatchObject({ code: 'REJECTED', providerCode: 'ORDER_CLOSED' })
    await port.createPayment(input('R3'))
    advance(30 * 60_000)
    expect(await errorOf(port.confirmPayment('R3'))).toMatchObject({ code: 'REJECTED', providerCode: 'ORDER_EXPIRED' })
    expect((await port.queryOrder('R3')).tradeState).toBe('NOTPAY')
  })

  it('closes idempotently but never closes a paid order', async () => {
    const { port } = harness(open())
    await port.createPayment(input('R4'))
    await port.closeOrder('R4')
    await port.closeOrder('R4')
    await port.closeOrder('R-never')
    expect((await port.queryOrder('R4')).tradeState).toBe('CLOSED')
    await port.createPayment(input('R5'))
    await port.confirmPayment('R5')
    expect(await errorOf(port.closeOrder('R5'))).toMatchObject({ code: 'REJECTED', providerCode: 'ORDERPAID' })
    expect((await port.queryOrder('R5')).tradeState).toBe('SUCCESS')
  })

  it('treats a repeated createPayment like WeChat Pay treats a repeated order', async () => {
    const { port } = harness(open())
    const first = await port.createPayment(input('R6'))
    expect(await port.createPayment(input('R6'))).toEqual(first)
    expect(await errorOf(port.createPayment(input('R6', { amountFen: 1 })))).toMatchObject({ providerCode: 'OUT_TRADE_NO_USED' })
    expect(await errorOf(port.createPayment(input('R6', { payerOpenid: 'oOther' })))).toMatchObject({ providerCode: 'OUT_TRADE_NO_USED' })
    await port.confirmPayment('R6')
    expect(await errorOf(port.createPayment(input('R6')))).toMatchObject({ providerCode: 'ORDERPAID' })
  })

  it('validates input like the real providers', async () => {
    const { port } = harness(open())
    for (const bad of ['', 'x'.repeat(33), 'a b', '订单']) {
      expect((await errorOf(port.createPayment(input(bad)))).code).toBe('INVALID_INPUT')
    }
    expect((await errorOf(port.createPayment(input('R7', { amountFen: 0 })))).code).toBe('INVALID_INPUT')
    expect((await errorOf(port.createPayment(input('R7', { amountFen: 9.9 })))).code).toBe('INVALID_INPUT')
  })

  it('forges a success notification that its own records contradict', async () => {
    const { port } = harness(open())
    await port.createPayment(input('R8'))
    const forged = await port.forgeNotification('R8')
    expect(forged).toMatchObject({ outTradeNo: 'R8', totalFee: 600, success: true, payerOpenid: 'oUser1' })
    expect((await port.queryOrder('R8')).tradeState).toBe('NOTPAY')
    expect(await port.forgeNotification('R8', 1)).toMatchObject({ totalFee: 1, success: true })
    expect(await port.forgeNotification('R-unknown')).toMatchObject({ outTradeNo: 'R-unknown', totalFee: 0, success: true })
    expect((await port.queryOrder('R-unknown')).tradeState).toBe('NOT_FOUND')
  })

  it('lets exactly one of two concurrent confirmations record the payment', async () => {
    const { port } = harness(open())
    await port.createPayment(input('R9'))
    const [a, b] = await Promise.all([port.confirmPayment('R9'), port.confirmPayment('R9')])
    expect(a.transactionId).toBe(b.transactionId)
    expect((await port.queryOrder('R9')).transactionId).toBe(a.transactionId)
  })
})

describe('collection bootstrap', () => {
  it(`creates ${FAKE_PAY_COLLECTION} on first use when the database lacks it`, async () => {
    const memory = createMemoryDb()
    const { port } = harness(memory.db)
    await port.createPayment(input('R10'))
    expect(memory.collections.get(FAKE_PAY_COLLECTION)?.size).toBe(1)
  })

  it('works on a strict emulator that refuses uncreated collections', async () => {
    const database = createLocalDatabase({ file: ':memory:', strict: true })
    opened.push(database)
    await expect(database.db.collection(FAKE_PAY_COLLECTION).doc('R11').get()).rejects.toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST' })
    const { port } = harness(database.db)
    expect((await port.queryOrder('R11')).tradeState).toBe('NOT_FOUND')
    expect(database.collections()).toContain(FAKE_PAY_COLLECTION)
  })
})
