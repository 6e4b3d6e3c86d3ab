/**
 * A worker pass: `maxTasks` slots run concurrently until the time budget is spent or nothing is due. Each slot
 * claims the next due task (conditional update), advances it — polling an asynchronous provider in place while
 * the budget allows — and takes the next. Tasks still running at the end are let go with their provider job
 * id and a short lease, and the next pass (the timer, a kick, or the owner's getProgress) picks them up.
 */
import type { Runtime } from '@aiphoto/runtime'
import { getDoc } from '../../lib/db'
import type { TaskDoc } from '../../data/documents'
import { claimTask, dueTasks } from './claim'
import { advanceClaimed, type StepResult } from './run-task'

export interface PassOptions {
  maxTasks: number
  budgetMs: number
}

export interface PassStats {
  claimed: number
  completed: number
  failed: number
  running: number
}

/** Time kept free at the end of a pass for the last writes. */
const TAIL_MS = 1_500

export async function runWorkerPass(rt: Runtime, opts: PassOptions): Promise<PassStats> {
  const started = performance.now()
  const deadline = started + opts.budgetMs - Math.min(TAIL_MS, opts.budgetMs / 4)
  const stats: PassStats = { claimed: 0, completed: 0, failed: 0, running: 0 }
  let queue: TaskDoc[] = []
  let fetching: Promise<void> | null = null
  let drained = false
  const tried = new Set<string>()

  let refilledAt = 0
  const refill = async () => {
    const now = rt.clock.now()
    const limit = Math.max(opts.maxTasks * 2, 16)
    const due = await dueTasks(rt, now, limit)
    refilledAt = performance.now()
    const fresh = due.filter((t) => !tried.has(`${t._id}:${t.lease_id ?? ''}:${String(t.next_attempt_at)}`))
    queue.push(...fresh)
    // Fewer than asked for: that was everything due now, and asking again at once would only cost two reads.
    if (fresh.length === 0 || due.length < limit) drained = true
  }

  const nextClaim = async (): Promise<TaskDoc | null> => {
    for (;;) {
      if (performance.now() >= deadline) return null
      const t = queue.shift()
      if (!t) {
        if (drained) return null
        // One fetch at a time; the other slots wait for it. A failed fetch ends the pass's claiming (the next
        // pass fetches again) but never the pass: a rejected pass would return while its other slots still run.
        fetching ??= refill()
          .catch((err: unknown) => {
            drained = true
            rt.logger.error('worker_refill_failed', { error: String((err as Error)?.message ?? err).slice(0, 300) })
          })
          .finally(() => (fetching = null))
        await fetching
        continue
      }
      tried.add(`${t._id}:${t.lease_id ?? ''}:${String(t.next_attempt_at)}`)
      let claimed: TaskDoc | null = null
      try {
        claimed = await claimTask(rt, t, rt.clock.now())
      } catch (err) {
        // Claimed or not, nobody works on it now: a claim that did land expires with its lease and is taken again.
        rt.logger.error('task_claim_failed', { task_id: t._id, error: String((err as Error)?.message ?? err).slice(0, 300) })
      }
      if (claimed) return claimed
    }
  }

  const tally = (r: StepResult) => {
    if (r === 'completed') stats.completed++
    else if (r === 'failed') stats.failed++
    else if (r === 'running') stats.running++
  }

  const slot = async () => {
    for (;;) {
      const task = await nextClaim()
      if (!task) return
      stats.claimed++
      let last: StepResult | 'error' = 'error'
      try {
        last = await advanceClaimed(rt, task as Parameters<typeof advanceClaimed>[1], { deadline })
        tally(last)
      } catch (err) {
        // The lease expires and the next pass retries it; nothing is settled half-way (settles are transactions).
        rt.logger.error('task_step_failed', { task_id: task._id, error: String((err as Error)?.message ?? err).slice(0, 300) })
      }
      // A task that was let go may be due again soon, and a long pass may find new work; a completed or failed one
      // left nothing behind (each generate kicks its own pass).
      const result = last
      if (result === 'running' || result === 'throttled' || result === 'retrying' || performance.now() - refilledAt > 10_000) drained = false
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, opts.maxTasks) }, slot))
  if (stats.claimed + stats.completed + stats.failed + stats.running > 0) rt.logger.info('worker_pass', { ...stats, ms: Math.round(performance.now() - started) })
  return stats
}

/**
 * One bounded step on the caller's own task if it is due (used by getProgress, so polling keeps a task moving
 * between timer runs). Never waits for a provider: submit or poll once.
 */
export async function advanceOwnTask(rt: Runtime, task: TaskDoc): Promise<TaskDoc> {
  let claimed
  try {
    claimed = await claimTask(rt, task, rt.clock.now())
  } catch (err) {
    // Moving the task along is a favour to the caller; their progress answer must not fail for it.
    rt.logger.error('task_claim_failed', { task_id: task._id, error: String((err as Error)?.message ?? err).slice(0, 300) })
    return task
  }
  if (!claimed) return task
  try {
    await advanceClaimed(rt, claimed as Parameters<typeof advanceClaimed>[1], { deadline: 0 })
  } catch (err) {
    rt.logger.error('task_step_failed', { task_id: task._id, error: String((err as Error)?.message ?? err).slice(0, 300) })
  }
  return (await getDoc<TaskDoc>(rt.db, 'task_queue', task._id)) ?? task
}
