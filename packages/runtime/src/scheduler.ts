/**
 * Asks the queue worker to run soon. Cloud: the timer trigger runs it every minute and `kick` invokes the
 * gateway asynchronously; local: wakes the in-process worker loop.
 */
export interface SchedulerPort {
  kick(reason: string): Promise<void>
}
