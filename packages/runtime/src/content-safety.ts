/**
 * Content safety: `security.msgSecCheck` / `mediaCheckAsync` in the cloud, a local word list and a local
 * asynchronous image checker locally.
 */
export interface SafetyVerdict {
  ok: boolean
  /** Machine-readable label when rejected (e.g. 'risky', 'porn'). */
  label?: string
}

/** What an image check concluded: WeChat's 2.0 `result.suggest` values. */
export type MediaSuggest = 'pass' | 'review' | 'risky'

/** A verdict that arrived later (the `wxa_media_check` message push), read by `parseMediaCheckPush`. */
export interface MediaVerdict {
  traceId: string
  suggest: MediaSuggest
  /** The label code as pushed (e.g. '100' normal, '20002' porn), when given. */
  label: string | null
  /** The app the push is for, when given (checked against ours where we know it). */
  appid: string | null
  /** The user the check was submitted for (the push's FromUserName), when given. */
  openid: string | null
}

export interface ContentSafetyPort {
  /** Synchronous text check; throws when the check itself is unavailable (text is failed closed). */
  checkText(input: { text: string; openid: string; scene: 'profile' | 'generation' }): Promise<SafetyVerdict>
  /**
   * Submits an image to the asynchronous check. Answers the trace id the verdict push will carry, or throws when
   * the submission failed (the caller decides what an unchecked image may do). The verdict is never returned here.
   */
  submitImage(input: { fileId: string; openid: string }): Promise<{ traceId: string }>
}

/**
 * Reads a `wxa_media_check` push. Format (mediaCheckAsync 2.0, "异步检测结果推送"):
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/mediaCheckAsync.html —
 * `{ ToUserName, FromUserName, CreateTime, MsgType: 'event', Event: 'wxa_media_check', appid, trace_id, version: 2,
 *    result: { suggest, label }, detail: [{ strategy, errcode, suggest, label, prob }] }`; `label` arrives as a string
 * in real pushes (developers.weixin.qq.com/community/minihome/doc/0002a2b26a09f883de245df686b000) and as a number in
 * the docs' example, so both are read. Anything else (an unknown suggest, no trace_id) is null: not a verdict.
 */
export function parseMediaCheckPush(event: Record<string, unknown>): MediaVerdict | null {
  if (event.Event !== 'wxa_media_check') return null
  const traceId = event.trace_id
  if (typeof traceId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(traceId)) return null
  const result = event.result as { suggest?: unknown; label?: unknown } | undefined
  const suggest = result?.suggest
  if (suggest !== 'pass' && suggest !== 'review' && suggest !== 'risky') return null
  const label = typeof result?.label === 'number' || typeof result?.label === 'string' ? String(result.label).slice(0, 16) : null
  return {
    traceId,
    suggest,
    label,
    appid: typeof event.appid === 'string' ? event.appid : null,
    openid: typeof event.FromUserName === 'string' ? event.FromUserName : null,
  }
}

/** Builds the push the platform sends (fakes of both runtimes use it, so the parser reads what they send). */
export function mediaCheckPushEvent(v: { traceId: string; suggest: MediaSuggest; label?: string; appid: string; openid: string; at: Date }): Record<string, unknown> {
  const label = v.label ?? (v.suggest === 'pass' ? '100' : '20002')
  return {
    ToUserName: 'gh_0000000000aa',
    FromUserName: v.openid,
    CreateTime: Math.floor(v.at.getTime() / 1000),
    MsgType: 'event',
    Event: 'wxa_media_check',
    appid: v.appid,
    trace_id: v.traceId,
    version: 2,
    result: { suggest: v.suggest, label },
    detail: [{ strategy: 'content_model', errcode: 0, suggest: v.suggest, label, prob: 90 }],
  }
}
