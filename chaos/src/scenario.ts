/**
 * The chaos scenario: many simulated users, each a seeded random script (register — maybe invited —, upload,
 * generate in every mode, poll, cancel, check in, buy credits and pay, admin corrections, peeking at other
 * users' work), played in epochs of a compressed clock under injected faults and instance kills, with WeChat
 * Pay's notification retries as storms of duplicate deliveries. Then faults go off and the system recovers on its
 * own (timer passes, the rest of the notification schedule); `audit` judges the result.
 */
import type { Envelope } from '@aiphoto/contract'
import { seededRandom, type FaultPlan } from '@aiphoto/local-runtime'
import type { Caller } from '@aiphoto/runtime'
import { closeStaleOrders, cloudPayCallbackEventOf } from '@aiphoto/server'
import { audit, type AuditResult } from './audit'
import { MODES, type Mode } from './modes'
import { ADMIN, createWorld, sha256, type World } from './world'

export interface ChaosOptions {
  seed: number
  users: number
  /** Epochs of the fault phase; the clock advances `spanMs / epochs` per epoch. */
  epochs: number
  /** Simulated time the fault phase covers (default 2 days: WeChat Pay retries a notification for ~24 h). */
  spanMs?: number
  /** Simultaneous user actions within an epoch. */
  concurrency?: number
  plan: Omit<FaultPlan, 'seed'>
  modes?: Mode[]
  log?: (line: string) => void
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'log' | 'modes'> & { modes: string[] }
  seconds: number
  simulatedHours: number
  calls: { total: number; killed: number; byAction: Record<string, number>; byCode: Record<string, number> }
  faults: Record<string, number>
  user: {
    registered: number
    invited: number
    uploads: number
    generateAccepted: number
    generateByMode: Record<string, number>
    cancels: number
    deletes: number
    checkins: number
    ordersCreated: number
    ordersPaidAtProvider: number
    adjustments: number
    peeks: number
    /** Actions a user gave up on after the retries (still an error after 6 attempts): not a violation. */
    gaveUp: Record<string, number>
  }
  notifications: { deliveries: number; acked: number; duplicatesAfterAck: number }
  recovery: { rounds: number; workerPasses: number }
  audit: AuditResult
  /** Every violation: the run fails when this is not empty. */
  violations: string[]
}

/** WeChat Pay's notification retry intervals after the first delivery (15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h, 24h4m in all). */
export const WECHAT_NOTIFY_RETRY_MS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map((s) => s * 1000)

const RETRYABLE = new Set(['INTERNAL', 'CONFLICT', 'RATE_LIMITED', 'PROVIDER_UNAVAILABLE'])
const PACKAGES = ['pkg_6', 'pkg_30', 'pkg_68']

interface SimTask {
  task_id: string
  work_id: string
  mode: string
}

interface SimUser {
  idx: number
  openid: string
  rand: () => number
  registered: boolean
  inviteCode: string | null
  garments: string[]
  person: string | null
  uploads: number
  gens: number
  adjusts: number
  tasks: SimTask[]
  /** Epochs at which this user acts, and what it does. */
  plan: Array<{ epoch: number; act: Act }>
  step: number
}

type Act = 'register' | 'upload' | 'generate' | 'regenerate' | 'upscale' | 'poll' | 'cancel' | 'delete' | 'checkin' | 'buy' | 'admin' | 'peek' | 'list'
const ACTS: Array<[Act, number]> = [
  ['generate', 26],
  ['poll', 18],
  ['upload', 8],
  ['checkin', 10],
  ['buy', 10],
  ['cancel', 6],
  ['delete', 3],
  ['regenerate', 4],
  ['upscale', 3],
  ['admin', 5],
  ['peek', 7],
  ['list', 10],
]

interface Delivery {
  at: number
  outTradeNo: string
  event: Record<string, unknown>
  retry: number
  afterAck: boolean
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const started = performance.now()
  const log = opts.log ?? (() => {})
  const modes = opts.modes ?? MODES
  const spanMs = opts.spanMs ?? 2 * 24 * 3600 * 1000
  const stepMs = Math.floor(spanMs / opts.epochs)
  const concurrency = opts.concurrency ?? 32
  const world = await createWorld({ seed: opts.seed, plan: { ...opts.plan, seed: opts.seed } })
  const rand = seededRandom(`scenario\n${opts.seed}`)
  const violations: string[] = []
  const violate = (v: string) => {
    if (violations.length < 200) violations.push(v)
  }
  const stats: ChaosReport['user'] = {
    registered: 0, invited: 0, uploads: 0, generateAccepted: 0, generateByMode: {}, cancels: 0, deletes: 0, checkins: 0,
    ordersCreated: 0, ordersPaidAtProvider: 0, adjustments: 0, peeks: 0, gaveUp: {},
  }
  const notifications = { deliveries: 0, acked: 0, duplicatesAfterAck: 0 }
  const inviteCodes: string[] = []
  const withTasks: SimUser[] = []
  const deliveries: Delivery[] = []
  const acked = new Set<string>()
  const paidAtProvider = new Set<string>()
  const admin: Caller = { kind: 'user', openid: ADMIN, source: 'test' }
  const system: Caller = { kind: 'system', source: 'internal' }

  try {
    // Users and their scripts.
    const users: SimUser[] = []
    for (let i = 0; i < opts.users; i++) {
      const r = seededRandom(`user\n${opts.seed}\n${i}`)
      let epoch = Math.floor(r() * opts.epochs * 0.7)
      const plan: SimUser['plan'] = [{ epoch, act: 'register' }]
      const length = 4 + Math.floor(r() * 8)
      for (let k = 0; k < length; k++) {
        epoch += 1 + Math.floor(r() * 3)
        if (epoch >= opts.epochs) break
        plan.push({ epoch, act: weighted(ACTS, r) })
      }
      users.push({ idx: i, openid: `chaos-u${i}`, rand: r, registered: false, inviteCode: null, garments: [], person: null, uploads: 0, gens: 0, adjusts: 0, tasks: [], plan, step: 0 })
    }
    const byEpoch = new Map<number, SimUser[]>()
    for (const u of users) for (const p of u.plan) byEpoch.set(p.epoch, [...(byEpoch.get(p.epoch) ?? []), u])

    const gaveUp = (what: string) => (stats.gaveUp[what] = (stats.gaveUp[what] ?? 0) + 1)

    /** A client call with the app's retry: the same request (same idempotency key) in a new invocation. */
    const attempt = async (label: string, caller: Caller, event: Record<string, unknown>): Promise<Envelope<unknown> | null> => {
      let last: Envelope<unknown> | null = null
      for (let a = 0; a < 6; a++) {
        const res = await world.call(`${label}#${a}`, caller, event)
        if ('killed' in res) continue
        last = res
        // A CONFLICT with details is a business answer (e.g. the task already completed); without, a lost race.
        if (res.success || !RETRYABLE.has(res.code) || (res.code === 'CONFLICT' && res.details !== undefined)) return res
      }
      gaveUp(String(event.$url))
      return last
    }
    const okData = <T>(res: Envelope<unknown> | null): T | null => (res && res.success ? (res.data as T) : null)

    const uploadOne = async (u: SimUser, kind: 'garment' | 'person'): Promise<string | null> => {
      const n = ++u.uploads
      // Unique per upload (assets are deduplicated by hash): the same image with a trailer after its end marker.
      const bytes = Buffer.concat([world.image, Buffer.from(`chaos ${u.openid} ${kind} ${n} ${opts.seed}`)])
      const cloudPath = `users/${u.openid}/uploads/${kind}-${n}.jpg`
      let fileId: string | null = null
      // The client's wx.cloud.uploadFile, retried as the app would.
      for (let a = 0; a < 4 && !fileId; a++) {
        fileId = await world.faults.run(`${u.openid}:up${n}#${a}`, () => world.rt.storage.upload({ cloudPath, content: bytes, contentType: 'image/jpeg' }).then((r) => r.fileId, () => null))
      }
      if (!fileId) return gaveUp('storage.upload'), null
      const reg = okData<{ file_id: string }>(await attempt(`${u.openid}:reg${n}`, userCaller(u), { $url: 'storage/registerAsset', hash: sha256(bytes), size: bytes.length, file_id: fileId }))
      if (!reg) return null
      stats.uploads++
      return reg.file_id
    }

    const act = async (u: SimUser, what: Act, epoch: number): Promise<void> => {
      const me = userCaller(u)
      const label = `${u.openid}:e${epoch}:${what}`
      if (what === 'register') {
        const invite = inviteCodes.length && u.rand() < 0.4 ? inviteCodes[Math.floor(u.rand() * inviteCodes.length)] : undefined
        const data = okData<{ user: { invite_code: string } }>(await attempt(label, me, { $url: 'user/register', ...(invite ? { invite_code: invite } : {}) }))
        if (!data) return
        u.registered = true
        u.inviteCode = data.user.invite_code
        inviteCodes.push(data.user.invite_code)
        stats.registered++
        if (invite) stats.invited++
        return
      }
      if (!u.registered) return
      switch (what) {
        case 'upload': {
          const id = await uploadOne(u, u.rand() < 0.3 ? 'person' : 'garment')
          if (id && id.includes('/person-')) u.person = id
          else if (id) u.garments.push(id)
          return
        }
        case 'generate': {
          const mode = modes[Math.floor(u.rand() * modes.length)]!
          while (u.garments.length < mode.needs.garments) {
            const id = await uploadOne(u, 'garment')
            if (!id) return
            u.garments.push(id)
          }
          if (mode.needs.person && !u.person) {
            u.person = await uploadOne(u, 'person')
            if (!u.person) return
          }
          const input = mode.build({ garments: u.garments, person: u.person, scenes: world.scenes }, u.rand)
          const requestId = `${u.openid}-g${++u.gens}`
          const res = await attempt(label, me, { $url: mode.url, ...input, request_id: requestId })
          const data = okData<{ task_id?: string; work_id?: string; works?: Array<{ task_id: string; work_id: string }> }>(res)
          if (!data) return
          if (!u.tasks.length) withTasks.push(u)
          for (const w of data.works ?? [{ task_id: data.task_id!, work_id: data.work_id! }]) u.tasks.push({ task_id: w.task_id, work_id: w.work_id, mode: mode.name })
          stats.generateAccepted++
          stats.generateByMode[mode.name] = (stats.generateByMode[mode.name] ?? 0) + 1
          return
        }
        case 'regenerate': {
          // 再来一张: the same inputs again, from an earlier work.
          const t = u.tasks[Math.floor(u.rand() * u.tasks.length)]
          if (!t) return
          if (t.mode === 'upscale') return
          const url = t.mode === 'fitting' ? 'fitting/generate' : 'photography/generate'
          const data = okData<{ task_id: string; work_id: string }>(await attempt(label, me, { $url: url, from_work_id: t.work_id, request_id: `${u.openid}-g${++u.gens}` }))
          if (!data) return
          u.tasks.push({ task_id: data.task_id, work_id: data.work_id, mode: t.mode })
          stats.generateAccepted++
          stats.generateByMode['regenerate'] = (stats.generateByMode['regenerate'] ?? 0) + 1
          return
        }
        case 'upscale': {
          // 高清放大 of one of the user's works (refused unless it completed: a business answer, not retried).
          const t = u.tasks[Math.floor(u.rand() * u.tasks.length)]
          if (!t) return
          const data = okData<{ task_id: string; work_id: string }>(await attempt(label, me, { $url: 'photography/upscale', work_id: t.work_id, request_id: `${u.openid}-g${++u.gens}` }))
          if (!data) return
          u.tasks.push({ task_id: data.task_id, work_id: data.work_id, mode: 'upscale' })
          stats.generateAccepted++
          stats.generateByMode['upscale'] = (stats.generateByMode['upscale'] ?? 0) + 1
          return
        }
        case 'delete': {
          const t = u.tasks[Math.floor(u.rand() * u.tasks.length)]
          if (t && okData(await attempt(label, me, { $url: 'api/deleteWork', work_id: t.work_id }))) stats.deletes++
          return
        }
        case 'poll': {
          const t = u.tasks[u.tasks.length - 1]
          if (t) await attempt(label, me, { $url: 'photography/getProgress', task_id: t.task_id })
          return
        }
        case 'cancel': {
          const t = u.tasks[Math.floor(u.rand() * u.tasks.length)]
          if (!t) return
          if (okData(await attempt(label, me, { $url: 'api/cancelTask', task_id: t.task_id }))) stats.cancels++
          return
        }
        case 'checkin': {
          if (okData(await attempt(label, me, { $url: 'payment/dailyCheckin' }))) stats.checkins++
          return
        }
        case 'buy': {
          const pkg = PACKAGES[Math.floor(u.rand() * PACKAGES.length)]!
          const order = okData<{ out_trade_no: string }>(await attempt(label, me, { $url: 'payment/createOrder', package_id: pkg }))
          if (!order) return
          stats.ordersCreated++
          if (u.rand() < 0.15) return // walks away from the checkout
          // The payer pays at WeChat (not our function): the provider records SUCCESS and starts notifying.
          const n = await world.rt.payment.confirmPayment(order.out_trade_no).catch(() => null)
          if (!n) return
          paidAtProvider.add(order.out_trade_no)
          stats.ordersPaidAtProvider++
          deliveries.push({ at: world.clock.now().getTime(), outTradeNo: order.out_trade_no, event: cloudPayCallbackEventOf(n), retry: 0, afterAck: false })
          // The app polls the order when it comes back from the payment sheet (covers a lost notification).
          if (u.rand() < 0.5) await attempt(`${label}:get`, me, { $url: 'payment/getOrder', out_trade_no: order.out_trade_no })
          return
        }
        case 'admin': {
          const up = u.rand() < 0.6
          const delta = up ? 1 + Math.floor(u.rand() * 50) : -(1 + Math.floor(u.rand() * 80))
          const res = await attempt(label, admin, { $url: 'admin/adjustCredits', openid: u.openid, delta, reason: up ? '客服补偿积分' : '客服扣回积分', request_id: `adj-${u.openid}-${++u.adjusts}` })
          if (okData(res)) stats.adjustments++
          return
        }
        case 'peek': {
          const other = withTasks[Math.floor(u.rand() * withTasks.length)]
          if (!other || other === u) return
          const t = other.tasks[Math.floor(u.rand() * other.tasks.length)]!
          stats.peeks++
          for (const event of [
            { $url: 'api/getWorkDetail', work_id: t.work_id },
            { $url: 'photography/getProgress', task_id: t.task_id },
            { $url: 'api/cancelTask', task_id: t.task_id },
            { $url: 'api/toggleFavorite', work_id: t.work_id },
          ]) {
            const res = await attempt(`${label}:${event.$url}`, me, event)
            if (res && (res.success || res.code !== 'NOT_FOUND') && !(res && !res.success && RETRYABLE.has(res.code))) {
              violate(`isolation: ${u.openid} called ${event.$url} on ${other.openid}'s ${t.task_id} → ${res.success ? 'success' : res.code}`)
            }
          }
          return
        }
        case 'list': {
          const page = okData<{ items: Array<{ work_id?: string; _id?: string; id?: string }> }>(await attempt(label, me, { $url: 'api/listWorks', pageSize: 20 }))
          if (!page) return
          const mine = new Set(u.tasks.map((t) => t.work_id))
          for (const w of page.items) {
            const id = w.work_id ?? w._id ?? w.id
            // A work the user does not know of can only be one whose generate answer was lost, which is still theirs.
            if (id && !mine.has(id)) {
              const doc = (await world.rt.db.collection('works').doc(id).get()).data[0] as { user_openid?: string } | undefined
              if (doc?.user_openid !== u.openid) violate(`isolation: ${u.openid}'s listWorks shows ${id} of ${doc?.user_openid ?? 'nobody'}`)
            }
          }
          return
        }
      }
    }

    const deliverDue = async (now: number, tag: string) => {
      const due = deliveries.filter((d) => d.at <= now)
      if (!due.length) return
      for (const d of due) deliveries.splice(deliveries.indexOf(d), 1)
      await pool(due, concurrency, async (d) => {
        // A storm: WeChat's delivery plus duplicates arriving at the same moment on other instances.
        const copies = 1 + Math.floor(rand() * 3)
        const replies = await Promise.all(
          Array.from({ length: copies }, (_, c) => world.platform(`notify:${d.outTradeNo}:${d.retry}:${c}:${tag}`, d.event)),
        )
        notifications.deliveries += copies
        const ok = replies.some((r) => (r as { errcode?: unknown } | null)?.errcode === 0)
        if (d.afterAck) {
          notifications.duplicatesAfterAck += copies
          return
        }
        if (ok) {
          acked.add(d.outTradeNo)
          notifications.acked++
          // WeChat may still deliver again after an acknowledgement.
          if (rand() < 0.25) deliveries.push({ ...d, at: now + 60_000 + Math.floor(rand() * 6 * 3600_000), afterAck: true })
          return
        }
        const wait = WECHAT_NOTIFY_RETRY_MS[d.retry]
        if (wait !== undefined) deliveries.push({ ...d, at: d.at + wait, retry: d.retry + 1 })
      })
    }

    let passes = 0
    const workerPass = async (label: string) => {
      passes++
      // The self-kick / timer pass with a short budget: the simulated provider lives on the simulated clock, so a
      // pass that waited in place for it would only burn real time.
      await world.call(label, system, { $url: 'queue/processTask', max_tasks: 8, budget_ms: 1000 })
      await world.faults.run(`${label}:sweep`, () => closeStaleOrders(world.rt, world.clock.now(), { limit: 20 }).catch(() => null))
    }

    // Fault phase.
    for (let e = 0; e < opts.epochs; e++) {
      const acting = byEpoch.get(e) ?? []
      await pool(acting, concurrency, async (u) => {
        const p = u.plan[u.step]
        if (!p || p.epoch !== e) return
        u.step++
        await act(u, p.act, e)
      })
      await deliverDue(world.clock.now().getTime(), `e${e}`)
      await Promise.all([workerPass(`worker:e${e}:a`), workerPass(`worker:e${e}:b`)])
      world.clock.advance(stepMs)
      if (e % Math.max(1, Math.floor(opts.epochs / 10)) === 0) log(`[chaos] epoch ${e}/${opts.epochs}: ${world.calls.total} calls, ${Object.values(world.faults.counts).reduce((a, b) => a + b, 0)} faults`)
    }

    // Recovery: faults off; the timer and WeChat's remaining retries bring everything to an end state on their own.
    world.faults.enabled = false
    let rounds = 0
    for (; rounds < 400; rounds++) {
      await deliverDue(world.clock.now().getTime(), `r${rounds}`)
      await workerPass(`worker:r${rounds}`)
      const active = (await world.rt.db.collection('task_queue').where({ status: world.rt.db.command.in(['pending', 'processing']) }).count()).total as number
      const owed = deliveries.filter((d) => !d.afterAck).length
      if (active === 0 && owed === 0) break
      // Jump to the next notification when only those are left; otherwise let leases and backoffs expire.
      const next = Math.min(...deliveries.map((d) => d.at))
      world.clock.advance(active === 0 && Number.isFinite(next) ? Math.max(60_000, next - world.clock.now().getTime()) : 5 * 60_000)
    }
    log(`[chaos] recovered after ${rounds} rounds`)
    // The retention sweep (a timer on CloudBase) removes what the recovered tasks and deleted works listed.
    for (let i = 0; i < 50; i++) {
      const res = await world.call(`retention:${i}`, { kind: 'user', openid: ADMIN, source: 'test' }, { $url: 'admin/runCleanup' })
      if ('killed' in res || !res.success || (res.data as { files_removed: number }).files_removed === 0) break
    }

    const result = await audit(world, { paidAtProvider, violate, log })
    await (opts as { debug?: (w: World) => Promise<void> }).debug?.(world)
    const report: ChaosReport = {
      options: { seed: opts.seed, users: opts.users, epochs: opts.epochs, spanMs, concurrency, plan: opts.plan, modes: modes.map((m) => m.name) },
      seconds: (performance.now() - started) / 1000,
      simulatedHours: (world.clock.now().getTime() - new Date('2026-03-02T01:00:00.000Z').getTime()) / 3600_000,
      calls: { total: world.calls.total, killed: world.calls.killed, byAction: Object.fromEntries(world.calls.byAction), byCode: Object.fromEntries(world.calls.byCode) },
      faults: { ...world.faults.counts },
      user: stats,
      notifications,
      recovery: { rounds, workerPasses: passes },
      audit: result,
      violations,
    }
    return report
  } finally {
    await world.close()
  }
}

function userCaller(u: SimUser): Caller {
  return { kind: 'user', openid: u.openid, source: 'test' }
}

function weighted<T>(items: Array<[T, number]>, rand: () => number): T {
  const total = items.reduce((s, [, w]) => s + w, 0)
  let x = rand() * total
  for (const [item, w] of items) {
    x -= w
    if (x < 0) return item
  }
  return items[items.length - 1]![0]
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!)
    }),
  )
}

export type { World }
