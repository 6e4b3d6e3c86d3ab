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
import { buildJob, InputMissingError, storeResults, type StagedFiles } from './job'
import { admitSubmission, release, renew } from './provider-limits'
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

interface Submitted {
  outcome: ProviderOutcome
  handle: ProviderHandle | null
  /** The concurrency slot the accepted (running) provider job holds. */
  slot: string | null
  /** Inputs staged for the accepted job (kept until it ends; deleted at once otherwise). */
  staged: string[]
}

/**
 * A new attempt: tries each eligible provider in failover order until one accepts the job. A provider whose
 * account limits (queue/provider-limits.ts) have no room now is skipped like a throttling answer.
 */
async function submitAttempt(rt: Runtime, task: ClaimedTask): Promise<Submitted | 'lost'> {
  const now = rt.clock.now()
  // Attempts are counted before submitting, so a worker that keeps dying mid-attempt (a poison input, a crash loop)
  // still runs out of them: the task fails and is refunded instead of being reclaimed forever.
  if ((task.attempts ?? 0) >= task.max_attempts) return { outcome: { state: 'failed', retryable: false, reason: 'attempts exhausted: the worker stopped during every attempt' }, handle: null, slot: null, staged: [] }
  const attempts = (task.attempts ?? 0) + 1
  // Counted before submitting: a worker killed mid-submit still used up the attempt.
  if (!(await updateHeld(rt, task, { attempts, provider_task_id: null, submitted_at: now, progress: 5, updated_at: now }))) return 'lost'
  Object.assign(task, { attempts, submitted_at: now, provider_task_id: null })
  const staged: StagedFiles = { fileIds: [] }
  const none = (outcome: ProviderOutcome, handle: ProviderHandle | null = null): Submitted => ({ outcome, handle, slot: null, staged: [] })
  let job
  try {
    job = await buildJob(rt, task, staged)
  } catch (err) {
    if (err instanceof InputMissingError) return none({ state: 'failed', retryable: false, reason: err.message })
    return none({ state: 'failed', retryable: true, reason: `input read failed: ${errorText(err)}` })
  }
  const handles = await rankedProviders(rt, task.type, now)
  if (handles.length === 0) return none({ state: 'failed', retryable: true, reason: 'no provider available' })
  let last: Submitted = none({ state: 'failed', retryable: true, reason: 'no provider available' })
  let throttled: Submitted | null = null
  const done = async (result: Submitted): Promise<Submitted> => {
    // Staged inputs outlive the call only while a provider job may still download them.
    if (result.outcome.state !== 'running' && staged.fileIds.length) await rt.storage.delete(staged.fileIds).catch(() => undefined)
    return result.outcome.state === 'running' ? { ...result, staged: staged.fileIds } : result
  }
  for (const handle of handles) {
    const admission = await admitSubmission(rt, handle.config, task._id, task.provider_slot ?? null, rt.clock.now())
    if (!admission.ok) {
      throttled ??= none({ state: 'throttled', retryAfterMs: admission.retryAfterMs, reason: admission.reason }, handle)
      continue
    }
    const outcome = await safely(() => handle.provider.submit(job))
    if (outcome.state === 'running') return done({ outcome, handle, slot: admission.slotId, staged: [] })
    // Not accepted, or finished at once: the slot is free again.
    await release(rt, admission.slotId, task._id, rt.clock.now())
    if (outcome.state === 'throttled') {
      // An account limit, not a fault: no breaker failure; the next provider may have room.
      rt.logger.info('provider_throttled', { task_id: task._id, provider_id: handle.config._id, reason: outcome.reason.slice(0, 200) })
      throttled ??= none(outcome, handle)
      continue
    }
    if (outcome.state === 'succeeded') return done(none(outcome, handle))
    rt.logger.warn('provider_submit_failed', { task_id: task._id, provider_id: handle.config._id, retryable: outcome.retryable, reason: outcome.reason.slice(0, 200) })
    await recordProviderOutcome(rt, handle.config._id, 'failure', rt.clock.now())
    // A non-retryable answer may still be this provider's limitation (size, format): the next one may accept.
    last = none(outcome, handle)
  }
  // A provider that was only throttled may still accept this job: wait for it (the attempt is given back).
  return done(throttled ?? last)
}

/** The provider job has ended (or was abandoned): free its slot and delete what was staged for it. */
async function endProviderJob(rt: Runtime, task: ClaimedTask, now: Date): Promise<void> {
  await release(rt, task.provider_slot, task._id, now)
  if (task.staged_files?.length) await rt.storage.delete(task.staged_files).catch(() => undefined)
  if (task.provider_slot || task.staged_files?.length) {
    if (await updateHeld(rt, task, { provider_slot: null, staged_files: [], updated_at: now })) Object.assign(task, { provider_slot: null, staged_files: [] })
  }
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
    if (submitted.slot || submitted.staged.length) {
      const patch = { provider_slot: submitted.slot, staged_files: submitted.staged }
      if (!(await updateHeld(rt, task, patch))) {
        await release(rt, submitted.slot, task._id, rt.clock.now())
        return 'lost'
      }
      Object.assign(task, patch)
    }
  }

  while (outcome.state === 'running') {
    const now = rt.clock.now()
    const submittedAt = task.submitted_at ? new Date(task.submitted_at).getTime() : now.getTime()
    if (now.getTime() - submittedAt > PROVIDER_JOB_TIMEOUT_MS) {
      // Final, not retried: the provider may still finish (and bill) this job, and a resubmit would bill twice.
      outcome = { state: 'failed', retryable: false, reason: 'provider job timed out' }
      break
    }
    if (task.provider_slot) await renew(rt, task.provider_slot, task._id, now)
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
  // A throttled poll: the provider job still runs and keeps its slot and inputs.
  if (outcome.state === 'throttled') return waitForLimit(rt, task, handle, outcome, now)
  await endProviderJob(rt, task, now)
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
