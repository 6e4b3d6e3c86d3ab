/**
 * A strict fake of DashScope (Alibaba Cloud Model Studio) for the APIs the product calls: AI try-on
 * (`aitryon` / `aitryon-plus`), background generation (`wanx-background-generation-v2`), garment parsing
 * (`aitryon-parsing-v1`, synchronous), image super-resolution (`wanx2.1-imageedit`, function `super_resolution`)
 * and text-to-image V2 (`wanx2.1-t2i-turbo` & co.), plus the task API. Every rule below is written from the documentation
 * cited next to it, not from our adapters; where the documentation is silent the fake is stricter than the
 * service (and says so). It downloads every input URL like the service does, enforces the account limits with
 * the documented throttling answers, walks tasks through every documented state, and serves result images.
 *
 * Sources (the Chinese pages are the reference; English copies under alibabacloud.com/help/en/model-studio):
 * - TRYON_DOC  https://help.aliyun.com/zh/model-studio/developer-reference/aitryon-plus-api and
 *              https://help.aliyun.com/document_detail/2796626.html (aitryon basic edition)
 * - BG_DOC     https://help.aliyun.com/zh/model-studio/wanx-background-generation-api-reference
 * - PARSE_DOC  https://help.aliyun.com/zh/model-studio/developer-reference/aitryon-parsing-api
 * - ERR_DOC    https://help.aliyun.com/zh/model-studio/error-code (general codes and their English messages)
 * - TASK_DOC   https://help.aliyun.com/zh/dashscope/developer-reference/async-task-management-and-eventbridge-extention-configuration
 *              and the task_status enums of the model pages (SUSPENDED: e.g. the image out-painting reference)
 * - LIMIT_DOC  https://www.alibabacloud.com/help/en/model-studio/rate-limit (per-model RPS / concurrent tasks)
 * - EDIT_DOC   https://help.aliyun.com/zh/model-studio/wanx-image-edit-api-reference (通用图像编辑API参考) and the
 *              guide https://help.aliyun.com/zh/model-studio/wanx-image-edit ("图像超分")
 * - T2I_DOC    https://help.aliyun.com/zh/model-studio/developer-reference/text-to-image-v2-api-reference (文生图V2版API参考)
 */
import type { ServerResponse } from 'node:http'
import sharp from 'sharp'
import { renderSceneThumbnail } from '../local/backdrop'
import { extractSubject, trimSubject } from '../local/cutout'
import { drawModelFigure } from '../local/model-figure'
import { hashString } from '../seeded-random'
import { inspectImage, type InspectedImage } from './inspect-image'
import { startFakeServer, type FakeServerBase, type RecordedRequest, type FakeFault } from './fake-server'

/** Every task_status value the documentation lists. PRE-PROCESSING / POST-PROCESSING: TRYON_DOC's task query. */
export type FakeTaskStatus = 'PENDING' | 'PRE-PROCESSING' | 'RUNNING' | 'POST-PROCESSING' | 'SUSPENDED' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN'

export type FakeModel =
  | 'aitryon'
  | 'aitryon-plus'
  | 'wanx-background-generation-v2'
  | 'aitryon-parsing-v1'
  | 'wanx2.1-imageedit'
  | 'wanx2.1-t2i-turbo'
  | 'wanx2.1-t2i-plus'
  | 'wanx2.0-t2i-turbo'
  | 'wan2.2-t2i-flash'
  | 'wan2.2-t2i-plus'

/** T2I_DOC's model list ("万相2.2模型名称前缀为wan，早期模型为wanx"). */
export const TEXT_TO_IMAGE_MODELS: ReadonlySet<string> = new Set(['wanx2.1-t2i-turbo', 'wanx2.1-t2i-plus', 'wanx2.0-t2i-turbo', 'wan2.2-t2i-flash', 'wan2.2-t2i-plus'])

export interface FakeLimit {
  /** Task submissions (or sync calls) per second. */
  rps: number
  /** Tasks PENDING/RUNNING at once (async models only). */
  concurrent?: number
}

/**
 * Account limits per model, "shared by the Alibaba Cloud account and its RAM users" (LIMIT_DOC; also each
 * model page's overview table): aitryon 10 RPS / 5 tasks (TRYON_DOC basic), aitryon-plus 10 / 5 (TRYON_DOC),
 * background generation 2 QPS / 1 task (BG_DOC), parsing 10 RPS, sync (PARSE_DOC), wanx2.1-imageedit "任务下发接口RPS
 * 限制 2, 同时处理中任务数量 2" (EDIT_DOC), wanx2.1-t2i-turbo / -plus and wanx2.0-t2i-turbo "任务下发接口QPS限制 2, 同时
 * 处理中任务数量 2" (T2I_DOC). NOTE: the wan2.2 pages we read give no figures; they get the lowest documented ones.
 */
export const DOCUMENTED_LIMITS: Record<FakeModel, FakeLimit> = {
  aitryon: { rps: 10, concurrent: 5 },
  'aitryon-plus': { rps: 10, concurrent: 5 },
  'wanx-background-generation-v2': { rps: 2, concurrent: 1 },
  'aitryon-parsing-v1': { rps: 10 },
  'wanx2.1-imageedit': { rps: 2, concurrent: 2 },
  'wanx2.1-t2i-turbo': { rps: 2, concurrent: 2 },
  'wanx2.1-t2i-plus': { rps: 2, concurrent: 2 },
  'wanx2.0-t2i-turbo': { rps: 2, concurrent: 2 },
  'wan2.2-t2i-flash': { rps: 2, concurrent: 2 },
  'wan2.2-t2i-plus': { rps: 2, concurrent: 2 },
}
/** "异步任务查询接口提供 20 QPS 的访问流量限制" (TRYON_DOC, task query section). */
export const TASK_QUERY_QPS = 20

export interface FakeDashScopeOptions {
  /** The key expected as `Authorization: Bearer <key>`. Default 'test-dashscope-key'. */
  apiKey?: string
  /** Polls answered with a non-final status before a task ends. Default 2 (PENDING, then RUNNING). */
  pollsBeforeDone?: number
  /**
   * The exact non-final statuses answered poll after poll (overrides pollsBeforeDone), e.g. with SUSPENDED, or
   * a status the documentation does not list yet (a service adds states; clients must keep polling).
   */
  states?: Array<FakeTaskStatus | (string & {})>
  /** How new tasks end. Default 'SUCCEEDED'. */
  outcome?: 'SUCCEEDED' | 'FAILED'
  /** Error code of FAILED tasks. Default 'InternalError.Algo'. */
  failureCode?: string
  /** Delay of a 'slow' fault in ms. Default 5000. */
  slowMs?: number
  /** Clock of the rate windows (ms). Default Date.now; tests driving a manual clock pass it here. */
  now?: () => number
  /** Overrides of DOCUMENTED_LIMITS (an account with a raised quota). */
  limits?: Partial<Record<FakeModel, FakeLimit>>
}

export interface FakeTask {
  id: string
  kind: 'tryon' | 'background' | 'upscale' | 't2i'
  model: FakeModel
  body: Record<string, unknown>
  polls: number
  outcome: 'SUCCEEDED' | 'FAILED'
  /** Set when the inputs broke a rule that the service reports through the task (BG_DOC): code, message. */
  inputFailure: { code: string; message: string } | null
  count: number
  status: FakeTaskStatus | (string & {})
  /** Cut-out of the base image (background generation), composited onto each result like the real model. */
  subject?: Buffer
  /** Super-resolution: the downloaded base image and the factor each result enlarges it by. */
  source?: Buffer
  upscaleFactor?: number
  /** Text-to-image: the requested output size. */
  size?: { width: number; height: number }
}

export interface FakeDashScope extends FakeServerBase {
  tasks: Map<string, FakeTask>
  /** Changes how tasks submitted from now on end. */
  setOutcome(outcome: 'SUCCEEDED' | 'FAILED', failureCode?: string): void
  /** Answers every later submission with 429 Throttling.AllocationQuota (the account's quota is spent). */
  exhaustQuota(on?: boolean): void
  /** The next `times` submissions are refused by content inspection (400 DataInspectionFailed). */
  inspectNext(times?: number): void
  /** Cancels a task (DashScope cancels PENDING tasks only, TASK_DOC); it then answers CANCELED. */
  cancel(taskId: string): boolean
  /** Submissions refused with 429, by code. */
  throttled: Record<string, number>
  /** Highest number of tasks of one model running at once. */
  peakConcurrency: Record<string, number>
  /** Input URLs the fake downloaded (what the provider really received). */
  downloads: Array<{ url: string; image: InspectedImage | null; status: number }>
}

export const TRYON_PATH = '/api/v1/services/aigc/image2image/image-synthesis'
export const BACKGROUND_PATH = '/api/v1/services/aigc/background-generation/generation'
export const PARSING_PATH = '/api/v1/services/vision/image-process/process'
/** EDIT_DOC: the general image-edit API shares the image2image path with try-on; the model tells them apart. */
export const IMAGE_EDIT_PATH = TRYON_PATH
export const TEXT2IMAGE_PATH = '/api/v1/services/aigc/text2image/image-synthesis'

const MB = 1024 * 1024
/** TRYON_DOC: "5KB≤图像文件≤5M", "150≤图像边长≤4096", "格式支持：jpg、png、jpeg、bmp、heic". */
const TRYON_INPUT = { minBytes: 5 * 1024, maxBytes: 5 * MB, minSide: 150, maxSide: 4096, formats: new Set(['jpeg', 'png', 'bmp', 'heic']) }
/** PARSE_DOC: "5KB<图像文件<5M", "150<图片边长<4096" (strict inequalities), same formats. */
const PARSE_INPUT = { minBytes: 5 * 1024 + 1, maxBytes: 5 * MB - 1, minSide: 151, maxSide: 4095, formats: TRYON_INPUT.formats }
/**
 * EDIT_DOC base_image_url: "图像格式：JPG、JPEG、PNG、BMP、TIFF、WEBP", "图像的宽度和高度范围为[512, 4096]像素",
 * "图像大小：不超过10MB". No lower file size is documented (1 byte).
 */
const EDIT_INPUT = { minBytes: 1, maxBytes: 10 * MB, minSide: 512, maxSide: 4096, formats: new Set(['jpeg', 'png', 'bmp', 'tiff', 'webp']) }
/** EDIT_DOC: the functions of wanx2.1-imageedit. The fake implements super_resolution only (stricter: the rest are refused). */
const EDIT_FUNCTIONS = new Set(['stylization_all', 'stylization_local', 'description_edit', 'description_edit_with_mask', 'remove_watermark', 'expand', 'super_resolution', 'colorization', 'doodle', 'control_cartoon_feature'])
/** EDIT_DOC and T2I_DOC: seed "取值范围[0, 2147483647]". */
const SEED_MAX = 2147483647
/** T2I_DOC size: "图像宽高边长的像素范围为：[512, 1440]…最高可达200万像素". */
const T2I_SIZE = { minSide: 512, maxSide: 1440, maxPixels: 2_000_000 }
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/

/** ERR_DOC: the throttling codes and their messages, as the service writes them. */
const THROTTLE = {
  concurrency: { code: 'Throttling', message: 'Requests throttling triggered.' },
  rate: { code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded, please try again later.' },
  quota: { code: 'Throttling.AllocationQuota', message: 'Allocated quota exceeded, please increase your quota limit.' },
} as const

const FINAL: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELED'])
const isActive = (status: string) => !FINAL.has(status)

function classify(req: RecordedRequest): 'submit' | 'poll' | 'other' {
  if (req.method === 'POST') return 'submit'
  if (req.path.startsWith('/api/v1/tasks/')) return 'poll'
  return 'other'
}

/** Chinese characters count one each; otherwise words. */
function promptTooLong(text: string): boolean {
  const cjk = (text.match(/[\u3400-\u9fff\uf900-\ufaff]/g) ?? []).length
  if (cjk > 0) return [...text].length > 100
  return text.trim().split(/\s+/).filter(Boolean).length > 150
}

export async function startFakeDashScope(options: FakeDashScopeOptions = {}): Promise<FakeDashScope> {
  const apiKey = options.apiKey ?? 'test-dashscope-key'
  const pollsBeforeDone = options.pollsBeforeDone ?? 2
  const states: string[] =
    options.states ?? Array.from({ length: pollsBeforeDone }, (_, i) => (i < Math.ceil(pollsBeforeDone / 2) ? 'PENDING' : 'RUNNING'))
  const now = options.now ?? Date.now
  const limits: Record<FakeModel, FakeLimit> = { ...DOCUMENTED_LIMITS, ...options.limits }
  let outcome = options.outcome ?? 'SUCCEEDED'
  let failureCode = options.failureCode ?? 'InternalError.Algo'
  let quotaExhausted = false
  let inspections = 0
  const tasks = new Map<string, FakeTask>()
  const images = new Map<string, Promise<Buffer>>()
  const windows = new Map<string, number[]>()
  const throttled: Record<string, number> = {}
  const peakConcurrency: Record<string, number> = {}
  const downloads: FakeDashScope['downloads'] = []
  let seq = 0

  const base = await startFakeServer(
    async (req, res, fault) => {
      if (fault) return sendFault(res, fault)
      const path = req.path.split('?')[0]!.replace(/\/+$/, '')
      if (req.method === 'GET' && path.startsWith('/results/')) return serveResult(res, path)
      // ERR_DOC: 401 InvalidApiKey "Invalid API-key provided."; every page: "Authorization: Bearer <API-Key>".
      if (req.headers['authorization'] !== `Bearer ${apiKey}`) return send(res, 401, 'InvalidApiKey', 'Invalid API-key provided.')
      if (req.method === 'POST' && (path === TRYON_PATH || path === BACKGROUND_PATH || path === TEXT2IMAGE_PATH))
        return submit(req, res, path === TRYON_PATH ? 'tryon' : path === TEXT2IMAGE_PATH ? 't2i' : 'background')
      if (req.method === 'POST' && path === PARSING_PATH) return parse(req, res)
      if (req.method === 'GET' && path.startsWith('/api/v1/tasks/')) return poll(res, decodeURIComponent(path.slice('/api/v1/tasks/'.length)))
      return send(res, 404, 'NotFound', `no route ${req.method} ${path}`)
    },
    classify,
    options.slowMs ?? 5000,
  )

  function rid(): string {
    return `req-${++seq}`
  }

  function send(res: ServerResponse, status: number, code: string, message: string): void {
    base.send(res, status, { code, message, request_id: rid() })
  }

  function sendFault(res: ServerResponse, fault: FakeFault): void {
    if (fault === 'throttle') return send(res, 429, THROTTLE.rate.code, THROTTLE.rate.message)
    if (fault === 'server-error') return send(res, 500, 'InternalError', 'An internal error has occured, please try again later or contact service support.')
    if (fault === 'bad-request') return send(res, 400, 'InvalidParameter', 'Required parameter(s) missing or invalid, please check the request parameters.')
    return base.send(res, 200, '{"output": {"task_id": ', { 'content-type': 'application/json' })
  }

  /** A sliding one-second window per key: true when one more call fits. */
  function admit(key: string, perSecond: number): boolean {
    const t = now()
    const list = (windows.get(key) ?? []).filter((at) => t - at < 1000)
    if (list.length >= perSecond) {
      windows.set(key, list)
      return false
    }
    list.push(t)
    windows.set(key, list)
    return true
  }

  function running(model: FakeModel): number {
    let n = 0
    for (const t of tasks.values()) if (t.model === model && isActive(t.status)) n++
    return n
  }

  /** Answers 429 and returns true when the account limit refuses this call. */
  function refuseByLimits(res: ServerResponse, model: FakeModel): boolean {
    const refuse = (which: keyof typeof THROTTLE) => {
      throttled[THROTTLE[which].code] = (throttled[THROTTLE[which].code] ?? 0) + 1
      send(res, 429, THROTTLE[which].code, THROTTLE[which].message)
      return true
    }
    if (quotaExhausted) return refuse('quota')
    if (inspections > 0) {
      inspections--
      // ERR_DOC: 400 DataInspectionFailed "Input or output data may contain inappropriate content."
      send(res, 400, 'DataInspectionFailed', 'Input or output data may contain inappropriate content.')
      return true
    }
    const limit = limits[model]
    // NOTE: the docs give the number of concurrent tasks but not how a submission beyond it is answered;
    // stricter than a service that might queue it: refuse with the generic throttling answer.
    if (limit.concurrent !== undefined && running(model) >= limit.concurrent) return refuse('concurrency')
    if (!admit(`submit:${model}`, limit.rps)) return refuse('rate')
    return false
  }

  function parseBody(req: RecordedRequest, res: ServerResponse): Record<string, unknown> | null {
    // Every page's header table: "Content-Type: application/json".
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      send(res, 400, 'InvalidParameter', 'Content-Type must be application/json')
      return null
    }
    try {
      const v = JSON.parse(req.body.toString('utf8')) as unknown
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>
    } catch {
      /* below */
    }
    send(res, 400, 'InvalidParameter', 'Required parameter(s) missing or invalid, please check the request parameters.')
    return null
  }

  /** Downloads one input like the service: it must be a public http(s) URL that answers 200 with image bytes. */
  async function download(url: unknown): Promise<{ bytes: Buffer; image: InspectedImage } | null> {
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return null
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(10_000) })
      const bytes = Buffer.from(await r.arrayBuffer())
      if (r.status !== 200) {
        downloads.push({ url, image: null, status: r.status })
        return null
      }
      const image = await inspectImage(bytes)
      downloads.push({ url, image, status: r.status })
      return { bytes, image }
    } catch {
      downloads.push({ url, image: null, status: 0 })
      return null
    }
  }

  function violates(img: InspectedImage, rule: { minBytes: number; maxBytes: number; minSide: number; maxSide: number; formats: ReadonlySet<string> }): 'format' | 'size' | null {
    if (!rule.formats.has(img.format)) return 'format'
    if (img.bytes < rule.minBytes || img.bytes > rule.maxBytes) return 'size'
    if (img.width === null || img.height === null) return 'format'
    if (Math.min(img.width, img.height) < rule.minSide || Math.max(img.width, img.height) > rule.maxSide) return 'size'
    return null
  }

  async function submit(req: RecordedRequest, res: ServerResponse, kind: 'tryon' | 'background' | 't2i'): Promise<void> {
    // Every async page: "X-DashScope-Async: enable" is required; without it the service answers
    // "current user api does not support synchronous calls" (e.g. the wanx sketch-to-image reference).
    if (req.headers['x-dashscope-async'] !== 'enable') return send(res, 403, 'AccessDenied', 'current user api does not support synchronous calls')
    const body = parseBody(req, res)
    if (!body) return
    const input = (body['input'] ?? {}) as Record<string, unknown>
    const params = (body['parameters'] ?? {}) as Record<string, unknown>
    const model = body['model']
    // BG_DOC FAQ: an unknown model answers InvalidParameter "Model not exist.".
    // EDIT_DOC: wanx2.1-imageedit is posted to the same image2image path as try-on.
    if (kind === 'tryon' && model === 'wanx2.1-imageedit') return submitImageEdit(res, body, input, params)
    if (kind === 't2i') return TEXT_TO_IMAGE_MODELS.has(String(model)) ? submitTextToImage(res, model as FakeModel, body, input, params) : send(res, 400, 'InvalidParameter', 'Model not exist.')
    if (kind === 'tryon' && model !== 'aitryon' && model !== 'aitryon-plus') return send(res, 400, 'InvalidParameter', 'Model not exist.')
    if (kind === 'background' && model !== 'wanx-background-generation-v2') return send(res, 400, 'InvalidParameter', 'Model not exist.')
    const fakeModel = model as FakeModel
    if (kind === 'tryon') return submitTryOn(res, fakeModel, body, input, params)
    return submitBackground(res, body, input, params)
  }

  async function submitTryOn(res: ServerResponse, model: FakeModel, body: Record<string, unknown>, input: Record<string, unknown>, params: Record<string, unknown>): Promise<void> {
    const bad = (message: string) => send(res, 400, 'InvalidParameter', message)
    // TRYON_DOC: person_image_url required; "上装或下装服饰图片需至少输入一个" → 400 InvalidGarment.
    if (typeof input['person_image_url'] !== 'string') return bad('The request is missing required parameters or in a wrong format, please check the parameters that you send.')
    const garmentKeys = ['top_garment_url', 'bottom_garment_url'].filter((k) => input[k] !== undefined && input[k] !== null && input[k] !== '')
    if (garmentKeys.length === 0) return send(res, 400, 'InvalidGarment', 'Missing clothing image.Please input at least one top garment or bottom garment image.')
    for (const k of Object.keys(input)) {
      // Stricter where silent: an input field the API does not define is refused, not ignored.
      if (!['person_image_url', 'top_garment_url', 'bottom_garment_url'].includes(k)) return bad(`The request is missing required parameters or in a wrong format, please check the parameters that you send. (unknown field input.${k})`)
    }
    // TRYON_DOC: resolution ∈ {1024, 1280, -1}; restore_face boolean.
    if (params['resolution'] !== undefined && ![1024, 1280, -1].includes(params['resolution'] as number)) return bad('The request is missing required parameters or in a wrong format, please check the parameters that you send. (parameters.resolution)')
    if (params['restore_face'] !== undefined && typeof params['restore_face'] !== 'boolean') return bad('The request is missing required parameters or in a wrong format, please check the parameters that you send. (parameters.restore_face)')
    if (refuseByLimits(res, model)) return
    for (const key of ['person_image_url', ...garmentKeys]) {
      const got = await download(input[key])
      // TRYON_DOC error table: 400 InvalidURL (download failed or format) / InvalidInputLength (size, pixels).
      if (!got) return send(res, 400, 'InvalidURL', 'The request URL is invalid, please check the request URL is available and the request image format is one of the following types: JPEG, JPG, PNG, BMP, and WEBP.')
      const broken = violates(got.image, TRYON_INPUT)
      if (broken === 'format') return send(res, 400, 'InvalidURL', 'The request URL is invalid, please check the request URL is available and the request image format is one of the following types: JPEG, JPG, PNG, BMP, and WEBP.')
      if (broken === 'size')
        return send(res, 400, 'InvalidInputLength', 'The image resolution is invalid, please make sure that the largest length of image is smaller than 4096, and the smallest length of image is larger than 150. and the size of image ranges from 5KB to 5MB')
    }
    accept(res, { kind: 'tryon', model, body, count: 1, inputFailure: null })
  }

  async function submitBackground(res: ServerResponse, body: Record<string, unknown>, input: Record<string, unknown>, params: Record<string, unknown>): Promise<void> {
    const bad = (message: string) => send(res, 400, 'InvalidParameter', message)
    // BG_DOC: base_image_url required; "ref_image_url ... 与 ref_prompt 参数至少填写一个".
    if (typeof input['base_image_url'] !== 'string') return bad('Required parameter(s) missing or invalid, please check the request parameters. (input.base_image_url)')
    if (typeof input['ref_prompt'] !== 'string' && typeof input['ref_image_url'] !== 'string') return bad('Required parameter(s) missing or invalid, please check the request parameters. (input.ref_prompt or input.ref_image_url)')
    // BG_DOC: ref_prompt / neg_ref_prompt "英文最多支持150个单词，中文大概是100-120个中文字符，超过部分会被自动忽略".
    // Stricter: the service silently drops the tail (the scene a user paid for); the fake refuses instead.
    for (const k of ['ref_prompt', 'neg_ref_prompt']) {
      if (typeof input[k] === 'string' && promptTooLong(input[k] as string)) return bad(`input.${k} is longer than the model reads (100 Chinese characters or 150 English words)`)
    }
    // BG_DOC: n "支持1~4 张，默认值1"; model_version v2 | v3.
    const count = params['n'] === undefined ? 1 : Number(params['n'])
    if (!Number.isInteger(count) || count < 1 || count > 4) return bad('Required parameter(s) missing or invalid, please check the request parameters. (parameters.n must be 1..4)')
    if (params['model_version'] !== undefined && params['model_version'] !== 'v2' && params['model_version'] !== 'v3') return bad('Required parameter(s) missing or invalid, please check the request parameters. (parameters.model_version)')
    if (refuseByLimits(res, 'wanx-background-generation-v2')) return
    // BG_DOC: the service downloads and checks the base image when the task runs and reports problems on the
    // task (FAILED with InvalidParameter.FileDownload / BadRequest.UnsupportedFileFormat), so does the fake.
    const got = await download(input['base_image_url'])
    let inputFailure: FakeTask['inputFailure'] = null
    let subject: Buffer | undefined
    if (!got) inputFailure = { code: 'InvalidParameter.FileDownload', message: 'download for input_image error' }
    else if (got.image.format !== 'png' || !got.image.hasAlpha) {
      // BG_DOC: "主体图像必须为带透明背景的RGBA四通道图像", "图像格式为png"; the FAQ quotes this failure.
      inputFailure = {
        code: 'BadRequest.UnsupportedFileFormat',
        message: `Base image require RGBA format, but is ${got.image.format === 'png' ? 'RGB' : got.image.format.toUpperCase()}, modes concept see https://pillow.readthedocs.io/en/stable/handbook/concepts.html#concept-modes`,
      }
    } else if ((got.image.transparent ?? 0) < 0.01 || (got.image.opaque ?? 0) < 0.01) {
      // BG_DOC: "主体为彩色且背景为透明", "请不要使用半透明图像". Stricter: an alpha channel that makes nothing
      // transparent (or nothing opaque) is not a cut-out. Message wording ours (not documented).
      inputFailure = { code: 'BadRequest.UnsupportedFileFormat', message: 'Base image must have a transparent background around an opaque subject' }
    } else if (Math.max(got.image.width ?? 0, got.image.height ?? 0) > 2048) {
      // BG_DOC: "图像长边不超过2048像素". Code/message not documented; wording ours.
      inputFailure = { code: 'InvalidParameter', message: 'The long side of the base image must not exceed 2048 pixels' }
    } else subject = got.bytes
    accept(res, { kind: 'background', model: 'wanx-background-generation-v2', body, count, inputFailure, subject })
  }


  /** Stricter where silent: a field the API does not define for this call is refused, not ignored. */
  function unknownField(obj: Record<string, unknown>, allowed: string[], where: string): string | null {
    const k = Object.keys(obj).find((key) => !allowed.includes(key))
    return k === undefined ? null : `Required parameter(s) missing or invalid, please check the request parameters. (unknown field ${where}.${k})`
  }

  /** EDIT_DOC / T2I_DOC common parameters: n "范围1~4", seed "[0, 2147483647]", watermark bool. Returns n or an error. */
  function commonParams(params: Record<string, unknown>, defaultN: number): number | string {
    const count = params['n'] === undefined ? defaultN : params['n']
    if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 4) return 'Required parameter(s) missing or invalid, please check the request parameters. (parameters.n must be 1..4)'
    if (params['seed'] !== undefined && (!Number.isInteger(params['seed']) || (params['seed'] as number) < 0 || (params['seed'] as number) > SEED_MAX))
      return 'Required parameter(s) missing or invalid, please check the request parameters. (parameters.seed must be 0..2147483647)'
    if (params['watermark'] !== undefined && typeof params['watermark'] !== 'boolean') return 'Required parameter(s) missing or invalid, please check the request parameters. (parameters.watermark)'
    return count as number
  }

  /** EDIT_DOC, function super_resolution: the base image enlarged by upscale_factor, n results. */
  async function submitImageEdit(res: ServerResponse, body: Record<string, unknown>, input: Record<string, unknown>, params: Record<string, unknown>): Promise<void> {
    const bad = (message: string) => send(res, 400, 'InvalidParameter', message)
    const fn = input['function']
    // EDIT_DOC: function, prompt and base_image_url are all "必选".
    if (typeof fn !== 'string' || !EDIT_FUNCTIONS.has(fn)) return bad('Required parameter(s) missing or invalid, please check the request parameters. (input.function)')
    if (fn !== 'super_resolution') return bad(`the fake implements input.function super_resolution only (got ${fn})`)
    if (typeof input['prompt'] !== 'string' || !input['prompt'].trim()) return bad('Required parameter(s) missing or invalid, please check the request parameters. (input.prompt)')
    // EDIT_DOC: prompt "长度不超过800个字符，每个汉字/字母占一个字符，超过部分会自动截断". Stricter: refused, not cut.
    if ([...input['prompt']].length > 800) return bad('input.prompt is longer than 800 characters')
    if (typeof input['base_image_url'] !== 'string') return bad('Required parameter(s) missing or invalid, please check the request parameters. (input.base_image_url)')
    // mask_image_url belongs to description_edit_with_mask only (EDIT_DOC).
    const extraInput = unknownField(input, ['function', 'prompt', 'base_image_url'], 'input')
    if (extraInput) return bad(extraInput)
    // EDIT_DOC 图像超分 parameters: n, seed, watermark and upscale_factor ("范围1~4，默认1"); strength and the expand
    // scales belong to other functions.
    const extraParam = unknownField(params, ['n', 'seed', 'watermark', 'upscale_factor'], 'parameters')
    if (extraParam) return bad(extraParam)
    const count = commonParams(params, 1)
    if (typeof count === 'string') return bad(count)
    const factor = params['upscale_factor'] === undefined ? 1 : params['upscale_factor']
    if (!Number.isInteger(factor) || (factor as number) < 1 || (factor as number) > 4) return bad('Required parameter(s) missing or invalid, please check the request parameters. (parameters.upscale_factor must be an integer 1..4)')
    // EDIT_DOC: "URL地址中不能包含中文字符". Message wording ours.
    if (CJK.test(input['base_image_url'])) return bad('The image URL must not contain Chinese characters')
    if (refuseByLimits(res, 'wanx2.1-imageedit')) return
    // NOTE: EDIT_DOC does not say whether a bad base image fails the submission or the task; stricter (earlier):
    // the fake downloads it at submission and answers 400 InvalidParameter (the API's only documented 400 for
    // parameters). Message wording ours.
    const got = await download(input['base_image_url'])
    if (!got) return bad('The request URL is invalid, please check the request URL is available (input.base_image_url could not be downloaded)')
    const broken = violates(got.image, EDIT_INPUT)
    if (broken === 'format') return bad('The image format is invalid, it must be one of JPG, JPEG, PNG, BMP, TIFF, WEBP (input.base_image_url)')
    if (broken === 'size') return bad('The image is invalid: width and height must be within [512, 4096] pixels and the file no larger than 10MB (input.base_image_url)')
    if (got.image.format === 'bmp' || got.image.format === 'tiff') return bad('the fake cannot decode BMP/TIFF inputs')
    accept(res, { kind: 'upscale', model: 'wanx2.1-imageedit', body, count, inputFailure: null, source: got.bytes, upscaleFactor: factor as number })
  }

  /** T2I_DOC: a prompt (and negative prompt) → n images of `size`. */
  async function submitTextToImage(res: ServerResponse, model: FakeModel, body: Record<string, unknown>, input: Record<string, unknown>, params: Record<string, unknown>): Promise<void> {
    const bad = (message: string) => send(res, 400, 'InvalidParameter', message)
    if (typeof input['prompt'] !== 'string' || !input['prompt'].trim()) return bad('Required parameter(s) missing or invalid, please check the request parameters. (input.prompt)')
    // T2I_DOC: prompt ≤ 800 characters, negative_prompt ≤ 500, "超过部分会自动截断". Stricter: refused, not cut.
    if ([...input['prompt']].length > 800) return bad('input.prompt is longer than 800 characters')
    if (input['negative_prompt'] !== undefined && (typeof input['negative_prompt'] !== 'string' || [...input['negative_prompt']].length > 500)) return bad('input.negative_prompt must be a string of at most 500 characters')
    const extraInput = unknownField(input, ['prompt', 'negative_prompt'], 'input')
    if (extraInput) return bad(extraInput)
    const extraParam = unknownField(params, ['size', 'n', 'seed', 'prompt_extend', 'watermark'], 'parameters')
    if (extraParam) return bad(extraParam)
    // T2I_DOC: n "取值范围为1~4张，默认为4".
    const count = commonParams(params, 4)
    if (typeof count === 'string') return bad(count)
    if (params['prompt_extend'] !== undefined && typeof params['prompt_extend'] !== 'boolean') return bad('Required parameter(s) missing or invalid, please check the request parameters. (parameters.prompt_extend)')
    // T2I_DOC: size "宽*高", default 1024*1024, each side in [512, 1440], at most "200万像素". NOTE: 1440*1440 is
    // 2,073,600 px; stricter where the page contradicts itself: over 2,000,000 px is refused.
    const sizeText = params['size'] === undefined ? '1024*1024' : params['size']
    const m = typeof sizeText === 'string' ? /^(\d+)\*(\d+)$/.exec(sizeText) : null
    const width = m ? Number(m[1]) : 0
    const height = m ? Number(m[2]) : 0
    if (!m || Math.min(width, height) < T2I_SIZE.minSide || Math.max(width, height) > T2I_SIZE.maxSide || width * height > T2I_SIZE.maxPixels)
      return bad('Required parameter(s) missing or invalid, please check the request parameters. (parameters.size must be "W*H", each side 512..1440, at most 2,000,000 pixels)')
    if (refuseByLimits(res, model)) return
    accept(res, { kind: 't2i', model, body, count, inputFailure: null, size: { width, height } })
  }

  function accept(res: ServerResponse, t: Omit<FakeTask, 'id' | 'polls' | 'outcome' | 'status'>): void {
    const id = `fake-${t.kind}-${tasks.size + 1}-${now().toString(36)}`
    tasks.set(id, { ...t, id, polls: 0, outcome, status: 'PENDING' })
    peakConcurrency[t.model] = Math.max(peakConcurrency[t.model] ?? 0, running(t.model))
    // BG_DOC / TRYON_DOC: the submit answer is { output: { task_id, task_status: 'PENDING' }, request_id }.
    base.send(res, 200, { output: { task_id: id, task_status: 'PENDING' }, request_id: rid() })
  }

  function poll(res: ServerResponse, id: string): void {
    if (!admit('tasks', TASK_QUERY_QPS)) {
      throttled[THROTTLE.rate.code] = (throttled[THROTTLE.rate.code] ?? 0) + 1
      return send(res, 429, THROTTLE.rate.code, THROTTLE.rate.message)
    }
    const task = tasks.get(id)
    // TASK_DOC: "UNKNOWN：任务不存在或状态未知" (expired after 24 h, or not this account's).
    if (!task) return base.send(res, 200, { output: { task_id: id, task_status: 'UNKNOWN' }, request_id: rid() })
    if (isActive(task.status)) {
      task.polls++
      if (task.polls <= states.length) {
        task.status = states[task.polls - 1]!
        return base.send(res, 200, { output: { task_id: id, task_status: task.status, task_metrics: { TOTAL: task.count, SUCCEEDED: 0, FAILED: 0 } }, request_id: rid() })
      }
      task.status = task.inputFailure || task.outcome === 'FAILED' ? 'FAILED' : 'SUCCEEDED'
    }
    if (task.status === 'CANCELED') return base.send(res, 200, { output: { task_id: id, task_status: 'CANCELED' }, request_id: rid() })
    if (task.status === 'FAILED') {
      const failure = task.inputFailure ?? { code: failureCode, message: 'An internal error has occured during execution, please try again later or contact service support.' }
      return base.send(res, 200, { output: { task_id: id, task_status: 'FAILED', code: failure.code, message: failure.message }, usage: { image_count: 0 }, request_id: rid() })
    }
    const urls = Array.from({ length: task.count }, (_, i) => `${base.url}/results/${encodeURIComponent(id)}/${i}.png`)
    // TRYON_DOC: output.image_url; BG_DOC / EDIT_DOC: output.results[].url and task_metrics; T2I_DOC: results also
    // carry orig_prompt (and actual_prompt when prompt_extend rewrote it; the fake does not rewrite).
    const prompt = ((task.body['input'] ?? {}) as Record<string, unknown>)['prompt']
    const output =
      task.kind === 'tryon'
        ? { task_id: id, task_status: 'SUCCEEDED', image_url: urls[0] }
        : {
            task_id: id,
            task_status: 'SUCCEEDED',
            results: urls.map((url) => (task.kind === 't2i' ? { orig_prompt: prompt, url } : { url })),
            task_metrics: { TOTAL: task.count, SUCCEEDED: task.count, FAILED: 0 },
          }
    base.send(res, 200, { output, usage: { image_count: task.count }, request_id: rid() })
  }

  /** PARSE_DOC: a synchronous call; answers parsing_img_url (RGBA PNG), crop_img_url (RGB PNG) and bbox per type. */
  async function parse(req: RecordedRequest, res: ServerResponse): Promise<void> {
    // Stricter where silent: PARSE_DOC's header table has no X-DashScope-Async; a sync API refuses it here.
    if (req.headers['x-dashscope-async'] !== undefined) return send(res, 400, 'InvalidParameter', 'aitryon-parsing-v1 is a synchronous API: do not send X-DashScope-Async')
    const body = parseBody(req, res)
    if (!body) return
    if (body['model'] !== 'aitryon-parsing-v1') return send(res, 400, 'InvalidParameter', 'Model not exist.')
    const input = (body['input'] ?? {}) as Record<string, unknown>
    const types = ((body['parameters'] ?? {}) as Record<string, unknown>)['clothes_type']
    // PARSE_DOC: "可选[\"upper\"], [\"lower\"], [\"dress\"], [\"upper\", \"lower\"]".
    const allowed = ['upper', 'lower', 'dress', 'upper,lower']
    if (!Array.isArray(types) || !allowed.includes(types.join(','))) return send(res, 400, 'InvalidParameter', 'Required parameter(s) missing or invalid, please check the request parameters. (parameters.clothes_type)')
    if (refuseByLimits(res, 'aitryon-parsing-v1')) return
    const got = await download(input['image_url'])
    if (!got || violates(got.image, PARSE_INPUT)) return send(res, 400, 'InvalidParameter', 'Required parameter(s) missing or invalid, please check the request parameters. (input.image_url: 5KB<file<5MB, 150<side<4096, jpg/png/bmp/heic)')
    if (got.image.format === 'bmp' || got.image.format === 'heic') return send(res, 400, 'InvalidParameter', 'the fake cannot decode BMP/HEIC inputs')
    const subject = trimSubject(await extractSubject(got.bytes, 4096))
    const id = `parse-${++seq}`
    const cut = await sharp(subject.data, { raw: { width: subject.width, height: subject.height, channels: 4 } }).png().toBuffer()
    const crop = await sharp(cut).flatten({ background: '#ffffff' }).png().toBuffer()
    const meta = await sharp(got.bytes).metadata()
    const scale = Math.max(meta.width ?? 1, meta.height ?? 1) / Math.max(subject.width, subject.height, 1)
    const parsing: Array<string | null> = []
    const crops: Array<string | null> = []
    const boxes: Array<number[] | null> = []
    types.forEach((type: string, i: number) => {
      // One garment per flat-lay: the first requested region gets it, the others are "null" (PARSE_DOC:
      // "对应位置为None/null则表示不存在该种类服饰").
      if (i > 0) return void (parsing.push(null), crops.push(null), boxes.push(null))
      images.set(`/results/${id}/parsing-${type}.png`, Promise.resolve(cut))
      images.set(`/results/${id}/crop-${type}.png`, Promise.resolve(crop))
      parsing.push(`${base.url}/results/${id}/parsing-${type}.png`)
      crops.push(`${base.url}/results/${id}/crop-${type}.png`)
      boxes.push([0, 0, Math.round(subject.width * scale), Math.round(subject.height * scale)])
    })
    base.send(res, 200, { output: { parsing_img_url: parsing, crop_img_url: crops, bbox: boxes }, usage: { image_count: 1 }, request_id: rid() })
  }

  async function serveResult(res: ServerResponse, path: string): Promise<void> {
    const [, , id, file] = path.split('/')
    let png = images.get(path)
    if (!png) {
      const task = tasks.get(decodeURIComponent(id ?? ''))
      if (!task || task.status !== 'SUCCEEDED') return send(res, 404, 'NotFound', 'result expired')
      if (task.kind === 'upscale') {
        // EDIT_DOC 图像超分: "在放大图像的同时增强细节" — the fake enlarges the downloaded input by the factor for real.
        const factor = task.upscaleFactor ?? 1
        png = (async () => {
          const meta = await sharp(task.source!).metadata()
          return sharp(task.source!).resize((meta.width ?? 1) * factor, (meta.height ?? 1) * factor, { kernel: 'lanczos3' }).png().toBuffer()
        })()
        images.set(path, png)
        return base.send(res, 200, await png, { 'content-type': 'image/png' })
      }
      if (task.kind === 't2i') {
        // A deterministic drawing at the requested size (the fake does not read the prompt beyond a man/woman hint).
        const prompt = String(((task.body['input'] ?? {}) as Record<string, unknown>)['prompt'] ?? '')
        const ages = ['young', 'adult'] as const
        const figure = { gender: /\bman\b|男/.test(prompt) ? ('male' as const) : ('female' as const), age: ages[(hashString(prompt) + Number.parseInt(file ?? '0', 10)) % 2]!, body: 'regular' as const, pose: 'standing' as const, skin_tone: 'medium' as const }
        png = drawModelFigure(figure, task.size!).then((jpeg) => sharp(jpeg).png().toBuffer())
        images.set(path, png)
        return base.send(res, 200, await png, { 'content-type': 'image/png' })
      }
      const backdrops = ['garden', 'street', 'beach', 'cafe']
      const backdrop = renderSceneThumbnail({ backdrop: backdrops[Number.parseInt(file ?? '0', 10) % 4] }, { width: 576, height: 768 }, 'png')
      // BG_DOC: results keep the base image's resolution with the subject in place.
      png = task.subject
        ? (async () => {
            const meta = await sharp(task.subject!).metadata()
            const bg = await sharp(await backdrop).resize(meta.width, meta.height, { fit: 'cover' }).png().toBuffer()
            return sharp(bg).composite([{ input: task.subject! }]).png().toBuffer()
          })()
        : backdrop
      images.set(path, png)
    }
    base.send(res, 200, await png, { 'content-type': 'image/png' })
  }

  return {
    ...base,
    tasks,
    throttled,
    peakConcurrency,
    downloads,
    setOutcome(next, code) {
      outcome = next
      if (code) failureCode = code
    },
    exhaustQuota(on = true) {
      quotaExhausted = on
    },
    inspectNext(times = 1) {
      inspections += times
    },
    cancel(taskId) {
      const t = tasks.get(taskId)
      if (!t || t.status !== 'PENDING') return false
      t.status = 'CANCELED'
      return true
    },
  }
}
