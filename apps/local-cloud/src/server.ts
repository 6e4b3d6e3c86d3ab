/**
 * The local cloud's HTTP face: the gateway over HTTP with dev tokens standing in for WeChat identity,
 * uploads into the caller's own storage folder, signed file URLs, the dev checkout, and the H5 build.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import path from 'node:path'
import { WECHATPAY_NOTIFY_PATH, type GatewayMain } from '@aiphoto/server'
import { contextFor, verifyFileUrl, isValidCloudPath, type LocalRuntime } from '@aiphoto/local-runtime'
import { issueDevToken, OPENID_PATTERN, verifyDevToken } from './dev-token'
import { BodyTooLarge, bearer, readBody, sendError, sendJson } from './http-util'
import { contentTypeOf, sniffImage } from './image-sniff'
import { createDevPayRoutes } from './routes/dev-pay'

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024
const MAX_JSON_BYTES = 256 * 1024

export interface LocalCloudOptions {
  rt: LocalRuntime
  main: GatewayMain
  /** Directory of the H5 build to serve at `/` (skipped when missing). */
  h5Dir?: string
  /** True once seeding finished; /api/health answers 503 before. */
  isReady?: () => boolean
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>

export function createLocalCloudServer(opts: LocalCloudOptions): Server {
  const { rt, main } = opts
  const key = rt.config.secretKey
  const devPay = createDevPayRoutes({ rt, main })

  /** The caller from the bearer token: a user, anonymous (no header), or 'invalid'. */
  const callerOf = (req: IncomingMessage) => {
    const token = bearer(req)
    if (token === null) return { kind: 'anonymous' as const }
    const openid = token ? verifyDevToken(key, token, rt.clock.now()) : null
    return openid ? { kind: 'user' as const, openid, source: 'dev-token' as const } : ('invalid' as const)
  }

  const routes: Record<string, Route> = {
    'GET /api/health': async (_req, res) => {
      const ready = opts.isReady?.() ?? true
      sendJson(res, ready ? 200 : 503, { ok: ready })
    },

    'POST /api/dev/login': async (req, res) => {
      const body = await readJson(req, res)
      if (body === undefined) return
      const { openid: given, nickname, ...rest } = body as { openid?: unknown; nickname?: unknown }
      if (Object.keys(rest).length || (given !== undefined && (typeof given !== 'string' || !OPENID_PATTERN.test(given))) || (nickname !== undefined && typeof nickname !== 'string')) {
        return sendError(res, 400, 'VALIDATION_FAILED', 'openid 须为 1-64 位字母数字，nickname 须为字符串')
      }
      const openid = given ?? `dev_${rt.ids.token(12)}`
      if (typeof nickname === 'string' && nickname.trim()) {
        // Registers with the nickname on first login; an existing user keeps theirs.
        const reg = (await main({ $url: 'user/register', nickname }, contextFor({ kind: 'user', openid, source: 'dev-token' }))) as { success: boolean }
        if (!reg.success) return sendJson(res, 400, reg)
      }
      sendJson(res, 200, { success: true, data: { token: issueDevToken(key, openid, rt.clock.now()), openid } })
    },

    'POST /api/gateway': async (req, res) => {
      const body = await readJson(req, res)
      if (body === undefined) return
      const caller = callerOf(req)
      if (caller === 'invalid') return sendError(res, 200, 'UNAUTHENTICATED')
      const context = caller.kind === 'anonymous' ? {} : contextFor(caller)
      sendJson(res, 200, await main(body, context))
    },

    'PUT /api/storage/upload': async (req, res, url) => {
      const caller = callerOf(req)
      if (caller === 'invalid' || caller.kind !== 'user') return sendError(res, 401, 'UNAUTHENTICATED')
      const cloudPath = url.searchParams.get('cloudPath') ?? ''
      if (!isValidCloudPath(cloudPath)) return sendError(res, 400, 'VALIDATION_FAILED', '文件路径无效')
      if (!cloudPath.startsWith(`users/${caller.openid}/`)) return sendError(res, 403, 'FORBIDDEN', '只能上传到自己的目录')
      let content: Buffer
      try {
        content = await readBody(req, MAX_UPLOAD_BYTES)
      } catch (err) {
        if (err instanceof BodyTooLarge) return sendError(res, 413, 'VALIDATION_FAILED', '图片不能超过 10MB')
        throw err
      }
      const type = sniffImage(content)
      if (!type) return sendError(res, 415, 'VALIDATION_FAILED', '只支持 PNG、JPEG、WebP、GIF 图片')
      const { fileId } = await rt.storage.upload({ cloudPath, content, contentType: type })
      sendJson(res, 200, { success: true, data: { file_id: fileId } })
    },

    // The same notify path the HTTP access service serves on CloudBase: the request goes to the gateway as that
    // service's event (raw bytes, base64), so signature checks see exactly what WeChat Pay sent.
    [`POST /api${WECHATPAY_NOTIFY_PATH}`]: async (req, res) => {
      let raw: Buffer
      try {
        raw = await readBody(req, MAX_JSON_BYTES)
      } catch (err) {
        if (err instanceof BodyTooLarge) return sendError(res, 413, 'VALIDATION_FAILED')
        throw err
      }
      const event = {
        path: WECHATPAY_NOTIFY_PATH,
        httpMethod: 'POST',
        headers: req.headers,
        queryStringParameters: {},
        body: raw.toString('base64'),
        isBase64Encoded: true,
        requestContext: {},
      }
      const answer = (await main(event, {})) as { statusCode?: number; headers?: Record<string, string>; body?: string }
      const body = typeof answer?.body === 'string' ? answer.body : ''
      res.writeHead(answer?.statusCode ?? 500, { ...(answer?.headers ?? {}), 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
      res.end(body)
    },

    ...devPay,
  }

  const serveFile = async (res: ServerResponse, url: URL) => {
    const cloudPath = decodeURIComponent(url.pathname.slice('/files/'.length))
    if (!isValidCloudPath(cloudPath) || !verifyFileUrl(key, cloudPath, url.searchParams.get('exp'), url.searchParams.get('sig'), rt.clock.now())) {
      return sendError(res, 403, 'FORBIDDEN', '链接无效或已过期')
    }
    await streamFile(res, rt.storage.resolvePath(cloudPath), 'private, max-age=300')
  }

  const serveH5 = async (res: ServerResponse, url: URL) => {
    if (!opts.h5Dir) return sendError(res, 404, 'NOT_FOUND')
    const root = path.resolve(opts.h5Dir)
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '')
    const target = path.resolve(root, rel || 'index.html')
    if (target !== root && !target.startsWith(root + path.sep)) return sendError(res, 404, 'NOT_FOUND')
    const s = await stat(target).catch(() => null)
    if (s?.isFile()) return streamFile(res, target, rel.startsWith('js/') || rel.startsWith('css/') ? 'public, max-age=31536000, immutable' : 'no-cache')
    // Single-page app: unknown paths fall back to index.html (Taro's browser router).
    const index = path.join(root, 'index.html')
    if (await stat(index).catch(() => null)) return streamFile(res, index, 'no-cache')
    sendError(res, 404, 'NOT_FOUND', 'H5 尚未构建')
  }

  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://local')
      const route = routes[`${req.method} ${url.pathname}`]
      if (route) return await route(req, res, url)
      if (req.method === 'GET' && url.pathname.startsWith('/files/')) return await serveFile(res, url)
      if (url.pathname.startsWith('/api/')) return sendError(res, 404, 'UNKNOWN_ACTION', '接口不存在')
      if (req.method === 'GET' || req.method === 'HEAD') return await serveH5(res, url)
      sendError(res, 405, 'VALIDATION_FAILED', '不支持的请求方法')
    } catch (err) {
      rt.logger.error('http_failed', { path: req.url?.split('?')[0], error: String((err as Error)?.message ?? err).slice(0, 300) })
      if (!res.headersSent) sendError(res, 500, 'INTERNAL')
      else res.end()
    }
  })

  async function readJson(req: IncomingMessage, res: ServerResponse): Promise<Record<string, unknown> | undefined> {
    let raw: Buffer
    try {
      raw = await readBody(req, MAX_JSON_BYTES)
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        sendError(res, 413, 'VALIDATION_FAILED', '请求体过大')
        return undefined
      }
      throw err
    }
    try {
      const parsed: unknown = raw.length ? JSON.parse(raw.toString('utf8')) : {}
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
    } catch {
      // fall through
    }
    sendError(res, 400, 'VALIDATION_FAILED', '请求体不是合法的 JSON 对象')
    return undefined
  }
}

async function streamFile(res: ServerResponse, file: string, cacheControl: string): Promise<void> {
  const s = await stat(file).catch(() => null)
  if (!s?.isFile()) return sendError(res, 404, 'NOT_FOUND')
  res.writeHead(200, { 'content-type': contentTypeOf(file), 'content-length': s.size, 'cache-control': cacheControl, 'x-content-type-options': 'nosniff' })
  createReadStream(file).pipe(res)
}
