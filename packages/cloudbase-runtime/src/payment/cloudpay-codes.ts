/**
 * Reading cloudPay answers. wx-server-sdk 4.0.2 converts WeChat Pay's snake_case answer to camelCase and then
 * stamps `errCode: 0` over it (source: `wx-server-sdk@4.0.2/index.js`, `src/api/cloudpay/namespace/generic.ts`;
 * replayed by `testing/wx-server-sdk-transform.ts`), so WeChat Pay's business code `err_code` never reaches us.
 * What survives is `resultCode: 'FAIL'` and `errCodeDes`, whose language differs by path: the real queryOrder
 * answers an unknown order with "order not exist", WeChat Pay v2's pages document Chinese texts.
 * So the code is taken from `errCode` when a string survives (a fixed SDK), else recognised from the description
 * in either language; an unrecognised description is `undefined`, and each caller then picks the outcome that is
 * safe when the code is unknown (never "order does not exist" by guess).
 */
import { wechatTradeState, type TradeState } from '@aiphoto/runtime'

/** Business codes we act on, with the descriptions the channel is known to use for them (English and Chinese). */
const DESCRIPTION_CODES: Array<[RegExp, string]> = [
  // https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_2 (orderquery): ORDERNOTEXIST 此交易订单号不存在
  [/order\s*not\s*exist|order_?not_?exist|不存在/i, 'ORDERNOTEXIST'],
  // chapter=9_1 (unifiedorder) / 9_3 (closeorder): ORDERPAID 商户订单已支付
  [/order\s*(already\s*)?paid|orderpaid|已支付/i, 'ORDERPAID'],
  // chapter=9_1 / 9_3: ORDERCLOSED 订单已关闭
  [/order\s*(already\s*)?closed|orderclosed|已关闭/i, 'ORDERCLOSED'],
  // chapter=9_1: OUT_TRADE_NO_USED 商户订单号重复
  [/out_?trade_?no\s*used|重复/i, 'OUT_TRADE_NO_USED'],
  // every chapter: SYSTEMERROR 系统错误 / 系统超时
  [/system\s*(error|busy|timeout)|systemerror|系统(错误|超时|繁忙)/i, 'SYSTEMERROR'],
]

/** WeChat Pay's business error code of a `resultCode: 'FAIL'` answer, as far as it can be known. */
export function businessErrorCode(res: Record<string, unknown>): string | undefined {
  if (typeof res.errCode === 'string' && /^[A-Z_]+$/.test(res.errCode)) return res.errCode
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
