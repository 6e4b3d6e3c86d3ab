/**
 * DashScope's asynchronous task protocol, shared by try-on and background generation:
 * submit with `X-DashScope-Async: enable` → `{ output: { task_id, task_status } }`;
 * poll `GET /api/v1/tasks/{task_id}` → PENDING | RUNNING | SUCCEEDED | FAILED | CANCELED | UNKNOWN.
 */
import type { ProviderConfig, ProviderImage, ProviderOutcome } from '@aiphoto/runtime'
import { failureFromError, httpFailure, httpRequest, joinUrl, parseJson } from './http'

export const DASHSCOPE_DEFAULT_ENDPOINT = 'https://dashscope.aliyuncs.com'

/** Task failure codes worth another attempt; content and parameter errors are final. */
const RETRYABLE_TASK_CODES = /^(InternalError|SystemError|Throttling|ServiceUnavailable|Timeout|RequestTimeOut)/i

export function dashscopeHeaders(config: ProviderConfig, async: boolean): Record<string, string> {
  return {
    ...config.headers,
    'Content-Type': 'application/json',
    Accept: 'application/json',
    ...(async ? { 'X-DashScope-Async': 'enable' } : {}),
  }
}

export async function submitDashScopeTask(config: ProviderConfig, path: string, body: unknown, label: string): Promise<ProviderOutcome> {
  try {
    const answer = await httpRequest(
      joinUrl(config.endpoint || DASHSCOPE_DEFAULT_ENDPOINT, path),
      { method: 'POST', headers: dashscopeHeaders(config, true), body: JSON.stringify(body) },
      config.timeoutMs ?? 15_000,
      label,
    )
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
    case 'PENDING':
      return { state: 'running', providerTaskId: taskId, progress: 0.1 }
    case 'RUNNING':
      return { state: 'running', providerTaskId: taskId, progress: 0.5 }
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
    case 'UNKNOWN':
      // The task id expired (24 h) or never existed: submitting again is the only way forward.
      return { state: 'failed', retryable: true, reason: `${label}: task unknown or expired` }
    default:
      return { state: 'failed', retryable: true, reason: `${label}: unexpected task_status ${status.slice(0, 40)}` }
  }
}
