/**
 * What a completed image costs on CloudBase, counted through the emulator's requester (every request the
 * `@cloudbase/database` builder sends is one billed database operation there): database reads and writes,
 * function invocations (the generate call, the self-kick, the timer), storage operations, and an estimate of
 * GB-s (512 MB, cloudbaserc.json, × each invocation's wall time). Per mode, through the real gateway.
 *
 * The design: generate kicks the worker (one invocation), which holds the task and polls the provider in place
 * until it is done; the app's progress page polls getProgress with its backoff (1 s growing ×1.5 to 5 s,
 * apps/miniapp/src/package-create/progress/backoff.ts). Baseline in the same run: the seed's design — no kick,
 * no worker holding the task, the page polling getProgress every second, each poll moving the task one step.
 * The provider is simulated with a 15 s job (DashScope try-on takes 15–30 s) (real time, polled every 1 s like a remote provider).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import sharp from 'sharp'
import { createAppGateway, seedDatabase, sealProviderHeaders } from '@aiphoto/server'
import { contextFor, createLocalRuntime, type LocalRuntime } from '@aiphoto/local-runtime'
import { jsonLogger, type ImageProvider, type ProviderOutcome, type SchedulerPort, type StoragePort } from '@aiphoto/runtime'
import type { BenchRow, BenchSuite } from '../types'

const PROVIDER_MS = 15_000
const MEMORY_GB = 0.5
const READS = new Set(['database.getDocument', 'database.calculateDocument', 'database.aggregateDocuments'])
const WRITES = new Set(['database.insertDocument', 'database.modifyDocument', 'database.modifyAndReturnDoc', 'database.removeDocument'])
const MINUTES_PER_MONTH = 30 * 24 * 60
/** Local stand-ins for WeChat APIs that keep their books in our database (subscribeMessage, the pay provider). */
const API_STANDINS = new Set(['message_outbox', 'fake_pay_transactions'])

type Role = 'backend' | 'poll'
interface Tally {
  reads: number
  writes: number
  tx: number
  invocations: number
  storage: number
  ms: number
}
const zero = (): Tally => ({ reads: 0, writes: 0, tx: 0, invocations: 0, storage: 0, ms: 0 })

function simProvider(image: Buffer): ImageProvider {
  let seq = 0
  return {
    name: 'sim',
    supports: () => true,
    async submit(job): Promise<ProviderOutcome> {
      return { state: 'running', providerTaskId: `sim-${Date.now() + PROVIDER_MS}-${job.count}-${seq++}`, progress: 0 }
    },
    async poll(id): Promise<ProviderOutcome> {
      const [, ready, count] = id.split('-')
      if (Date.now() < Number(ready)) return { state: 'running', providerTaskId: id, progress: 0.5 }
      return { state: 'succeeded', images: Array.from({ length: Number(count) }, () => ({ bytes: image, contentType: 'image/jpeg' })) }
    },
  }
}

async function world(design: 'ours' | 'seed') {
  const image = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#8899aa' } }).jpeg().toBuffer()
  const als = new AsyncLocalStorage<Role>()
  const tallies: Record<Role, Tally> = { backend: zero(), poll: zero() }
  const kicks: Promise<unknown>[] = []
  let main: ReturnType<typeof createAppGateway>
  const system = contextFor({ kind: 'system', source: 'internal' })
  // The cloud scheduler invokes the gateway with queue/processTask (cloudbase-runtime/src/scheduler.ts).
  const scheduler: SchedulerPort = {
    async kick() {
      if (design === 'seed') return
      kicks.push(invoke('backend', { $url: 'queue/processTask' }, system))
    },
  }
  const rt: LocalRuntime = createLocalRuntime({
    dataDir: ':memory:',
    logger: jsonLogger(() => {}),
    scheduler,
    providers: (config) => (config.provider === 'sim' ? simProvider(image) : null),
    config: { signupBonus: 100_000 },
  })
  await seedDatabase(rt)
  const now = new Date()
  await rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
  await rt.db.collection('api_configs').add({
    _id: 'sim', provider: 'sim', api_name: 'sim', endpoint: 'local:sim', headers: sealProviderHeaders(rt.config.secretKey, 'sim', {}), default_params: {},
    priority: 1, weight: 10, is_active: true, failures: 0, open_until: null, poll_interval_ms: 1000, created_at: now, updated_at: now,
  })
  let counting = false
  rt.database.setInterceptor(async (action, params, next) => {
    const role = als.getStore()
    if (counting && role && !API_STANDINS.has(String(params?.collectionName ?? ''))) {
      const t = tallies[role]
      if (READS.has(action)) t.reads++
      else if (WRITES.has(action)) t.writes++
      else t.tx++
    }
    return next()
  })
  const storage = rt.storage
  const counted = Object.create(storage) as StoragePort
  for (const m of ['upload', 'download', 'getTempUrls', 'delete', 'stat'] as const) {
    ;(counted as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
      const role = als.getStore()
      if (counting && role) tallies[role].storage++
      return (storage[m] as (...a: unknown[]) => Promise<unknown>).apply(storage, args)
    }
  }
  ;(rt as { storage: StoragePort }).storage = counted
  main = createAppGateway(rt)
  // Each image verdict (wxa_media_check) is a message push: one more invocation of the function, counted as backend.
  rt.mediaCheck.connect((event) => invoke('backend', event, {}))

  async function invoke(role: Role, event: Record<string, unknown>, ctx: unknown): Promise<Record<string, unknown>> {
    return als.run(role, async () => {
      const started = performance.now()
      const res = (await main(event, ctx)) as { success?: boolean; data?: unknown }
      if (counting) {
        tallies[role].invocations++
        tallies[role].ms += performance.now() - started
      }
      if (res.success === false) throw new Error(`${String(event.$url ?? event.Type)}: ${JSON.stringify(res)}`)
      return (res.data ?? res) as Record<string, unknown>
    })
  }

  const openid = `cost-${design}`
  const user = contextFor({ kind: 'user', openid, source: 'test' })
  await invoke('backend', { $url: 'user/register' }, user)
  const uploadAsset = async (name: string) => {
    const bytes = Buffer.concat([image, Buffer.from(name)])
    const { fileId } = await rt.storage.upload({ cloudPath: `users/${openid}/uploads/${name}.jpg`, content: bytes })
    return String((await invoke('backend', { $url: 'storage/registerAsset', hash: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, file_id: fileId }, user)).file_id)
  }
  const garment = await uploadAsset('garment')
  const person = await uploadAsset('person')

  /** One generation from the tap to the completed work, as the app (design) or the seed would drive it. */
  async function completeOne(mode: { url: string; input: Record<string, unknown>; images: number }) {
    for (const t of Object.values(tallies)) Object.assign(t, zero())
    counting = true
    const gen = await invoke('backend', { $url: mode.url, ...mode.input }, user)
    let delay = 0
    for (let i = 0; i < 200; i++) {
      delay = design === 'seed' ? 1000 : delay === 0 ? 1000 : Math.min(5000, Math.round(delay * 1.5))
      await new Promise((r) => setTimeout(r, delay))
      const p = await invoke('poll', { $url: 'photography/getProgress', task_id: gen.task_id }, user)
      if (p.status === 'completed') break
      if (p.status === 'failed' || p.status === 'cancelled') throw new Error(`task ${String(p.status)}`)
    }
    await Promise.all(kicks.splice(0))
    counting = false
    return { backend: { ...tallies.backend }, poll: { ...tallies.poll }, images: mode.images }
  }

  return { rt, invoke, completeOne, garment, person, tallies, setCounting: (on: boolean) => (counting = on), user, openid }
}

const modes = (garment: string, person: string) => [
  { name: 'photography ×1', single: true, url: 'photography/generate', input: { garment_images: [garment], scene_id: 'studio-white', count: 1 }, images: 1 },
  { name: 'fitting ×1', single: true, url: 'fitting/generate', input: { garment_image: garment, person_image: person }, images: 1 },
  { name: 'photography ×4', single: false, url: 'photography/generate', input: { garment_images: [garment], scene_id: 'studio-grey', count: 4 }, images: 4 },
]

/** Billed database operations: reads and writes (transaction begin/commit requests are counted apart, in `tx`). */
const ops = (t: Tally) => t.reads + t.writes

const suite: BenchSuite = {
  name: 'cloudbase-cost',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = []
    const ours = await world('ours')
    const seed = await world('seed')
    try {
      const S = 'cloudbase-cost'
      for (const m of modes(ours.garment, ours.person)) {
        const a = await ours.completeOne(m)
        const sm = modes(seed.garment, seed.person).find((x) => x.name === m.name)!
        const b = await seed.completeOne(sm)
        const per = (n: number) => n / m.images
        const bAll = (t: { backend: Tally; poll: Tally }) => ops(t.backend) + ops(t.poll)
        rows.push(
          { suite: S, name: `${m.name}: DB reads+writes per image, backend (generate + worker; r/w ${per(a.backend.reads).toFixed(1)}/${per(a.backend.writes).toFixed(1)})`, value: per(ops(a.backend)), unit: 'ops', baseline: { name: 'seed design, backend share', value: per(ops(b.backend)) } },
          { suite: S, name: `${m.name}: DB reads+writes per image incl. the app's progress polls (${a.poll.invocations} polls; + ${per(a.backend.tx).toFixed(0)} transaction begin/commit)`, value: per(bAll(a)), unit: 'ops', baseline: { name: `seed design: 1 poll/s (${b.poll.invocations} polls)`, value: per(bAll(b)) }, ...(m.single ? { goal: '≤ 25', pass: bAll(a) <= 25 } : {}) },
          { suite: S, name: `${m.name}: invocations per image, backend (generate + self-kick + timer)`, value: per(a.backend.invocations), unit: 'calls', baseline: { name: 'seed design (generate only; polls advance the task)', value: per(b.backend.invocations) }, ...(m.single ? { goal: '≤ 3', pass: a.backend.invocations <= 3 } : {}) },
          { suite: S, name: `${m.name}: invocations per image incl. progress polls`, value: per(a.backend.invocations + a.poll.invocations), unit: 'calls', baseline: { name: 'seed design: 1 poll/s', value: per(b.backend.invocations + b.poll.invocations) } },
          { suite: S, name: `${m.name}: storage operations per image`, value: per(a.backend.storage + a.poll.storage), unit: 'ops', baseline: { name: 'seed design', value: per(b.backend.storage + b.poll.storage) } },
          { suite: S, name: `${m.name}: estimated GB-s per image (512 MB × wall time; ${PROVIDER_MS / 1000} s provider job)`, value: per(((a.backend.ms + a.poll.ms) / 1000) * MEMORY_GB), unit: 'GB-s', baseline: { name: 'seed design', value: per(((b.backend.ms + b.poll.ms) / 1000) * MEMORY_GB) } },
        )
      }
      rows.push(...(await unchangedProgress(ours)), ...(await idleTimer(ours)))
    } finally {
      await ours.rt.close()
      await seed.rt.close()
    }
    return rows
  },
}

type World = Awaited<ReturnType<typeof world>>

/** getProgress while nothing changes: a task held by a worker (lease), and a task waiting out a backoff. */
async function unchangedProgress(w: World): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const reads = async (taskId: string) => {
    Object.assign(w.tallies.poll, zero())
    w.setCounting(true)
    await w.invoke('poll', { $url: 'photography/getProgress', task_id: taskId }, w.user)
    w.setCounting(false)
    return { reads: w.tallies.poll.reads, all: ops(w.tallies.poll) }
  }
  const gen = async () => (await w.invoke('backend', { $url: 'photography/generate', garment_images: [w.garment], scene_id: 'studio-white', count: 1 }, w.user)).task_id as string
  const until = new Date(Date.now() + 10 * 60_000)
  const held = await gen()
  await w.rt.db.collection('task_queue').doc(held).update({ status: 'processing', lease_id: 'bench', lease_until: until, provider_task_id: 'sim-x', provider_id: 'sim' })
  const waiting = await gen()
  await w.rt.db.collection('task_queue').doc(waiting).update({ next_attempt_at: until, attempts: 1 })
  const h = await reads(held)
  const p = await reads(waiting)
  rows.push(
    { suite: 'cloudbase-cost', name: 'getProgress, nothing changed (task processing under a lease): DB reads', value: h.reads, unit: 'reads', baseline: { name: 'all DB operations of that call', value: h.all }, goal: '≤ 1', pass: h.reads <= 1 },
    { suite: 'cloudbase-cost', name: 'getProgress, nothing changed (task pending, waiting out a retry backoff): DB reads', value: p.reads, unit: 'reads', baseline: { name: 'all DB operations of that call', value: p.all }, goal: '≤ 1', pass: p.reads <= 1 },
  )
  return rows
}

/** The minute timer with nothing to do, for a month (43 200 runs). */
async function idleTimer(w: World): Promise<BenchRow[]> {
  // Let the earlier tasks end so the queue is really idle.
  await w.rt.db.collection('task_queue').where({ status: w.rt.db.command.in(['pending', 'processing']) }).update({ status: 'cancelled' })
  Object.assign(w.tallies.backend, zero())
  w.setCounting(true)
  const runs = 20
  for (let i = 0; i < runs; i++) await w.invoke('backend', { Type: 'Timer', TriggerName: 'queue', Time: new Date().toISOString() }, {})
  w.setCounting(false)
  const t = w.tallies.backend
  const perRun = ops(t) / runs
  return [
    { suite: 'cloudbase-cost', name: `idle month of the minute timer: invocations (DB ops per run ${perRun.toFixed(1)}: r/w ${(t.reads / runs).toFixed(1)}/${(t.writes / runs).toFixed(1)})`, value: MINUTES_PER_MONTH, unit: 'calls' },
    { suite: 'cloudbase-cost', name: 'idle month of the minute timer: DB operations', value: perRun * MINUTES_PER_MONTH, unit: 'ops' },
    { suite: 'cloudbase-cost', name: 'idle month of the minute timer: estimated GB-s (512 MB × wall time)', value: (t.ms / 1000 / runs) * MEMORY_GB * MINUTES_PER_MONTH, unit: 'GB-s' },
  ]
}

export default suite
