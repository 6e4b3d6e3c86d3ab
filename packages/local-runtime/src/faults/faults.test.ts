import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { systemClock, type Database, type ImageProvider } from '@aiphoto/runtime'
import { afterEach, describe, expect, it } from 'vitest'
import { createLocalDatabase, type LocalDatabase } from '../database'
import { createDiskStorage } from '../storage/disk-storage'
import { createFaultInjector, InstanceKilledError, isInjected, type FaultPlan } from './index'

const opened: LocalDatabase[] = []
const dirs: string[] = []
afterEach(() => {
  for (const d of opened.splice(0)) d.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function setup(plan: FaultPlan, transactionTimeoutMs = 10_000) {
  const local = createLocalDatabase({ file: ':memory:', indexes: [], transactionTimeoutMs })
  opened.push(local)
  const faults = createFaultInjector(plan)
  local.setInterceptor(faults.dbInterceptor)
  return { db: local.db, faults }
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    return String((err as { code?: unknown }).code ?? (err as Error).message)
  }
}

describe('database faults at the requester', () => {
  it('is reproducible: the same seed and invocation labels give the same faults; another seed others', async () => {
    const plan = (seed: number): FaultPlan => ({ seed, db: { errorRate: 0.3, ambiguousRate: 0.2 } })
    const runOnce = async (seed: number) => {
      const { db, faults } = setup(plan(seed))
      const seen: string[] = []
      for (let i = 0; i < 40; i++) {
        seen.push(await faults.run(`call-${i}`, () => outcome(db.collection('c').add({ i }))))
      }
      return { seen, counts: { ...faults.counts } }
    }
    const a = await runOnce(7)
    const b = await runOnce(7)
    const c = await runOnce(8)
    expect(b).toEqual(a)
    expect(c.seen).not.toEqual(a.seen)
    expect(a.counts.db_error).toBeGreaterThan(0)
    expect(a.counts.db_ambiguous).toBeGreaterThan(0)
  })

  it('a transient error is thrown in node-sdk shapes and writes nothing', async () => {
    const { db, faults } = setup({ seed: 1, db: { errorRate: 1 } })
    const codes = new Set<string>()
    for (let i = 0; i < 30; i++) {
      const err = await faults.run(`t${i}`, () => db.collection('c').doc(`d${i}`).set({ v: i }).then(() => null, (e: unknown) => e))
      expect(isInjected(err)).toBe(true)
      codes.add(String((err as { code: unknown }).code))
    }
    // DATABASE_REQUEST_FAILED / SYS_ERR (TcbError with a requestId) and a connect timeout (ETIMEDOUT).
    expect([...codes].sort()).toEqual(['DATABASE_REQUEST_FAILED', 'ETIMEDOUT', 'SYS_ERR'])
    expect((await db.collection('c').count()).total).toBe(0)
  })

  it('an ambiguous write is applied although the caller gets a timeout or a 502', async () => {
    const { db, faults } = setup({ seed: 2, db: { ambiguousRate: 1 } })
    const err = await faults.run('w', () => db.collection('c').add({ _id: 'x', v: 1 }).then(() => null, (e: unknown) => e))
    expect(['ESOCKETTIMEDOUT', 'ECONNRESET', 502]).toContain((err as { code: unknown }).code)
    expect((await db.collection('c').doc('x').get()).data).toEqual([{ _id: 'x', v: 1 }])
    // A committed transaction whose answer is lost: the SDK's rollback cannot undo it.
    await db.collection('acct').add({ _id: 'a', n: 0 })
    const txErr = await faults.run('tx', () =>
      db.runTransaction(async (tx: Pick<Database, 'collection'>) => {
        await tx.collection('acct').doc('a').update({ n: 1 })
      }).then(() => null, (e: unknown) => e),
    )
    expect(isInjected(txErr)).toBe(true)
    expect((await db.collection('acct').doc('a').get()).data[0].n).toBe(1)
  })

  it('injected conflicts are retried by runTransaction, and a transaction that lost stays unapplied', async () => {
    const { db, faults } = setup({ seed: 3, db: { conflictRate: 0.3 } })
    await db.collection('acct').add({ _id: 'a', n: 0 })
    let applied = 0
    for (let i = 0; i < 30; i++) {
      const r = await faults.run(`inc${i}`, () =>
        outcome(
          db.runTransaction(async (tx: Pick<Database, 'collection'>) => {
            const cur = (await tx.collection('acct').doc('a').get()).data as { n: number }
            await tx.collection('acct').doc('a').update({ n: cur.n + 1 })
          }),
        ),
      )
      if (r === 'ok') applied++
      else expect(r).toBe('DATABASE_TRANSACTION_CONFLICT')
    }
    expect(faults.counts.db_conflict).toBeGreaterThan(0)
    expect(applied).toBeGreaterThan(0)
    expect((await db.collection('acct').doc('a').get()).data[0].n).toBe(applied)
  })

  it('a killed instance fails every later call, and its open transaction is ended for it', async () => {
    // A transaction timeout of 10 minutes: if the dead instance's transaction kept the lock, the next one would hang.
    const { db, faults } = setup({ seed: 4 }, 600_000)
    await db.collection('acct').add({ _id: 'a', n: 0 })
    const err = await faults.run('dies', async () => {
      const e = await db
        .runTransaction(async (tx: Pick<Database, 'collection'>) => {
          await tx.collection('acct').doc('a').update({ n: 1 })
          faults.plan.killRate = 1
          await tx.collection('acct').doc('a').get()
        })
        .then(() => null, (e: unknown) => e)
      faults.plan.killRate = 0
      expect(faults.killedAt()).toBe('database.getDocument')
      expect(await outcome(db.collection('acct').doc('a').get())).toContain('instance killed')
      return e
    })
    expect(err).toBeInstanceOf(InstanceKilledError)
    expect(faults.counts.kill).toBe(1)
    // Outside any invocation nothing is injected; the dead transaction was not applied and holds no lock.
    await db.runTransaction(async (tx: Pick<Database, 'collection'>) => {
      await tx.collection('acct').doc('a').update({ n: 5 })
    })
    expect((await db.collection('acct').doc('a').get()).data[0].n).toBe(5)
  })

  it('switched off, nothing is injected', async () => {
    const { db, faults } = setup({ seed: 5, db: { errorRate: 1, ambiguousRate: 1 }, killRate: 1 })
    faults.enabled = false
    expect(await faults.run('off', () => outcome(db.collection('c').add({ v: 1 })))).toBe('ok')
    expect(Object.values(faults.counts).every((n) => n === 0)).toBe(true)
  })
})

describe('storage and provider faults', () => {
  it('storage: an error stores nothing; a timed-out upload may have landed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faults-'))
    dirs.push(dir)
    const disk = createDiskStorage({ dir, baseUrl: 'http://127.0.0.1', signingKey: randomBytes(32), clock: systemClock })
    const failing = createFaultInjector({ seed: 6, storage: { errorRate: 1 } })
    const s1 = failing.wrapStorage(disk)
    expect(await failing.run('u1', () => outcome(s1.upload({ cloudPath: 'users/u/a.jpg', content: Buffer.from('a') })))).toBe('STORAGE_REQUEST_FAIL')
    expect(await disk.stat('local://users/u/a.jpg')).toBeNull()
    const slow = createFaultInjector({ seed: 6, storage: { timeoutRate: 1 } })
    const s2 = slow.wrapStorage(disk)
    expect(await slow.run('u2', () => outcome(s2.upload({ cloudPath: 'users/u/b.jpg', content: Buffer.from('b') })))).toBe('ESOCKETTIMEDOUT')
    expect(await disk.stat('local://users/u/b.jpg')).toMatchObject({ size: 1 })
    // The wrapper keeps the disk storage's own methods.
    expect(s2.resolvePath('users/u/b.jpg')).toBe(disk.resolvePath('users/u/b.jpg'))
  })

  it('providers: an error means the provider never saw the call; a timeout means it did', async () => {
    let submits = 0
    const provider: ImageProvider = {
      name: 'p',
      supports: () => true,
      submit: async () => {
        submits++
        return { state: 'running', providerTaskId: `t${submits}` }
      },
      poll: async (id) => ({ state: 'running', providerTaskId: id }),
    }
    const config = { id: 'p', provider: 'p', api_name: 'p', endpoint: 'local:p', headers: {}, default_params: {} }
    const job = {} as Parameters<ImageProvider['submit']>[0]
    const e = createFaultInjector({ seed: 9, provider: { errorRate: 1 } })
    const p1 = e.wrapProviders(() => provider)(config)!
    expect(await e.run('s1', () => outcome(p1.submit(job)))).toBe('ServiceUnavailable')
    expect(submits).toBe(0)
    const t = createFaultInjector({ seed: 9, provider: { timeoutRate: 1 } })
    const p2 = t.wrapProviders(() => provider)(config)!
    expect(await t.run('s2', () => outcome(p2.submit(job)))).toBe('ESOCKETTIMEDOUT')
    expect(submits).toBe(1)
    // Outside an invocation: untouched.
    await expect(p2.submit(job)).resolves.toMatchObject({ state: 'running' })
  })
})
