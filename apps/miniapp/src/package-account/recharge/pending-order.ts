/** The order being paid outside the app (H5 checkout page), so the result can be checked when the user returns. */
import Taro from '@tarojs/taro'

const KEY = 'aiphoto.pendingOrder'

export function savePendingOrder(outTradeNo: string): void {
  Taro.setStorageSync(KEY, outTradeNo)
}

export function takePendingOrder(): string | null {
  const v = Taro.getStorageSync(KEY) as unknown
  Taro.removeStorageSync(KEY)
  return typeof v === 'string' && v ? v : null
}

const PACKAGE_KEY = 'aiphoto.lastPackage'

/** The package the user picked last, so coming back from the checkout page keeps their choice. */
export function rememberPackage(id: string): void {
  Taro.setStorageSync(PACKAGE_KEY, id)
}

export function lastPackage(): string | null {
  const v = Taro.getStorageSync(PACKAGE_KEY) as unknown
  return typeof v === 'string' && v ? v : null
}
