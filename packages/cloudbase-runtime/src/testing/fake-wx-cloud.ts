/**
 * A stand-in for the wx-server-sdk module: records every call and answers with the result shapes of
 * wx-server-sdk 4.0.2 (rejections are CloudSDKError-like `{ errCode, errMsg }`). Storage is an in-memory bucket.
 * Tests replace single handlers (`fake.handlers.msgSecCheck = ...`) to drive error paths.
 */
import { mediaCheckPushEvent, type MediaSuggest } from '@aiphoto/runtime'
import type { WxCloud, WxTempFileItem } from '../wx-cloud'

export const FAKE_BUCKET = 'cloud://test-env-1a2b.7465-test-env-1a2b-1250000000'
export const FAKE_COS = 'https://7465-test-env-1a2b-1250000000.tcb.qcloud.la'
/** getTempFileURL limits (sources next to the handler). */
export const MAX_TEMP_URL_FILES = 50
export const MAX_TEMP_URL_AGE = 86400

/** Mirrors wx-server-sdk's CloudSDKError: an Error carrying `errCode` and `errMsg`. */
export class FakeCloudSDKError extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(`errCode: ${errCode} | errMsg: ${errMsg}`)
  }
}

export interface RecordedCall {
  api: string
  params: any
}

type Handler = (params: any) => Promise<any>

export interface FakeWxCloud extends WxCloud {
  calls: RecordedCall[]
  /** Stored objects by file id. */
  files: Map<string, Buffer>
  /** What `getWXContext()` returns. */
  context: Record<string, unknown>
  handlers: Record<
    | 'uploadFile'
    | 'downloadFile'
    | 'getTempFileURL'
    | 'deleteFile'
    | 'callFunction'
    | 'subscribeMessageSend'
    | 'msgSecCheck'
    | 'mediaCheckAsync'
    | 'unifiedOrder'
    | 'queryOrder'
    | 'closeOrder',
    Handler
  >
  callsOf(api: string): RecordedCall[]
  /** Templates added in the console (我的模板): id → its data keys. Unknown ids answer 40037. */
  templates: Map<string, string[]>
  /** The user tapped 允许 for this one-time template `times` times (each send consumes one). */
  acceptSubscription(openid: string, templateId: string, times?: number): void
  /** Remaining one-time subscriptions per `openid templateId`. */
  subscriptions: Map<string, number>
  /**
   * The asynchronous image check. `verdictFor` decides each submitted file's verdict ('silent': never pushed);
   * pushes wait in `pending` until `flush()` (or, with `autoDelayMs`, a timer) hands them to `push` — the way the
   * platform calls the function configured for the wxa_media_check message push.
   */
  mediaCheck: {
    verdictFor: (fileID: string) => MediaSuggest | 'silent'
    pending: Array<Record<string, unknown>>
    push: ((event: Record<string, unknown>) => Promise<unknown>) | null
    autoDelayMs: number | null
    appid: string
    flush(): Promise<number>
  }
  /** A `fetch` answering HEAD for the fake temp URLs from the bucket. */
  fetch: typeof fetch
}

export function createFakeWxCloud(): FakeWxCloud {
  const files = new Map<string, Buffer>()
  const calls: RecordedCall[] = []
  const record = (api: string, params: unknown) => void calls.push({ api, params: structuredCloneSafe(params) })
  const pathOf = (fileID: string) => fileID.slice(FAKE_BUCKET.length + 1)
  const templates = new Map<string, string[]>()
  const subscriptions = new Map<string, number>()

  const handlers: FakeWxCloud['handlers'] = {
    async uploadFile({ cloudPath, fileContent }) {
      const fileID = `${FAKE_BUCKET}/${cloudPath}`
      files.set(fileID, Buffer.from(fileContent))
      return { fileID, statusCode: 200, errMsg: 'uploadFile:ok' }
    },
    async downloadFile({ fileID }) {
      const content = files.get(fileID)
      if (!content) throw new FakeCloudSDKError(-503003, 'downloadFile:fail storage file not exists')
      return { fileContent: Buffer.from(content), statusCode: 200, errMsg: 'downloadFile:ok' }
    },
    async getTempFileURL({ fileList }) {
      // "一次最多取 50 个" and maxAge "默认一天且最大不超过一天":
      // https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/reference-sdk-api/storage/Cloud.getTempFileURL.md
      // https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-server-api/storage/getTempFileURL.html
      // The docs do not say how a longer list fails; the fake refuses the whole call (stricter than truncating).
      if (!Array.isArray(fileList) || fileList.length === 0) throw new FakeCloudSDKError(-501007, 'getTempFileURL:fail fileList must be a non-empty array')
      if (fileList.length > MAX_TEMP_URL_FILES) throw new FakeCloudSDKError(-501007, `getTempFileURL:fail fileList length must not exceed ${MAX_TEMP_URL_FILES}`)
      for (const f of fileList as Array<string | { fileID: string; maxAge: number }>) {
        if (typeof f !== 'string' && (!Number.isSafeInteger(f.maxAge) || f.maxAge <= 0 || f.maxAge > MAX_TEMP_URL_AGE)) {
          throw new FakeCloudSDKError(-501007, `getTempFileURL:fail maxAge must be 1-${MAX_TEMP_URL_AGE} seconds`)
        }
      }
      return {
        fileList: (fileList as Array<string | { fileID: string; maxAge: number }>).map((f): WxTempFileItem => {
          const fileID = typeof f === 'string' ? f : f.fileID
          const maxAge = typeof f === 'string' ? 86400 : f.maxAge
          return files.has(fileID)
            ? { fileID, tempFileURL: `${FAKE_COS}/${pathOf(fileID)}?sign=s&t=${maxAge}`, status: 0, errMsg: 'ok', maxAge }
            : { fileID, tempFileURL: '', status: -503003, errMsg: 'STORAGE_FILE_NONEXIST', maxAge }
        }),
        errMsg: 'getTempFileURL:ok',
      }
    },
    async deleteFile({ fileList }) {
      return {
        fileList: (fileList as string[]).map((fileID) =>
          files.delete(fileID) ? { fileID, status: 0, errMsg: 'ok' } : { fileID, status: -503003, errMsg: 'STORAGE_FILE_NONEXIST' },
        ),
        errMsg: 'deleteFile:ok',
      }
    },
    async callFunction() {
      return { result: { success: true, data: null }, requestID: 'req-1', errMsg: 'callFunction:ok' }
    },
    async subscribeMessageSend(params) {
      return sendSubscribe(templates, subscriptions, params)
    },
    async msgSecCheck() {
      return {
        traceId: 'trace-text-1',
        result: { suggest: 'pass', label: 100 },
        detail: [{ strategy: 'content_model', errcode: 0, suggest: 'pass', label: 100, prob: 90 }],
        errMsg: 'openapi.security.msgSecCheck:ok',
        errCode: 0,
      }
    },
    async mediaCheckAsync(params) {
      return submitMediaCheck(fake, params)
    },
    async unifiedOrder() {
      return { returnCode: 'SUCCESS', resultCode: 'SUCCESS', payment: {} }
    },
    async queryOrder() {
      return { returnCode: 'SUCCESS', resultCode: 'SUCCESS', tradeState: 'NOTPAY' }
    },
    async closeOrder() {
      return { returnCode: 'SUCCESS', resultCode: 'SUCCESS' }
    },
  }

  const via =
    (api: string, key: keyof FakeWxCloud['handlers']) =>
    (params: any): Promise<any> => {
      record(api, params)
      return handlers[key](params)
    }

  const fake: FakeWxCloud = {
    calls,
    files,
    templates,
    subscriptions,
    acceptSubscription(openid, templateId, times = 1) {
      const key = `${openid} ${templateId}`
      subscriptions.set(key, (subscriptions.get(key) ?? 0) + times)
    },
    context: {},
    handlers,
    callsOf: (api) => calls.filter((c) => c.api === api),
    getWXContext: () => {
      record('getWXContext', undefined)
      return { ...fake.context } as ReturnType<WxCloud['getWXContext']>
    },
    uploadFile: via('uploadFile', 'uploadFile'),
    downloadFile: via('downloadFile', 'downloadFile'),
    getTempFileURL: via('getTempFileURL', 'getTempFileURL'),
    deleteFile: via('deleteFile', 'deleteFile'),
    callFunction: via('callFunction', 'callFunction'),
    openapi: {
      subscribeMessage: { send: via('openapi.subscribeMessage.send', 'subscribeMessageSend') },
      security: {
        msgSecCheck: via('openapi.security.msgSecCheck', 'msgSecCheck'),
        mediaCheckAsync: via('openapi.security.mediaCheckAsync', 'mediaCheckAsync'),
      },
    },
    cloudPay: {
      unifiedOrder: via('cloudPay.unifiedOrder', 'unifiedOrder'),
      queryOrder: via('cloudPay.queryOrder', 'queryOrder'),
      closeOrder: via('cloudPay.closeOrder', 'closeOrder'),
    },
    mediaCheck: {
      verdictFor: () => 'pass',
      pending: [],
      push: null,
      autoDelayMs: null,
      appid: 'wx0123456789abcdef',
      async flush() {
        let delivered = 0
        while (fake.mediaCheck.pending.length > 0 && fake.mediaCheck.push) {
          await fake.mediaCheck.push(fake.mediaCheck.pending.shift()!)
          delivered++
        }
        return delivered
      },
    },
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input)
      record('fetch', { url, method: init?.method ?? 'GET' })
      const path = new URL(url).pathname.slice(1)
      const content = files.get(`${FAKE_BUCKET}/${path}`)
      if (!content) return new Response(null, { status: 404 })
      return new Response(null, { status: 200, headers: { 'content-length': String(content.length), 'content-type': 'image/jpeg' } })
    }) as typeof fetch,
  }
  return fake
}

const MEDIA = 'openapi.security.mediaCheckAsync'
let traceSequence = 0

/**
 * mediaCheckAsync 2.0 (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/mediaCheckAsync.html):
 * media_url must be downloadable (the fake downloads it from its bucket), media_type 1 audio / 2 image, version 2,
 * scene 1-4, openid required ("用户需在近两小时访问过小程序"), "单个文件大小不超过10M", images jpg/jpeg/png/bmp/gif.
 * It answers `{ traceId }` (the SDK's camelCase of trace_id) at once; the verdict only arrives later as a push.
 * Error codes are not listed per case in the docs; 40001-style parameter errors answer 47001 (data format error),
 * as the platform does for malformed bodies — stricter than silently accepting.
 */
async function submitMediaCheck(fake: FakeWxCloud, params: any): Promise<any> {
  const { mediaUrl, mediaType, version, scene, openid } = params ?? {}
  const bad = (what: string) => Promise.reject(new FakeCloudSDKError(47001, `${MEDIA}:fail data format error: ${what}`))
  if (typeof mediaUrl !== 'string' || !/^https?:\/\//.test(mediaUrl)) return bad('media_url')
  if (mediaType !== 2 && mediaType !== 1) return bad('media_type')
  if (version !== 2) return bad('version')
  if (![1, 2, 3, 4].includes(scene)) return bad('scene')
  if (typeof openid !== 'string' || !/^[A-Za-z0-9_-]{6,64}$/.test(openid)) return Promise.reject(new FakeCloudSDKError(40003, `${MEDIA}:fail invalid openid`))
  const path = new URL(mediaUrl).pathname.slice(1)
  const fileID = `${FAKE_BUCKET}/${path}`
  const content = fake.files.get(fileID)
  const traceId = `${Math.floor(Date.now() / 1000).toString(16)}-${(++traceSequence).toString(16).padStart(8, '0')}-${Math.random().toString(16).slice(2, 10)}`
  // An undownloadable or oversized file is not refused at submit time; the check simply never passes it.
  const verdict: MediaSuggest | 'silent' = !content ? 'silent' : content.length > 10 * 1024 * 1024 ? 'risky' : fake.mediaCheck.verdictFor(fileID)
  if (verdict !== 'silent') {
    fake.mediaCheck.pending.push(mediaCheckPushEvent({ traceId, suggest: verdict, appid: fake.mediaCheck.appid, openid, at: new Date() }))
    if (fake.mediaCheck.autoDelayMs !== null) setTimeout(() => void fake.mediaCheck.flush(), fake.mediaCheck.autoDelayMs).unref?.()
  }
  return { traceId, errMsg: `${MEDIA}:ok`, errCode: 0 }
}

const SEND = 'openapi.subscribeMessage.send'
const sendFail = (code: number, msg: string) => new FakeCloudSDKError(code, `${SEND}:fail ${msg}`)

/**
 * Value rules per key type, from 订阅消息参数值内容限制 in the subscribeMessage.send docs
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html):
 * thing ≤ 20 characters; phrase ≤ 5 Chinese characters only; character_string ≤ 32 digits/letters/symbols;
 * number ≤ 32 digits (decimals allowed); letter ≤ 32 letters; time/date a 24-hour time with an optional date.
 * Types not listed here are refused (stricter than the service).
 */
const VALUE_RULES: Record<string, (v: string) => boolean> = {
  thing: (v) => v.length > 0 && [...v].length <= 20,
  phrase: (v) => /^[\u4e00-\u9fa5]{1,5}$/.test(v),
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  number: (v) => /^\d+(\.\d+)?$/.test(v) && v.length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  time: (v) => /^(\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日? )?\d{1,2}:\d{2}(:\d{2})?$/.test(v),
  date: (v) => /^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?( \d{1,2}:\d{2}(:\d{2})?)?$/.test(v),
}

/**
 * subscribeMessage.send as the platform answers it through wx-server-sdk: a WeChat errcode is thrown as
 * CloudSDKError { errCode: errcode, errMsg: 'openapi.subscribeMessage.send:fail <errmsg>' } (wx-server-sdk@4.0.2
 * index.js, src/api/openapi/namespace/generic.ts). Codes from the sendMessage docs' error table:
 * 40003 touser invalid, 40037 template_id invalid, 43101 user refuse to accept the msg (no subscription left:
 * a one-time subscription allows one message per acceptance), 47003 argument invalid (a data key the template does
 * not have, a key it has that is missing, or a value breaking its type's rule; the errmsg names the key).
 * A refused send does not consume the subscription.
 */
function sendSubscribe(templates: Map<string, string[]>, subscriptions: Map<string, number>, params: any): Promise<any> {
  const { touser, templateId, data } = params ?? {}
  if (typeof touser !== 'string' || !/^[A-Za-z0-9_-]{6,64}$/.test(touser)) return Promise.reject(sendFail(40003, 'invalid openid'))
  const keys = typeof templateId === 'string' ? templates.get(templateId) : undefined
  if (!keys) return Promise.reject(sendFail(40037, 'invalid template id'))
  const given = data && typeof data === 'object' ? (data as Record<string, { value?: unknown }>) : {}
  for (const key of Object.keys(given)) {
    if (!keys.includes(key)) return Promise.reject(sendFail(47003, `argument invalid! data.${key} not exist`))
  }
  for (const key of keys) {
    const value = given[key]?.value
    if (typeof value !== 'string' || value === '') return Promise.reject(sendFail(47003, `argument invalid! data.${key}.value is empty`))
    const type = /^([a-z_]+?)\d+$/.exec(key)?.[1] ?? ''
    const rule = VALUE_RULES[type]
    if (!rule || !rule(value)) return Promise.reject(sendFail(47003, `argument invalid! data.${key}.value invalid`))
  }
  const subscription = `${touser} ${templateId}`
  const left = subscriptions.get(subscription) ?? 0
  if (left <= 0) return Promise.reject(sendFail(43101, 'user refuse to accept the msg'))
  subscriptions.set(subscription, left - 1)
  return Promise.resolve({ errMsg: `${SEND}:ok`, errCode: 0 })
}

/** Buffers are recorded by length, so assertions need not compare megabytes. */
function structuredCloneSafe(value: unknown): unknown {
  if (value === undefined || value === null || typeof value !== 'object') return value
  return JSON.parse(JSON.stringify(value, (_k, v) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? { buffer: v.data.length } : v)))
}
