/**
 * What a failed platform call means. WeChat reports a privacy-agreement refusal and a permission refusal with
 * different errno/errMsg, and they need different answers: openSetting can grant a refused permission (scope.*),
 * but it cannot undo a refusal of the privacy guide (用户隐私保护指引); only agreeing to it again can.
 *
 * Sources: https://developers.weixin.qq.com/miniprogram/dev/framework/usability/PublicErrno.html (errno),
 * https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html (privacy errors:
 * 104 "privacy permission is not authorized" after the user declines the privacy popup, 112 "api scope is not
 * declared in the privacy agreement" when the console's privacy guide does not list the API).
 */
export type WxFailure = 'cancel' | 'privacy-denied' | 'privacy-undeclared' | 'permission-denied' | 'other'

export function wxErrMsg(error: unknown): string {
  if (typeof error === 'string') return error
  const e = error as { errMsg?: unknown; message?: unknown } | null
  return String(e?.errMsg ?? e?.message ?? '')
}

export function classifyWxError(error: unknown): WxFailure {
  const errno = (error as { errno?: unknown } | null)?.errno
  const msg = wxErrMsg(error)
  if (errno === 112 || /not declared in the privacy agreement/i.test(msg)) return 'privacy-undeclared'
  if (errno === 104 || /privacy permission is not authori[sz]ed/i.test(msg)) return 'privacy-denied'
  // "fail auth deny" (refused now), "fail authorize no response" (dismissed), errno 103 (refused earlier).
  if (errno === 103 || /auth(orize)? ?den(y|ied)|authorize no response|auth deny/i.test(msg)) return 'permission-denied'
  if (/cancel/i.test(msg)) return 'cancel'
  return 'other'
}
