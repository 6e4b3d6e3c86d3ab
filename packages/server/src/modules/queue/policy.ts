/** The queue's timing rules in one place (see docs in the report: task state machine). */

/** A claim holds a task this long; a worker that dies loses nothing — the task is reclaimed after it. */
export const LEASE_MS = 2 * 60_000
/** Attempts per task (each attempt tries every eligible provider once, in failover order). */
export const MAX_ATTEMPTS = 4
/** Wait before attempt n+1 (index = attempts already made - 1): 5 s → 30 s → 2 min. */
export const RETRY_BACKOFF_MS = [5_000, 30_000, 120_000] as const
/** Default poll interval for an asynchronous provider job (per provider: `api_configs.poll_interval_ms`). */
export const DEFAULT_POLL_INTERVAL_MS = 1_000
/** A provider job still running after this is abandoned and the attempt counts as failed. */
export const PROVIDER_JOB_TIMEOUT_MS = 15 * 60_000
/** Wait before polling an accepted provider job again after a transient poll or result-download failure. */
export const POLL_RETRY_MS = 5_000
/** Signed URLs of inputs handed to remote providers. */
export const INPUT_URL_TTL_SECONDS = 3600

export function backoffMs(attemptsMade: number): number {
  return RETRY_BACKOFF_MS[Math.min(RETRY_BACKOFF_MS.length - 1, Math.max(0, attemptsMade - 1))]!
}

/** Wait after a throttling answer that suggests none (DashScope sends no Retry-After). */
export const THROTTLE_WAIT_MS = 5_000
/** Upper bound of a provider-suggested wait, so a bogus Retry-After cannot park a paid task for hours. */
export const THROTTLE_MAX_WAIT_MS = 60_000

export function throttleWaitMs(retryAfterMs: number | undefined): number {
  const ms = Number(retryAfterMs)
  if (!Number.isFinite(ms) || ms <= 0) return THROTTLE_WAIT_MS
  return Math.min(THROTTLE_MAX_WAIT_MS, Math.max(500, Math.round(ms)))
}
