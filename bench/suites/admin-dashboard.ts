/**
 * The operators' dashboard (`admin/getDashboard`, 30 days) on 100k works/tasks over 30 days, 1k users, their ledger
 * entries and paid orders, in a file database, through the gateway. Measured: rows SQLite examined per page view
 * (summed over every query of the call, via the database's request interceptor) and time, for
 *   - a view with the day roll-ups stored (the normal case: the timer keeps today fresh),
 *   - a view where today's roll-up is stale (recomputed from today's index range),
 * beside, in the same run, the first view (every day computed from the sources: the cost of aggregating per view)
 * and the collections' size (what a full scan would read).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createAppGateway } from '@aiphoto/server'
import { contextFor, createLocalRuntime, manualClock } from '@aiphoto/local-runtime'
import { jsonLogger } from '@aiphoto/runtime'
import { percentile, type BenchRow, type BenchSuite } from '../types'

const USERS = 1000
const TASKS = 100_000
const DAYS = 30
const DAY_MS = 24 * 3600_000
const ADMIN = 'bench-admin'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const suite: BenchSuite = {
  name: 'admin-dashboard',
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-dash-'))
    // Noon of a Shanghai day, so "today" has half a day of data.
    const now = new Date(Date.UTC(2026, 10, 30, 4, 0, 0))
    const clock = manualClock(now)
    const rt = createLocalRuntime({ dataDir: dir, clock, logger: jsonLogger(() => {}), providers: () => null, config: { adminOpenids: [ADMIN] } })
    try {
      const { db } = rt
      const rand = rng(7)
      const start = now.getTime() - (DAYS - 1) * DAY_MS - 12 * 3600_000
      const span = now.getTime() - start
      const loadStart = performance.now()
      const users = Array.from({ length: USERS }, (_, i) => `u${String(i).padStart(4, '0')}`)
      let batch: Record<string, unknown[]> = { users: [], task_queue: [], works: [], credit_ledger: [], orders: [] }
      const flush = async (force = false) => {
        for (const [coll, docs] of Object.entries(batch)) {
          if (docs.length >= 1000 || (force && docs.length)) {
            await db.collection(coll).add(docs)
            batch[coll] = []
          }
        }
      }
      for (const [i, u] of users.entries()) {
        const at = new Date(start + Math.floor((i / USERS) * span))
        batch.users!.push({ _id: u, openid: u, nickname: u, avatar_url: '', credits: 0, invite_code: `C${String(i).padStart(5, '0')}`, invited_by: null, checkin_streak: 0, last_checkin_date: null, created_at: at, updated_at: at })
        batch.credit_ledger!.push({ _id: `signup_bonus:${u}`, user_openid: u, delta: 100, balance_after: 100, kind: 'signup_bonus', ref_id: u, reason: null, created_at: at })
      }
      for (let i = 0; i < TASKS; i++) {
        const user = users[Math.floor(rand() * USERS)]!
        const created = new Date(start + Math.floor((i / TASKS) * span))
        const r = rand()
        const status = r < 0.85 ? 'completed' : r < 0.95 ? 'failed' : 'cancelled'
        const finished = new Date(created.getTime() + 2_000 + Math.floor(rand() * 60_000))
        const id = `t${String(i).padStart(7, '0')}`
        const type = rand() < 0.6 ? 'photography' : 'fitting'
        batch.task_queue!.push({ _id: id, user_openid: user, type, status, created_at: created, updated_at: finished, finished_at: finished, provider_id: 'dashscope-1', cost: 20, refunded: status === 'completed' ? 0 : 20, attempts: 1, work_id: `w${id}` })
        batch.works!.push({ _id: `w${id}`, user_openid: user, type, status, task_id: id, images: [], created_at: created, cost: 20, refunded: status === 'completed' ? 0 : 20, is_favorite: false, deleted: false })
        batch.credit_ledger!.push({ _id: `consume:${id}`, user_openid: user, delta: -20, balance_after: 0, kind: 'consume', ref_id: id, reason: null, created_at: created })
        if (status !== 'completed') batch.credit_ledger!.push({ _id: `refund:${id}`, user_openid: user, delta: 20, balance_after: 0, kind: 'refund', ref_id: id, reason: null, created_at: finished })
        if (i % 20 === 0) {
          batch.orders!.push({ _id: `o${i}`, user_openid: user, type: 'recharge', amount: 600, amount_fen: 600, credits: 60, status: 'paid', created_at: created, out_trade_no: `R${i}`, package_id: 'pkg_6', package_name: '6元', transaction_id: `tx${i}`, paid_at: created, expires_at: created, closed_at: null, updated_at: created })
          batch.credit_ledger!.push({ _id: `recharge:R${i}`, user_openid: user, delta: 60, balance_after: 0, kind: 'recharge', ref_id: `R${i}`, reason: null, created_at: created })
        }
        if (i % 10 === 0) batch.credit_ledger!.push({ _id: `checkin:${user}:${i}`, user_openid: user, delta: 5, balance_after: 0, kind: 'checkin', ref_id: user, reason: null, created_at: created })
        await flush()
      }
      await flush(true)
      batch = {}
      rt.database.analyze()
      const sizes = Object.fromEntries(await Promise.all(['task_queue', 'works', 'credit_ledger', 'orders', 'users'].map(async (c) => [c, (await db.collection(c).count()).total] as const)))
      const fullScan = Object.values(sizes).reduce((a, b) => a + b, 0)
      process.stderr.write(`[bench] admin-dashboard: loaded ${JSON.stringify(sizes)} in ${((performance.now() - loadStart) / 1000).toFixed(1)} s\n`)

      // Rows examined by every query the database runs, summed per call.
      rt.database.setInstrument(true)
      let examined = 0
      let queries = 0
      rt.database.setInterceptor(async (action, _params, next) => {
        const res = await next()
        if (action === 'database.getDocument') {
          examined += rt.database.lastQuery()?.rowsExamined ?? 0
          queries++
        }
        return res
      })
      const main = createAppGateway(rt)
      const view = async () => {
        examined = 0
        queries = 0
        const t0 = performance.now()
        const res = (await main({ $url: 'admin/getDashboard', range: '30d' }, contextFor({ kind: 'user', openid: ADMIN, source: 'test' }))) as { success: boolean; data?: { totals: { generations: number } } }
        const ms = performance.now() - t0
        if (!res.success) throw new Error(`getDashboard failed: ${JSON.stringify(res)}`)
        return { ms, examined, queries, generations: res.data!.totals.generations }
      }

      const cold = await view()
      if (cold.generations !== TASKS) throw new Error(`dashboard counted ${cold.generations} generations, expected ${TASKS}`)
      const warm: Array<Awaited<ReturnType<typeof view>>> = []
      for (let i = 0; i < 21; i++) warm.push(await view())
      const stale: Array<Awaited<ReturnType<typeof view>>> = []
      for (let i = 0; i < 5; i++) {
        clock.advance(61_000)
        stale.push(await view())
      }
      rt.database.setInterceptor(null)
      rt.database.setInstrument(false)
      const todayRows = Math.round(fullScan / DAYS / 2) // half a day of every source collection but works (approx.)
      const warmRows = Math.max(...warm.map((w) => w.examined))
      const staleRows = Math.max(...stale.map((s) => s.examined))
      process.stderr.write(`[bench] admin-dashboard: cold ${cold.queries} queries, warm ${warm[0]!.queries}, stale ${stale[0]!.queries}; today ≈ ${todayRows} rows\n`)
      return [
        {
          suite: 'admin-dashboard',
          name: `30-day view, roll-ups stored: rows SQLite examined (max of 21; ${TASKS / 1000}k works/tasks, ${USERS} users)`,
          value: warmRows,
          unit: 'rows',
          baseline: { name: 'first view, every day computed from the sources', value: cold.examined },
          goal: '≤ 100 rows',
          pass: warmRows <= 100,
        },
        { suite: 'admin-dashboard', name: '30-day view, roll-ups stored (median of 21)', value: percentile(warm.map((w) => w.ms), 50), unit: 'ms', baseline: { name: 'first view', value: cold.ms } },
        {
          suite: 'admin-dashboard',
          name: "30-day view with today's roll-up stale: rows examined (max of 5)",
          value: staleRows,
          unit: 'rows',
          baseline: { name: 'rows in the source collections (a full scan)', value: fullScan },
          goal: '≤ 5 % of a full scan',
          pass: staleRows <= fullScan * 0.05,
        },
        { suite: 'admin-dashboard', name: "30-day view with today's roll-up stale (median of 5)", value: percentile(stale.map((s) => s.ms), 50), unit: 'ms' },
      ]
    } finally {
      await rt.close()
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

export default suite
