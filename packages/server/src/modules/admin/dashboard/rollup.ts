/**
 * Daily roll-ups for the operators' dashboard (`stats_daily`, one document per Asia/Shanghai day, `_id` =
 * `YYYY-MM-DD`). A day is computed from index range reads over that day only (task_queue, orders, credit_ledger,
 * users by `created_at`), so its cost is the day's rows, never the collection. The timer refreshes today (and
 * closes yesterday once); a dashboard view reads at most 30 documents and refreshes only a stale today.
 *
 * NOTE: not `aggregate()`: the local emulator evaluates aggregates over the whole collection (mingo), and
 * CloudBase bills aggregates by scanned documents as well; keyset pages of a range are index-served in both.
 */
import type { Runtime } from '@aiphoto/runtime'
import { must } from '../../../lib/db'
import type { LedgerDoc, OrderDoc, TaskDoc, UserDoc } from '../../../data/documents'

export const STATS_COLLECTION = 'stats_daily'
const OFFSET_MS = 8 * 3600 * 1000
const DAY_MS = 24 * 3600 * 1000
const PAGE = 1000

/** Upper bounds (ms) of the generation-time histogram; mergeable across days, unlike medians. */
export const DURATION_BUCKETS_MS = [1_000, 2_000, 3_000, 5_000, 8_000, 13_000, 20_000, 30_000, 45_000, 60_000, 90_000, 120_000, 180_000, 300_000, 600_000, 900_000, 1_800_000] as const

export interface HourStats {
  generations: number
  completed: number
  failed: number
  revenue_fen: number
  credits_issued: number
  credits_consumed: number
  new_users: number
  checkins: number
}

export interface StatsDayDoc {
  _id: string
  day: string
  hours: HourStats[]
  /** `<mode>|<status>` → tasks created that day (mode: on_model, scene, packshot, upscale, fitting). */
  by_mode: Record<string, number>
  /** Completed tasks per DURATION_BUCKETS_MS bucket (last = longer than every bound). */
  duration_hist: number[]
  /** provider id → tasks created that day that ended failed with it. */
  provider_failures: Record<string, number>
  /** Rows the roll-up read (its cost). */
  rows_read: number
  /** The day had ended when this was computed: it will not change again. */
  final: boolean
  computed_at: Date
}

const emptyHour = (): HourStats => ({ generations: 0, completed: 0, failed: 0, revenue_fen: 0, credits_issued: 0, credits_consumed: 0, new_users: 0, checkins: 0 })

/** `YYYY-MM-DD` of the Shanghai day containing `at`. */
export function dayOf(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10)
}

/** UTC instant where a Shanghai day starts. */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - OFFSET_MS)
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS).toISOString().slice(0, 10)
}

const hourOf = (at: Date) => new Date(new Date(at).getTime() + OFFSET_MS).getUTCHours()

/** Every document of `collection` created in [from, to), in keyset pages on (created_at, _id), projected. */
async function scanRange<T extends { _id: string; created_at: Date }>(
  rt: Runtime,
  collection: string,
  from: Date,
  to: Date,
  fields: Record<string, true>,
  extra: Record<string, unknown> = {},
  onRow: (row: T) => void,
): Promise<number> {
  const _ = rt.db.command
  let after: { t: number; id: string } | null = null
  let read = 0
  for (;;) {
    // A plain range [cursor time, day end) that SQLite seeks on both ends; the rows at the cursor's own instant that
    // were already seen are dropped here. (The OR-shaped keyset condition left the upper bound unused as a seek
    // bound, so a day's last page read on to the end of the collection.)
    const lower = after ? new Date(after.t) : from
    const res = must(
      await rt.db
        .collection(collection)
        .where({ ...extra, created_at: _.gte(lower).and(_.lt(to)) })
        .orderBy('created_at', 'asc')
        .orderBy('_id', 'asc')
        .limit(PAGE)
        .field({ _id: true, created_at: true, ...fields })
        .get(),
    ) as { data: T[] }
    read += res.data.length
    const seen = after as { t: number; id: string } | null
    const fresh = seen ? res.data.filter((r) => !(new Date(r.created_at).getTime() === seen.t && r._id <= seen.id)) : res.data
    if (seen && fresh.length === 0 && res.data.length === PAGE) {
      // More than a page of documents share one instant: continue inside it with the exact keyset condition.
      const tie = must(
        await rt.db
          .collection(collection)
          .where(_.and([extra, { created_at: _.eq(new Date(seen.t)), _id: _.gt(seen.id) }]))
          .orderBy('_id', 'asc')
          .limit(PAGE)
          .field({ _id: true, created_at: true, ...fields })
          .get(),
      ) as { data: T[] }
      read += tie.data.length
      for (const row of tie.data) onRow(row)
      if (tie.data.length === 0) after = { t: seen.t + 1, id: '' }
      else after = { t: seen.t, id: tie.data[tie.data.length - 1]!._id }
      continue
    }
    for (const row of fresh) onRow(row)
    if (res.data.length < PAGE) return read
    const last = res.data[res.data.length - 1]!
    after = { t: new Date(last.created_at).getTime(), id: last._id }
  }
}

/** A photography task's output mode (absent before modes existed = 'scene'); a try-on is its own mode. */
function modeOf(t: Pick<TaskDoc, 'type' | 'params'>): string {
  return t.type === 'photography' ? (t.params?.mode ?? 'scene') : t.type
}

/** Ledger kinds that create credits; consumption is `consume` net of `refund`. */
const ISSUING = new Set(['signup_bonus', 'invite_reward', 'checkin', 'recharge', 'admin_adjust'])

/** Computes one Shanghai day from the source collections and stores it. */
export async function rollupDay(rt: Runtime, day: string, now: Date): Promise<StatsDayDoc> {
  const from = dayStart(day)
  const to = new Date(from.getTime() + DAY_MS)
  const hours = Array.from({ length: 24 }, emptyHour)
  const byMode: Record<string, number> = {}
  const hist = new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0)
  const providerFailures: Record<string, number> = {}
  let rows = 0

  rows += await scanRange<TaskDoc>(rt, 'task_queue', from, to, { type: true, status: true, provider_id: true, finished_at: true, 'params.mode': true }, {}, (t) => {
    const h = hours[hourOf(t.created_at)]!
    h.generations++
    const key = `${modeOf(t)}|${t.status}`
    byMode[key] = (byMode[key] ?? 0) + 1
    if (t.status === 'completed') {
      h.completed++
      if (t.finished_at) {
        const ms = new Date(t.finished_at).getTime() - new Date(t.created_at).getTime()
        const i = DURATION_BUCKETS_MS.findIndex((b) => ms <= b)
        hist[i === -1 ? DURATION_BUCKETS_MS.length : i]!++
      }
    } else if (t.status === 'failed') {
      h.failed++
      const p = t.provider_id ?? 'none'
      providerFailures[p] = (providerFailures[p] ?? 0) + 1
    }
  })
  // Revenue counts paid orders by the day they were created (an order lives 30 minutes); served by status_created_id.
  rows += await scanRange<OrderDoc>(rt, 'orders', from, to, { amount_fen: true }, { status: 'paid' }, (o) => {
    hours[hourOf(o.created_at)]!.revenue_fen += o.amount_fen
  })
  rows += await scanRange<LedgerDoc>(rt, 'credit_ledger', from, to, { kind: true, delta: true }, {}, (e) => {
    const h = hours[hourOf(e.created_at)]!
    if (ISSUING.has(e.kind) && e.delta > 0) h.credits_issued += e.delta
    if (e.kind === 'consume') h.credits_consumed -= e.delta
    if (e.kind === 'refund') h.credits_consumed -= e.delta
    if (e.kind === 'checkin') h.checkins++
  })
  rows += await scanRange<UserDoc>(rt, 'users', from, to, {}, {}, (u) => {
    hours[hourOf(u.created_at)]!.new_users++
  })

  const doc: StatsDayDoc = {
    _id: day,
    day,
    hours,
    by_mode: byMode,
    duration_hist: hist,
    provider_failures: providerFailures,
    rows_read: rows,
    final: now.getTime() >= to.getTime(),
    computed_at: now,
  }
  const { _id, ...body } = doc
  must(await rt.db.collection(STATS_COLLECTION).doc(_id).set(body))
  return doc
}

/** How old today's roll-up may be before a dashboard view or the timer recomputes it. */
export const TODAY_MAX_AGE_MS = 60_000

/**
 * The timer's share: refresh today when older than TODAY_MAX_AGE_MS, and make yesterday final once (its last
 * minutes may have come after the previous refresh).
 */
export async function rollupRecent(rt: Runtime, now: Date): Promise<{ days: string[] }> {
  const today = dayOf(now)
  const days: string[] = []
  const existing = (await loadDays(rt, [addDays(today, -1), today])).reduce((m, d) => m.set(d._id, d), new Map<string, StatsDayDoc>())
  const y = existing.get(addDays(today, -1))
  if (!y || !y.final) days.push(addDays(today, -1))
  const t = existing.get(today)
  if (!t || now.getTime() - new Date(t.computed_at).getTime() >= TODAY_MAX_AGE_MS) days.push(today)
  for (const d of days) await rollupDay(rt, d, now)
  return { days }
}

/** The stored roll-ups of these days (missing ones are simply absent). */
export async function loadDays(rt: Runtime, days: string[]): Promise<StatsDayDoc[]> {
  const _ = rt.db.command
  const res = must(await rt.db.collection(STATS_COLLECTION).where({ _id: _.in(days) }).limit(days.length).get()) as { data: StatsDayDoc[] }
  return res.data
}
