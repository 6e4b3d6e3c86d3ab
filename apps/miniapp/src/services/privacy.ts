/**
 * Answers to refused privacy and permission prompts. WeChat's own privacy popup (官方隐私弹窗, shown because no
 * wx.onNeedPrivacyAuthorization listener is registered) asks before the first privacy-scoped call; a user who
 * declines gets errno 104 and the call fails. We then say so and offer the privacy guide; we never send them to
 * openSetting for it (the settings page has no switch for the privacy agreement). See docs/deploy.md, "Privacy".
 */
import Taro from '@tarojs/taro'
import { classifyWxError, type WxFailure } from './wx-errors'
import { toastText } from './ui'

/** The user-facing answer for a failure that is about privacy; returns false when it is not one. */
export async function explainPrivacyFailure(error: unknown, feature: string): Promise<boolean> {
  const kind: WxFailure = classifyWxError(error)
  if (kind === 'privacy-undeclared') {
    // An operator error (the console's privacy guide lacks this API); the user cannot fix it.
    console.warn(`[privacy] ${feature}: API not declared in the privacy guide`, error)
    toastText(`${feature}暂不可用，请稍后再试`)
    return true
  }
  if (kind !== 'privacy-denied') return false
  const { confirm } = await Taro.showModal({
    title: '需要你同意隐私保护指引',
    content: `${feature}需要你同意《用户隐私保护指引》。你可以查看指引，之后再次使用该功能时同意即可。`,
    confirmText: '查看指引',
    cancelText: '暂不',
  })
  if (confirm && process.env.TARO_ENV === 'weapp') {
    try {
      await (Taro as unknown as { openPrivacyContract(o?: object): Promise<unknown> }).openPrivacyContract({})
    } catch {
      // Older base libraries (< 2.32.3) have no openPrivacyContract; the modal already said what to do.
    }
  }
  return true
}

/** A permission (scope.*) refusal: offer the settings page, where the user can turn it back on. Resolves true when granted. */
export async function askForPermissionInSettings(scope: string, title: string, content: string): Promise<boolean> {
  const { confirm } = await Taro.showModal({ title, content, confirmText: '去设置', cancelText: '取消' })
  if (!confirm) return false
  const setting = await Taro.openSetting()
  return setting.authSetting[scope as keyof typeof setting.authSetting] === true
}
