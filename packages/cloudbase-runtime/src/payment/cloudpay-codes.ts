/**
 * Reading cloudPay answers. wx-server-sdk converts WeChat Pay's snake_case fields to camelCase and then
 * overwrites `errCode` with 0 (its own success marker), so the WeChat Pay business code (`err_code`) is lost;
 * only `errCodeDes` survives. We recover the code from the description where we must act on it.
 */
import { wechatTradeState, type TradeState } from '@aiphoto/runtime'

const DESCRIPTION_CODES: Array<[RegExp, string]> = [
  [/不存在/, 'ORDERNOTEXIST'],
  [/已支付/, 'ORDERPAID'],
  [/已关闭/, 'ORDERCLOSED'],
  [/重复/, 'OUT_TRADE_NO_USED'],
  [/系统(错误|超时|繁忙)/, 'SYSTEMERROR'],
]

/** WeChat Pay's business error code of a `resultCode: 'FAIL'` answer, as far as it can be known. */
export function businessErrorCode(res: Record<string, unknown>): string | undefined {
  if (typeof res.errCode === 'string' && res.errCode !== '') return res.errCode
  const description = typeof res.errCodeDes === 'string' ? res.errCodeDes : ''
  for (const [pattern, code] of DESCRIPTION_CODES) if (pattern.test(description)) return code
  return undefined
}


export function mapCloudPayTradeState(state: unknown): TradeState {
  return wechatTradeState(state)
}

/** totalFee arrives as a number, occasionally as a numeric string; fen are integers. */
export function feeOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
