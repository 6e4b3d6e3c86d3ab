/**
 * The end-state audit after recovery: the product's own ledger audit (`admin/auditCredits` through the gateway)
 * plus a full independent scan of users, ledger, orders and tasks. Every broken invariant is a violation.
 */
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import type { Database } from '@aiphoto/runtime'
import { ADMIN, type World } from './world'

export interface AuditResult {
  users: number
  ledgerEntries: number
  auditCreditsMismatches: number
  negativeBalances: number
  balanceLedgerMismatches: number
  orders: Record<string, number>
  paidAtProvider: number
  paidOrdersCredited: number
  tasks: Record<string, number>
  refundedTasks: number
  /** Why tasks failed (the stored reason, first 60 characters). */
  failedBy: Record<string, number>
  ledgerByKind: Record<string, number>
  /**
   * Files under works' folders after recovery and a final retention sweep that the work does not show (a deleted
   * work shows none), by kind: `listed` are still in `files_to_remove` (a violation: faults are off by then);
   * the others were never recorded — a kill between an upload and the write that lists it (docs/decisions.md
   * "Storage lifecycle"). Figures, not violations.
   */
  strayFiles: Record<string, number>
}

type Doc = Record<string, unknown> & { _id: string }

async function scan(db: Database, collection: string): Promise<Doc[]> {
  const _ = db.command
  const out: Doc[] = []
  let after: string | null = null
  for (;;) {
    const q = after === null ? db.collection(collection) : db.collection(collection).where({ _id: _.gt(after) })
    const page = (await q.orderBy('_id', 'asc').limit(1000).get()).data as Doc[]
    out.push(...page)
    if (page.length < 1000) return out
    after = page[page.length - 1]!._id
  }
}

export async function audit(world: World, ctx: { paidAtProvider: Set<string>; violate: (v: string) => void; log: (s: string) => void }): Promise<AuditResult> {
  const { violate } = ctx
  const db = world.rt.db

  // 1. The product's audit, as an operator runs it (resumable pages).
  let mismatches = 0
  let after: string | undefined
  for (let i = 0; i < 10_000; i++) {
    const res = await world.call(`audit:${i}`, { kind: 'user', openid: ADMIN, source: 'test' }, { $url: 'admin/auditCredits', ...(after ? { after } : {}), max_users: 2000 })
    if ('killed' in res || !res.success) {
      violate(`admin/auditCredits failed: ${JSON.stringify(res).slice(0, 200)}`)
      break
    }
    const data = res.data as { mismatches: Array<{ openid: string; credits: number; ledger_sum: number }>; next_after: string | null }
    mismatches += data.mismatches.length
    for (const m of data.mismatches.slice(0, 20)) violate(`auditCredits: ${m.openid} credits ${m.credits} ≠ ledger ${m.ledger_sum}`)
    if (!data.next_after) break
    after = data.next_after
  }

  // 2. Independent scan.
  const [users, ledger, orders, tasks, works] = (await Promise.all(['users', 'credit_ledger', 'orders', 'task_queue', 'works'].map((c) => scan(db, c)))) as [Doc[], Doc[], Doc[], Doc[], Doc[]]
  const sums = new Map<string, number>()
  const byKey = new Map<string, Doc>()
  const ledgerByKind: Record<string, number> = {}
  for (const e of ledger) {
    sums.set(String(e.user_openid), (sums.get(String(e.user_openid)) ?? 0) + Number(e.delta))
    byKey.set(e._id, e)
    ledgerByKind[String(e.kind)] = (ledgerByKind[String(e.kind)] ?? 0) + 1
  }
  let negative = 0
  let balanceMismatch = 0
  for (const u of users) {
    const credits = Number(u.credits)
    if (credits < 0) {
      negative++
      violate(`negative balance: ${u._id} has ${credits}`)
    }
    if ((sums.get(u._id) ?? 0) !== credits) {
      balanceMismatch++
      violate(`balance ≠ ledger: ${u._id} credits ${credits}, ledger ${sums.get(u._id) ?? 0}`)
    }
  }

  const orderStatus: Record<string, number> = {}
  const orderByOtn = new Map<string, Doc>()
  let credited = 0
  for (const o of orders) {
    orderStatus[String(o.status)] = (orderStatus[String(o.status)] ?? 0) + 1
    orderByOtn.set(String(o.out_trade_no), o)
    const entry = byKey.get(`recharge:${String(o.out_trade_no)}`)
    if (o.status === 'paid') {
      if (!entry) violate(`paid order ${String(o.out_trade_no)} was never credited`)
      else if (entry.delta !== o.credits || entry.user_openid !== o.user_openid) violate(`order ${String(o.out_trade_no)} credited ${String(entry.delta)} to ${String(entry.user_openid)}`)
      else credited++
    } else if (entry) violate(`order ${String(o.out_trade_no)} is ${String(o.status)} but was credited`)
  }
  for (const otn of ctx.paidAtProvider) {
    if (orderByOtn.get(otn)?.status !== 'paid') violate(`paid at the provider but not here: ${otn} (${String(orderByOtn.get(otn)?.status ?? 'missing')})`)
  }

  const taskStatus: Record<string, number> = {}
  const taskById = new Map<string, Doc>()
  const workById = new Map(works.map((w) => [w._id, w]))
  let refundedTasks = 0
  const failedBy: Record<string, number> = {}
  for (const t of tasks) {
    if (t.status === 'failed') {
      const why = String(t.error ?? '').slice(0, 60)
      failedBy[why] = (failedBy[why] ?? 0) + 1
    }
    taskById.set(t._id, t)
    const status = String(t.status)
    taskStatus[status] = (taskStatus[status] ?? 0) + 1
    const cost = Number(t.cost)
    const refunded = Number(t.refunded ?? 0)
    const consume = byKey.get(`consume:${t._id}`)
    const refund = byKey.get(`refund:${t._id}`)
    if (!consume || consume.delta !== -cost || consume.user_openid !== t.user_openid) violate(`task ${t._id}: charge ${consume ? String(consume.delta) : 'missing'} for cost ${cost}`)
    if (status === 'pending' || status === 'processing') violate(`task ${t._id} stuck in ${status}`)
    if (status === 'failed' || status === 'cancelled') {
      if (refunded !== cost || !refund || refund.delta !== cost) violate(`task ${t._id} ${status}: refunded ${refunded} (ledger ${refund ? String(refund.delta) : 'none'}) of ${cost}`)
    }
    if (status === 'completed') {
      const images = ((t.result as { images?: unknown[] } | null)?.images ?? []).length
      const unit = Number((t.params as { unit_price?: unknown }).unit_price)
      const owed = cost - images * unit
      if (refunded !== owed || (owed > 0 ? refund?.delta !== owed : !!refund)) violate(`task ${t._id} completed with ${images} images: refunded ${refunded} (ledger ${refund ? String(refund.delta) : 'none'}), owed ${owed}`)
    }
    if (refund) refundedTasks++
    const work = workById.get(String(t.work_id))
    if (!work || work.user_openid !== t.user_openid) violate(`task ${t._id} has no work of its owner`)
    else if (work.status !== status) violate(`task ${t._id} is ${status} but its work is ${String(work.status)}`)
  }
  const strayFiles: Record<string, number> = {}
  const root = path.join(world.rt.dataDir, 'files', 'users')
  const walk = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])) : [])
  for (const w of works) {
    const dir = path.join(root, String(w.user_openid), 'works', w._id)
    const shown = new Set(w.deleted ? [] : ((w.images as string[] | undefined) ?? []).map((id) => path.basename(id)))
    const listed = new Set(((w.files_to_remove as string[] | undefined) ?? []).map((id) => path.basename(id)))
    for (const f of walk(dir)) {
      const name = path.basename(f)
      if (shown.has(name)) continue
      const kind = listed.has(name) ? 'listed' : path.basename(path.dirname(f)) === 'inputs' ? 'staged' : /^s\d+u\d+-/.test(name) ? 'step_output' : 'output'
      strayFiles[kind] = (strayFiles[kind] ?? 0) + 1
      if (kind === 'listed') violate(`work ${w._id}: ${name} is listed for removal but still stored after the sweep`)
    }
  }
  for (const e of ledger) {
    const key = e._id
    const [kind, ref] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)]
    if ((kind === 'consume' || kind === 'refund') && !taskById.has(ref)) violate(`ledger ${key} refers to no task`)
    if (kind === 'recharge' && !orderByOtn.has(ref)) violate(`ledger ${key} refers to no order`)
  }

  return {
    users: users.length,
    ledgerEntries: ledger.length,
    auditCreditsMismatches: mismatches,
    negativeBalances: negative,
    balanceLedgerMismatches: balanceMismatch,
    orders: orderStatus,
    paidAtProvider: ctx.paidAtProvider.size,
    paidOrdersCredited: credited,
    tasks: taskStatus,
    refundedTasks,
    failedBy,
    ledgerByKind,
    strayFiles,
  }
}
