/// <reference path="../../packages/server/src/tcb-router.d.ts" />
/**
 * Gateway overhead: the same trivial handler called (a) as a plain function, (b) under bare tcb-router,
 * (c) through the full gateway `main` (whitelist, request log, error boundary, identity, access, rate limit,
 * zod input and output validation). Batches are interleaved so machine noise hits all three alike.
 */
import { createGateway, platformHandlers } from '@aiphoto/server'
import { contextFor, createLocalRuntime } from '@aiphoto/local-runtime'
import { jsonLogger } from '@aiphoto/runtime'
import TcbRouter from 'tcb-router'
import type { BenchRow, BenchSuite } from '../types'
import { percentile } from '../types'

const BATCH = 200
const ROUNDS = 150

const suite: BenchSuite = {
  name: 'gateway-overhead',
  async run(): Promise<BenchRow[]> {
    // Log lines are built (JSON.stringify) as in production, then dropped instead of written to a terminal.
    const rt = createLocalRuntime({ dataDir: ':memory:', logger: jsonLogger(() => {}), providers: () => null, config: { rateLimit: { windowMs: 60_000, defaultMax: Number.MAX_SAFE_INTEGER } } })
    const handler = async () => ({ items: [] as never[] })
    const main = createGateway(rt, { procedures: { 'scene/getScenes': handler }, platform: platformHandlers })
    const ctx = contextFor({ kind: 'user', openid: 'bench-user', source: 'test' })
    const event = { $url: 'scene/getScenes', category: 'studio' }

    const plain = async () => ({ success: true, data: await handler() })
    const bare = async () => {
      const app = new TcbRouter({ event })
      app.router('scene/getScenes', async (c: { body?: unknown }) => {
        c.body = { success: true, data: await handler() }
      })
      return app.serve()
    }
    const gateway = () => main(event, ctx)

    const check = (await gateway()) as { success: boolean }
    if (!check.success) throw new Error('gateway bench call failed: ' + JSON.stringify(check))

    const samples: Record<'plain' | 'bare' | 'gateway', number[]> = { plain: [], bare: [], gateway: [] }
    const fns = { plain, bare, gateway }
    for (let warm = 0; warm < 20; warm++) for (const fn of Object.values(fns)) for (let i = 0; i < BATCH; i++) await fn()
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, fn] of Object.entries(fns) as Array<[keyof typeof fns, () => Promise<unknown>]>) {
        const t0 = performance.now()
        for (let i = 0; i < BATCH; i++) await fn()
        samples[name].push(((performance.now() - t0) * 1000) / BATCH)
      }
    }
    await rt.close()
    const med = (k: keyof typeof samples) => percentile(samples[k], 50)
    const ratio = med('gateway') / med('bare')
    return [
      { suite: 'gateway', name: 'trivial action through main (median per call)', value: med('gateway'), unit: 'µs', baseline: { name: 'bare tcb-router', value: med('bare') }, goal: '≤ 30 µs', pass: med('gateway') <= 30 },
      { suite: 'gateway', name: 'main / bare tcb-router', value: ratio, unit: '×', baseline: { name: 'plain function call', value: med('plain'), unit: 'µs' }, goal: '≤ 1.2×', pass: ratio <= 1.2 },
    ]
  },
}
export default suite
