/**
 * Provider choice and circuit breaker as pure functions. NOTE: the same rules as @aiphoto/imaging's
 * `rankProviders` / `nextBreakerState` (higher priority first, weighted random within a tier; 3 consecutive
 * failures open the circuit for 60 s, doubling up to 10 min). Kept here because imaging's entry loads sharp,
 * which domain code must not; switch to a sharp-free imaging subpath once one is exported.
 */

export interface Candidate {
  id: string
  priority: number
  weight: number
  open_until: Date | null
}

export interface BreakerState {
  failures: number
  open_until: Date | null
}

export const BREAKER_POLICY = { threshold: 3, baseOpenMs: 60_000, maxOpenMs: 10 * 60_000 } as const

export function isOpen(state: { open_until: Date | null }, now: Date): boolean {
  return !!state.open_until && new Date(state.open_until).getTime() > now.getTime()
}

/** Failover order: eligible (weight > 0, circuit not open) candidates by tier (high first), weighted random inside. */
export function rankCandidates<T extends Candidate>(candidates: readonly T[], now: Date, random: () => number): T[] {
  const tiers = new Map<number, T[]>()
  for (const c of candidates) {
    if (c.weight <= 0 || isOpen(c, now)) continue
    tiers.set(c.priority, [...(tiers.get(c.priority) ?? []), c])
  }
  const out: T[] = []
  for (const priority of [...tiers.keys()].sort((a, b) => b - a)) {
    const pool = tiers.get(priority)!.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    while (pool.length) {
      const total = pool.reduce((s, c) => s + c.weight, 0)
      let r = random() * total
      let i = 0
      while (i < pool.length - 1 && r >= pool[i]!.weight) r -= pool[i++]!.weight
      out.push(pool.splice(i, 1)[0]!)
    }
  }
  return out
}

export function nextBreaker(prev: BreakerState, outcome: 'success' | 'failure', now: Date): BreakerState {
  if (outcome === 'success') return { failures: 0, open_until: null }
  const failures = Math.max(0, prev.failures ?? 0) + 1
  if (failures < BREAKER_POLICY.threshold) return { failures, open_until: null }
  const openMs = Math.min(BREAKER_POLICY.maxOpenMs, BREAKER_POLICY.baseOpenMs * 2 ** Math.min(30, failures - BREAKER_POLICY.threshold))
  return { failures, open_until: new Date(now.getTime() + openMs) }
}
