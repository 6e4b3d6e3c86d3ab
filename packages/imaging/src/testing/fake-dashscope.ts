/**
 * A fake DashScope speaking the documented wire format of AI try-on (`aitryon`) and background generation
 * (`wanx-background-generation-v2`): async submit, task polling (PENDING → RUNNING → SUCCEEDED | FAILED,
 * UNKNOWN for ids it never issued), result images served from the fake itself, API-key and header checks,
 * and injectable faults (429 throttling, 5xx, slow answers, malformed bodies). Other packages' tests run
 * the whole generation pipeline against it.
 */
import type { ServerResponse } from 'node:http'
import { renderSceneThumbnail } from '../local/backdrop'
import { startFakeServer, type FakeServerBase, type RecordedRequest, type FakeFault } from './fake-server'

export interface FakeDashScopeOptions {
  /** The key expected as `Authorization: Bearer <key>`. Default 'test-dashscope-key'. */
  apiKey?: string
  /** Polls answered PENDING/RUNNING before a task finishes. Default 2. */
  pollsBeforeDone?: number
  /** How new tasks end. Default 'SUCCEEDED'. */
  outcome?: 'SUCCEEDED' | 'FAILED'
  /** Error code of FAILED tasks. Default 'InternalError.Algo'. */
  failureCode?: string
  /** Delay of a 'slow' fault in ms. Default 5000. */
  slowMs?: number
}

export interface FakeTask {
  id: string
  kind: 'tryon' | 'background'
  body: Record<string, unknown>
  polls: number
  outcome: 'SUCCEEDED' | 'FAILED'
  count: number
}

export interface FakeDashScope extends FakeServerBase {
  tasks: Map<string, FakeTask>
  /** Changes how tasks submitted from now on end. */
  setOutcome(outcome: 'SUCCEEDED' | 'FAILED', failureCode?: string): void
}

const TRYON = '/api/v1/services/aigc/image2image/image-synthesis'
const BACKGROUND = '/api/v1/services/aigc/background-generation/generation'

function classify(req: RecordedRequest): 'submit' | 'poll' | 'other' {
  if (req.method === 'POST') return 'submit'
  if (req.path.startsWith('/api/v1/tasks/')) return 'poll'
  return 'other'
}

export async function startFakeDashScope(options: FakeDashScopeOptions = {}): Promise<FakeDashScope> {
  const apiKey = options.apiKey ?? 'test-dashscope-key'
  const pollsBeforeDone = options.pollsBeforeDone ?? 2
  let outcome = options.outcome ?? 'SUCCEEDED'
  let failureCode = options.failureCode ?? 'InternalError.Algo'
  const tasks = new Map<string, FakeTask>()
  const images = new Map<string, Promise<Buffer>>()
  let seq = 0

  const base = await startFakeServer(
    async (req, res, fault) => {
      if (fault) return sendFault(res, fault)
      const path = req.path.split('?')[0]!.replace(/\/+$/, '')
      if (req.method === 'GET' && path.startsWith('/results/')) return serveResult(res, path)
      if (req.headers['authorization'] !== `Bearer ${apiKey}`)
        return base.send(res, 401, { code: 'InvalidApiKey', message: 'Invalid API-key provided.', request_id: rid() })
      if (req.method === 'POST' && (path === TRYON || path === BACKGROUND)) return submit(req, res, path === TRYON ? 'tryon' : 'background')
      if (req.method === 'GET' && path.startsWith('/api/v1/tasks/')) return poll(res, decodeURIComponent(path.slice('/api/v1/tasks/'.length)))
      return base.send(res, 404, { code: 'NotFound', message: `no route ${req.method} ${path}`, request_id: rid() })
    },
    classify,
    options.slowMs ?? 5000,
  )

  function rid(): string {
    return `req-${++seq}`
  }

  function sendFault(res: ServerResponse, fault: FakeFault): void {
    if (fault === 'throttle') return base.send(res, 429, { code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded, please try again later.', request_id: rid() })
    if (fault === 'server-error') return base.send(res, 500, { code: 'InternalError', message: 'An internal error has occured, please try again later.', request_id: rid() })
    if (fault === 'bad-request') return base.send(res, 400, { code: 'InvalidParameter', message: 'The request parameter is invalid.', request_id: rid() })
    return base.send(res, 200, '{"output": {"task_id": ', { 'content-type': 'application/json' })
  }

  function submit(req: RecordedRequest, res: ServerResponse, kind: 'tryon' | 'background'): void {
    if (req.headers['x-dashscope-async'] !== 'enable')
      return base.send(res, 403, { code: 'AccessDenied', message: 'current user api does not support synchronous calls', request_id: rid() })
    let body: Record<string, unknown>
    try {
      body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>
    } catch {
      return base.send(res, 400, { code: 'InvalidParameter', message: 'Request body is not valid JSON', request_id: rid() })
    }
    const input = (body['input'] ?? {}) as Record<string, unknown>
    const params = (body['parameters'] ?? {}) as Record<string, unknown>
    const bad = (message: string) => base.send(res, 400, { code: 'InvalidParameter', message, request_id: rid() })
    let count = 1
    if (kind === 'tryon') {
      if (typeof body['model'] !== 'string' || !body['model'].startsWith('aitryon')) return bad('Model not exist.')
      if (typeof input['person_image_url'] !== 'string') return bad('person_image_url is required')
      if (typeof input['top_garment_url'] !== 'string' && typeof input['bottom_garment_url'] !== 'string') return bad('top_garment_url or bottom_garment_url is required')
    } else {
      if (body['model'] !== 'wanx-background-generation-v2') return bad('Model not exist.')
      if (typeof input['base_image_url'] !== 'string') return bad('base_image_url is required')
      if (typeof input['ref_prompt'] !== 'string' && typeof input['ref_image_url'] !== 'string') return bad('ref_prompt or ref_image_url is required')
      count = params['n'] === undefined ? 4 : Number(params['n'])
      if (!Number.isInteger(count) || count < 1 || count > 4) return bad('parameters.n must be between 1 and 4')
    }
    const id = `fake-${kind}-${tasks.size + 1}-${Date.now().toString(36)}`
    tasks.set(id, { id, kind, body, polls: 0, outcome, count })
    base.send(res, 200, { output: { task_id: id, task_status: 'PENDING' }, request_id: rid() })
  }

  function poll(res: ServerResponse, id: string): void {
    const task = tasks.get(id)
    if (!task) return base.send(res, 200, { output: { task_id: id, task_status: 'UNKNOWN' }, request_id: rid() })
    task.polls++
    if (task.polls <= pollsBeforeDone) {
      const status = task.polls <= Math.ceil(pollsBeforeDone / 2) ? 'PENDING' : 'RUNNING'
      return base.send(res, 200, { output: { task_id: id, task_status: status }, request_id: rid() })
    }
    if (task.outcome === 'FAILED')
      return base.send(res, 200, { output: { task_id: id, task_status: 'FAILED', code: failureCode, message: 'The algorithm failed to process the image.' }, request_id: rid() })
    const urls = Array.from({ length: task.count }, (_, i) => `${base.url}/results/${encodeURIComponent(id)}/${i}.png`)
    const output = task.kind === 'tryon' ? { task_id: id, task_status: 'SUCCEEDED', image_url: urls[0] } : { task_id: id, task_status: 'SUCCEEDED', results: urls.map((url) => ({ url })) }
    base.send(res, 200, { output, usage: { image_count: task.count }, request_id: rid() })
  }

  async function serveResult(res: ServerResponse, path: string): Promise<void> {
    const [, , id, file] = path.split('/')
    const task = tasks.get(decodeURIComponent(id ?? ''))
    if (!task) return base.send(res, 404, { code: 'NotFound', message: 'result expired' })
    let png = images.get(path)
    if (!png) {
      const backdrops = ['garden', 'street', 'beach', 'cafe']
      png = renderSceneThumbnail({ backdrop: backdrops[Number.parseInt(file ?? '0', 10) % 4] }, { width: 576, height: 768 }, 'png')
      images.set(path, png)
    }
    base.send(res, 200, await png, { 'content-type': 'image/png' })
  }

  return {
    ...base,
    tasks,
    setOutcome(next, code) {
      outcome = next
      if (code) failureCode = code
    },
  }
}
