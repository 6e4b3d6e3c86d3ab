/**
 * DashScope's asynchronous task protocol, shared by try-on and background generation:
 * submit with `X-DashScope-Async: enable` → `{ output: { task_id, task_status } }`; poll `GET /api/v1/tasks/{task_id}`.
 *
 * Task states (every one the documentation lists): PENDING, PRE-PROCESSING, RUNNING, POST-PROCESSING
 * (aitryon-plus API reference), SUSPENDED (e.g. the image out-painting reference), SUCCEEDED, FAILED, CANCELED,
 * UNKNOWN ("任务不存在或状态未知"). Only SUCCEEDED, FAILED and CANCELED end a job. UNKNOWN and any state the
 * documentation does not list yet mean "ask again": the job may well be running, and submitting it again
 * would bill twice; the queue's job timeout bounds the wait.
 *
 * Throttling (https://help.aliyun.com/zh/model-studio/error-code): HTTP 429 with `Throttling`
 * ("Requests throttling triggered."), `Throttling.RateQuota` ("Requests rate limit exceeded, please try again
 * later.") or `LimitRequests` is an account limit: wait and retry. 429 `Throttling.AllocationQuota`,
 * `PrepaidBillOverdue`, `PostpaidBillOverdue`, `CommodityNotPurchased` will not clear by waiting: a failure
 * (other providers may take the job; the breaker opens for this one).
 */
import type { ProviderConfig, ProviderImage, ProviderOutcome } from '@aiphoto/runtime'
import { InputRejectedError } from '../normalize/normalize-image'
import { failureFromError, httpFailure, httpRequest, joinUrl, parseJson, type HttpAnswer } from './http'

export const DASHSCOPE_DEFAULT_ENDPOINT = 'https://dashscope.aliyuncs.com'

/** Task failure codes worth another attempt; content and parameter errors are final. */
const RETRYABLE_TASK_CODES = /^(InternalError|SystemError|Throttling|ServiceUnavailable|Timeout|RequestTimeOut|ModelUnavailable)/i

/** 429 codes that mean "wait"; every other 429 code is a quota or billing state that waiting does not fix. */
const WAIT_CODES = new Set(['Throttling', 'Throttling.RateQuota', 'LimitRequests'])

const WAITING_STATES: Record<string, number> = { PENDING: 0.1, SUSPENDED: 0.1, 'PRE-PROCESSING': 0.3, RUNNING: 0.5, 'POST-PROCESSING': 0.8, UNKNOWN: 0.5 }

/** A throttling answer seen inside a call (segmentation during submit): the whole submission waits. */
export class ThrottledError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message)
    this.name = 'ThrottledError'
  }
}

export function dashscopeHeaders(config: ProviderConfig, async: boolean): Record<string, string> {
  return {
    ...config.headers,
    'Content-Type': 'application/json',
    Accept: 'application/json',
    ...(async ? { 'X-DashScope-Async': 'enable' } : {}),
  }
}

function codeOf(answer: HttpAnswer): string {
  try {
    const v = JSON.parse(answer.bytes.toString('utf8')) as Record<string, unknown>
    return typeof v['code'] === 'string' ? v['code'] : ''
  } catch {
    return ''
  }
}

/** The throttled outcome of a 429 that means "wait" (Retry-After honoured when sent), else null. */
export function throttleFromAnswer(answer: HttpAnswer, label: string): Extract<ProviderOutcome, { state: 'throttled' }> | null {
  if (answer.status !== 429) return null
  const code = codeOf(answer)
  // No code at all (a proxy's bare 429) is treated as a rate limit too.
  if (code && !WAIT_CODES.has(code)) return null
  const retryAfter = Number(answer.headers.get('retry-after'))
  return { state: 'throttled', reason: `${label}: HTTP 429 ${code || 'throttled'}`, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) }
}

/** Turns what an adapter's submit threw into an outcome (input refusals are final, throttling waits). */
export function outcomeFromError(err: unknown, label: string): ProviderOutcome {
  if (err instanceof InputRejectedError) return { state: 'failed', retryable: false, reason: `${label}: ${err.message}` }
  if (err instanceof ThrottledError) return { state: 'throttled', reason: err.message, ...(err.retryAfterMs ? { retryAfterMs: err.retryAfterMs } : {}) }
  return failureFromError(err)
}

export async function submitDashScopeTask(config: ProviderConfig, path: string, body: unknown, label: string): Promise<ProviderOutcome> {
  try {
    const answer = await httpRequest(
      joinUrl(config.endpoint || DASHSCOPE_DEFAULT_ENDPOINT, path),
      { method: 'POST', headers: dashscopeHeaders(config, true), body: JSON.stringify(body) },
      config.timeoutMs ?? 15_000,
      label,
    )
    const throttled = throttleFromAnswer(answer, label)
    if (throttled) return throttled
    if (answer.status !== 200) return httpFailure(answer, label)
    const json = parseJson(answer, label)
    const output = json['output'] as Record<string, unknown> | undefined
    const taskId = output?.['task_id']
    if (typeof taskId !== 'string' || !taskId) return { state: 'failed', retryable: true, reason: `${label}: malformed response (no task_id)` }
    return mapTaskStatus(taskId, output!, label, () => [])
  } catch (err) {
    return failureFromError(err)
  }
}

/**
 * The result images of an image-synthesis task (`output.results[].url`: background generation, image edit,
 * text-to-image). A partly failed task lists `{ code, message }` entries among them ("任务部分失败"): skipped.
 */
export function resultImages(output: Record<string, unknown>): ProviderImage[] {
  return Array.isArray(output['results'])
    ? (output['results'] as Array<Record<string, unknown>>).filter((r) => r && typeof r['url'] === 'string' && r['url']).map((r) => ({ url: r['url'] as string }))
    : []
}

export async function pollDashScopeTask(
  config: ProviderConfig,
  taskId: string,
  label: string,
  images: (output: Record<string, unknown>) => ProviderImage[],
): Promise<ProviderOutcome> {
  try {
    const answer = await httpRequest(
      joinUrl(config.endpoint || DASHSCOPE_DEFAULT_ENDPOINT, `/api/v1/tasks/${encodeURIComponent(taskId)}`),
      { method: 'GET', headers: dashscopeHeaders(config, false) },
      config.timeoutMs ?? 15_000,
      label,
    )
    // The task query allows 20 QPS per account (aitryon-plus reference): a 429 here leaves the job running.
    const throttled = throttleFromAnswer(answer, label)
    if (throttled) return throttled
    if (answer.status !== 200) return httpFailure(answer, label)
    const json = parseJson(answer, label)
    const output = json['output'] as Record<string, unknown> | undefined
    if (!output || typeof output['task_status'] !== 'string') return { state: 'failed', retryable: true, reason: `${label}: malformed response (no task_status)` }
    return mapTaskStatus(taskId, output, label, images)
  } catch (err) {
    return failureFromError(err)
  }
}

function mapTaskStatus(
  taskId: string,
  output: Record<string, unknown>,
  label: string,
  images: (output: Record<string, unknown>) => ProviderImage[],
): ProviderOutcome {
  const status = String(output['task_status'] ?? '')
  switch (status) {
    case 'SUCCEEDED': {
      const list = images(output)
      if (list.length === 0) return { state: 'failed', retryable: true, reason: `${label}: task succeeded without images` }
      return { state: 'succeeded', images: list }
    }
    case 'FAILED': {
      const code = typeof output['code'] === 'string' ? output['code'] : 'Unknown'
      const message = typeof output['message'] === 'string' ? output['message'].slice(0, 300) : ''
      return { state: 'failed', retryable: RETRYABLE_TASK_CODES.test(code), reason: `${label}: task failed ${code}${message ? `: ${message}` : ''}` }
    }
    case 'CANCELED':
      return { state: 'failed', retryable: false, reason: `${label}: task canceled` }
    default:
      // PENDING, PRE-PROCESSING, RUNNING, POST-PROCESSING, SUSPENDED, UNKNOWN, or a state added later.
      return { state: 'running', providerTaskId: taskId, progress: WAITING_STATES[status] ?? 0.5 }
  }
}
