/**
 * Advances one claimed task: submit (a new attempt, failing over across providers) or poll a provider job,
 * optionally keep polling while the pass has time, then store results and settle. Every write is conditional
 * on the lease, so a cancelled or reclaimed task is left alone.
 */
import type { ProviderOutcome, Runtime } from '@aiphoto/runtime'
import { getDoc } from '../../lib/db'
import type { TaskDoc } from '../../data/documents'
import { sendTaskMessage } from '../notify/notify'
import { updateHeld, type ClaimedTask } from './claim'
import { buildJob, InputMissingError, storeResults } from './job'
import { backoffMs, PROVIDER_JOB_TIMEOUT_MS, throttleWaitMs } from './policy'
import { providerById, rankedProviders, recordProviderOutcome, type ProviderHandle } from './providers'
import { failTask } from './settle'
import { holdForModeration, resolveHold } from '../moderation/hold'

export type StepResult = 'completed' | 'failed' | 'retrying' | 'running' | 'throttled' | 'lost'

export interface StepOptions {
  /** performance.now() deadline: keep polling in this call until then (0 = one step, never wait). */
  deadline: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function errorText(err: unknown): string {
  return String((err as Error)?.message ?? err).slice(0, 200)
}

async function safely(call: () => Promise<ProviderOutcome>): Promise<ProviderOutcome> {
  try {
    return await call()
  } catch (err) {
    return { state: 'failed', retryable: true, reason: `provider error: ${errorText(err)}` }
  }
}

/** A new attempt: tries each eligible provider in failover order until one accepts the job. */
async function submitAttempt(rt: Runtime, task: ClaimedTask): Promise<{ outcome: ProviderOutcome; handle: ProviderHandle | null } | 'lost'> {
  const now = rt.clock.now()
  const attempts = (task.attempts ?? 0) + 1
  // Counted before submitting: a worker killed mid-submit still used up the attempt.
  if (!(await updateHeld(rt, task, { attempts, provider_task_id: null, submitted_at: now, progress: 5, updated_at: now }))) return 'lost'
  Object.assign(task, { attempts, submitted_at: now, provider_task_id: null })
  let job
  try {
    job = await buildJob(rt, task)
  } catch (err) {
    if (err instanceof InputMissingError) return { outcome: { state: 'failed', retryable: false, reason: err.message }, handle: null }
    throw err
  }
  const handles = await rankedProviders(rt, task.type, now)
  if (handles.length === 0) return { outcome: { state: 'failed', retryable: true, reason: 'no provider available' }, handle: null }
  let last: { outcome: ProviderOutcome; handle: ProviderHandle | null } = { outcome: { state: 'failed', retryable: true, reason: 'no provider available' }, handle: null }
  let throttled: { outcome: ProviderOutcome; handle: ProviderHandle | null } | null = null
  for (const handle of handles) {
    const outcome = await safely(() => handle.provider.submit(job))
    if (outcome.state === 'throttled') {
      // An account limit, not a fault: no breaker failure; the next provider may have room.
      rt.logger.info('provider_throttled', { task_id: task._id, provider_id: handle.config._id, reason: outcome.reason.slice(0, 200) })
      throttled ??= { outcome, handle }
      continue
    }
    if (outcome.state !== 'failed') return { outcome, handle }
    rt.logger.warn('provider_submit_failed', { task_id: task._id, provider_id: handle.config._id, retryable: outcome.retryable, reason: outcome.reason.slice(0, 200) })
    await recordProviderOutcome(rt, handle.config._id, 'failure', rt.clock.now())
    // A non-retryable answer may still be this provider's limitation (size, format): the next one may accept.
    last = { outcome, handle }
  }
  // A provider that was only throttled may still accept this job: wait for it (the attempt is given back).
  if (throttled) return throttled
  return last
}

export async function advanceClaimed(rt: Runtime, task: ClaimedTask, opts: StepOptions): Promise<StepResult> {
  // A task waiting for its image checks is never run again: its lease ran out at the hold deadline.
  if (task.moderation) return resolveHold(rt, task._id, rt.clock.now())
  let handle: ProviderHandle | null
  let outcome: ProviderOutcome
  if (task.provider_task_id && task.provider_id) {
    handle = await providerById(rt, task.provider_id)
    outcome = handle
      ? await safely(() => handle!.provider.poll(task.provider_task_id!))
      : { state: 'failed', retryable: true, reason: 'provider no longer configured' }
  } else {
    const submitted = await submitAttempt(rt, task)
    if (submitted === 'lost') return 'lost'
    ;({ outcome, handle } = submitted)
  }

  while (outcome.state === 'running') {
    const now = rt.clock.now()
    const submittedAt = task.submitted_at ? new Date(task.submitted_at).getTime() : now.getTime()
    if (now.getTime() - submittedAt > PROVIDER_JOB_TIMEOUT_MS) {
      outcome = { state: 'failed', retryable: true, reason: 'provider job timed out' }
      break
    }
    const interval = handle?.pollIntervalMs ?? 1000
    const progress = Math.round(10 + 80 * Math.min(1, Math.max(0, outcome.progress ?? 0)))
    const keep = performance.now() + interval < opts.deadline
    // Holding on: the lease stays ours; letting go: the lease ends when the next poll is due, so the next pass
    // (or the owner's getProgress) picks the task up then.
    const patch: Partial<TaskDoc> = { provider_id: handle?.config._id ?? null, provider_task_id: outcome.providerTaskId, progress, updated_at: now }
    if (!keep) patch.lease_until = new Date(now.getTime() + interval)
    if (!(await updateHeld(rt, task, patch))) return 'lost'
    Object.assign(task, patch)
    if (!keep) return 'running'
    await sleep(interval)
    const fresh = await getDoc<TaskDoc>(rt.db, 'task_queue', task._id)
    if (!fresh || fresh.status !== 'processing' || fresh.lease_id !== task.lease_id) return 'lost'
    outcome = await safely(() => handle!.provider.poll(task.provider_task_id!))
  }

  const now = rt.clock.now()
  if (outcome.state === 'throttled') return waitForLimit(rt, task, handle, outcome, now)
  if (outcome.state === 'succeeded') {
    const stored = await storeResults(rt, task, outcome.images, handle?.provider.fetchImage?.bind(handle.provider))
    if (handle) await recordProviderOutcome(rt, handle.config._id, 'success', now)
    // Outputs are shown only after every input and output passed the image check: the task waits for it.
    if (stored.length > 0) return holdForModeration(rt, task, stored, handle?.config._id ?? null, now)
    outcome = { state: 'failed', retryable: true, reason: 'provider returned no usable image' }
  } else if (handle && task.provider_task_id) {
    // A failed poll counts against the provider (submit failures were counted in submitAttempt).
    await recordProviderOutcome(rt, handle.config._id, 'failure', now)
  }

  const failed = outcome as Extract<ProviderOutcome, { state: 'failed' }>
  if (failed.retryable && task.attempts < task.max_attempts) {
    const next = new Date(now.getTime() + backoffMs(task.attempts))
    const ok = await updateHeld(rt, task, {
      status: 'pending',
      lease_id: null,
      lease_until: null,
      provider_task_id: null,
      next_attempt_at: next,
      error: failed.reason.slice(0, 300),
      progress: 0,
      updated_at: now,
    })
    return ok ? 'retrying' : 'lost'
  }
  return finishFailed(rt, task, failed.reason, now)
}

/**
 * A throttling answer: wait and ask again without using up an attempt or failing the task. A throttled submit
 * (nothing was accepted) goes back to pending with its attempt given back; a throttled poll keeps the provider
 * job and polls it again after the wait.
 */
async function waitForLimit(rt: Runtime, task: ClaimedTask, handle: ProviderHandle | null, outcome: Extract<ProviderOutcome, { state: 'throttled' }>, now: Date): Promise<StepResult> {
  const wait = throttleWaitMs(outcome.retryAfterMs)
  const until = new Date(now.getTime() + wait)
  if (task.provider_task_id) {
    const ok = await updateHeld(rt, task, { provider_id: handle?.config._id ?? task.provider_id, lease_until: until, updated_at: now })
    return ok ? 'throttled' : 'lost'
  }
  const ok = await updateHeld(rt, task, {
    status: 'pending',
    attempts: Math.max(0, (task.attempts ?? 1) - 1),
    lease_id: null,
    lease_until: null,
    provider_task_id: null,
    submitted_at: null,
    next_attempt_at: until,
    error: `throttled: ${outcome.reason}`.slice(0, 300),
    progress: 0,
    updated_at: now,
  })
  return ok ? 'throttled' : 'lost'
}

async function finishFailed(rt: Runtime, task: ClaimedTask, reason: string, now: Date): Promise<StepResult> {
  const settled = await failTask(rt, task._id, task.lease_id, reason, now)
  if (!settled.settled) return 'lost'
  await sendTaskMessage(rt, task._id, 'task_failed', now)
  return 'failed'
}
