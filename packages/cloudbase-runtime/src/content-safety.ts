/**
 * Content safety with WeChat's 2.0 checks.
 * - Text: `security.msgSecCheck({ content, version: 2, scene, openid })`, rejected unless `result.suggest` is
 *   'pass' ('review' and 'risky' both reject). If the check itself fails (system busy, bad token...) this throws:
 *   text is failed closed, because publishing unchecked text is what the check exists to prevent.
 * - Images: `security.mediaCheckAsync` only accepts a downloadable http(s) URL and answers with a `traceId`
 *   (wx-server-sdk converts `trace_id`); the verdict is pushed to the message endpoint "在 30 分钟内"
 *   (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/mediaCheckAsync.html) as a
 *   `wxa_media_check` event, which the gateway receives (docs/deploy.md §7). `submitImage` only submits and answers
 *   the trace id; a failed submission throws, and the domain treats the image as unchecked (never as passed).
 */
import type { ContentSafetyPort, Logger, SafetyVerdict, StoragePort } from '@aiphoto/runtime'
import { errCodeOf, errMsgOf, type WxCloud } from './wx-cloud'

/** msgSecCheck 2.0 label codes → machine-readable labels. */
const LABELS: Record<number, string> = {
  10001: 'ad',
  20001: 'politics',
  20002: 'porn',
  20003: 'abuse',
  20006: 'illegal',
  20008: 'fraud',
  20012: 'vulgar',
  20013: 'copyright',
  21000: 'other',
}

/** 1 资料 (profile), 2 评论 (comment): generation prompts are user-written free text, closest to a comment. */
const SCENES = { profile: 1, generation: 2 } as const

/** The 1.0-era code for risky content, still returned by some paths. */
const RISKY_CONTENT = 87014

export class ContentSafetyUnavailableError extends Error {
  constructor(
    readonly errCode: number | undefined,
    message: string,
  ) {
    super(message)
    this.name = 'ContentSafetyUnavailableError'
  }
}

export interface CloudContentSafetyOptions {
  cloud: Pick<WxCloud, 'openapi'>
  /** Resolves a file id to the public URL mediaCheckAsync downloads. */
  storage: Pick<StoragePort, 'getTempUrls'>
  logger: Logger
}

export function createCloudContentSafety(opts: CloudContentSafetyOptions): ContentSafetyPort {
  const { cloud, logger } = opts
  return {
    async checkText({ text, openid, scene }): Promise<SafetyVerdict> {
      let res: Awaited<ReturnType<WxCloud['openapi']['security']['msgSecCheck']>>
      try {
        res = await cloud.openapi.security.msgSecCheck({ content: text, version: 2, scene: SCENES[scene], openid })
      } catch (err) {
        const code = errCodeOf(err)
        if (code === RISKY_CONTENT) return { ok: false, label: 'risky' }
        logger.error('content_check_failed', { kind: 'text', err_code: code, error: errMsgOf(err) })
        throw new ContentSafetyUnavailableError(code, 'msgSecCheck failed')
      }
      const suggest = res?.result?.suggest
      if (suggest === 'pass') return { ok: true }
      if (suggest === undefined) {
        logger.error('content_check_failed', { kind: 'text', error: 'no result.suggest' })
        throw new ContentSafetyUnavailableError(undefined, 'msgSecCheck returned no verdict')
      }
      const label = res.result?.label
      logger.info('content_rejected', { kind: 'text', suggest, label, trace_id: res.traceId })
      return { ok: false, label: (typeof label === 'number' && LABELS[label]) || suggest }
    },

    async submitImage({ fileId, openid }): Promise<{ traceId: string }> {
      // The URL must stay downloadable until the check ran (up to 30 minutes): one hour.
      const [item] = await opts.storage.getTempUrls([fileId], 3600)
      if (!item?.url) throw new ContentSafetyUnavailableError(undefined, 'no URL for the image')
      let res: Awaited<ReturnType<WxCloud['openapi']['security']['mediaCheckAsync']>>
      try {
        // mediaType 2 = image; scene 1 = 资料 (the user's own material); openid: the user who supplied it.
        res = await cloud.openapi.security.mediaCheckAsync({ mediaUrl: item.url, mediaType: 2, version: 2, scene: 1, openid })
      } catch (err) {
        logger.error('content_check_failed', { kind: 'image', file_id: fileId, err_code: errCodeOf(err), error: errMsgOf(err) })
        throw new ContentSafetyUnavailableError(errCodeOf(err), 'mediaCheckAsync failed')
      }
      const traceId = res?.traceId
      if (typeof traceId !== 'string' || traceId === '') throw new ContentSafetyUnavailableError(undefined, 'mediaCheckAsync returned no traceId')
      logger.info('content_check_submitted', { kind: 'image', file_id: fileId, trace_id: traceId })
      return { traceId }
    },
  }
}
