/**
 * HTTP plumbing shared by the remote adapters: global fetch with an AbortController timeout, and one
 * classification of failures (429 / 5xx / timeouts / network errors are retryable; other 4xx are not).
 * NOTE: error reasons carry status codes and the provider's own error code/message, never request headers:
 * they hold API keys.
 */
import type { ProviderOutcome } from '@aiphoto/runtime'
import { addAiMark } from '../local/ai-mark'

export interface HttpAnswer {
  status: number
  headers: Headers
  bytes: Buffer
}

export class ProviderRequestError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message)
    this.name = 'ProviderRequestError'
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500
}

/** One request with a hard timeout covering the body download too. */
export async function httpRequest(url: string, init: RequestInit, timeoutMs: number, label: string): Promise<HttpAnswer> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    const res = await fetch(url, { ...init, signal: controller.signal, redirect: 'follow' })
    const bytes = Buffer.from(await res.arrayBuffer())
    return { status: res.status, headers: res.headers, bytes }
  } catch (err) {
    if (controller.signal.aborted) throw new ProviderRequestError(`${label}: timed out after ${timeoutMs} ms`, true)
    throw new ProviderRequestError(`${label}: network error (${(err as Error).message})`, true)
  } finally {
    clearTimeout(timer)
  }
}

export function parseJson(answer: HttpAnswer, label: string): Record<string, unknown> {
  try {
    const v = JSON.parse(answer.bytes.toString('utf8')) as unknown
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>
  } catch {
    /* fall through */
  }
  // A malformed answer with a success status is most likely a proxy or a transient fault upstream.
  throw new ProviderRequestError(`${label}: malformed response (HTTP ${answer.status})`, answer.status < 400 || isRetryableStatus(answer.status))
}

/** Short, key-free description of an error body: `{ code, message }` (DashScope) or `{ name, errors }` (Stability). */
export function describeErrorBody(answer: HttpAnswer): string {
  try {
    const v = JSON.parse(answer.bytes.toString('utf8')) as Record<string, unknown>
    const code = typeof v['code'] === 'string' ? v['code'] : typeof v['name'] === 'string' ? v['name'] : ''
    const msg =
      typeof v['message'] === 'string' ? v['message'] : Array.isArray(v['errors']) ? v['errors'].filter((e) => typeof e === 'string').join('; ') : ''
    return [code, msg].filter(Boolean).join(': ').slice(0, 300)
  } catch {
    return answer.bytes.toString('utf8').slice(0, 120).replace(/\s+/g, ' ')
  }
}

export function httpFailure(answer: HttpAnswer, label: string): ProviderOutcome {
  const detail = describeErrorBody(answer)
  return { state: 'failed', retryable: isRetryableStatus(answer.status), reason: `${label}: HTTP ${answer.status}${detail ? ` ${detail}` : ''}` }
}

/** Turns thrown request errors into a failed outcome; anything else is a bug and is rethrown. */
export function failureFromError(err: unknown): ProviderOutcome {
  if (err instanceof ProviderRequestError) return { state: 'failed', retryable: err.retryable, reason: err.message }
  throw err
}

/** Downloads a result image (result URLs expire: the worker copies them at once) and stamps the AI mark on it. */
export async function downloadImage(url: string, timeoutMs: number, label: string): Promise<{ bytes: Buffer; contentType: string }> {
  const answer = await httpRequest(url, { method: 'GET' }, timeoutMs, label)
  if (answer.status !== 200) throw new ProviderRequestError(`${label}: download HTTP ${answer.status}`, isRetryableStatus(answer.status))
  const contentType = answer.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream'
  if (!contentType.startsWith('image/')) throw new ProviderRequestError(`${label}: download is not an image (${contentType})`, false)
  try {
    return await addAiMark(answer.bytes)
  } catch {
    throw new ProviderRequestError(`${label}: download is not a decodable image`, true)
  }
}

export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path
}
