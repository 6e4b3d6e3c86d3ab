/**
 * Where purchases may be offered. WeChat forbids selling virtual goods (our credits) through wx.requestPayment in
 * an iOS mini-program (see docs/deploy.md, "iOS virtual goods"), so on iOS the app shows no price, no 充值 entry
 * and no hint about buying elsewhere; credits there come from check-in and invites.
 */
import Taro from '@tarojs/taro'

let ios: boolean | null = null

function readPlatform(): string {
  // wx.getDeviceInfo (base library 2.20.1+) replaces the deprecated getSystemInfoSync.
  const t = Taro as unknown as { getDeviceInfo?: () => { platform?: string } }
  if (typeof t.getDeviceInfo === 'function') return t.getDeviceInfo().platform ?? ''
  return Taro.getSystemInfoSync().platform ?? ''
}

/** True inside the mini-program on an iPhone/iPad (and in DevTools simulating one). */
export function isIosMiniProgram(): boolean {
  if (process.env.TARO_ENV !== 'weapp') return false
  if (ios === null) {
    try {
      ios = /ios/i.test(readPlatform())
    } catch {
      // Unknown platform: the stricter answer (no purchase path) is the one that cannot fail review.
      ios = true
    }
  }
  return ios
}

/** Credits can be bought here (Android mini-program, H5 preview). */
export function canPurchase(): boolean {
  return !isIosMiniProgram()
}

/** Where the balance chip and "not enough credits" lead: the shop where buying is allowed, else check-in on 我的. */
export function goGetCredits(): void {
  if (canPurchase()) void Taro.navigateTo({ url: '/package-account/recharge/index' })
  else void Taro.switchTab({ url: '/pages/mine/index' })
}
