/**
 * Circuit breaker for providers, as a pure transition on a serialisable state (persisted by the queue
 * module on the `api_configs` document). After `threshold` consecutive failures the provider is kept out
 * for `baseOpenMs`, doubling with each further failure up to `maxOpenMs`; once `open_until` has passed
 * the provider is tried again (half-open) and one success closes the circuit.
 */

export interface BreakerState {
  failures: number
  open_until: Date | null
}

export interface BreakerPolicy {
  threshold: number
  baseOpenMs: number
  maxOpenMs: number
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = { threshold: 3, baseOpenMs: 60_000, maxOpenMs: 10 * 60_000 }

export const CLOSED_BREAKER: BreakerState = { failures: 0, open_until: null }

/** Example: `nextBreakerState({ failures: 2, open_until: null }, 'failure', now)` → open until now + 60 s. */
export function nextBreakerState(
  prev: BreakerState,
  outcome: 'success' | 'failure',
  now: Date,
  policy: BreakerPolicy = DEFAULT_BREAKER_POLICY,
): BreakerState {
  if (outcome === 'success') return { failures: 0, open_until: null }
  const failures = Math.max(0, prev.failures) + 1
  if (failures < policy.threshold) return { failures, open_until: null }
  const openMs = Math.min(policy.maxOpenMs, policy.baseOpenMs * 2 ** Math.min(30, failures - policy.threshold))
  return { failures, open_until: new Date(now.getTime() + openMs) }
}

export function isBreakerOpen(state: BreakerState, now: Date): boolean {
  return !!state.open_until && state.open_until.getTime() > now.getTime()
}
