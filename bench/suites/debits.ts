/**
 * Debits on one hot user: 200 concurrent debits of 1 credit through the gateway (`admin/adjustCredits`, a real
 * action: access, validation, ledger transaction with key `admin_adjust:<request_id>`, audit record) beside the
 * same 200 debits applied directly with `changeCredits` (no gateway, no audit record), in the same run, rounds
 * interleaved. Every round checks correctness: all 200 succeed, final balance and ledger sum are exact.
 * NOTE: the per-minute rate limit is raised for the bench admin (the default 120/min would refuse a burst of 200
 * from one admin); the limiter's own cost is still paid on every call.
 */
import { createAppGateway } from '@aiphoto/server'
import { contextFor, createLocalRuntime } from '@aiphoto/local-runtime'
import { jsonLogger } from '@aiphoto/runtime'
// NOTE: not in the server's public API; the bench measures the ledger itself as the baseline.
import { changeCredits, ledgerSum } from '../../packages/server/src/modules/ledger/ledger'
import type { BenchRow, BenchSuite } from '../types'
import { percentile } from '../types'

const DEBITS = 200
const ROUNDS = 7
const TOP_UP = 150 // + 100 signup bonus = 250 before the debits

const suite: BenchSuite = {
  name: 'debits',
  async run(): Promise<BenchRow[]> {
    const rt = createLocalRuntime({
      dataDir: ':memory:',
      logger: jsonLogger(() => {}),
      providers: () => null,
      config: { adminOpenids: ['bench-admin'], rateLimit: { windowMs: 60_000, defaultMax: Number.MAX_SAFE_INTEGER } },
    })
    const main = createAppGateway(rt)
    const as = (openid: string) => contextFor({ kind: 'user', openid, source: 'test' })
    const call = async (openid: string, event: Record<string, unknown>) => {
      const res = (await main(event, as(openid))) as { success: boolean; code?: string; data?: unknown }
      return res
    }
    const register = async (openid: string) => {
      const res = await call(openid, { $url: 'user/register' })
      if (!res.success) throw new Error(`register failed: ${JSON.stringify(res)}`)
    }

    const verify = async (openid: string, label: string) => {
      const user = (await rt.db.collection('users').doc(openid).get()).data[0] as { credits: number }
      const sum = await ledgerSum(rt.db, openid)
      const expected = 100 + TOP_UP - DEBITS
      if (user.credits !== expected || sum !== expected) throw new Error(`${label}: balance ${user.credits}, ledger sum ${sum}, expected ${expected}`)
    }

    async function viaGateway(round: number): Promise<number> {
      const openid = `gw-user-${round}`
      await register(openid)
      const top = await call('bench-admin', { $url: 'admin/adjustCredits', openid, delta: TOP_UP, reason: '压测充值', request_id: `top-up-gw-${round}` })
      if (!top.success) throw new Error(`top-up failed: ${JSON.stringify(top)}`)
      const t0 = performance.now()
      const results = await Promise.all(
        Array.from({ length: DEBITS }, (_, i) => call('bench-admin', { $url: 'admin/adjustCredits', openid, delta: -1, reason: '压测扣减', request_id: `debit-${round}-${String(i).padStart(4, '0')}` })),
      )
      const ms = performance.now() - t0
      const failed = results.filter((r) => !r.success)
      if (failed.length) throw new Error(`gateway debits failed: ${failed.length}, first ${JSON.stringify(failed[0])}`)
      await verify(openid, 'gateway')
      return ms
    }

    async function direct(round: number): Promise<number> {
      const openid = `direct-user-${round}`
      await register(openid)
      const now = rt.clock.now()
      await changeCredits(rt.db, { key: `admin_adjust:top-up-direct-${round}`, openid, delta: TOP_UP, kind: 'admin_adjust', refId: 'bench', reason: '压测充值' }, now)
      const t0 = performance.now()
      await Promise.all(
        Array.from({ length: DEBITS }, (_, i) =>
          changeCredits(rt.db, { key: `admin_adjust:direct-${round}-${i}`, openid, delta: -1, kind: 'admin_adjust', refId: 'bench', reason: '压测扣减' }, rt.clock.now()),
        ),
      )
      const ms = performance.now() - t0
      await verify(openid, 'direct')
      return ms
    }

    // Warm-up round (JIT, SQLite statement cache), not counted.
    await viaGateway(-1)
    await direct(-1)
    const gw: number[] = []
    const base: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        gw.push(await viaGateway(r))
        base.push(await direct(r))
      } else {
        base.push(await direct(r))
        gw.push(await viaGateway(r))
      }
    }
    await rt.close()

    const gwMs = percentile(gw, 50)
    const baseMs = percentile(base, 50)
    const opsGw = (DEBITS * 1000) / gwMs
    const opsBase = (DEBITS * 1000) / baseMs
    return [
      {
        suite: 'debits',
        name: `${DEBITS} concurrent debits on one user via admin/adjustCredits (median of ${ROUNDS} rounds; balance + ledger sum checked)`,
        value: opsGw,
        unit: 'ops/s',
        baseline: { name: 'same debits via changeCredits, no gateway', value: opsBase },
        goal: '≥ 500 ops/s',
        pass: opsGw >= 500,
      },
      {
        suite: 'debits',
        name: 'gateway + audit record cost per debit',
        value: (gwMs - baseMs) / DEBITS,
        unit: 'ms',
        baseline: { name: 'changeCredits per debit', value: baseMs / DEBITS },
      },
    ]
  },
}
export default suite
