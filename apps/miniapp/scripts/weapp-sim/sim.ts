/**
 * The mini-program on a simulated phone: dist/weapp in the logic layer of ./logic-layer.ts, a `wx` whose
 * answers come from the real gateway (createTestGateway from @aiphoto/server/testing, so every callFunction result
 * is a contract envelope), and the platform's rules enforced as WeChat documents them, stricter where the docs are
 * silent. Anything thrown, any console.error and any unhandled rejection is recorded in `errors`.
 *
 * Rules and their sources (developers.weixin.qq.com/miniprogram/dev/…):
 * - api/open-api/subscribe-message/wx.requestSubscribeMessage.html: only inside a user tap ("can only be invoked
 *   by user TAP gesture"), 1–3 template ids.
 * - api/payment/wx.requestPayment.html: timeStamp/nonceStr/package/signType/paySign, package "prepay_id=…";
 *   on iOS the sim refuses any payment for virtual goods (运营规范, see docs/deploy.md).
 * - framework/user-privacy/PrivacyAuthorize.html: privacy-scoped APIs fail with errno 112 when not declared in the
 *   console's privacy guide and errno 104 when the user declines the privacy popup.
 * - api/media/image/wx.saveImageToPhotosAlbum.html + framework/open-ability/authorize.html: scope.writePhotosAlbum,
 *   asked once; refused → "auth deny" until granted again in openSetting.
 * - api/media/video/wx.chooseMedia.html: count ≤ 20, tempFiles[].tempFilePath/size/fileType; chooseImage is
 *   unmaintained since 2.21.0 and counts as an error here.
 * - api/route/*: navigateTo/redirectTo cannot open a tab page, switchTab takes no query, the page stack holds ≤ 10.
 * - wxcloud: wx.cloud.init({ env }) before any call; storage rule 仅创建者可读写 (a client reads only files it uploaded).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { createProvider, renderSceneThumbnail } from '@aiphoto/imaging'
import { contextFor } from '@aiphoto/local-runtime'
import { parseTemplateKeys } from '@aiphoto/runtime'
import { cloudPayCallbackEventOf, seedDatabase } from '@aiphoto/server'
import { createTestGateway, type TestGateway } from '@aiphoto/server/testing'
import { LogicLayer, type DataNode, type PageInstance } from './logic-layer'

export type Platform = 'ios' | 'android'

interface AppJson {
  pages: string[]
  subPackages?: Array<{ root: string; pages: string[] }>
  tabBar?: { list: Array<{ pagePath: string }> }
  __usePrivacyCheck__?: boolean
}

export interface PickedFixture {
  bytes: Buffer
  /** Also how the picker reports it: chooseMedia's tempFiles[].size. */
  name?: string
}

export interface SimOptions {
  dist: string
  platform: Platform
  openid?: string
  /** The cloud env the build must initialise (TARO_APP_CLOUD_ENV of the build). */
  expectedEnv: string
}

class WxFail extends Error {
  constructor(
    readonly reason: string,
    readonly errno?: number,
  ) {
    super(reason)
  }
}

const PRIVACY_SCOPED = new Set(['chooseMedia', 'chooseImage', 'saveImageToPhotosAlbum', 'setClipboardData', 'getClipboardData', 'chooseAvatar', 'nickname'])

export class WeappSim {
  readonly errors: string[] = []
  readonly calls: Array<{ api: string; args: unknown; inTap: boolean }> = []
  readonly toasts: string[] = []
  readonly modals: Array<{ title: string; content: string }> = []
  readonly album: Buffer[] = []
  readonly subscribeRequests: Array<{ tmplIds: string[]; inTap: boolean }> = []
  readonly payments: Array<{ package: string }> = []
  readonly shares: Array<{ title?: string; path?: string }> = []
  /** What the user will answer, consumed in order; an unscripted modal is cancelled. */
  readonly answers = { modal: [] as boolean[], media: [] as PickedFixture[][], albumPermission: 'allow' as 'allow' | 'deny', settingsGrant: [] as string[] }
  /** Privacy guide state: APIs declared in the console, and whether the user agrees in WeChat's popup. */
  readonly privacy = { declared: new Set(PRIVACY_SCOPED), agree: true, agreed: false }
  readonly authSetting: Record<string, boolean> = {}
  clipboard = ''
  cloudInit: { env?: string } | null = null
  readonly layer: LogicLayer
  readonly app: AppJson
  private readonly tabPages: Map<string, PageInstance> = new Map()
  private readonly tempFiles = new Map<string, Buffer>()
  private readonly clientUploads = new Set<string>()
  private readonly prepay = new Map<string, string>()
  private seq = 0
  private readonly storageSync = new Map<string, unknown>()
  private restore: Array<() => void> = []

  private constructor(
    readonly opts: SimOptions,
    readonly gw: TestGateway,
    readonly openid: string,
  ) {
    this.app = JSON.parse(readFileSync(path.join(opts.dist, 'app.json'), 'utf8')) as AppJson
    this.layer = new LogicLayer(opts.dist, this.createWx(), (where, error) => this.fail(where, error))
  }

  /** Subscribe-message templates the gateway is configured with (photography/getPricing hands them to the app). */
  static readonly TEMPLATES = { taskDone: 'SimTmplTaskDone0123456789abcdefghijklmnopq', taskFailed: 'SimTmplTaskFailed0123456789abcdefghijklmn' }

  static async start(opts: SimOptions): Promise<WeappSim> {
    const gw = await createTestGateway({
      providers: createProvider,
      config: {
        templates: {
          taskDone: { id: WeappSim.TEMPLATES.taskDone, keys: parseTemplateKeys('type:thing1,status:phrase2,time:time3') },
          taskFailed: { id: WeappSim.TEMPLATES.taskFailed, keys: parseTemplateKeys('type:thing1,note:thing4,time:time3') },
        },
      },
    })
    await seedDatabase(gw.rt, { renderSceneThumbnail: (params, size) => renderSceneThumbnail(params, size) })
    const sim = new WeappSim(opts, gw, opts.openid ?? `sim-${opts.platform}-user`)
    sim.watchErrors()
    sim.installPaymentAsCloudPay()
    return sim
  }

  // ---- errors ----

  fail(where: string, error: unknown): void {
    const msg = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : JSON.stringify(error)
    this.errors.push(`${where}: ${msg}`)
  }

  private watchErrors(): void {
    const original = console.error
    console.error = (...args: unknown[]) => {
      this.errors.push(`console.error: ${args.map((a) => (a instanceof Error ? a.stack : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`)
      original(...args)
    }
    const onRejection = (reason: unknown) => this.fail('unhandledRejection', reason)
    process.on('unhandledRejection', onRejection)
    this.restore.push(() => {
      console.error = original
      process.off('unhandledRejection', onRejection)
    })
  }

  async close(): Promise<void> {
    for (const page of [...this.layer.stack].reverse()) this.layer.call(page, 'onUnload')
    await this.settle()
    for (const r of this.restore) r()
    await this.gw.close()
  }

  // ---- the cloud: ids, storage rule, payment ----

  get cloudPrefix(): string {
    return `cloud://${this.opts.expectedEnv}.6369-${this.opts.expectedEnv}-1300000000/`
  }

  private toCloud<T>(value: T): T {
    return JSON.parse(JSON.stringify(value).split('local://').join(this.cloudPrefix)) as T
  }

  private toLocal<T>(value: T): T {
    return JSON.parse(JSON.stringify(value).split(this.cloudPrefix).join('local://')) as T
  }

  /**
   * cloudPay's unifiedOrder answers the mini-program with the wx.requestPayment parameters
   * (packages/cloudbase-runtime/src/payment/cloudpay.ts); the local provider's checkout page becomes that here.
   */
  private installPaymentAsCloudPay(): void {
    const port = this.gw.rt.payment
    const create = port.createPayment.bind(port)
    port.createPayment = async (input) => {
      const res = await create(input)
      if (res.kind !== 'checkout') return res
      const prepayId = `wx${Date.now()}${++this.seq}`
      this.prepay.set(prepayId, input.outTradeNo)
      return {
        kind: 'wechat',
        params: { timeStamp: String(Math.floor(Date.now() / 1000)), nonceStr: `n${this.seq}abcdef`, package: `prepay_id=${prepayId}`, signType: 'MD5', paySign: 'SIMULATEDSIGN' },
      }
    }
  }

  newTempFile(bytes: Buffer, ext = 'jpg'): string {
    const p = `wxfile://tmp_${this.opts.platform}_${++this.seq}.${ext}`
    this.tempFiles.set(p, bytes)
    return p
  }

  private tempBytes(p: unknown, api: string): Buffer {
    const bytes = typeof p === 'string' ? this.tempFiles.get(p) : undefined
    if (!bytes) throw new WxFail(`file doesn't exist (${String(p)}) [${api}]`, 1300002)
    return bytes
  }

  private privacyGate(api: string): void {
    if (!PRIVACY_SCOPED.has(api)) return
    if (!this.privacy.declared.has(api)) throw new WxFail('api scope is not declared in the privacy agreement', 112)
    if (!this.privacy.agreed) {
      // WeChat's own popup (no onNeedPrivacyAuthorization listener is registered by the app).
      if (!this.privacy.agree) throw new WxFail('privacy permission is not authorized', 104)
      this.privacy.agreed = true
    }
  }

  // ---- wx ----

  private createWx(): Record<string, unknown> {
    const sim = this
    const record = (api: string, args: unknown) => sim.calls.push({ api, args, inTap: sim.layer?.inTap() ?? false })
    /** An async API in WeChat's callback style (Taro promisifies it by passing success/fail). */
    const asyncApi = (name: string, impl: (o: Record<string, unknown>, ctx: { inTap: boolean }) => unknown) => (o: Record<string, unknown> = {}) => {
      record(name, o)
      const ctx = { inTap: sim.layer?.inTap() ?? false }
      const done = (ok: boolean, payload: Record<string, unknown>) => {
        const cb = (ok ? o.success : o.fail) as ((r: unknown) => void) | undefined
        sim.layer.guard(`${name} ${ok ? 'success' : 'fail'} callback`, () => cb?.(payload))
        sim.layer.guard(`${name} complete callback`, () => (o.complete as ((r: unknown) => void) | undefined)?.(payload))
      }
      // Without callbacks the API returns a Promise (异步 API 返回 Promise, base library 2.10.2+; wx.cloud always).
      const promiseStyle = o.success === undefined && o.fail === undefined && o.complete === undefined
      const outcome = Promise.resolve()
        .then(() => impl(o, ctx))
        .then(
          (res) => ({ ok: true, payload: { errMsg: `${name}:ok`, ...(res as object) } }),
          (err: unknown) => {
            if (err instanceof WxFail) return { ok: false, payload: { errMsg: `${name}:fail ${err.reason}`, ...(err.errno !== undefined ? { errno: err.errno } : {}) } }
            sim.fail(`wx.${name} (simulator)`, err)
            return { ok: false, payload: { errMsg: `${name}:fail ${String((err as Error)?.message ?? err)}` } }
          },
        )
      if (promiseStyle) return outcome.then((r) => (r.ok ? r.payload : Promise.reject(r.payload)))
      void outcome.then((r) => done(r.ok, r.payload))
      return undefined
    }
    const syncApi = (name: string, impl: (...a: unknown[]) => unknown) => (...a: unknown[]) => {
      record(name, a)
      return impl(...a)
    }
    const device = this.opts.platform === 'ios'
      ? { platform: 'ios', system: 'iOS 12.5.7', brand: 'iPhone', model: 'iPhone 6s<iPhone8,1>' }
      : { platform: 'android', system: 'Android 8.1.0', brand: 'HUAWEI', model: 'HUAWEI P20' }
    const windowInfo = { pixelRatio: 2, screenWidth: 375, screenHeight: 667, windowWidth: 375, windowHeight: 603, statusBarHeight: 20, safeArea: { top: 20, bottom: 667, left: 0, right: 375, width: 375, height: 647 }, screenTop: 0 }
    const baseInfo = { SDKVersion: '3.5.8', version: '8.0.50', language: 'zh_CN', theme: 'light', enableDebug: false, host: { env: 'WeChat' } }
    const noop = () => undefined
    const fs = {
      readFile: asyncApi('FileSystemManager.readFile', (o) => {
        const bytes = sim.tempBytes(o.filePath, 'readFile')
        if (o.encoding) throw new WxFail('the test reads bytes only')
        return { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }
      }),
      getFileInfo: asyncApi('FileSystemManager.getFileInfo', (o) => ({ size: sim.tempBytes(o.filePath, 'getFileInfo').length })),
      stat: asyncApi('FileSystemManager.stat', (o) => ({ stats: { size: sim.tempBytes(o.path, 'stat').length, isFile: () => true, isDirectory: () => false } })),
    }
    const cloud = {
      init: (o: { env?: string } = {}) => {
        record('cloud.init', o)
        sim.cloudInit = o
      },
      callFunction: asyncApi('cloud.callFunction', async (o) => {
        if (!sim.cloudInit) throw new WxFail('cloud.init has not been called', -601000)
        if (o.name !== 'gateway') throw new WxFail(`FunctionName parameter could not be found: ${String(o.name)}`, -501000)
        const data = sim.toLocal((o.data ?? {}) as Record<string, unknown>)
        const result = await sim.gw.main(data, contextFor({ kind: 'user', openid: sim.openid, source: 'test' }))
        return { result: sim.toCloud(result), requestID: `req-${++sim.seq}` }
      }),
      uploadFile: asyncApi('cloud.uploadFile', async (o) => {
        if (!sim.cloudInit) throw new WxFail('cloud.init has not been called', -601000)
        const bytes = sim.tempBytes(o.filePath, 'cloud.uploadFile')
        const cloudPath = String(o.cloudPath ?? '')
        // 仅创建者可读写 on users/: a client writes only into its own folder (the gateway checks this too).
        if (!cloudPath.startsWith(`users/${sim.openid}/`)) throw new WxFail('STORAGE_EXCEED_AUTHORITY', -503003)
        const { fileId } = await sim.gw.rt.storage.upload({ cloudPath, content: bytes })
        sim.clientUploads.add(fileId)
        return { fileID: sim.toCloud(fileId), statusCode: 204 }
      }),
      downloadFile: asyncApi('cloud.downloadFile', async (o) => {
        const fileId = sim.toLocal(String(o.fileID ?? ''))
        if (!fileId.startsWith('local://')) throw new WxFail('invalid fileID', -501000)
        // 仅创建者可读写: files the gateway wrote (works, thumbnails) are not this user's to read.
        if (!sim.clientUploads.has(fileId)) throw new WxFail('STORAGE_EXCEED_AUTHORITY', -503003)
        return { tempFilePath: sim.newTempFile(await sim.gw.rt.storage.download(fileId)), statusCode: 200 }
      }),
    }
    const navigation = (name: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch') =>
      asyncApi(name, (o) => {
        sim.navigate(name, String(o.url ?? ''))
        return {}
      })
    const wx: Record<string, unknown> = {
      cloud,
      canIUse: () => true,
      getSystemInfoSync: syncApi('getSystemInfoSync', () => ({ ...device, ...windowInfo, ...baseInfo })),
      getSystemInfo: asyncApi('getSystemInfo', () => ({ ...device, ...windowInfo, ...baseInfo })),
      getDeviceInfo: syncApi('getDeviceInfo', () => ({ ...device, benchmarkLevel: 10, abi: 'arm64' })),
      getWindowInfo: syncApi('getWindowInfo', () => windowInfo),
      getAppBaseInfo: syncApi('getAppBaseInfo', () => baseInfo),
      getAccountInfoSync: () => ({ miniProgram: { appId: 'wx0123456789abcdef', envVersion: 'release', version: '1.0.0' } }),
      getLaunchOptionsSync: () => ({ path: 'pages/index/index', query: {}, scene: 1001, referrerInfo: {} }),
      getEnterOptionsSync: () => ({ path: 'pages/index/index', query: {}, scene: 1001, referrerInfo: {} }),
      getMenuButtonBoundingClientRect: () => ({ width: 87, height: 32, top: 24, right: 368, bottom: 56, left: 281 }),
      getUpdateManager: () => ({ onCheckForUpdate: noop, onUpdateReady: noop, onUpdateFailed: noop, applyUpdate: noop }),
      nextTick: (fn: () => void) => setTimeout(fn, 0),
      onAppShow: noop, onAppHide: noop, offAppShow: noop, offAppHide: noop, onError: noop, onUnhandledRejection: noop, onPageNotFound: noop, onThemeChange: noop, onMemoryWarning: noop,
      reportAnalytics: noop,
      createSelectorQuery: () => {
        const q = { select: () => q, selectAll: () => q, selectViewport: () => q, in: () => q, boundingClientRect: () => q, scrollOffset: () => q, fields: () => q, node: () => q, exec: (cb?: (r: unknown[]) => void) => setTimeout(() => cb?.([]), 0) }
        return q
      },
      createIntersectionObserver: () => ({ relativeTo: () => undefined, relativeToViewport: () => ({ observe: noop }), observe: noop, disconnect: noop }),
      // storage
      setStorageSync: syncApi('setStorageSync', (k, v) => void sim.storageSync.set(String(k), JSON.parse(JSON.stringify(v)))),
      getStorageSync: syncApi('getStorageSync', (k) => (sim.storageSync.has(String(k)) ? sim.storageSync.get(String(k)) : '')),
      removeStorageSync: syncApi('removeStorageSync', (k) => void sim.storageSync.delete(String(k))),
      // ui
      showToast: asyncApi('showToast', (o) => {
        if (typeof o.title !== 'string' || !o.title) throw new WxFail('parameter error: title should be a non-empty string')
        sim.toasts.push(o.title)
        return {}
      }),
      hideToast: asyncApi('hideToast', () => ({})),
      showLoading: asyncApi('showLoading', (o) => {
        if (typeof o.title !== 'string') throw new WxFail('parameter error: title should be String')
        return {}
      }),
      hideLoading: asyncApi('hideLoading', () => ({})),
      showModal: asyncApi('showModal', (o) => {
        sim.modals.push({ title: String(o.title ?? ''), content: String(o.content ?? '') })
        // confirmText/cancelText: at most 4 Chinese characters (wx.showModal docs).
        for (const k of ['confirmText', 'cancelText']) if (typeof o[k] === 'string' && [...(o[k] as string)].length > 4) throw new WxFail(`${k} length should not larger than 4 Chinese characters`)
        const confirm = sim.answers.modal.shift() ?? false
        return { confirm, cancel: !confirm }
      }),
      showActionSheet: asyncApi('showActionSheet', () => {
        throw new WxFail('cancel')
      }),
      setNavigationBarTitle: asyncApi('setNavigationBarTitle', () => ({})),
      stopPullDownRefresh: asyncApi('stopPullDownRefresh', () => ({})),
      startPullDownRefresh: asyncApi('startPullDownRefresh', () => ({})),
      pageScrollTo: asyncApi('pageScrollTo', () => ({})),
      previewImage: asyncApi('previewImage', (o) => {
        if (!Array.isArray(o.urls) || o.urls.length === 0) throw new WxFail('parameter error: urls should be a non-empty Array')
        return {}
      }),
      showShareMenu: asyncApi('showShareMenu', () => ({})),
      hideShareMenu: asyncApi('hideShareMenu', () => ({})),
      vibrateShort: asyncApi('vibrateShort', () => ({})),
      getNetworkType: asyncApi('getNetworkType', () => ({ networkType: 'wifi' })),
      onNetworkStatusChange: noop,
      // navigation
      navigateTo: navigation('navigateTo'),
      redirectTo: navigation('redirectTo'),
      switchTab: navigation('switchTab'),
      reLaunch: navigation('reLaunch'),
      navigateBack: asyncApi('navigateBack', (o) => {
        sim.back(Number(o.delta ?? 1))
        return {}
      }),
      // media and files
      chooseMedia: asyncApi('chooseMedia', (o) => {
        sim.privacyGate('chooseMedia')
        const count = Number(o.count ?? 9)
        if (!Number.isInteger(count) || count < 1 || count > 20) throw new WxFail('parameter error: count should be 1–20')
        const types = (o.mediaType as string[] | undefined) ?? ['image', 'video']
        if (types.some((t) => t !== 'image')) throw new WxFail('the app must ask for images only')
        const picked = sim.answers.media.shift()
        if (!picked) throw new WxFail('cancel')
        const files = picked.slice(0, count).map((f) => ({ tempFilePath: sim.newTempFile(f.bytes), size: f.bytes.length, fileType: 'image' }))
        return { tempFiles: files, type: 'image' }
      }),
      chooseImage: asyncApi('chooseImage', () => {
        sim.fail('wx.chooseImage', new Error('chooseImage is unmaintained since base library 2.21.0; use chooseMedia'))
        throw new WxFail('cancel')
      }),
      getImageInfo: asyncApi('getImageInfo', async (o) => {
        const meta = await sharp(sim.tempBytes(o.src, 'getImageInfo')).metadata()
        return { width: meta.width, height: meta.height, type: meta.format === 'jpeg' ? 'jpeg' : meta.format, orientation: 'up', path: o.src }
      }),
      compressImage: asyncApi('compressImage', async (o) => {
        const bytes = sim.tempBytes(o.src, 'compressImage')
        const quality = Number(o.quality ?? 80)
        if (!(quality >= 0 && quality <= 100)) throw new WxFail('parameter error: quality should be 0–100')
        const w = o.compressedWidth as number | undefined
        const h = o.compressedHeight as number | undefined
        const out = await sharp(bytes).rotate().resize(w || h ? { width: w, height: h, fit: 'inside', withoutEnlargement: true } : undefined).jpeg({ quality }).toBuffer()
        return { tempFilePath: sim.newTempFile(out) }
      }),
      getFileSystemManager: () => fs,
      downloadFile: asyncApi('downloadFile', async (o) => {
        const url = new URL(String(o.url ?? ''))
        // The signed URLs the gateway hands out (local storage: /files/<path>?exp=&sig=) expire like CloudBase's.
        const exp = Number(url.searchParams.get('exp'))
        if (!exp || exp * 1000 < sim.gw.clock.now().getTime()) return { statusCode: 403, tempFilePath: sim.newTempFile(Buffer.from('expired')) }
        const cloudPath = decodeURIComponent(url.pathname.replace(/^\/files\//, ''))
        return { statusCode: 200, tempFilePath: sim.newTempFile(await sim.gw.rt.storage.download(`local://${cloudPath}`)) }
      }),
      saveImageToPhotosAlbum: asyncApi('saveImageToPhotosAlbum', async (o) => {
        sim.privacyGate('saveImageToPhotosAlbum')
        const bytes = sim.tempBytes(o.filePath, 'saveImageToPhotosAlbum')
        if (sim.authSetting['scope.writePhotosAlbum'] === undefined) sim.authSetting['scope.writePhotosAlbum'] = sim.answers.albumPermission === 'allow'
        if (!sim.authSetting['scope.writePhotosAlbum']) throw new WxFail('auth deny', 103)
        const meta = await sharp(bytes).metadata().catch(() => null)
        if (!meta?.format) throw new WxFail('invalid file type')
        sim.album.push(bytes)
        return {}
      }),
      getSetting: asyncApi('getSetting', () => ({ authSetting: { ...sim.authSetting } })),
      // Since base library 2.3.0 openSetting needs a user gesture; the app calls it after a modal's confirm, which
      // WeChat counts as one, so the sim does not check for a tap here.
      openSetting: asyncApi('openSetting', () => {
        for (const scope of sim.answers.settingsGrant.splice(0)) sim.authSetting[scope] = true
        return { authSetting: { ...sim.authSetting } }
      }),
      authorize: asyncApi('authorize', (o) => {
        const scope = String(o.scope ?? '')
        if (sim.authSetting[scope] === false) throw new WxFail('auth deny', 103)
        sim.authSetting[scope] = true
        return {}
      }),
      setClipboardData: asyncApi('setClipboardData', (o) => {
        sim.privacyGate('setClipboardData')
        if (typeof o.data !== 'string') throw new WxFail('parameter error: data should be String')
        sim.clipboard = o.data
        return {}
      }),
      getClipboardData: asyncApi('getClipboardData', () => {
        sim.privacyGate('getClipboardData')
        return { data: sim.clipboard }
      }),
      openPrivacyContract: asyncApi('openPrivacyContract', () => ({})),
      getPrivacySetting: asyncApi('getPrivacySetting', () => ({ needAuthorization: !sim.privacy.agreed, privacyContractName: '《AI摄影师用户隐私保护指引》' })),
      requirePrivacyAuthorize: asyncApi('requirePrivacyAuthorize', () => {
        if (!sim.privacy.agree) throw new WxFail('privacy permission is not authorized', 104)
        sim.privacy.agreed = true
        return {}
      }),
      // open capabilities
      requestSubscribeMessage: asyncApi('requestSubscribeMessage', (o, { inTap }) => {
        const ids = o.tmplIds as unknown
        sim.subscribeRequests.push({ tmplIds: Array.isArray(ids) ? (ids as string[]) : [], inTap })
        if (!inTap) throw new WxFail('can only be invoked by user TAP gesture.', 20004)
        if (!Array.isArray(ids) || ids.length < 1 || ids.length > 3 || ids.some((t) => typeof t !== 'string' || !t)) throw new WxFail('Templates count out of max bounds', 20003)
        return Object.fromEntries((ids as string[]).map((t) => [t, 'accept']))
      }),
      requestPayment: asyncApi('requestPayment', async (o) => {
        if (sim.opts.platform === 'ios') {
          sim.fail('wx.requestPayment', new Error('a payment for virtual goods was started on iOS'))
          throw new WxFail('iOS virtual payment is not allowed')
        }
        for (const k of ['timeStamp', 'nonceStr', 'package', 'paySign']) if (typeof o[k] !== 'string' || !o[k]) throw new WxFail(`parameter error: ${k} should be a non-empty String`)
        if (!['MD5', 'HMAC-SHA256', 'RSA'].includes(String(o.signType))) throw new WxFail('parameter error: signType')
        const prepayId = /^prepay_id=(.+)$/.exec(String(o.package))?.[1]
        const outTradeNo = prepayId ? sim.prepay.get(prepayId) : undefined
        if (!outTradeNo) throw new WxFail('package is invalid')
        sim.payments.push({ package: String(o.package) })
        // The payer pays; WeChat Pay notifies the gateway with the cloudPay callback event.
        const notification = await sim.gw.rt.payment.confirmPayment(outTradeNo)
        await sim.gw.raw(cloudPayCallbackEventOf(notification))
        return {}
      }),
    }
    return wx
  }

  // ---- navigation and lifecycles ----

  private allRoutes(): string[] {
    return [...this.app.pages, ...(this.app.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`))]
  }

  private isTab(route: string): boolean {
    return (this.app.tabBar?.list ?? []).some((t) => t.pagePath === route)
  }

  private parseUrl(url: string): { route: string; query: Record<string, string> } {
    const [p, q] = url.replace(/^\//, '').split('?') as [string, string | undefined]
    const query = Object.fromEntries(new URLSearchParams(q ?? ''))
    if (!this.allRoutes().includes(p)) throw new WxFail(`page "${p}" is not found`)
    return { route: p, query }
  }

  get current(): PageInstance {
    const page = this.layer.stack[this.layer.stack.length - 1]
    if (!page) throw new Error('no page is open')
    return page
  }

  launch(url = '/pages/index/index'): void {
    const { route, query } = this.parseUrl(url)
    this.layer.launch(route, query)
    this.open(route, query)
  }

  private open(route: string, query: Record<string, string>): PageInstance {
    const page = this.layer.createPage(route, query)
    this.layer.loadingPages.add(page)
    this.layer.stack.push(page)
    this.layer.loadingPages.delete(page)
    if (this.isTab(route)) this.tabPages.set(route, page)
    this.layer.call(page, 'onLoad', query)
    this.layer.call(page, 'onShow')
    setTimeout(() => this.layer.call(page, 'onReady'), 0)
    return page
  }

  private unload(page: PageInstance): void {
    this.layer.call(page, 'onUnload')
    if (this.tabPages.get(page.route) === page) this.tabPages.delete(page.route)
  }

  navigate(kind: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch', url: string): void {
    const { route, query } = this.parseUrl(url)
    const stack = this.layer.stack
    if ((kind === 'navigateTo' || kind === 'redirectTo') && this.isTab(route)) throw new WxFail(`can not ${kind} a tabbar page`)
    if (kind === 'switchTab') {
      if (!this.isTab(route)) throw new WxFail(`can not switch to no-tabBar page`)
      if (url.includes('?')) throw new WxFail('switchTab url cannot have query')
    }
    if (kind === 'navigateTo') {
      if (stack.length >= 10) throw new WxFail('webview count limit exceed')
      this.layer.call(this.current, 'onHide')
      this.open(route, query)
      return
    }
    if (kind === 'redirectTo') {
      const top = stack.pop()!
      this.unload(top)
      this.open(route, query)
      return
    }
    // switchTab / reLaunch: every non-tab page closes (reLaunch closes tab pages too).
    while (stack.length) {
      const top = stack.pop()!
      if (kind === 'switchTab' && this.isTab(top.route)) this.layer.call(top, 'onHide')
      else this.unload(top)
    }
    if (kind === 'reLaunch') for (const tab of [...this.tabPages.values()]) this.unload(tab)
    const existing = kind === 'switchTab' ? this.tabPages.get(route) : undefined
    if (existing) {
      stack.push(existing)
      this.layer.call(existing, 'onShow')
    } else {
      this.open(route, query)
    }
  }

  back(delta = 1): void {
    const stack = this.layer.stack
    if (stack.length <= 1) throw new WxFail('cannot navigate back at first page.')
    for (let i = 0; i < delta && stack.length > 1; i++) this.unload(stack.pop()!)
    this.layer.call(this.current, 'onShow')
  }

  pageJson(route: string): Record<string, unknown> {
    return JSON.parse(readFileSync(path.join(this.opts.dist, `${route}.json`), 'utf8')) as Record<string, unknown>
  }

  /** The user pulls the page down (only where the page enables it, as WeChat does). */
  pullDown(): void {
    if (this.pageJson(this.current.route).enablePullDownRefresh !== true) throw new Error(`${this.current.route} has no pull-down refresh`)
    this.layer.call(this.current, 'onPullDownRefresh')
  }

  reachBottom(): void {
    this.layer.call(this.current, 'onReachBottom')
  }

  /** The share sheet asks the page for its share card (the user pressed a share button or the menu). */
  share(from: 'menu' | 'button' = 'menu'): { title?: string; path?: string } {
    const out = this.layer.call(this.current, 'onShareAppMessage', { from }) as { title?: string; path?: string } | undefined
    const card = out ?? {}
    this.shares.push(card)
    return card
  }

  // ---- waiting and reading the screen ----

  async settle(rounds = 6): Promise<void> {
    for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 5))
  }

  /** Waits (bounded) until `ok()` holds; throws with what the page shows otherwise. */
  async waitFor(ok: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
    const until = Date.now() + timeoutMs
    while (Date.now() < until) {
      if (ok()) return
      await new Promise((r) => setTimeout(r, 10))
    }
    throw new Error(`timed out waiting for ${what} on ${this.current.route}; the page shows: ${this.screenText()}`)
  }

  screenText(page = this.current): string {
    return this.layer.nodes(page).filter(({ node }) => typeof node.v === 'string').map(({ node }) => node.v).join(' ').replace(/\s+/g, ' ')
  }

  /** Nodes rendered as `tag` whose text matches. */
  find(tag: string, text: string | RegExp, page = this.current): Array<{ node: DataNode; ancestors: DataNode[] }> {
    const match = (t: string) => (typeof text === 'string' ? t.trim() === text : text.test(t))
    return this.layer.nodes(page).filter(({ node }) => (tag === '*' || this.layer.tag(node) === tag) && match(this.layer.text(node)))
  }

  has(tag: string, text: string | RegExp): boolean {
    return this.find(tag, text).length > 0
  }

  /** Taps the innermost tappable element showing `text` (a button or any element whose template binds tap). */
  tap(text: string | RegExp, opts: { tag?: string; className?: string } = {}): void {
    const candidates = this.layer
      .nodes(this.current)
      .filter(({ node }) => this.layer.binds(node, 'tap') && (opts.tag === undefined || this.layer.tag(node) === opts.tag))
      .filter(({ node }) => (opts.className === undefined || (node.cl ?? '').split(/\s+/).includes(opts.className)))
      .filter(({ node }) => (typeof text === 'string' ? this.layer.text(node).trim() === text || this.layer.text(node).includes(text) : text.test(this.layer.text(node))))
    // Innermost: a candidate none of whose descendants is also a candidate.
    const inner = candidates.filter((c) => !candidates.some((o) => o !== c && o.ancestors.includes(c.node)))
    const hit = inner[0]
    if (!hit) throw new Error(`nothing tappable shows ${String(text)} on ${this.current.route}; the page shows: ${this.screenText()}`)
    if (this.layer.tag(hit.node) === 'button' && this.layer.attr(hit.node, 'disabled') === true) throw new Error(`the button ${String(text)} is disabled`)
    this.layer.fire(this.current, hit.node, hit.ancestors, 'tap', { x: 10, y: 10 }, true)
  }

  /** A component event on the first element matching (input/blur/confirm on inputs, chooseavatar, error on images…). */
  trigger(tag: string, type: string, detail: Record<string, unknown>, where: (n: DataNode) => boolean = () => true): void {
    const hit = this.layer.nodes(this.current).find(({ node }) => this.layer.tag(node) === tag && where(node) && this.layer.binds(node, type))
    if (!hit) throw new Error(`no <${tag}> binding ${type} on ${this.current.route}`)
    this.layer.fire(this.current, hit.node, hit.ancestors, type, detail, false)
  }
}
