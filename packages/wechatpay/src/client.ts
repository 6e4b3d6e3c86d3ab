/**
 * A signing, verifying HTTP client for the v3 API: every request carries the merchant's Authorization
 * signature, and every answer we act on must carry a valid platform signature.
 */
import type { Clock } from '@aiphoto/runtime'
import { wechatPayError } from './errors'
import { buildAuthorization, newNonce, type KeyInput } from './signing'
import { verifyWechatpaySignature, type PlatformCertificates } from './verify'

export interface WechatPayClientConfig {
  mchid: string
  serialNo: string
  privateKey: KeyInput
  platformCertificates: PlatformCertificates
  baseUrl: string
  fetch: typeof fetch
  clock: Clock
  timeoutMs: number
  maxSkewSeconds: number
}

export interface WechatPayResponse {
  status: number
  /** Parsed JSON body; undefined for an empty body. */
  json: unknown
}

export interface RequestOptions {
  /** Non-2xx statuses whose (signed) answer the caller interprets itself, e.g. 404 ORDER_NOT_EXIST. */
  acceptStatuses?: readonly number[]
}

function errorBody(json: unknown): { code?: string; message?: string } {
  if (typeof json !== 'object' || json === null) return {}
  const { code, message } = json as Record<string, unknown>
  return { ...(typeof code === 'string' ? { code } : {}), ...(typeof message === 'string' ? { message } : {}) }
}

export function createWechatPayClient(config: WechatPayClientConfig) {
  const baseUrl = config.baseUrl.replace(/\/+$/, '')

  async function request(method: 'GET' | 'POST', pathWithQuery: string, body?: unknown, options: RequestOptions = {}): Promise<WechatPayResponse> {
    const payload = body === undefined ? '' : JSON.stringify(body)
    const timestamp = Math.floor(config.clock.now().getTime() / 1000)
    const authorization = buildAuthorization({
      mchid: config.mchid,
      serialNo: config.serialNo,
      privateKey: config.privateKey,
      method,
      canonicalUrl: pathWithQuery,
      body: payload,
      timestamp,
      nonce: newNonce(),
    })
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: authorization,
      'User-Agent': 'aiphoto-wechatpay/0.1',
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'

    let response: Response
    let rawBody: Uint8Array
    try {
      response = await config.fetch(baseUrl + pathWithQuery, {
        method,
        headers,
        ...(body === undefined ? {} : { body: payload }),
        signal: AbortSignal.timeout(config.timeoutMs),
      })
      rawBody = new Uint8Array(await response.arrayBuffer())
    } catch (cause) {
      throw wechatPayError('UNAVAILABLE', `${method} ${pathWithQuery.split('?')[0]} failed to complete`, { cause })
    }

    const text = Buffer.from(rawBody).toString('utf8')
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }

    const ok = response.status >= 200 && response.status < 300
    if (!ok && !(options.acceptStatuses ?? []).includes(response.status)) {
      const { code, message } = errorBody(json)
      const detail = `WeChat Pay answered ${response.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`
      // 429 (FREQUENCY_LIMITED) and 5xx are transient; other 4xx are refusals that a retry won't fix.
      const retryable = response.status === 429 || response.status >= 500
      throw wechatPayError(retryable ? 'UNAVAILABLE' : 'REJECTED', detail, {
        status: response.status,
        ...(code ? { providerCode: code } : {}),
      })
    }

    // NOTE: WeChat Pay signs its answers, but its own SDKs only demand it for 2xx; an accepted error status
    // (404 ORDER_NOT_EXIST) is verified when signed and taken as is when not.
    const signed = response.headers.get('Wechatpay-Signature') !== null
    if (ok || signed) {
      try {
        verifyWechatpaySignature(
          { headers: response.headers, rawBody },
          { platformCertificates: config.platformCertificates, now: config.clock.now(), maxSkewSeconds: config.maxSkewSeconds },
        )
      } catch (cause) {
        throw wechatPayError('BAD_RESPONSE', `unverifiable answer to ${method} ${pathWithQuery.split('?')[0]}`, {
          status: response.status,
          cause,
        })
      }
    }
    if (text !== '' && json === undefined) {
      throw wechatPayError('BAD_RESPONSE', 'answer is not JSON', { status: response.status })
    }
    return { status: response.status, json }
  }

  return { request }
}
