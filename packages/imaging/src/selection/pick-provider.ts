/**
 * Which provider runs a task: the highest priority tier that has an eligible provider, weighted random
 * within that tier. Pure: the caller passes the clock and the random source, so tests can seed it.
 */

export interface ProviderCandidate {
  id: string
  /** Higher runs first (the `api_configs` index sorts priority descending). */
  priority: number
  /** Relative share within a priority tier; ≤ 0 never picked. */
  weight: number
  is_active: boolean
  /** Whether the provider handles this job's kind. */
  supports: boolean
  /** The circuit breaker keeps the provider out until this instant. */
  open_until?: Date | null
}

export interface PickContext {
  now: Date
  random: () => number
  /** Ids already tried for this task (failover within one invocation). */
  exclude?: Set<string>
}

function eligible(c: ProviderCandidate, ctx: PickContext): boolean {
  return c.is_active && c.supports && c.weight > 0 && !ctx.exclude?.has(c.id) && !(c.open_until && c.open_until.getTime() > ctx.now.getTime())
}

/**
 * Orders every eligible candidate for failover: tiers by priority (high first), a weighted random order
 * (sampling without replacement) inside each tier.
 */
export function rankProviders<T extends ProviderCandidate>(candidates: readonly T[], ctx: PickContext): T[] {
  const tiers = new Map<number, T[]>()
  for (const c of candidates) if (eligible(c, ctx)) tiers.set(c.priority, [...(tiers.get(c.priority) ?? []), c])
  const out: T[] = []
  for (const priority of [...tiers.keys()].sort((a, b) => b - a)) {
    const pool = tiers.get(priority)!.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    while (pool.length) {
      const total = pool.reduce((s, c) => s + c.weight, 0)
      let r = ctx.random() * total
      let i = 0
      while (i < pool.length - 1 && r >= pool[i]!.weight) r -= pool[i++]!.weight
      out.push(pool.splice(i, 1)[0]!)
    }
  }
  return out
}

/** The provider to try next, or null when none is eligible. Example: `pickProvider(configs, { now: new Date(), random: Math.random })`. */
export function pickProvider<T extends ProviderCandidate>(candidates: readonly T[], ctx: PickContext): T | null {
  const top = candidates.filter((c) => eligible(c, ctx))
  if (top.length === 0) return null
  const best = Math.max(...top.map((c) => c.priority))
  const tier = top.filter((c) => c.priority === best).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const total = tier.reduce((s, c) => s + c.weight, 0)
  let r = ctx.random() * total
  for (const c of tier) {
    if (r < c.weight) return c
    r -= c.weight
  }
  return tier[tier.length - 1]!
}
