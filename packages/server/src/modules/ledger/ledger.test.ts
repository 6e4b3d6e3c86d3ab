import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../errors'
import { createTestGateway, type TestGateway } from '../../testing'
import { changeCredits, ledgerSum } from './ledger'

let gw: TestGateway
afterEach(async () => gw?.close())

describe('credit ledger', () => {
  it('a replayed key returns the first result and changes nothing; a reused key with other input is a conflict', async () => {
    gw = await createTestGateway()
    await gw.as('alice').ok('user/register', {})
    const now = gw.clock.now()
    const first = await changeCredits(gw.rt.db, { key: 'consume:t1', openid: 'alice', delta: -30, kind: 'consume', refId: 't1' }, now)
    expect(first).toMatchObject({ balance: 70, replayed: false })
    const replay = await changeCredits(gw.rt.db, { key: 'consume:t1', openid: 'alice', delta: -30, kind: 'consume', refId: 't1' }, now)
    expect(replay).toMatchObject({ balance: 70, replayed: true, entry: { _id: 'consume:t1', balance_after: 70 } })
    await expect(changeCredits(gw.rt.db, { key: 'consume:t1', openid: 'alice', delta: -31, kind: 'consume', refId: 't1' }, now)).rejects.toMatchObject({ code: 'CONFLICT' })
    expect((await gw.as('alice').ok('user/getUserInfo')).credits).toBe(70)
    expect(await ledgerSum(gw.rt.db, 'alice')).toBe(70)
  })

  it('never overdraws: 200 concurrent debits of 1 on a balance of 100 → exactly 100 succeed', async () => {
    gw = await createTestGateway()
    await gw.as('alice').ok('user/register', {})
    const now = gw.clock.now()
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => changeCredits(gw.rt.db, { key: `consume:c${i}`, openid: 'alice', delta: -1, kind: 'consume', refId: `c${i}` }, now)),
    )
    const ok = results.filter((r) => r.status === 'fulfilled')
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(ok).toHaveLength(100)
    expect(failed.every((r) => r.reason instanceof AppError && r.reason.code === 'INSUFFICIENT_CREDITS')).toBe(true)
    expect((await gw.as('alice').ok('user/getUserInfo')).credits).toBe(0)
    expect(await ledgerSum(gw.rt.db, 'alice')).toBe(0)
  })

  it('rejects non-integer deltas and unknown users without writing', async () => {
    gw = await createTestGateway()
    await gw.as('alice').ok('user/register', {})
    const now = gw.clock.now()
    await expect(changeCredits(gw.rt.db, { key: 'x:1', openid: 'alice', delta: 1.5, kind: 'admin_adjust', refId: 'x' }, now)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(changeCredits(gw.rt.db, { key: 'x:2', openid: 'ghost', delta: 5, kind: 'admin_adjust', refId: 'x' }, now)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect((await gw.rt.db.collection('credit_ledger').where({ kind: 'admin_adjust' }).count()).total).toBe(0)
  })
})
