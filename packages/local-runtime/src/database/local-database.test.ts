/** Behaviour specific to the local emulator: collections, indexes, transactions, coexistence, persistence. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Db } from '@cloudbase/database'
import { isDuplicateKeyError } from '@aiphoto/runtime'
import { afterEach, describe, expect, it } from 'vitest'
import { createLocalDatabase, type LocalDatabase } from './create-local-database'

const opened: LocalDatabase[] = []
const open = (opts: Parameters<typeof createLocalDatabase>[0]) => {
  const l = createLocalDatabase(opts)
  opened.push(l)
  return l
}
afterEach(() => {
  while (opened.length) opened.pop()!.close()
})

describe('collections', () => {
  it('creates a collection on first write when not strict, and reads of unknown collections are empty', async () => {
    const { db, collections } = open({ file: ':memory:', indexes: [] })
    expect((await db.collection('fresh').get()).data).toEqual([])
    await db.collection('fresh').add({ a: 1 })
    expect(collections()).toContain('fresh')
  })

  it('strict mode refuses unknown collections with the CloudBase error shape; createCollection fixes it', async () => {
    const { db } = open({ file: ':memory:', indexes: [], strict: true })
    const err = (await db.collection('x').add({ a: 1 }).catch((e: unknown) => e)) as Error & { code: string; requestId: string }
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe('DATABASE_COLLECTION_NOT_EXIST')
    expect(err.requestId).toMatch(/^local-/)
    await db.createCollection('x')
    await db.collection('x').add({ a: 1 })
    expect((await db.collection('x').count()).total).toBe(1)
    const again = (await db.createCollection('x').catch((e: unknown) => e)) as { code: string }
    expect(again.code).toBe('DATABASE_COLLECTION_ALREADY_EXIST')
  })

  it('the default index file creates every listed collection, so strict mode behaves like a provisioned env', async () => {
    const { db, collections } = open({ file: ':memory:', strict: true })
    expect(collections()).toEqual(expect.arrayContaining(['users', 'works', 'credit_ledger', 'task_queue', 'orders', 'meta']))
    await db.collection('users').add({ openid: 'o1', invite_code: 'A' })
  })
})

describe('ids, dates and the clock', () => {
  it('generates 32-character hex ids and resolves serverDate() with the injected clock', async () => {
    const now = new Date('2030-01-02T03:04:05.678Z')
    const { db } = open({ file: ':memory:', indexes: [], clock: { now: () => now } })
    const { id } = await db.collection('c').add({ at: db.serverDate(), later: db.serverDate({ offset: 1000 }) })
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    const doc = (await db.collection('c').doc(id!).get()).data[0]
    expect(doc.at).toEqual(now)
    expect(doc.later).toEqual(new Date(now.getTime() + 1000))
    const found = await db.collection('c').where({ at: db.command.lte(db.serverDate()) }).count()
    expect(found.total).toBe(1)
  })
})

describe('unique indexes from the index file', () => {
  it('rejects a second user with the same openid, with the same error shape as CloudBase', async () => {
    const { db } = open({ file: ':memory:' })
    await db.collection('users').add({ openid: 'o1', invite_code: 'A' })
    const err = await db.collection('users').add({ openid: 'o1', invite_code: 'B' }).catch((e: unknown) => e)
    expect(isDuplicateKeyError(err)).toBe(true)
    expect((err as Error).message).toContain('openid_unique')
    expect((await db.collection('users').count()).total).toBe(1)
  })

  it('treats a missing unique field as null, so two documents without it collide (MongoDB semantics)', async () => {
    const { db } = open({ file: ':memory:' })
    await db.collection('users').add({ openid: 'o1', invite_code: 'A' })
    await db.collection('users').add({ openid: 'o2' })
    const err = await db.collection('users').add({ openid: 'o3' }).catch((e: unknown) => e)
    expect(isDuplicateKeyError(err)).toBe(true)
  })

  it('enforces unique keys inside transactions too, against committed and pending writes', async () => {
    const { db } = open({ file: ':memory:' })
    await db.collection('orders').add({ out_trade_no: 'T1' })
    const err1 = await db.runTransaction(async (t: any) => t.collection('orders').add({ out_trade_no: 'T1' })).catch((e: unknown) => e)
    expect(isDuplicateKeyError(err1)).toBe(true)
    const err2 = await db
      .runTransaction(async (t: any) => {
        await t.collection('orders').add({ out_trade_no: 'T2' })
        await t.collection('orders').add({ out_trade_no: 'T2' })
      })
      .catch((e: unknown) => e)
    expect(isDuplicateKeyError(err2)).toBe(true)
    expect((await db.collection('orders').count()).total).toBe(1)
  })
})

describe('transactions', () => {
  it('200 concurrent debit transactions on one user are all correct, and fast', async () => {
    const { db } = open({ file: ':memory:' })
    const _ = db.command
    await db.collection('users').doc('u1').set({ openid: 'o1', invite_code: 'I', credits: 1000 })
    const started = performance.now()
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_v, i) =>
        db.runTransaction(async (t: any) => {
          const u = await t.collection('users').doc('u1').get()
          if (u.data.credits < 5) throw new Error('INSUFFICIENT_CREDITS')
          await t.collection('users').doc('u1').update({ credits: _.inc(-5) })
          await t.collection('credit_ledger').add({ _id: `consume:${i}`, user_openid: 'o1', delta: -5, balance_after: u.data.credits - 5 })
        }),
      ),
    )
    const elapsed = performance.now() - started
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true)
    expect((await db.collection('users').doc('u1').get()).data[0].credits).toBe(0)
    const ledger = await db.collection('credit_ledger').where({ user_openid: 'o1' }).orderBy('balance_after', 'asc').limit(1000).get()
    expect(ledger.data).toHaveLength(200)
    expect(ledger.data.map((d: { balance_after: number }) => d.balance_after)).toEqual(Array.from({ length: 200 }, (_v, i) => i * 5))
    // 200 transactions of 5 requests each; the gateway needs >= 500 debits/s.
    expect(200 / (elapsed / 1000)).toBeGreaterThan(500)
  })

  it('a write outside the transaction to a document it read makes its write conflict, and the function is retried', async () => {
    const { db } = open({ file: ':memory:', indexes: [] })
    const _ = db.command
    await db.collection('c').doc('d').set({ n: 0 })
    let signalRead!: () => void
    const read = new Promise<void>((resolve) => (signalRead = resolve))
    // Registered here, so the write runs in the test's async context, not in the callback's.
    const outside = read.then(() => db.collection('c').doc('d').update({ n: _.inc(100) }))
    let attempts = 0
    await db.runTransaction(async (t: any) => {
      attempts++
      const cur = await t.collection('c').doc('d').get()
      if (attempts === 1) {
        signalRead()
        await outside
      }
      await t.collection('c').doc('d').update({ n: cur.data.n + 1 })
    })
    expect(attempts).toBe(2)
    expect((await db.collection('c').doc('d').get()).data[0].n).toBe(101)
  })

  it('a manual transaction whose document changed outside after it read it fails at the write and writes nothing', async () => {
    const { db } = open({ file: ':memory:', indexes: [] })
    await db.collection('c').doc('d').set({ n: 0 })
    const t = await db.startTransaction()
    await t.collection('c').doc('d').get()
    await db.collection('c').doc('d').update({ n: 7 })
    const err = (await t.collection('c').doc('d').update({ n: 1 }).catch((e: unknown) => e)) as { code: string }
    expect(err.code).toBe('DATABASE_TRANSACTION_CONFLICT')
    expect(((await t.commit().catch((e: unknown) => e)) as { code: string }).code).toBe('DATABASE_TRANSACTION_FAIL')
    expect((await db.collection('c').doc('d').get()).data[0].n).toBe(7)
    // The lock was released: the next transaction runs.
    await db.runTransaction(async (t2: any) => t2.collection('c').doc('d').update({ n: 8 }))
    expect((await db.collection('c').doc('d').get()).data[0].n).toBe(8)
  })

  it('a write outside a transaction to a document the transaction wrote waits until it ends, then applies', async () => {
    const { db } = open({ file: ':memory:', indexes: [] })
    const _ = db.command
    await db.collection('c').doc('d').set({ n: 0 })
    await db.collection('c').add({ _id: 'e', n: 0 })
    const t = await db.startTransaction()
    await t.collection('c').doc('d').update({ n: 1 })
    await t.collection('c').doc('e').remove()
    let settled = false
    const plain = db.collection('c').doc('d').update({ n: _.inc(10) }).finally(() => (settled = true))
    const plainWhere = db.collection('c').where({ n: _.gte(0) }).update({ seen: true })
    // Other requests complete meanwhile; the plain write still waits for the transaction.
    expect((await db.collection('c').doc('d').get()).data[0].n).toBe(0)
    expect(settled).toBe(false)
    await t.commit()
    expect((await plain).updated).toBe(1)
    expect((await plainWhere).updated).toBe(1) // 'e' was removed by the transaction before the update could reach it
    expect((await db.collection('c').get()).data).toEqual([{ _id: 'd', n: 11, seen: true }])
  })

  it('a non-transactional write or count issued inside a runTransaction callback is refused and nothing is written', async () => {
    const { db } = open({ file: ':memory:', indexes: [] })
    await db.collection('c').add({ _id: 'a', n: 0, k: 'x' })
    const attempts: Array<(t: any) => Promise<unknown>> = [
      // The SDK sends these three without the transaction id even on the transaction's collection.
      (t) => t.collection('c').where({ k: 'x' }).update({ n: 1 }),
      (t) => t.collection('c').where({ k: 'x' }).remove(),
      (t) => t.collection('c').where({ k: 'x' }).count(),
      // And plain writes through the database inside the callback are not part of the transaction either.
      () => db.collection('c').doc('a').update({ n: 2 }),
      () => db.collection('c').add({ _id: 'b' }),
    ]
    for (const attempt of attempts) {
      const err = (await db
        .runTransaction(async (t: any) => {
          await t.collection('c').doc('a').update({ n: 5 })
          await attempt(t)
        })
        .catch((e: unknown) => e)) as { code?: string; message?: string }
      expect(err.code).toBe('INVALID_PARAM')
      expect(err.message).toMatch(/inside a runTransaction callback/)
    }
    expect((await db.collection('c').get()).data).toEqual([{ _id: 'a', n: 0, k: 'x' }])
    // Outside a callback the same requests are fine.
    expect((await db.collection('c').where({ k: 'x' }).count()).total).toBe(1)
  })

  it('an abandoned transaction expires and stops blocking others', async () => {
    const { db } = open({ file: ':memory:', indexes: [], transactionTimeoutMs: 50 })
    const t = await db.startTransaction()
    await t.collection('c').doc('d').set({ n: 1 })
    await db.runTransaction(async (t2: any) => t2.collection('c').doc('e').set({ n: 2 }))
    expect((await db.collection('c').doc('d').get()).data).toEqual([])
    const err = (await t.commit().catch((e: unknown) => e)) as { code: string }
    expect(err.code).toBe('DATABASE_TRANSACTION_FAIL')
  })
})

describe('update paths', () => {
  it('a where().update() that fails on one matching document changes none of them (all or nothing)', async () => {
    const { db } = open({ file: ':memory:', indexes: [] })
    // Inserted in this order, so the document that can take the update comes first.
    await db.collection('c').add([
      { _id: 'ok1', g: 1, o: { a: 1 } },
      { _id: 'ok2', g: 1 },
      { _id: 'bad', g: 1, o: null },
    ])
    const err = (await db.collection('c').where({ g: 1 }).update({ v: 2, o: { b: 2 } }).catch((e: unknown) => e)) as { code?: string; message?: string }
    expect(err.code).toBe('DATABASE_REQUEST_FAILED')
    expect(err.message).toBe("Cannot create field 'b' in element {o: null}")
    expect((await db.collection('c').get()).data).toEqual([
      { _id: 'ok1', g: 1, o: { a: 1 } },
      { _id: 'ok2', g: 1 },
      { _id: 'bad', g: 1, o: null },
    ])
  })
})

describe('coexistence', () => {
  it('several in-memory databases are independent', async () => {
    const a = open({ file: ':memory:', indexes: [] })
    const b = open({ file: ':memory:', indexes: [] })
    await a.db.collection('c').add({ _id: 'x', from: 'a' })
    expect((await b.db.collection('c').doc('x').get()).data).toEqual([])
    expect((await a.db.collection('c').doc('x').get()).data[0].from).toBe('a')
  })

  it('a requester installed later (as node-sdk does on app.database()) serves only its own Db', async () => {
    const local = open({ file: ':memory:', indexes: [] })
    const seen: string[] = []
    class OtherRequester {
      constructor(readonly config: unknown) {}
      async send(action: string) {
        seen.push(action)
        return { requestId: 'other', data: { list: [] } }
      }
    }
    ;(Db as unknown as { reqClass: unknown }).reqClass = OtherRequester
    await new Db({ env: 'cloud' }).collection('c').get()
    await local.db.collection('c').add({ _id: 'x' })
    expect(seen).toEqual(['database.getDocument'])
    expect((await local.db.collection('c').doc('x').get()).data).toHaveLength(1)
  })
})

describe('file databases', () => {
  it('persist documents, indexes and shape flags across reopen (WAL)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'localdb-'))
    try {
      const file = path.join(dir, 'db.sqlite')
      const first = createLocalDatabase({ file })
      await first.db.collection('works').add({ _id: 'w1', user_openid: 'o1', tags: ['a'], created_at: new Date(5) })
      first.close()
      const second = open({ file })
      const got = await second.db.collection('works').where({ user_openid: 'o1', tags: 'a' }).get()
      expect(got.data).toEqual([{ _id: 'w1', user_openid: 'o1', tags: ['a'], created_at: new Date(5) }])
      // `tags` held an array, so it must not be pushed down after reopening either.
      expect(second.lastQuery()?.exact).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('push-down uses the declared indexes', () => {
  it('the listWorks page query seeks the user_live_created index and examines about a page of rows', async () => {
    const { db, setInstrument, lastQuery, explainLastQuery } = open({ file: ':memory:' })
    const _ = db.command
    const docs = Array.from({ length: 300 }, (_v, i) => ({
      _id: `w${String(i).padStart(4, '0')}`,
      user_openid: `u${i % 3}`,
      type: i % 2 ? 'photography' : 'fitting',
      deleted: i % 7 === 0,
      created_at: new Date(1_700_000_000_000 + i * 1000),
    }))
    for (let i = 0; i < docs.length; i += 100) await db.collection('works').add(docs.slice(i, i + 100))
    setInstrument(true)
    const cursor = docs[150]!
    const page = await db
      .collection('works')
      .where(_.and([{ user_openid: 'u0', deleted: false }, _.or([{ created_at: _.lt(cursor.created_at) }, { created_at: cursor.created_at, _id: _.lt(cursor._id) }])]))
      .orderBy('created_at', 'desc')
      .orderBy('_id', 'desc')
      .limit(12)
      .get()
    expect(page.data.map((d: { _id: string }) => d._id)).toEqual(
      docs.filter((d) => d.user_openid === 'u0' && !d.deleted && d.created_at < cursor.created_at).reverse().slice(0, 12).map((d) => d._id),
    )
    expect(explainLastQuery().join('\n')).toMatch(/USING INDEX ix_works_user_live_created/)
    expect(explainLastQuery().join('\n')).not.toMatch(/TEMP B-TREE/)
    expect(lastQuery()?.rowsExamined).toBeLessThanOrEqual(13)
  })

  it('a bounded range { $gte: A, $lt: B } seeks both bounds: a day in the middle examines that day, not the rest', async () => {
    const { db, setInstrument, lastQuery } = open({ file: ':memory:' })
    const _ = db.command
    const day = 24 * 3600 * 1000
    const start = 1_700_000_000_000
    // 10 days × 50 tasks created each day.
    const docs = Array.from({ length: 500 }, (_v, i) => ({ _id: `t${String(i).padStart(4, '0')}`, created_at: new Date(start + Math.floor(i / 50) * day + (i % 50) * 1000) }))
    for (let i = 0; i < docs.length; i += 100) await db.collection('task_queue').add(docs.slice(i, i + 100))
    setInstrument(true)
    const from = new Date(start + 2 * day)
    const to = new Date(start + 3 * day)
    const got = await db.collection('task_queue').where({ created_at: _.gte(from).and(_.lt(to)) }).orderBy('created_at', 'asc').orderBy('_id', 'asc').limit(1000).get()
    expect(got.data.map((d: { _id: string }) => d._id)).toEqual(docs.slice(100, 150).map((d) => d._id))
    // The 50 rows of the day, plus the one past the upper bound that ends the seek.
    expect(lastQuery()?.rowsExamined).toBeLessThanOrEqual(51)
  })
})
