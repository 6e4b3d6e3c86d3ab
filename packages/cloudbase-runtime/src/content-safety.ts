/**
 * Content safety with WeChat's 2.0 checks.
 * - Text: `security.msgSecCheck({ content, version: 2, scene, openid })`, rejected unless `result.suggest` is
 *   'pass' ('review' and 'risky' both reject). If the check itself fails (system busy, bad token...) this throws:
 *   text is failed closed, because publishing unchecked text is what the check exists to prevent.
 * - Images: `security.mediaCheckAsync` only accepts a public http(s) URL and answers with a `trace_id`; its verdict
 *   is pushed to a message endpoint up to 30 minutes later. So `checkImage` can only submit: it answers ok and logs
 *   the trace id (`content_check_submitted`) for the audit trail. A failed submission is logged and still answers
 *   ok, since blocking on a check that cannot block would only break generation.
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

    async checkImage({ fileId, openid }): Promise<SafetyVerdict> {
      try {
        const [item] = await opts.storage.getTempUrls([fileId], 3600)
        if (!item?.url) {
          logger.warn('content_check_skipped', { kind: 'image', file_id: fileId, reason: 'no_url' })
          return { ok: true }
        }
        const res = await cloud.openapi.security.mediaCheckAsync({ mediaUrl: item.url, mediaType: 2, version: 2, scene: 1, openid })
        logger.info('content_check_submitted', { kind: 'image', file_id: fileId, trace_id: res?.traceId })
      } catch (err) {
        logger.error('content_check_failed', { kind: 'image', file_id: fileId, err_code: errCodeOf(err), error: errMsgOf(err) })
      }
      return { ok: true }
    },
  }
}
