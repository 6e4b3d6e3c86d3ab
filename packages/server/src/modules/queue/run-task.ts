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
import { buildJob, InputMissingError, stepsOf, storeResults } from './job'
import { backoffMs, PROVIDER_JOB_TIMEOUT_MS } from './policy'
import { providerById, rankedProviders, recordProviderOutcome, type ProviderHandle } from './providers'
import { completeTask, failTask } from './settle'
import { planUnits, stepOutputs } from './steps'

export type StepResult = 'completed' | 'failed' | 'retrying' | 'running' | 'lost'

export interface StepOptions {
  /** performance.now() deadline: keep working in this call until then (0 = one provider call, never wait). */
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

/** A new attempt: tries each eligible provider in failover order until one accepts the job. */
async function submitAttempt(rt: Runtime, task: ClaimedTask, stepIndex: number, unitIndex: number): Promise<{ outcome: ProviderOutcome; handle: ProviderHandle | null } | 'lost'> {
  const now = rt.clock.now()
  // `attempts` counts every attempt of the task (what operators see); `unit_attempts` those of the current unit,
  // which the retry limit applies to, so a three-step task has the same retries per step as a one-step one.
  const attempts = (task.attempts ?? 0) + 1
  const unitAttempts = unitAttemptsOf(task) + 1
  const steps = stepsOf(task)
  const progress = Math.max(task.progress ?? 0, overallProgress(steps, stepIndex, unitIndex, 0))
  // Counted before submitting: a worker killed mid-submit still used up the attempt.
  if (!(await updateHeld(rt, task, { attempts, unit_attempts: unitAttempts, provider_task_id: null, submitted_at: now, progress, updated_at: now }))) return 'lost'
  Object.assign(task, { attempts, unit_attempts: unitAttempts, submitted_at: now, provider_task_id: null, progress })
  let job
  try {
    job = await buildJob(rt, task, stepIndex, unitIndex)
  } catch (err) {
    if (err instanceof InputMissingError) return { outcome: { state: 'failed', retryable: false, reason: err.message }, handle: null }
    throw err
  }
  const handles = await rankedProviders(rt, job.kind, now)
  if (handles.length === 0) return { outcome: { state: 'failed', retryable: true, reason: 'no provider available' }, handle: null }
  let last: { outcome: ProviderOutcome; handle: ProviderHandle | null } = { outcome: { state: 'failed', retryable: true, reason: 'no provider available' }, handle: null }
  for (const handle of handles) {
    const outcome = await safely(() => handle.provider.submit(job))
    if (outcome.state !== 'failed') return { outcome, handle }
    rt.logger.warn('provider_submit_failed', { task_id: task._id, step: steps[stepIndex]!.kind, provider_id: handle.config._id, retryable: outcome.retryable, reason: outcome.reason.slice(0, 200) })
    await recordProviderOutcome(rt, handle.config._id, 'failure', rt.clock.now())
    // A non-retryable answer may still be this provider's limitation (size, format): the next one may accept.
    last = { outcome, handle }
  }
  return last
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
      ? await safely(() => handle!.provider.poll(task.provider_task_id!))
      : { state: 'failed', retryable: true, reason: 'provider no longer configured' }
  } else {
    const submitted = await submitAttempt(rt, task, stepIndex, unitIndex)
    if (submitted === 'lost') return { kind: 'exit', result: 'lost' }
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
    const progress = Math.max(task.progress ?? 0, overallProgress(steps, stepIndex, unitIndex, 0.1 + 0.8 * (outcome.progress ?? 0)))
    const keep = performance.now() + interval < opts.deadline
    // Holding on: the lease stays ours; letting go: the lease ends when the next poll is due, so the next pass
    // (or the owner's getProgress) picks the task up then.
    const patch: Partial<TaskDoc> = { provider_id: handle?.config._id ?? null, provider_task_id: outcome.providerTaskId, progress, updated_at: now }
    if (!keep) patch.lease_until = new Date(now.getTime() + interval)
    if (!(await updateHeld(rt, task, patch))) return { kind: 'exit', result: 'lost' }
    Object.assign(task, patch)
    if (!keep) return { kind: 'exit', result: 'running' }
    await sleep(interval)
    const fresh = await getDoc<TaskDoc>(rt.db, 'task_queue', task._id)
    if (!fresh || fresh.status !== 'processing' || fresh.lease_id !== task.lease_id) return { kind: 'exit', result: 'lost' }
    outcome = await safely(() => handle!.provider.poll(task.provider_task_id!))
  }

  const now = rt.clock.now()
  if (outcome.state === 'succeeded') {
    const unit = steps[stepIndex]!.units![unitIndex]!
    // A provider may deliver more than asked: keep what was paid for.
    const last = stepIndex === steps.length - 1
    const firstIndex = last ? steps[stepIndex]!.units!.slice(0, unitIndex).reduce((n, u) => n + u.count, 0) : 0
    const stored = await storeResults(rt, task, outcome.images.slice(0, unit.count), handle?.provider.fetchImage?.bind(handle.provider), last ? '' : `s${stepIndex + 1}u${unitIndex + 1}-`, firstIndex)
    if (handle) await recordProviderOutcome(rt, handle.config._id, 'success', now)
    if (stored.length > 0) {
      const next = steps.map((s, i) => (i === stepIndex ? { ...s, units: s.units!.map((u, j) => (j === unitIndex ? { ...u, outputs: stored } : u)) } : s))
      const progress = Math.max(task.progress ?? 0, overallProgress(next, stepIndex, unitIndex, 1))
      const patch = { steps: rt.db.command.set(next), provider_id: handle?.config._id ?? null, provider_task_id: null, unit_attempts: 0, error: null, progress, updated_at: now } as unknown as Partial<TaskDoc>
      if (!(await updateHeld(rt, task, patch))) {
        await rt.storage.delete(stored)
        return { kind: 'exit', result: 'lost' }
      }
      Object.assign(task, { steps: next, provider_id: handle?.config._id ?? null, provider_task_id: null, unit_attempts: 0, error: null, progress })
      return { kind: 'stored' }
    }
    outcome = { state: 'failed', retryable: true, reason: 'provider returned no usable image' }
  } else if (handle && task.provider_task_id) {
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

function lastFailure(task: TaskDoc, steps: TaskStep[]): string {
  for (const s of steps) for (const u of s.units ?? []) if (u.failed) return u.failed
  return task.error ?? 'provider returned no usable image'
}

/** Every file a task stored on its way, except its final images (deleted once the task settles). */
function intermediateFiles(steps: TaskStep[]): string[] {
  return steps.slice(0, -1).flatMap(stepOutputs)
}

async function finishCompleted(rt: Runtime, task: ClaimedTask, steps: TaskStep[]): Promise<StepResult> {
  const now = rt.clock.now()
  const images = stepOutputs(steps[steps.length - 1]!)
  const verdicts = await Promise.all(images.map((fileId) => rt.contentSafety.checkImage({ fileId, openid: task.user_openid }).catch(() => ({ ok: true }))))
  if (verdicts.some((v) => !v.ok)) {
    await rt.storage.delete(images)
    return finishFailed(rt, task, '生成结果未通过内容安全审核', now)
  }
  const settled = await completeTask(rt, task._id, task.lease_id, images, task.provider_id ?? null, now)
  if (!settled.settled) {
    // Cancelled or deleted meanwhile: the images belong to nobody.
    await rt.storage.delete([...images, ...intermediateFiles(steps)])
    return 'lost'
  }
  await deleteQuietly(rt, intermediateFiles(steps))
  await sendTaskMessage(rt, task._id, 'task_done', now)
  return 'completed'
}

async function finishFailed(rt: Runtime, task: ClaimedTask, reason: string, now: Date): Promise<StepResult> {
  const settled = await failTask(rt, task._id, task.lease_id, reason, now)
  if (!settled.settled) return 'lost'
  await deleteQuietly(rt, stepsOf(task).flatMap(stepOutputs))
  await sendTaskMessage(rt, task._id, 'task_failed', now)
  return 'failed'
}

async function deleteQuietly(rt: Runtime, files: string[]): Promise<void> {
  if (files.length === 0) return
  await rt.storage.delete(files).catch((err: unknown) => rt.logger.warn('intermediate_delete_failed', { error: errorText(err) }))
}

