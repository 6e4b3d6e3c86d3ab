/**
 * What wx-server-sdk 4.0.2 does to a WeChat Pay answer before the caller sees it, copied from its source
 * (`wx-server-sdk@4.0.2/index.js`, module `src/api/cloudpay/namespace/generic.ts` and `convertCase` in
 * `src/utils/utils.ts`):
 *   result = convertCase(wxResp, { from: 'snakecase', to: 'camelcase', recursive: true })
 *   return { ...result, errCode: 0, errMsg: `cloudPay.${api}:ok` }
 * So WeChat Pay's business code `err_code` becomes `errCode` and is then overwritten by the SDK's own success
 * marker 0; `err_code_des` survives as `errCodeDes`, `result_code` as `resultCode`.
 */
export type WxPayWireAnswer = Record<string, unknown>

/** `_[a-z]` → upper case letter, exactly the SDK's regex (so `a_1` stays `a_1`). */
function camel(key: string): string {
  return key.replace(/_[a-z]/g, (match) => match[1]!.toUpperCase())
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert)
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [camel(k), convert(v)]))
}

export function throughWxServerSdk(api: string, wire: WxPayWireAnswer): Record<string, unknown> {
  return { ...(convert(wire) as Record<string, unknown>), errCode: 0, errMsg: `cloudPay.${api}:ok` }
}
