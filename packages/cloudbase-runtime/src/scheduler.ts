/**
 * Worker kick in the cloud: the gateway invokes itself with `queue/processTask` and an HMAC system token.
 * NOTE: `callFunction` resolves only when the invoked run ends, and work left pending after `main` returns may be
 * frozen with the instance. So `kick` waits only long enough for the request to go out (`dispatchWaitMs`), never for
 * the run, and never fails the caller. The timer trigger (every minute) is the real driver; a kick only shortens
 * the wait for a fresh task.
 */
import { signSystemCall, type Clock, type Logger, type SchedulerPort } from '@aiphoto/runtime'
import { errCodeOf, errMsgOf, type WxCloud } from './wx-cloud'

export const WORKER_URL = 'queue/processTask'

export interface CloudSchedulerOptions {
  cloud: Pick<WxCloud, 'callFunction'>
  secretKey: Buffer
  clock: Clock
  logger: Logger
  /** The function to invoke (this gateway). */
  functionName?: string
  /** How long `kick` lets the invocation request get on its way before returning. */
  dispatchWaitMs?: number
}

export function createCloudScheduler(opts: CloudSchedulerOptions): SchedulerPort {
  const name = opts.functionName ?? 'gateway'
  const waitMs = opts.dispatchWaitMs ?? 200
  return {
    async kick(reason) {
      let call: Promise<unknown>
      try {
        call = Promise.resolve(
          opts.cloud.callFunction({
            name,
            data: { $url: WORKER_URL, $system: signSystemCall(opts.secretKey, WORKER_URL, opts.clock.now()) },
          }),
        )
      } catch (err) {
        call = Promise.reject(err)
      }
      const settled = call.then(
        () => undefined,
        (err: unknown) => {
          opts.logger.warn('scheduler_kick_failed', { reason, err_code: errCodeOf(err), error: errMsgOf(err) })
        },
      )
      let timer: NodeJS.Timeout | undefined
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs)
        timer.unref?.()
      })
      await Promise.race([settled, waited])
      clearTimeout(timer)
    },
  }
}
