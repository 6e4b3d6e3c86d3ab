/**
 * The weapp runtime suite, run once per platform (weapp-runtime.*.test.ts): dist/weapp in the simulated logic
 * layer against the real gateway. Every test fails on any thrown error, console.error or unhandled rejection.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'
import { createFixtureGarment } from '@aiphoto/imaging'
import { WeappSim, type Platform } from './sim'

export const dist = process.env.WEAPP_SIM_DIST ? path.resolve(process.env.WEAPP_SIM_DIST) : path.resolve(__dirname, '..', '..', 'dist', 'weapp')
export const built = existsSync(path.join(dist, 'app.json'))
/** The values `build:weapp:ci` builds with (package.json). */
export const CI_ENV = { cloudEnv: 'ci-test-env' }

const SHARE_REWARD = /积分|免费|送你|奖励|红包/
const PURCHASE_TEXT = /¥|充值|购买|安卓|Android/

export function weappSuite(platform: Platform): void {
  let sim: WeappSim | null = null

  async function start(): Promise<WeappSim> {
    sim = await WeappSim.start({ dist, platform, expectedEnv: CI_ENV.cloudEnv })
    return sim
  }

  afterEach(async () => {
    const s = sim
    sim = null
    if (!s) return
    await s.settle()
    const errors = [...s.errors]
    await s.close()
    expect(errors, 'errors in the logic layer').toEqual([])
  })

  const garment = () => createFixtureGarment({ format: 'jpeg' })
  const onRoute = (s: WeappSim, route: string) => s.waitFor(() => s.current.route === route, `page ${route}`)

  describe.skipIf(!built)(`dist/weapp on ${platform}`, { timeout: 60_000 }, () => {
    it('initialises the cloud with the configured env and mounts every page through its lifecycles', async () => {
      const s = await start()
      s.launch()
      await s.waitFor(() => s.has('view', /纯白影棚/), 'the scene list')
      expect(s.cloudInit?.env).toBe(CI_ENV.cloudEnv)
      // A thumbnail whose signed URL stopped working makes the tab page fetch fresh ones (once).
      const sceneCalls = () => s.calls.filter((c) => c.api === 'cloud.callFunction' && (c.args as { data: { $url: string } }).data.$url === 'scene/getScenes').length
      const before = sceneCalls()
      // Every thumbnail of the grid failing at once (all signed together) is one reload, not one per image.
      s.trigger('image', 'error', { errMsg: 'GET thumbnail 403' })
      s.trigger('image', 'error', { errMsg: 'GET thumbnail 403' })
      await s.waitFor(() => sceneCalls() === before + 1, 'fresh scene URLs after an image error')
      await s.settle(6)
      expect(sceneCalls()).toBe(before + 1)
      const routes = [...s.app.pages, ...(s.app.subPackages ?? []).flatMap((p) => p.pages.map((r) => `${p.root}/${r}`))]
      for (const route of routes) {
        const tab = (s.app.tabBar?.list ?? []).some((t) => t.pagePath === route)
        s.navigate(tab ? 'switchTab' : 'reLaunch', `/${route}${tab ? '' : route.includes('detail') ? '?id=missing-work' : ''}`)
        await s.settle(10)
        expect(s.current.route).toBe(route)
        expect(s.layer.nodes(s.current).length, `${route} renders`).toBeGreaterThan(3)
        if (s.pageJson(route).enablePullDownRefresh === true) {
          s.pullDown()
          await s.waitFor(() => s.calls.some((c) => c.api === 'stopPullDownRefresh'), `stopPullDownRefresh on ${route}`)
          s.calls.length = 0
        }
        s.reachBottom()
        await s.settle(4)
      }
      // Inline styles reach the render layer as written: design px must have become rpx (Taro.pxTransform).
      const styles = s.layer.setDataLog.flatMap((r) => JSON.stringify(r.data).match(/"st":"[^"]*"/g) ?? [])
      expect(styles.length).toBeGreaterThan(0)
      expect(styles.filter((st) => /\d(?:\.\d+)?px/.test(st.replace(/\d(?:\.\d+)?rpx/g, '')))).toEqual([])
    })

    it('uploads through chooseMedia within the provider limits, generates with the subscription asked inside the tap, and saves to the album', async () => {
      const s = await start()
      s.launch()
      await s.waitFor(() => s.has('view', /开始拍摄/), 'the home page')
      s.tap(/开始拍摄/)
      await onRoute(s, 'package-create/photography/index')
      await s.waitFor(() => s.has('view', /纯白影棚/), 'the scene picker')

      // A normal photo and one far over the limits (6000 px wide, not JPEG/PNG: WebP).
      const big = await sharp({ create: { width: 6000, height: 3000, channels: 3, background: { r: 200, g: 120, b: 90 } } }).webp().toBuffer()
      s.answers.media.push([{ bytes: await garment() }, { bytes: big }])
      s.tap('添加服装')
      await s.waitFor(() => s.has('button', '立即生成') && s.find('view', /^2\/4/).length + s.find('*', /2\s*\/4/).length > 0, 'both uploads')
      const choose = s.calls.find((c) => c.api === 'chooseMedia')?.args as Record<string, unknown>
      expect(choose).toMatchObject({ mediaType: ['image'], sizeType: ['compressed'] })
      expect(s.calls.some((c) => c.api === 'compressImage')).toBe(true)
      const uploads = (await s.gw.rt.db.collection('assets').where({ user_openid: s.openid }).get()).data as Array<{ file_id: string; size: number }>
      expect(uploads).toHaveLength(2)
      for (const a of uploads) {
        const meta = await sharp(await s.gw.rt.storage.download(a.file_id)).metadata()
        expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(4096)
        expect(['jpeg', 'png']).toContain(meta.format)
        expect(a.size).toBeLessThanOrEqual(5 * 1024 * 1024)
      }

      s.tap('立即生成')
      await onRoute(s, 'package-create/progress/index')
      expect(s.subscribeRequests).toEqual([{ tmplIds: [WeappSim.TEMPLATES.taskDone, WeappSim.TEMPLATES.taskFailed], inTap: true }])

      await s.gw.system.ok('queue/processTask', { max_tasks: 4, budget_ms: 20_000 })
      await s.waitFor(() => s.current.route === 'package-works/detail/index', 'the finished work', 15_000)
      await s.waitFor(() => s.has('button', '保存到相册'), 'the detail page')

      s.tap('保存到相册')
      await s.waitFor(() => s.album.length === 1, 'the image in the album')
      expect(s.toasts).toContain('已保存到相册')
      expect(s.calls.some((c) => c.api === 'openSetting')).toBe(false)

      const card = s.share('button')
      expect(card.title ?? '').not.toMatch(SHARE_REWARD)
    })

    it('tells a declined privacy guide apart from a refused album permission, and survives a failed clipboard', async () => {
      const s = await start()
      s.launch()
      await s.waitFor(() => s.has('view', /开始拍摄/), 'the home page')
      s.tap(/开始拍摄/)
      await onRoute(s, 'package-create/photography/index')
      s.privacy.agree = false
      s.answers.media.push([{ bytes: await garment() }])
      s.tap('添加服装')
      await s.waitFor(() => s.modals.length === 1, 'the privacy explanation')
      expect(s.modals[0]!.title).toContain('隐私')
      expect(s.calls.some((c) => c.api === 'openSetting')).toBe(false)

      // The user agrees next time; the album permission is refused, then granted in the settings page.
      s.privacy.agree = true
      s.answers.media.length = 0
      s.answers.media.push([{ bytes: await garment() }])
      s.tap('添加服装')
      await s.waitFor(() => s.has('button', '立即生成'), 'the upload')
      s.tap('立即生成')
      await onRoute(s, 'package-create/progress/index')
      await s.gw.system.ok('queue/processTask', { max_tasks: 4, budget_ms: 20_000 })
      await s.waitFor(() => s.current.route === 'package-works/detail/index', 'the finished work', 15_000)
      await s.waitFor(() => s.has('button', '保存到相册'), 'the detail page')
      s.answers.albumPermission = 'deny'
      s.answers.modal.push(true)
      s.answers.settingsGrant.push('scope.writePhotosAlbum')
      s.tap('保存到相册')
      await s.waitFor(() => s.album.length === 1, 'the image saved after granting the permission')
      expect(s.modals.some((m) => m.title === '需要相册权限')).toBe(true)
      expect(s.calls.filter((c) => c.api === 'openSetting')).toHaveLength(1)

      // Clipboard refused by the privacy popup: explained, nothing thrown.
      s.navigate('switchTab', '/pages/mine/index')
      await s.waitFor(() => s.has('button', '复制邀请码') && !s.has('view', '------'), 'the invite code')
      s.privacy.agreed = false
      s.privacy.agree = false
      const modals = s.modals.length
      s.tap('复制邀请码')
      await s.waitFor(() => s.modals.length === modals + 1, 'the clipboard privacy explanation')
      expect(s.clipboard).toBe('')
    })

    it('changes the avatar (chooseAvatar) and the nickname (type=nickname input)', async () => {
      const s = await start()
      s.launch('/pages/mine/index')
      await s.waitFor(() => s.has('view', '点击头像或昵称可修改'), 'the profile')
      // The gateway accepts no image under 150 px on a side (storage/registerAsset), avatars included.
      const avatar = s.newTempFile(await sharp({ create: { width: 200, height: 200, channels: 3, background: '#5B47FB' } }).png().toBuffer(), 'png')
      s.trigger('button', 'chooseavatar', { avatarUrl: avatar })
      await s.waitFor(() => s.toasts.length > 0, 'the avatar answer')
      expect(s.toasts).toContain('头像已更新')
      const user = await s.gw.as(s.openid).ok('user/getUserInfo')
      expect(user.avatar_url).toMatch(/^local:\/\/users\//)

      s.trigger('input', 'input', { value: '小店主', cursor: 3, keyCode: 0 })
      s.trigger('input', 'blur', { value: '小店主' })
      await s.waitFor(() => s.toasts.includes('已保存'), 'the nickname saved')
      expect((await s.gw.as(s.openid).ok('user/getUserInfo')).nickname).toBe('小店主')
      expect(s.share('menu').title ?? '').not.toMatch(SHARE_REWARD)
      // 运营规范 5.1: no text that pays for sharing (the invite reward belongs to entering a code at sign-up).
      const texts = s.layer.nodes(s.current).map(({ node }) => node.v).filter((v): v is string => typeof v === 'string')
      expect(texts.filter((t) => /分享.*(积分|奖励)|送你免费积分|双方都得积分/.test(t))).toEqual([])
    })

    if (platform === 'android') {
      it('buys credits with wx.requestPayment (cloudPay parameters) and shows them', async () => {
        const s = await start()
        s.launch('/pages/mine/index')
        await s.waitFor(() => s.has('button', '充值'), 'the wallet')
        s.tap('充值', { tag: 'button' })
        await onRoute(s, 'package-account/recharge/index')
        await s.waitFor(() => s.has('button', /立即支付 ¥/), 'a package')
        const before = (await s.gw.as(s.openid).ok('user/getUserInfo')).credits
        s.tap(/立即支付 ¥/)
        await s.waitFor(() => s.toasts.some((t) => t.startsWith('到账')), 'the credited order')
        expect(s.payments).toHaveLength(1)
        expect((await s.gw.as(s.openid).ok('user/getUserInfo')).credits).toBeGreaterThan(before)
      })
    } else {
      it('offers no purchase at all on iOS: no prices, no 充值, no hint about other devices', async () => {
        const s = await start()
        s.launch('/pages/mine/index')
        await s.waitFor(() => s.has('view', '积分余额') && s.has('view', '积分明细'), 'the wallet')
        expect(s.screenText()).not.toMatch(PURCHASE_TEXT)
        s.tap('积分明细')
        await onRoute(s, 'package-account/records/index')
        await s.settle(10)
        expect(s.screenText()).not.toMatch(PURCHASE_TEXT)
        // A deep link to the shop page still shows no price and no way to pay.
        s.navigate('redirectTo', '/package-account/recharge/index')
        await s.waitFor(() => s.has('view', '获取积分'), 'the credits page')
        expect(s.screenText()).not.toMatch(PURCHASE_TEXT)
        // The cost bar with too few credits leads to check-in, not to a shop.
        await s.gw.rt.db.collection('users').doc(s.openid).update({ credits: 0 })
        s.navigate('reLaunch', '/pages/mine/index')
        await s.waitFor(() => s.find('view', '0').some(({ node }) => (node.cl ?? '').includes('wallet-num')), 'the empty balance')
        s.navigate('reLaunch', '/package-create/photography/index')
        await s.waitFor(() => s.has('button', '获取积分'), 'the cost bar')
        expect(s.screenText()).not.toMatch(PURCHASE_TEXT)
        s.tap('获取积分')
        await onRoute(s, 'pages/mine/index')
        // Titles come from the page JSON before any code runs: none may speak of buying either.
        const titles = [...s.app.pages, ...(s.app.subPackages ?? []).flatMap((p) => p.pages.map((r) => `${p.root}/${r}`))].map((r) => String(s.pageJson(r).navigationBarTitleText ?? ''))
        expect(titles.filter((t) => PURCHASE_TEXT.test(t))).toEqual([])
        expect(s.calls.filter((c) => c.api === 'setNavigationBarTitle').map((c) => (c.args as { title: string }).title).filter((t) => PURCHASE_TEXT.test(t))).toEqual([])
        expect(s.calls.some((c) => c.api === 'requestPayment')).toBe(false)
        expect(s.calls.filter((c) => c.api === 'cloud.callFunction').map((c) => (c.args as { data: { $url: string } }).data.$url)).not.toContain('payment/createOrder')
      })
    }
  })

  it.runIf(!built)('dist/weapp exists (run build:weapp:ci first)', () => {
    expect.fail('dist/weapp/app.json is missing: run `pnpm --filter @aiphoto/miniapp build:weapp:ci` (turbo runs build before test)')
  })
}
