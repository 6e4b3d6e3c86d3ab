/**
 * The local stand-in for `security.mediaCheckAsync`: like the real one it only answers a trace id, and the verdict
 * arrives later as a `wxa_media_check` push (the same event shape, built by `mediaCheckPushEvent`) handed to the
 * gateway the way the platform's message push calls the function. So local dev and tests run the asynchronous path.
 *
 * Verdicts: a file containing the bytes `AIPHOTO-RISKY` / `AIPHOTO-REVIEW` is risky / review, anything else gets the
 * default (`pass`, or AIPHOTO_LOCAL_MODERATION=risky|review|silent — silent never answers, to watch the timeout).
 * Delivery: after `delayMs` (AIPHOTO_LOCAL_MODERATION_DELAY_MS, default 0) once connected; `delayMs: null` keeps
 * pushes until `flush()` (tests drive them). A push the gateway does not acknowledge is delivered again (3 times).
 */
import { mediaCheckPushEvent, type Clock, type Ids, type Logger, type MediaSuggest, type StoragePort } from '@aiphoto/runtime'

export type LocalVerdict = MediaSuggest | 'silent'

export interface LocalMediaCheck {
  submitImage(input: { fileId: string; openid: string }): Promise<{ traceId: string }>
  /** Where pushes go: the gateway's main, called as the platform calls it. */
  connect(push: (event: Record<string, unknown>) => Promise<unknown>): void
  /** Delivers every waiting push now; answers how many. */
  flush(): Promise<number>
  readonly pending: Array<Record<string, unknown>>
  /** The verdict for files without a marker. */
  defaultVerdict: LocalVerdict
  /** null: pushes wait for flush(). */
  delayMs: number | null
}

export const LOCAL_APPID = 'wxlocal0000000000'
/** "重新发起请求，总共重试三次" (消息推送 docs: https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html). */
const MAX_RETRIES = 3
/**
 * The platform retries a push it got no "success" for after its 5 s answer timeout ("微信服务器在五秒内收不到响应会断掉连
 * 接，并且重新发起请求", same docs), so a retry comes seconds later — never in the same instant, and never carried along
 * by another check's push. A gateway that only recorded the check a moment after submitting it must get its retry.
 */
const RETRY_SPACING_MS = 5_000
const MARKERS: Array<[Buffer, MediaSuggest]> = [
  [Buffer.from('AIPHOTO-RISKY'), 'risky'],
  [Buffer.from('AIPHOTO-REVIEW'), 'review'],
]

export function createLocalMediaCheck(opts: { storage: Pick<StoragePort, 'download'>; clock: Clock; ids: Ids; logger: Logger; defaultVerdict?: LocalVerdict; delayMs?: number | null }): LocalMediaCheck {
  let push: ((event: Record<string, unknown>) => Promise<unknown>) | null = null
  let flushing: Promise<number> | null = null
  // Pushes to deliver again, each once the platform's clock (the runtime's, so a test's manual clock too) reaches `due`.
  const retrying: Array<{ event: Record<string, unknown>; due: number }> = []
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  const watchRetries = () => {
    if (retryTimer || retrying.length === 0) return
    retryTimer = setTimeout(() => {
      retryTimer = null
      const now = opts.clock.now().getTime()
      for (let i = retrying.length - 1; i >= 0; i--) if (retrying[i]!.due <= now) check.pending.push(retrying.splice(i, 1)[0]!.event)
      if (check.pending.length) void check.flush()
      watchRetries()
    }, 100)
    retryTimer.unref?.()
  }
  const retries = new WeakMap<object, number>()
  const check: LocalMediaCheck = {
    pending: [],
    defaultVerdict: opts.defaultVerdict ?? 'pass',
    delayMs: opts.delayMs === undefined ? 0 : opts.delayMs,
    async submitImage({ fileId, openid }) {
      // Like the real service, the image must be downloadable; a missing one is a failed submission.
      const bytes = await opts.storage.download(fileId)
      const traceId = `local-${opts.ids.token(16)}`
      const verdict = MARKERS.find(([marker]) => bytes.includes(marker))?.[1] ?? check.defaultVerdict
      if (verdict !== 'silent') {
        check.pending.push(mediaCheckPushEvent({ traceId, suggest: verdict, appid: LOCAL_APPID, openid, at: opts.clock.now() }))
        if (check.delayMs !== null && push) setTimeout(() => void check.flush(), check.delayMs).unref?.()
      }
      return { traceId }
    },
    connect(p) {
      push = p
    },
    flush() {
      // One delivery run at a time, in submission order (the platform pushes one event per invocation).
      if (flushing) return flushing
      const target = push
      if (!target || check.pending.length === 0) return Promise.resolve(0)
      flushing = (async () => {
        let delivered = 0
        const retryOnNextFlush: Array<Record<string, unknown>> = []
        // NOTE: the first await comes before any bookkeeping, so `flushing` is set when `finally` clears it.
        await Promise.resolve()
        try {
          while (check.pending.length > 0) {
            const event = check.pending.shift()!
            let answer: unknown
            try {
              answer = await target(event)
            } catch (err) {
              opts.logger.error('local_media_push_failed', { error: String((err as Error)?.message ?? err).slice(0, 200) })
            }
            delivered++
            // Like WeChat's message push: an answer other than "success" is delivered again, three times at most.
            const tries = (retries.get(event) ?? 0) + 1
            if (answer !== 'success' && tries <= MAX_RETRIES) {
              retries.set(event, tries)
              if (check.delayMs === null) {
                // Tests drive delivery: the retry waits for their next flush().
                retryOnNextFlush.push(event)
              } else {
                retrying.push({ event, due: opts.clock.now().getTime() + Math.max(check.delayMs, RETRY_SPACING_MS) })
              }
            }
          }
        } finally {
          check.pending.push(...retryOnNextFlush)
          flushing = null
          watchRetries()
        }
        return delivered
      })()
      return flushing
    },
  }
  return check
}
