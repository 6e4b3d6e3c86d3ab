/**
 * The H5 preview's dev session (token + openid). Taro storage is localStorage on H5; on weapp nothing is stored
 * here because the platform identifies the caller.
 */
import Taro from '@tarojs/taro'

const TOKEN_KEY = 'aiphoto.token'

export function readToken(): string | null {
  if (process.env.TARO_ENV !== 'h5') return null
  const t = Taro.getStorageSync(TOKEN_KEY) as unknown
  return typeof t === 'string' && t ? t : null
}

export function writeToken(token: string | null): void {
  if (process.env.TARO_ENV !== 'h5') return
  if (token) Taro.setStorageSync(TOKEN_KEY, token)
  else Taro.removeStorageSync(TOKEN_KEY)
}
