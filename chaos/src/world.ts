/**
 * The system under test: the real gateway (`main(event, context)`) on the local runtime, with a fault injector in
 * front of its database, storage, image provider and payment provider, a hand-driven clock, and one simulated
 * provider. Every call the harness makes is one invocation (`faults.run(label, ...)`): one function instance
 * serving one request, which the injector may kill.
 */
import { createHash } from 'node:crypto'
import sharp from 'sharp'
import type { Envelope } from '@aiphoto/contract'
import { contextFor, createFaultInjector, createLocalRuntime, manualClock, type FaultInjector, type FaultPlan, type LocalRuntime, type ManualClock } from '@aiphoto/local-runtime'
import { jsonLogger, type Caller } from '@aiphoto/runtime'
import { createAppGateway, sealProviderHeaders, seedDatabase, type GatewayMain } from '@aiphoto/server'
import { simProvider, type SimProviderOptions } from './sim-provider'

export const ADMIN = 'chaos-admin'

export interface World {
  rt: LocalRuntime
  main: GatewayMain
  clock: ManualClock
  faults: FaultInjector
  scenes: string[]
  /** A real 200×200 JPEG (uploads must be images a provider can take: JPG/PNG/WebP, short side ≥ 150 px). */
  image: Buffer
  /** Calls of the harness, by outcome, for the report. */
  calls: { total: number; byAction: Map<string, number>; byCode: Map<string, number>; killed: number }
  /** One invocation: the envelope, or `{ killed }` when the instance died (the caller sees a timeout). */
  call(label: string, caller: Caller | null, event: Record<string, unknown>): Promise<Envelope<unknown> | { killed: string }>
  /** A raw platform event (timer, payment callback), as one invocation. */
  platform(label: string, event: Record<string, unknown>): Promise<unknown>
  close(): Promise<void>
}

export async function createWorld(opts: { seed: number; plan: FaultPlan; provider?: Partial<SimProviderOptions> }): Promise<World> {
  const clock = manualClock('2026-03-02T01:00:00.000Z')
  const faults = createFaultInjector(opts.plan)
  const provider = simProvider({ clock, seed: opts.seed, durationMs: [3_000, 40_000], failRate: 0.05, shortRate: 0.1, ...opts.provider })
  const rt = createLocalRuntime({
    dataDir: ':memory:',
    clock,
    logger: jsonLogger(() => {}),
    providers: (config) => (config.provider === 'chaos-sim' ? provider : null),
    // Rate limits are per function instance and protect nothing about money; a simulated user's retries must not
    // be throttled into a different scenario.
    config: { adminOpenids: [ADMIN], rateLimit: { windowMs: 60_000, defaultMax: 10_000 } },
    faults,
  })
  // The model library needs its figures (a plain image each: the simulated provider never looks at them).
  await seedDatabase(rt, { renderModelFigure: (_a, size) => sharp({ create: { width: size.width, height: size.height, channels: 3, background: '#c8b8a8' } }).jpeg().toBuffer() })
  const now = clock.now()
  await rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
  await rt.db.collection('api_configs').add({
    _id: 'chaos-sim',
    provider: 'chaos-sim',
    api_name: 'chaos-sim',
    endpoint: 'local:chaos-sim',
    headers: sealProviderHeaders(rt.config.secretKey, 'chaos-sim', {}),
    default_params: {},
    priority: 1,
    weight: 10,
    is_active: true,
    failures: 0,
    open_until: null,
    poll_interval_ms: 1_000,
    created_at: now,
    updated_at: now,
  })
  const scenes = ((await rt.db.collection('scenes').where({ is_active: true }).limit(100).get()).data as Array<{ _id: string }>).map((s) => s._id)
  const main = createAppGateway(rt)
  const image = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#b0a090' } }).jpeg().toBuffer()
  const calls: World['calls'] = { total: 0, byAction: new Map(), byCode: new Map(), killed: 0 }
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)

  const invoke = async (label: string, event: Record<string, unknown>, context: unknown): Promise<unknown> => {
    return faults.run(label, async () => {
      let res: unknown
      try {
        res = await main(event, context)
      } catch (err) {
        res = { success: false, code: 'INTERNAL', message: String((err as Error)?.message ?? err) }
      }
      const killedAt = faults.killedAt()
      return killedAt ? { killed: killedAt } : res
    })
  }

  // WeChat pushes each image verdict (wxa_media_check) as an invocation of its own, faults included; an unacknowledged
  // push is delivered again, as the platform does.
  let pushes = 0
  rt.mediaCheck.connect((event) => invoke(`media-push:${pushes++}`, event, {}))

  return {
    rt,
    main,
    clock,
    faults,
    scenes,
    image,
    calls,
    async call(label, caller, event) {
      calls.total++
      bump(calls.byAction, String(event.$url))
      const res = (await invoke(label, event, caller ? contextFor(caller) : {})) as Envelope<unknown> | { killed: string }
      if (process.env.CHAOS_DEBUG && !('killed' in res) && !res.success) console.error(String(event.$url), res.code, res.message, JSON.stringify(res.details ?? null).slice(0, 200))
      if ('killed' in res) {
        calls.killed++
        bump(calls.byCode, 'KILLED')
      } else bump(calls.byCode, res.success ? 'OK' : res.code)
      return res
    },
    async platform(label, event) {
      calls.total++
      bump(calls.byAction, event.Type === 'Timer' ? 'timer' : 'payment-callback')
      const res = await invoke(label, event, {})
      if (res && typeof res === 'object' && 'killed' in res) calls.killed++
      return res
    },
    close: () => rt.close(),
  }
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
