/**
 * A cheap asynchronous image provider on the simulated clock (the chaos run must not spend its CPU rendering):
 * submit answers `running`, poll succeeds once the job's duration has passed. Seeded: a share of submits fail
 * (retryable), and a share of jobs deliver one image fewer than asked (partial refunds).
 */
import type { Clock, ImageProvider, ProviderOutcome } from '@aiphoto/runtime'
import { seededRandom } from '@aiphoto/local-runtime'

export interface SimProviderOptions {
  clock: Clock
  seed: number
  /** Simulated job duration range, ms. */
  durationMs: [number, number]
  failRate: number
  shortRate: number
}

const IMAGE = Buffer.from('\xff\xd8\xff\xe0chaos-sim-image\xff\xd9', 'latin1')

export function simProvider(opts: SimProviderOptions): ImageProvider {
  const rand = seededRandom(`sim-provider\n${opts.seed}`)
  let seq = 0
  return {
    name: 'chaos-sim',
    supports: () => true,
    async submit(job): Promise<ProviderOutcome> {
      if (rand() < opts.failRate) return { state: 'failed', retryable: true, reason: 'simulated provider error' }
      const [lo, hi] = opts.durationMs
      const ready = opts.clock.now().getTime() + lo + Math.floor(rand() * (hi - lo))
      const count = job.count > 1 && rand() < opts.shortRate ? job.count - 1 : job.count
      return { state: 'running', providerTaskId: `sim-${ready}-${count}-${++seq}`, progress: 0 }
    },
    async poll(id): Promise<ProviderOutcome> {
      const [, ready, count] = id.split('-')
      if (opts.clock.now().getTime() < Number(ready)) return { state: 'running', providerTaskId: id, progress: 0.5 }
      return { state: 'succeeded', images: Array.from({ length: Number(count) }, () => ({ bytes: IMAGE, contentType: 'image/jpeg' })) }
    },
  }
}
