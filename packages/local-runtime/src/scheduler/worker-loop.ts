/**
 * The local stand-in for the timer trigger: a loop that runs a worker pass every `intervalMs`, and at once
 * when `kick` is called (after a generate). Passes never overlap.
 */
import type { Logger, SchedulerPort } from '@aiphoto/runtime'

export interface WorkerLoop extends SchedulerPort {
  /** Starts the loop with the pass to run; returns a stop function. */
  start(pass: () => Promise<unknown>): () => Promise<void>
  /** Resolves after the next complete pass (tests). */
  idle(): Promise<void>
}

export function createWorkerLoop(opts: { intervalMs: number; logger: Logger }): WorkerLoop {
  let pass: (() => Promise<unknown>) | null = null
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null
  let again = false
  let stopped = true

  const runOnce = (): Promise<void> => {
    if (!pass || stopped) return Promise.resolve()
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      try {
        do {
          again = false
          await pass!()
        } while (again && !stopped)
      } catch (err) {
        opts.logger.error('worker_pass_failed', { error: String((err as Error)?.message ?? err).slice(0, 300) })
      } finally {
        running = null
      }
    })()
    return running
  }

  const schedule = () => {
    if (stopped) return
    timer = setTimeout(async () => {
      await runOnce()
      schedule()
    }, opts.intervalMs)
    timer.unref?.()
  }

  return {
    async kick() {
      void runOnce()
    },
    start(p) {
      pass = p
      stopped = false
      schedule()
      return async () => {
        stopped = true
        if (timer) clearTimeout(timer)
        await running
      }
    },
    async idle() {
      await runOnce()
    },
  }
}

/** A scheduler that does nothing: tests drive the worker explicitly. */
export const manualScheduler: SchedulerPort = { async kick() {} }
