/**
 * Advances one claimed task through its provider steps. Per unit of the current step: submit (a new attempt,
 * failing over across the providers of the step's capability) or poll a provider job, optionally keep polling
 * while the pass has time, store the unit's images and write their file ids on the task before anything else
 * runs — so a worker that dies resumes at the unit it reached, never paying a provider twice for a stored
 * result. After the last step the task settles (completed with the final images, a partial refund for the
 * ones not delivered; or failed with a full refund). Every write is conditional on the lease, so a cancelled
 * or reclaimed task is left alone.
 */
import type { ProviderOutcome, Runtime } from '@aiphoto/runtime'
import { getDoc } from '../../lib/db'
import type { TaskDoc, TaskStep } from '../../data/documents'
import { sendTaskMessage } from '../notify/notify'
import { updateHeld, type ClaimedTask } from './claim'
import { buildJob, InputMissingError, pollContextOf, stepsOf, storeResults, type StagedFiles } from './job'
import { admitSubmission, release, renew, SLOT_LEASE_MS, wakeSlotWaiter } from './provider-limits'
import { backoffMs, POLL_RETRY_MS, PROVIDER_JOB_TIMEOUT_MS, throttleWaitMs } from './policy'
import { providerById, rankedProviders, recordProviderOutcome, restingProviders, type ProviderHandle } from './providers'
import { failTask } from './settle'
import { discardUnrecorded } from '../works/work-files'
import { holdForModeration, resolveHold } from '../moderation/hold'
import { planUnits, stepOutputs } from './steps'

export type StepResult = 'completed' | 'failed' | 'retrying' | 'running' | 'throttled' | 'lost'

export interface StepOptions {
  /** performance.now() deadline: keep working in this call until then (0 = one provider call, never wait). */
  deadline: number
}

/** While holding a task, how often the worker re-reads it to notice a cancel or a lost lease. */
const CANCEL_CHECK_MS = 5_000

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

/** Overall percentage: steps done, units done inside the step, the provider's own progress inside the unit. */
function overallProgress(steps: TaskStep[], stepIndex: number, unitIndex: number, unitFraction: number): number {
  const units = steps[stepIndex]?.units?.length || 1
  const frac = (stepIndex + (unitIndex + Math.min(1, Math.max(0, unitFraction))) / units) / steps.length
  return Math.round(5 + 90 * frac)
}

/** Where the task stands: the step/unit to work on next (unit null = the step has no unit left). */
function cursorOf(steps: TaskStep[], stepIndex: number): { unit: number | null } {
  const units = steps[stepIndex]!.units ?? []
  const u = units.findIndex((x) => x.outputs === null && !x.failed)
  return { unit: u === -1 ? null : u }
}

interface Submitted {
  outcome: ProviderOutcome
  handle: ProviderHandle | null
  /** The concurrency slot the accepted (running) provider job holds. */
  slot: string | null
}

/**
 * A new attempt at one unit: tries each provider of the step's capability in failover order until one accepts
 * the job. A provider whose account limits (queue/provider-limits.ts) have no room now is skipped like a
 * throttling answer.
 */
async function submitAttempt(rt: Runtime, task: ClaimedTask, stepIndex: number, unitIndex: number): Promise<Submitted | 'lost'> {
  const now = rt.clock.now()
  const none = (outcome: ProviderOutcome, handle: ProviderHandle | null = null): Submitted => ({ outcome, handle, slot: null })
  // Attempts are counted before submitting, so a worker that keeps dying mid-attempt (a poison input, a crash loop)
  // still runs out of them: the unit fails (and the images it cannot deliver are refunded) instead of being
  // reclaimed forever. `attempts` counts every attempt of the task (what operators see); `unit_attempts` those of
  // the current unit, which the limit applies to, so a three-step task has the same retries per step.
  if (unitAttemptsOf(task) >= task.max_attempts) return none({ state: 'failed', retryable: false, reason: 'attempts exhausted: the worker stopped during every attempt' })
  const attempts = (task.attempts ?? 0) + 1
  const unitAttempts = unitAttemptsOf(task) + 1
  const steps = stepsOf(task)
  const progress = Math.max(task.progress ?? 0, overallProgress(steps, stepIndex, unitIndex, 0))
  if (!(await updateHeld(rt, task, { attempts, unit_attempts: unitAttempts, provider_task_id: null, submitted_at: now, progress, updated_at: now }))) return 'lost'
  Object.assign(task, { attempts, unit_attempts: unitAttempts, submitted_at: now, provider_task_id: null, progress })
  // Each staged input is on the task (`staged_files`) before its URL reaches a provider: a worker that dies after
  // staging leaves it listed for the next worker (endProviderJob) or whoever settles the task (settle.ts).
  const staged: StagedFiles = {
    fileIds: [],
    record: async (fileId) => {
      if (!(await updateHeld(rt, task, { staged_files: rt.db.command.push(fileId), updated_at: rt.clock.now() } as unknown as Partial<TaskDoc>))) return false
      task.staged_files = [...(task.staged_files ?? []), fileId]
      return true
    },
  }
  let job
  try {
    job = await buildJob(rt, task, stepIndex, unitIndex, staged)
  } catch (err) {
    if (err instanceof InputMissingError) return none({ state: 'failed', retryable: false, reason: err.message })
    return none({ state: 'failed', retryable: true, reason: `input read failed: ${errorText(err)}` })
  }
  const ranked = await rankedProviders(rt, job.kind, now)
  // A provider that cannot take this job at all (FASHN given a top + bottom pair) is passed over, not failed: a
  // breaker failure would take it away from the jobs it can do.
  const refusals = ranked.map((h) => h.provider.refuses?.(job) ?? null)
  const handles = ranked.filter((_, i) => !refusals[i])
  if (handles.length === 0 && ranked.length > 0) {
    // Final (refunded) unless a provider of this kind is only resting behind an open circuit and may take it later.
    const retryable = await restingProviders(rt, job.kind, now)
    rt.logger.warn('provider_none_accepts', { task_id: task._id, step: steps[stepIndex]!.kind, retryable, reasons: refusals.join('; ').slice(0, 300) })
    return none({ state: 'failed', retryable, reason: refusals.find(Boolean)! })
  }
  if (handles.length === 0) return none({ state: 'failed', retryable: true, reason: 'no provider available' })
  let last: Submitted = none({ state: 'failed', retryable: true, reason: 'no provider available' })
  let throttled: Submitted | null = null
  const done = async (result: Submitted): Promise<Submitted> => {
    // Staged inputs outlive the call only while a provider job may still download them.
    if (result.outcome.state !== 'running') await dropStaged(rt, task, rt.clock.now())
    return result
  }
  for (const handle of handles) {
    const admission = await admitSubmission(rt, handle.config, task._id, task.provider_slot ?? null, rt.clock.now())
    if (!admission.ok) {
      throttled ??= none({ state: 'throttled', retryAfterMs: admission.retryAfterMs, reason: admission.reason }, handle)
      continue
    }
    const outcome = await safely(() => handle.provider.submit(job))
    if (outcome.state === 'running') return done({ outcome, handle, slot: admission.slotId })
    // Not accepted, or finished at once: the slot is free again.
    await release(rt, admission.slotId, task._id, rt.clock.now())
    if (outcome.state === 'throttled') {
      // An account limit, not a fault: no breaker failure; the next provider may have room.
      rt.logger.info('provider_throttled', { task_id: task._id, provider_id: handle.config._id, reason: outcome.reason.slice(0, 200) })
      throttled ??= none(outcome, handle)
      continue
    }
    if (outcome.state === 'succeeded') return done(none(outcome, handle))
    rt.logger.warn('provider_submit_failed', { task_id: task._id, step: steps[stepIndex]!.kind, provider_id: handle.config._id, retryable: outcome.retryable, reason: outcome.reason.slice(0, 200) })
    await recordProviderOutcome(rt, handle.config._id, 'failure', rt.clock.now())
    // A non-retryable answer may still be this provider's limitation (size, format): the next one may accept.
    last = none(outcome, handle)
  }
  // A provider that was only throttled may still accept this job: wait for it (the attempt is given back).
  return done(throttled ?? last)
}

/**
 * Deletes the inputs staged for the task's provider jobs (this worker's and any a dead worker left listed) and
 * un-lists them. A failed delete keeps them listed: the next job's end or the task's settle tries again.
 */
async function dropStaged(rt: Runtime, task: ClaimedTask, now: Date): Promise<void> {
  const files = task.staged_files ?? []
  if (files.length === 0) return
  try {
    await rt.storage.delete(files)
  } catch (err) {
    rt.logger.warn('staged_delete_failed', { task_id: task._id, error: errorText(err) })
    return
  }
  const rest = (task.staged_files ?? []).filter((f) => !files.includes(f))
  if (await updateHeld(rt, task, { staged_files: rest, updated_at: now })) task.staged_files = rest
}

/** The provider job has ended (or was abandoned): free its slot and delete what was staged for it. */
async function endProviderJob(rt: Runtime, task: ClaimedTask, now: Date): Promise<void> {
  await release(rt, task.provider_slot, task._id, now)
  if (task.provider_slot) await wakeSlotWaiter(rt, task.provider_slot, now)
  await dropStaged(rt, task, now)
  if (task.provider_slot) {
    if (await updateHeld(rt, task, { provider_slot: null, updated_at: now })) task.provider_slot = null
  }
}

/** Deletes stored results the task does not list (after a failed write); a failed read leaves them be. */
async function discardIfUnlisted(rt: Runtime, task: ClaimedTask, stored: string[]): Promise<void> {
  try {
    const fresh = await getDoc<TaskDoc>(rt.db, 'task_queue', task._id)
    const listed = new Set(stepsOf(fresh ?? task).flatMap(stepOutputs))
    if (fresh && !stored.some((f) => listed.has(f))) await discardUnrecorded(rt, task.work_id, stored)
  } catch (err) {
    rt.logger.warn('result_discard_skipped', { task_id: task._id, error: errorText(err) })
  }
}

/** Attempts of the current unit (tasks queued before steps existed count the task's attempts). */
function unitAttemptsOf(task: TaskDoc): number {
  return task.unit_attempts ?? (task.steps ? 0 : (task.attempts ?? 0))
}

type UnitResult = { kind: 'stored' } | { kind: 'unit_failed' } | { kind: 'exit'; result: StepResult }

/** Submits or polls one unit until it is stored, failed for good, let go ('running'), retried later or lost. */
async function runUnit(rt: Runtime, task: ClaimedTask, stepIndex: number, unitIndex: number, opts: StepOptions): Promise<UnitResult> {
  const steps = stepsOf(task)
  let handle: ProviderHandle | null
  let outcome: ProviderOutcome
  if (task.provider_task_id && task.provider_id) {
    handle = await providerById(rt, task.provider_id)
    outcome = handle
      ? await safely(() => handle!.provider.poll(task.provider_task_id!, pollContextOf(task, stepIndex)))
      : { state: 'failed', retryable: true, reason: 'provider no longer configured' }
  } else {
    const submitted = await submitAttempt(rt, task, stepIndex, unitIndex)
    if (submitted === 'lost') return { kind: 'exit', result: 'lost' }
    ;({ outcome, handle } = submitted)
    if (submitted.slot) {
      const patch = { provider_slot: submitted.slot }
      if (!(await updateHeld(rt, task, patch))) {
        await release(rt, submitted.slot, task._id, rt.clock.now())
        return { kind: 'exit', result: 'lost' }
      }
      Object.assign(task, patch)
    }
  }

  // Every request while holding a task is a billed database operation (bench: cloudbase-cost), so the loop writes
  // only what changed, renews the provider slot well before its lease ends, and re-reads the task (to notice a
  // cancel) every few seconds rather than every poll. Correctness does not depend on these: settling re-checks the
  // lease in its transaction.
  let slotRenewedAt = task.provider_slot && task.submitted_at && !task.provider_task_id ? rt.clock.now().getTime() : -Infinity
  let checkedAt = performance.now()
  while (outcome.state === 'running') {
    const now = rt.clock.now()
    const submittedAt = task.submitted_at ? new Date(task.submitted_at).getTime() : now.getTime()
    if (now.getTime() - submittedAt > PROVIDER_JOB_TIMEOUT_MS) {
      // Final, not retried: the provider may still finish (and bill) this job, and a resubmit would bill twice.
      outcome = { state: 'failed', retryable: false, reason: 'provider job timed out' }
      break
    }
    if (task.provider_slot && now.getTime() - slotRenewedAt >= SLOT_LEASE_MS / 3) {
      await renew(rt, task.provider_slot, task._id, now)
      slotRenewedAt = now.getTime()
    }
    const interval = handle?.pollIntervalMs ?? 1000
    const progress = Math.max(task.progress ?? 0, overallProgress(steps, stepIndex, unitIndex, 0.1 + 0.8 * (outcome.progress ?? 0)))
    const keep = performance.now() + interval < opts.deadline
    // Holding on: the lease stays ours; letting go: the lease ends when the next poll is due, so the next pass
    // (or the owner's getProgress) picks the task up then.
    const providerId = handle?.config._id ?? null
    const changed = outcome.providerTaskId !== task.provider_task_id || providerId !== task.provider_id || Math.abs(progress - (task.progress ?? 0)) >= 20
    if (changed || !keep) {
      const patch: Partial<TaskDoc> = { provider_id: providerId, provider_task_id: outcome.providerTaskId, progress, updated_at: now }
      if (!keep) patch.lease_until = new Date(now.getTime() + interval)
      if (!(await updateHeld(rt, task, patch))) return { kind: 'exit', result: 'lost' }
      Object.assign(task, patch)
    }
    if (!keep) return { kind: 'exit', result: 'running' }
    await sleep(interval)
    if (performance.now() - checkedAt >= CANCEL_CHECK_MS) {
      checkedAt = performance.now()
      const fresh = await getDoc<TaskDoc>(rt.db, 'task_queue', task._id)
      if (!fresh || fresh.status !== 'processing' || fresh.lease_id !== task.lease_id) return { kind: 'exit', result: 'lost' }
    }
    outcome = await safely(() => handle!.provider.poll(task.provider_task_id!, pollContextOf(task, stepIndex)))
  }

  const now = rt.clock.now()
  // A throttled poll: the provider job still runs and keeps its slot and inputs.
  if (outcome.state === 'throttled') return { kind: 'exit', result: await waitForLimit(rt, task, handle, outcome, now) }
  // A transient failure while polling an accepted job (network, 5xx, a malformed answer) says nothing about the
  // job itself: it is polled again later, never resubmitted — the provider bills every accepted job. Its slot and
  // inputs stay with it. Only a final FAILED/CANCELED answer, or the job timeout, gives it up.
  let pollFailureCounted = false
  if (outcome.state === 'failed' && outcome.retryable && task.provider_task_id) {
    pollFailureCounted = true
    if (handle) await recordProviderOutcome(rt, handle.config._id, 'failure', now)
    const later = await pollAgainLater(rt, task, handle, outcome.reason, now)
    if (later) return { kind: 'exit', result: later }
    outcome = { state: 'failed', retryable: false, reason: 'provider job timed out' }
  }
  await endProviderJob(rt, task, now)
  if (outcome.state === 'succeeded') {
    const unit = steps[stepIndex]!.units![unitIndex]!
    // A provider may deliver more than asked: keep what was paid for.
    const last = stepIndex === steps.length - 1
    const firstIndex = last ? steps[stepIndex]!.units!.slice(0, unitIndex).reduce((n, u) => n + u.count, 0) : 0
    const stored = await storeResults(rt, task, outcome.images.slice(0, unit.count), handle?.provider.fetchImage?.bind(handle.provider), last ? '' : `s${stepIndex + 1}u${unitIndex + 1}-`, firstIndex)
    // A success only changes a breaker that had failures or was open (as this pass loaded it): no read otherwise.
    if (handle && ((handle.config.failures ?? 0) > 0 || handle.config.open_until)) await recordProviderOutcome(rt, handle.config._id, 'success', now)
    if (stored.length > 0) {
      const next = steps.map((s, i) => (i === stepIndex ? { ...s, units: s.units!.map((u, j) => (j === unitIndex ? { ...u, outputs: stored } : u)) } : s))
      const progress = Math.max(task.progress ?? 0, overallProgress(next, stepIndex, unitIndex, 1))
      const patch = { steps: rt.db.command.set(next), provider_id: handle?.config._id ?? null, provider_task_id: null, unit_attempts: 0, error: null, progress, updated_at: now } as unknown as Partial<TaskDoc>
      let held: boolean
      try {
        held = await updateHeld(rt, task, patch)
      } catch (err) {
        // The write may have landed (an ambiguous commit): the files go only if the task does not list them.
        await discardIfUnlisted(rt, task, stored)
        throw err
      }
      if (!held) {
        // Named with this worker's lease, listed nowhere: nobody else will use or remove them.
        await discardUnrecorded(rt, task.work_id, stored)
        return { kind: 'exit', result: 'lost' }
      }
      Object.assign(task, { steps: next, provider_id: handle?.config._id ?? null, provider_task_id: null, unit_attempts: 0, error: null, progress })
      return { kind: 'stored' }
    }
    // The job succeeded but its results could not be copied (a download or upload failed): its result URLs stay
    // valid for a day, so the job is polled again for them rather than paid for twice.
    const later = task.provider_task_id ? await pollAgainLater(rt, task, handle, 'provider returned no usable image', now) : null
    if (later) return { kind: 'exit', result: later }
    outcome = task.provider_task_id
      ? { state: 'failed', retryable: false, reason: 'provider returned no usable image' }
      : { state: 'failed', retryable: true, reason: 'provider returned no usable image' }
  } else if (handle && task.provider_task_id && !pollFailureCounted) {
    // A failed poll counts against the provider (submit failures were counted in submitAttempt).
    await recordProviderOutcome(rt, handle.config._id, 'failure', now)
  }

  const failed = outcome as Extract<ProviderOutcome, { state: 'failed' }>
  if (failed.retryable && unitAttemptsOf(task) < task.max_attempts) {
    const next = new Date(now.getTime() + backoffMs(unitAttemptsOf(task)))
    const ok = await updateHeld(rt, task, {
      status: 'pending',
      lease_id: null,
      lease_until: null,
      provider_task_id: null,
      next_attempt_at: next,
      error: failed.reason.slice(0, 300),
      updated_at: now,
    })
    return { kind: 'exit', result: ok ? 'retrying' : 'lost' }
  }
  // This unit is lost for good; the task goes on with the others (and refunds the images it cannot deliver).
  const next = steps.map((s, i) => (i === stepIndex ? { ...s, units: s.units!.map((u, j) => (j === unitIndex ? { ...u, failed: failed.reason.slice(0, 200) } : u)) } : s))
  const patch = { steps: rt.db.command.set(next), provider_task_id: null, unit_attempts: 0, error: failed.reason.slice(0, 300), updated_at: now } as unknown as Partial<TaskDoc>
  if (!(await updateHeld(rt, task, patch))) return { kind: 'exit', result: 'lost' }
  Object.assign(task, { steps: next, provider_task_id: null, unit_attempts: 0, error: failed.reason.slice(0, 300) })
  return { kind: 'unit_failed' }
}

export async function advanceClaimed(rt: Runtime, task: ClaimedTask, opts: StepOptions): Promise<StepResult> {
  // A task waiting for its image checks is never run again: its lease ran out at the hold deadline.
  if (task.moderation) return resolveHold(rt, task._id, rt.clock.now())
  let providerCalls = 0
  for (;;) {
    const steps = stepsOf(task)
    const stepIndex = task.step_index ?? 0
    if (stepIndex >= steps.length) return finishCompleted(rt, task, steps)
    const step = steps[stepIndex]!
    const now = rt.clock.now()
    if (step.units === null) {
      const units = planUnits(steps, stepIndex, task.params.count)
      if (units.length === 0) return finishFailed(rt, task, lastFailure(task, steps), now)
      const next = steps.map((s, i) => (i === stepIndex ? { ...s, units } : s))
      if (!(await updateHeld(rt, task, { steps: rt.db.command.set(next), updated_at: now } as unknown as Partial<TaskDoc>))) return 'lost'
      task.steps = next
      continue
    }
    const { unit } = cursorOf(steps, stepIndex)
    if (unit === null) {
      if (stepOutputs(step).length === 0) return finishFailed(rt, task, lastFailure(task, steps), now)
      const patch: Partial<TaskDoc> = { step_index: stepIndex + 1, unit_attempts: 0, provider_task_id: null, updated_at: now }
      if (!(await updateHeld(rt, task, patch))) return 'lost'
      Object.assign(task, patch)
      continue
    }
    // One provider call per getProgress (deadline 0); a worker pass goes on while it has time. A task let go
    // between units is due at once (the lease ends now), so the next pass continues it.
    if (providerCalls > 0 && performance.now() >= opts.deadline) {
      const patch: Partial<TaskDoc> = { lease_until: new Date(now.getTime() - 1), updated_at: now }
      return (await updateHeld(rt, task, patch)) ? 'running' : 'lost'
    }
    providerCalls++
    const r = await runUnit(rt, task, stepIndex, unit, opts)
    if (r.kind === 'exit') return r.result
  }
}

/**
 * An accepted provider job to be polled again after a short wait (the lease ends then, so the next pass picks it
 * up with its provider task id). null once the job is older than the provider job timeout: the caller fails the
 * unit for good (refunded) instead of resubmitting.
 */
async function pollAgainLater(rt: Runtime, task: ClaimedTask, handle: ProviderHandle | null, reason: string, now: Date): Promise<StepResult | null> {
  const submittedAt = task.submitted_at ? new Date(task.submitted_at).getTime() : now.getTime()
  if (now.getTime() - submittedAt > PROVIDER_JOB_TIMEOUT_MS) return null
  const patch: Partial<TaskDoc> = { provider_id: handle?.config._id ?? task.provider_id, lease_until: new Date(now.getTime() + POLL_RETRY_MS), error: reason.slice(0, 300), updated_at: now }
  const ok = await updateHeld(rt, task, patch)
  return ok ? 'retrying' : 'lost'
}

/**
 * A throttling answer: wait and ask again without using up an attempt or failing the task. A throttled submit
 * (nothing was accepted) goes back to pending with its attempt given back; a throttled poll keeps the provider
 * job and polls it again after the wait. The step and unit reached are kept.
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
    unit_attempts: Math.max(0, unitAttemptsOf(task) - 1),
    lease_id: null,
    lease_until: null,
    provider_task_id: null,
    submitted_at: null,
    next_attempt_at: until,
    waiting_for_slot: handle?.config._id ?? null,
    error: `throttled: ${outcome.reason}`.slice(0, 300),
    updated_at: now,
  })
  return ok ? 'throttled' : 'lost'
}

function lastFailure(task: TaskDoc, steps: TaskStep[]): string {
  for (const s of steps) for (const u of s.units ?? []) if (u.failed) return u.failed
  return task.error ?? 'provider returned no usable image'
}

async function finishCompleted(rt: Runtime, task: ClaimedTask, steps: TaskStep[]): Promise<StepResult> {
  const now = rt.clock.now()
  const images = stepOutputs(steps[steps.length - 1]!)
  // Outputs are shown only after every input and output passed the image check: the task waits for it
  // (modules/moderation/hold.ts completes or refunds it). Intermediate files go when it settles (settle.ts).
  return holdForModeration(rt, task, images, task.provider_id ?? null, now)
}

async function finishFailed(rt: Runtime, task: ClaimedTask, reason: string, now: Date): Promise<StepResult> {
  const settled = await failTask(rt, task._id, task.lease_id, reason, now)
  // failTask recorded and removed every file the task stored (settle.ts).
  if (!settled.settled) return 'lost'
  await sendTaskMessage(rt, task._id, 'task_failed', now)
  return 'failed'
}

