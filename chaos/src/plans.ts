/** The runs: the short one inside `npm test`, the full one for `pnpm chaos` (docs/chaos.md). */
import type { ChaosOptions } from './scenario'

/** Fault rates of both runs: high enough that every path meets every fault kind many times. */
export const HOSTILE: ChaosOptions['plan'] = {
  db: { errorRate: 0.03, ambiguousRate: 0.03, conflictRate: 0.03, latencyRate: 0.02, latencyMs: [0, 3] },
  storage: { errorRate: 0.05, timeoutRate: 0.03 },
  provider: { errorRate: 0.05, timeoutRate: 0.03 },
  killRate: 0.005,
}

export const SHORT_RUN: ChaosOptions = { seed: 14, users: 60, epochs: 40, concurrency: 16, plan: HOSTILE }

export const FULL_RUN: ChaosOptions = { seed: 14, users: 10_000, epochs: 160, concurrency: 48, plan: HOSTILE }
