/**
 * WeChat Pay API v3 notifications over CloudBase's HTTP access service (HTTP 访问服务): the platform invokes the
 * function with `{ path, httpMethod, headers, queryStringParameters, body, isBase64Encoded, requestContext }` and
 * turns `{ statusCode, headers, body, isBase64Encoded }` into the HTTP answer
 * (https://docs.cloudbase.net/service/access-cloud-function). The signature covers the exact bytes WeChat sent, so
 * the body is verified as received: base64-decoded when `isBase64Encoded`, never re-serialised.
 * Replies (WeChat Pay v3 "支付结果通知": 200/204 stops the retries, anything else is delivered again):
 * 204 handled or a duplicate; 401 signature, serial or timestamp refused; 400 unreadable; 500 "try again later".
 */
import { isPaymentError, type Runtime } from '@aiphoto/runtime'
import { handlePaymentNotification } from './payment-callback'

/** The trigger path to configure in the HTTP access service (docs/deploy.md §6). */
export const WECHATPAY_NOTIFY_PATH = '/pay/notify/wechatpay'

export interface HttpAccessEvent {
  path: string
  httpMethod: string
  headers?: Record<string, string | string[] | undefined>
  body?: string | null
  isBase64Encoded?: boolean
}

export interface HttpAccessReply {
  statusCode: number
  headers: Record<string, string>
  body: string
  isBase64Encoded: false
}

const reply = (statusCode: number, body?: { code: string; message: string }): HttpAccessReply => ({
  statusCode,
  headers: body ? { 'content-type': 'application/json; charset=utf-8' } : {},
  body: body ? JSON.stringify(body) : '',
  isBase64Encoded: false,
})

export function rawBodyOf(event: HttpAccessEvent): Buffer {
  const body = typeof event.body === 'string' ? event.body : ''
  return event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8')
}

export async function handleHttpAccess(rt: Runtime, event: HttpAccessEvent, meta: { requestId: string }): Promise<HttpAccessReply> {
  const path = event.path.replace(/\/+$/, '')
  if (!path.endsWith(WECHATPAY_NOTIFY_PATH)) return reply(404, { code: 'NOT_FOUND', message: '未知的路径' })
  if (event.httpMethod.toUpperCase() !== 'POST') return reply(405, { code: 'METHOD_NOT_ALLOWED', message: '只接受 POST' })
  const read = rt.payment.readHttpNotification
  // This deployment's provider does not notify over HTTP (cloudPay calls the function directly).
  if (!read) return reply(404, { code: 'NOT_FOUND', message: '未启用微信支付 v3 通知' })

  let notification
  try {
    notification = read({ headers: event.headers ?? {}, rawBody: rawBodyOf(event) })
  } catch (err) {
    const code = isPaymentError(err) ? err.code : 'UNEXPECTED'
    rt.logger.warn('payment_notify_refused', { request_id: meta.requestId, code })
    if (code === 'BAD_SIGNATURE' || code === 'UNKNOWN_SERIAL' || code === 'STALE_TIMESTAMP') return reply(401, { code: 'FAIL', message: '签名验证失败' })
    if (code === 'MALFORMED') return reply(400, { code: 'FAIL', message: '报文格式错误' })
    return reply(500, { code: 'FAIL', message: '处理失败,请重试' })
  }
  const handled = await handlePaymentNotification(rt, notification, meta)
  return handled.acknowledge ? reply(204) : reply(500, { code: 'FAIL', message: '处理失败,请重试' })
}
