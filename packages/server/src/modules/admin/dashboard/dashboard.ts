/**
 * `admin/getDashboard`: merges the stored daily roll-ups of the range (≤ 30 documents by `_id`). Only today's may
 * be recomputed here, when the timer has not refreshed it for TODAY_MAX_AGE_MS (locally there is no timer), and
 * missing past days are computed once and stored. Circuit state is read live from api_configs (a handful of rows).
 */
import type { Dashboard, DashboardRange, StatsPoint } from '@aiphoto/contract'
import type { Runtime } from '@aiphoto/runtime'
import { must, toIsoOrNull } from '../../../lib/db'
import type { ApiConfigDoc, TaskStatus } from '../../../data/documents'
import { isOpen } from '../../queue/provider-selection'
import { addDays, dayOf, DURATION_BUCKETS_MS, loadDays, rollupDay, TODAY_MAX_AGE_MS, type HourStats, type StatsDayDoc } from './rollup'

const SPAN: Record<DashboardRange, number> = { today: 1, '7d': 7, '30d': 30 }

function sum(into: HourStats, h: HourStats): HourStats {
  into.generations += h.generations
  into.completed += h.completed
  into.failed += h.failed
  into.revenue_fen += h.revenue_fen
  into.credits_issued += h.credits_issued
  into.credits_consumed += h.credits_consumed
  into.new_users += h.new_users
  into.checkins += h.checkins
  return into
}
const zero = (): HourStats => ({ generations: 0, completed: 0, failed: 0, revenue_fen: 0, credits_issued: 0, credits_consumed: 0, new_users: 0, checkins: 0 })

/** The upper bound of the bucket holding the q-quantile, or null for an empty histogram. */
export function quantileOf(hist: number[], q: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0)
  if (total === 0) return null
  const rank = Math.ceil(q * total)
  let seen = 0
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]!
    if (seen >= rank) return DURATION_BUCKETS_MS[i] ?? DURATION_BUCKETS_MS[DURATION_BUCKETS_MS.length - 1]! * 2
  }
  return null
}

export async function getDashboard(rt: Runtime, range: DashboardRange, now: Date): Promise<Dashboard> {
  const today = dayOf(now)
  const days = Array.from({ length: SPAN[range] }, (_, i) => addDays(today, i - SPAN[range] + 1))
  const stored = new Map((await loadDays(rt, days)).map((d) => [d._id, d]))
  for (const day of days) {
    const doc = stored.get(day)
    const stale = day === today ? !doc || now.getTime() - new Date(doc.computed_at).getTime() >= TODAY_MAX_AGE_MS : !doc || !doc.final
    if (stale) stored.set(day, await rollupDay(rt, day, now))
  }
  const docs = days.map((d) => stored.get(d)!) as StatsDayDoc[]

  const series: StatsPoint[] =
    range === 'today'
      ? docs[0]!.hours.map((h, i) => ({ label: `${i}时`, ...h }))
      : docs.map((d) => ({ label: d.day.slice(5), ...d.hours.reduce(sum, zero()) }))
  const totals = series.reduce((acc, p) => sum(acc, p), zero())

  const byMode = new Map<string, number>()
  const hist = new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0)
  const failures = new Map<string, number>()
  for (const d of docs) {
    for (const [k, n] of Object.entries(d.by_mode ?? {})) byMode.set(k, (byMode.get(k) ?? 0) + n)
    d.duration_hist?.forEach((n, i) => (hist[i] = (hist[i] ?? 0) + n))
    for (const [k, n] of Object.entries(d.provider_failures ?? {})) failures.set(k, (failures.get(k) ?? 0) + n)
  }
  const finished = totals.completed + totals.failed
  const configs = must(await rt.db.collection('api_configs').orderBy('priority', 'desc').limit(100).field({ _id: true, api_name: true, is_active: true, failures: true, open_until: true }).get()) as {
    data: Array<Pick<ApiConfigDoc, '_id' | 'api_name' | 'is_active' | 'failures' | 'open_until'>>
  }
  return {
    range,
    days,
    series,
    totals,
    by_mode: [...byMode].map(([k, count]) => {
      const [mode, status] = k.split('|') as [string, TaskStatus]
      return { mode, status, count }
    }),
    success_rate: finished > 0 ? totals.completed / finished : null,
    p50_ms: quantileOf(hist, 0.5),
    p95_ms: quantileOf(hist, 0.95),
    provider_failures: [...failures].map(([provider_id, failed_tasks]) => ({ provider_id, failed_tasks })).sort((a, b) => b.failed_tasks - a.failed_tasks),
    providers: configs.data.map((c) => {
      const openUntil = c.open_until ? new Date(c.open_until) : null
      return {
        _id: c._id,
        api_name: c.api_name,
        is_active: c.is_active,
        failures: c.failures ?? 0,
        circuit: isOpen({ open_until: openUntil }, now) ? ('open' as const) : ('closed' as const),
        open_until: toIsoOrNull(openUntil),
      }
    }),
    computed_at: new Date(Math.max(...docs.map((d) => new Date(d.computed_at).getTime()))).toISOString(),
  }
}
