/** The local cloud's two non-gateway endpoints the H5 preview needs: dev login and the storage upload. */
import { ApiError, userMessage } from './errors'
import { isErrorCode } from '@aiphoto/contract'
import { parseJsonBody, type FetchLike } from './transport'
import type { Uploader } from './assets'

function unwrapPlain<T>(url: string, body: unknown): T {
  const env = body as { success?: unknown; data?: unknown; code?: unknown; message?: unknown } | null
  if (env && env.success === true) return env.data as T
  const code = env && isErrorCode(env.code) ? env.code : 'INTERNAL'
  const serverMessage = env && typeof env.message === 'string' ? env.message : undefined
  throw new ApiError({ code, url, serverMessage, message: userMessage(code, serverMessage) })
}

async function send(fetch: FetchLike, url: string, init: Parameters<FetchLike>[1]): Promise<unknown> {
  let res: Awaited<ReturnType<FetchLike>>
  try {
    res = await fetch(url, init)
  } catch (cause) {
    throw new ApiError({ code: 'NETWORK', url, cause })
  }
  return parseJsonBody(await res.text(), res.status)
}

/**
 * `POST ${baseUrl}/api/dev/login {nickname, openid?}` → `{ token, openid }` (H5 preview only). A given openid signs in
 * as that user (e.g. one listed in AIPHOTO_ADMIN_OPENIDS); without, the local cloud picks a new random one.
 */
export async function devLogin(options: { baseUrl: string; fetch: FetchLike }, nickname: string, openid?: string): Promise<{ token: string; openid: string }> {
  const url = `${options.baseUrl}/api/dev/login`
  const body = await send(options.fetch, url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(openid ? { nickname, openid } : { nickname }),
  })
  return unwrapPlain(url, body)
}

/** H5 uploader: `PUT ${baseUrl}/api/storage/upload?cloudPath=…` with the raw bytes → `{ file_id }`. */
export function createHttpUploader(options: { baseUrl: string; fetch: FetchLike; getToken: () => string | null | undefined }): Uploader {
  return async function httpUpload({ cloudPath, bytes }) {
    const url = `${options.baseUrl}/api/storage/upload?cloudPath=${encodeURIComponent(cloudPath)}`
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' }
    const token = options.getToken()
    if (token) headers.authorization = `Bearer ${token}`
    const body = await send(options.fetch, url, { method: 'PUT', headers, body: bytes })
    return unwrapPlain<{ file_id: string }>(url, body).file_id
  }
}
