import type { Clock } from '@aiphoto/runtime'

/** A clock tests move by hand: cross midnight, expire leases, age orders. */
export interface ManualClock extends Clock {
  set(at: Date | string | number): void
  advance(ms: number): void
}

export function manualClock(start: Date | string | number = '2026-01-15T02:00:00.000Z'): ManualClock {
  let t = new Date(start).getTime()
  return {
    now: () => new Date(t),
    set: (at) => void (t = new Date(at).getTime()),
    advance: (ms) => void (t += ms),
  }
}
