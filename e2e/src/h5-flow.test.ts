/**
 * The H5 preview end to end in Chromium against the real local cloud (issue #6): one user's whole journey in one
 * sequential scenario, then a few focused checks. Balances are asserted on screen and through the gateway; every
 * page is screenshotted to artifacts/e2e/; no console error or uncaught exception is allowed.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { CreditPackage, Scene, UserProfile, WorkDetail, WorkSummary } from '@aiphoto/contract'
import { createFixtureGarment, createFixturePerson } from '@aiphoto/imaging'
import { gateway, launchChromium, newPhoneContext, startPreviewCloud, tempDir, watchConsole, type ConsoleWatch, type PreviewCloud } from './harness'
import { brokenImages, expectToast, screenshotter, storedToken, tap, tapRole, textOf, unnamedButtons, visible, waitForRoute, waitForText, WAIT_MS } from './ui'

const GENERATION_MS = 60_000

let pc: PreviewCloud
let browser: Browser
let files: { dir: string; remove: () => void }
let garmentPng: string
let personPng: string
const shots = screenshotter()

/** Each test gets its own browser context (fresh storage) and console watch. */
let context: BrowserContext | null = null
let watch: ConsoleWatch

async function openApp(): Promise<Page> {
  context = await newPhoneContext(browser)
  watch = watchConsole(context)
  const page = await context.newPage()
  await page.goto(pc.origin + '/')
  return page
}

const api = <T>(token: string, url: string, input: Record<string, unknown> = {}) =>
  gateway<T>(pc.origin, token, url, input).then((env) => {
    if (!env.success) throw new Error(`${url} failed: ${env.code} ${env.message}`)
    return env.data as T
  })
const creditsOf = async (token: string) => (await api<UserProfile>(token, 'user/getUserInfo')).credits

/** Dev login by nickname on the login page; returns the token the app stored. */
async function login(page: Page, nickname: string): Promise<string> {
  await waitForRoute(page, '/pages/login/index')
  const input = visible(page, '.login-input input')
  await input.waitFor({ timeout: WAIT_MS })
  expect(await verticalOffset(input, visible(page, '.login-input'))).toBeLessThanOrEqual(2)
  await input.fill(nickname)
  await tapRole(page, 'button', '进入')
  await waitForRoute(page, '/pages/index/index')
  return storedToken(page)
}

/** Screenshot of the settled page; every page (and the checkout) has a Chinese document title. */
async function snap(page: Page, name: string): Promise<void> {
  await page.waitForFunction(() => /\p{Script=Han}/u.test(document.title), undefined, { timeout: WAIT_MS })
  expect(await unnamedButtons(page), `buttons without a role or name on ${name}`).toEqual([])
  await shots.shot(page, name)
}

/** How far the centre of `inner` is from the vertical centre of `outer`, in CSS px. */
async function verticalOffset(inner: Locator, outer: Locator): Promise<number> {
  const [a, b] = [await inner.boundingBox(), await outer.boundingBox()]
  if (!a || !b) throw new Error('element has no box')
  return Math.abs(a.y + a.height / 2 - (b.y + b.height / 2))
}

/** Taps an add-photo tile, answers Taro's 拍摄/从相册选择 sheet with the album, and hands the file to the picker. */
async function pickPhoto(page: Page, addLabel: string, file: string): Promise<void> {
  await tap(page, '.slot-add', addLabel)
  const chooser = page.waitForEvent('filechooser', { timeout: WAIT_MS })
  await tap(page, '.taro-actionsheet__cell', '从相册选择')
  await (await chooser).setFiles(file)
}

/** From the progress page until the app opens the finished work's detail page; returns the work id. */
async function followProgressToDetail(page: Page, name: string): Promise<string> {
  await waitForRoute(page, '/package-create/progress/index')
  await visible(page, '.prog-title', /排队中|AI 正在创作/).waitFor({ timeout: WAIT_MS })
  await snap(page, `${name}-progress-running`)
  await page.waitForFunction(() => location.hash.startsWith('#/package-works/detail/index'), undefined, { timeout: GENERATION_MS })
  await visible(page, '.detail-img img').waitFor({ timeout: WAIT_MS })
  expect(await brokenImages(page)).toEqual([])
  const id = new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '').get('id')
  expect(id).toBeTruthy()
  return id!
}

beforeAll(async () => {
  files = tempDir('aiphoto-e2e-files-')
  garmentPng = path.join(files.dir, 'garment.png')
  personPng = path.join(files.dir, 'person.png')
  writeFileSync(garmentPng, await createFixtureGarment())
  writeFileSync(personPng, await createFixturePerson())
  // The local provider takes a moment per job so the running state is on screen before it completes. Prices are
  // not the defaults, so any copy of them in the app (instead of photography/getPricing) shows up as a failure.
  pc = await startPreviewCloud({ AIPHOTO_LOCAL_PROVIDER_DELAY_MS: '1500', AIPHOTO_PRICE_PHOTOGRAPHY: '25', AIPHOTO_PRICE_FITTING: '35' })
  browser = await launchChromium()
}, 60_000)

afterEach(async () => {
  const errors = watch?.errors ?? []
  await context?.close()
  context = null
  expect(errors, 'console errors / uncaught exceptions in the page').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await pc?.stop()
  files?.remove()
  const serverErrors = (pc?.logs ?? []).filter((l) => l.includes('"level":"error"'))
  expect(serverErrors, 'local cloud error logs').toEqual([])
})

describe('H5 preview in Chromium', () => {
  it(
    'a new user: dev login → 服装摄影 → progress → detail → 收藏 → 作品/收藏 → 签到 ×2 → 充值 via checkout → 记录',
    async () => {
      const page = await openApp()
      await snap(page, 'login')
      const token = await login(page, '小林')

      // Home: scenes from the gateway, balance chip = the signup bonus.
      const scenes = (await api<{ items: Scene[] }>(token, 'scene/getScenes')).items
      expect(scenes.length).toBeGreaterThanOrEqual(2)
      await visible(page, '.scene-card .scene-name', scenes[0]!.name).waitFor({ timeout: WAIT_MS })
      const startCredits = await creditsOf(token)
      expect(startCredits).toBeGreaterThan(0)
      expect(await waitForText(page, '.credits-chip', (t) => t.endsWith(String(startCredits)), 'the balance chip')).toContain(String(startCredits))
      expect(await brokenImages(page)).toEqual([])
      await snap(page, 'home')

      // 服装摄影: upload the garment, pick the second scene, generate one image.
      await tapRole(page, 'button', '服装摄影')
      await waitForRoute(page, '/package-create/photography/index')
      await visible(page, '.scene-pick').waitFor({ timeout: WAIT_MS })
      await pickPhoto(page, '添加服装', garmentPng)
      await visible(page, '.slot .slot-img img').waitFor({ timeout: WAIT_MS })
      await visible(page, '.cost-btn', '立即生成').waitFor({ timeout: WAIT_MS })
      const scene = scenes[1]!
      await tapRole(page, 'button', `场景 ${scene.name}`)
      await visible(page, '.scene-pick-on', scene.name).waitFor({ timeout: WAIT_MS })
      const pricing = await api<{ photography_per_image: number; fitting_per_image: number }>(token, 'photography/getPricing')
      expect(await textOf(page, '.cost-num')).toBe(String(pricing.photography_per_image))
      expect(await brokenImages(page)).toEqual([])
      await snap(page, 'photography-ready')
      await tapRole(page, 'button', '立即生成')

      const workId = await followProgressToDetail(page, 'photography')
      const afterGenerate = await creditsOf(token)
      expect(afterGenerate).toBe(startCredits - pricing.photography_per_image)
      const work = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: workId })
      expect(work).toMatchObject({ status: 'completed', type: 'photography', scene_id: scene._id, image_count: 1, is_favorite: false })
      await snap(page, 'detail')

      // 收藏 on the detail page.
      await tapRole(page, 'button', '☆ 收藏')
      await expectToast(page, '已收藏')
      await visible(page, 'taro-button-core', '★ 已收藏').waitFor({ timeout: WAIT_MS })
      expect((await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: workId })).is_favorite).toBe(true)
      await snap(page, 'detail-favourited')

      // Back home with the navigation bar's back button, then 作品 → 收藏 lists it.
      await tap(page, '.taro-navigation-bar-back')
      await waitForRoute(page, '/pages/index/index')
      await tapRole(page, 'tab', '作品')
      await waitForRoute(page, '/pages/works/index')
      await tapRole(page, 'tab', '收藏')
      await visible(page, '.tab-on', '收藏').waitFor({ timeout: WAIT_MS })
      await visible(page, '.work-card .work-fav').waitFor({ timeout: WAIT_MS })
      expect(await page.locator('.work-card').locator('visible=true').count()).toBe(1)
      const favourites = (await api<{ items: WorkSummary[] }>(token, 'api/listWorks', { tab: 'favorite' })).items
      expect(favourites.map((w) => w._id)).toEqual([workId])
      expect(await brokenImages(page)).toEqual([])
      await snap(page, 'works-favourites')

      // 我的 → 签到 once (+N), then again (已签到, no change).
      await tapRole(page, 'tab', '我的')
      await waitForRoute(page, '/pages/mine/index')
      await waitForText(page, '.wallet-num', (t) => t === String(afterGenerate), 'the balance on 我的')
      expect(await verticalOffset(visible(page, '.mine-name input'), visible(page, '.mine-name'))).toBeLessThanOrEqual(2)
      expect(await visible(page, '.mine-name input').inputValue()).toBe('小林')
      await snap(page, 'mine')
      await tapRole(page, 'button', /^签到$/)
      const checkinToast = await expectToast(page, /^签到 \+\d+$/)
      await visible(page, '.checkin taro-button-core', '今日已签').waitFor({ timeout: WAIT_MS })
      const afterCheckin = await creditsOf(token)
      expect(afterCheckin).toBeGreaterThan(afterGenerate)
      const awarded = afterCheckin - afterGenerate
      expect(checkinToast).toBe(`签到 +${awarded}`)
      await waitForText(page, '.wallet-num', (t) => t === String(afterCheckin), 'the balance after 签到')
      await snap(page, 'mine-checked-in')
      await tapRole(page, 'button', '今日已签')
      await expectToast(page, '今天已经签到过了')
      expect(await gateway(pc.origin, token, 'payment/dailyCheckin')).toMatchObject({ success: false, code: 'ALREADY_CHECKED_IN' })
      expect(await creditsOf(token)).toBe(afterCheckin)
      expect(await textOf(page, '.wallet-num')).toBe(String(afterCheckin))

      // 充值: pick the first package, pay on the local checkout page, come back credited exactly once.
      const packages = (await api<{ items: CreditPackage[] }>(token, 'payment/getPackages')).items
      const pkg = packages[0]!
      await tapRole(page, 'button', /^充值$/)
      await waitForRoute(page, '/package-account/recharge/index')
      await tap(page, '.pkg', `¥${(pkg.price_fen / 100).toFixed(pkg.price_fen % 100 === 0 ? 0 : 2)}`)
      await visible(page, '.pkg-on', String(pkg.credits)).waitFor({ timeout: WAIT_MS })
      await waitForText(page, '.recharge-balance', (t) => t === String(afterCheckin), 'the balance on 充值')
      await waitForText(page, '.recharge-head .faint', (t) => t === `服装摄影 ${pricing.photography_per_image} 积分/张 · 虚拟试衣 ${pricing.fitting_per_image} 积分/次`, 'the prices on 充值')
      await snap(page, 'recharge')
      await tapRole(page, 'button', '立即支付')
      await page.waitForURL((u) => u.pathname === '/dev/checkout', { timeout: WAIT_MS })
      const outTradeNo = new URL(page.url()).searchParams.get('out_trade_no')!
      await page.locator('#pay').waitFor({ timeout: WAIT_MS })
      expect(await page.locator('.amount').innerText()).toBe(`¥${(pkg.price_fen / 100).toFixed(2)}`)
      await snap(page, 'checkout')
      await page.locator('#pay').click()
      await page.waitForURL((u) => u.pathname === '/' && u.hash.startsWith('#/package-account/recharge/index'), { timeout: WAIT_MS })
      await expectToast(page, `到账 ${pkg.credits} 积分`)
      const afterRecharge = afterCheckin + pkg.credits
      await waitForText(page, '.recharge-balance', (t) => t === String(afterRecharge), 'the balance after paying')
      expect(await creditsOf(token)).toBe(afterRecharge)
      await snap(page, 'recharge-paid')

      // Exactly once: a replayed notification and a reload of the return page change nothing.
      const replay = await fetch(`${pc.origin}/api/dev/pay/notify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ out_trade_no: outTradeNo }) })
      expect(await replay.json()).toMatchObject({ success: true, data: { credited: true } })
      await page.reload()
      await waitForText(page, '.recharge-balance', (t) => t === String(afterRecharge), 'the balance after a reload')
      expect(await creditsOf(token)).toBe(afterRecharge)
      const order = await api<{ status: string; credits: number }>(token, 'payment/getOrder', { out_trade_no: outTradeNo })
      expect(order).toMatchObject({ status: 'paid', credits: pkg.credits })

      // 记录: the recharge and the consume entry. The checkout page left the app, so the recharge page is the only one
      // on the stack and the navigation bar offers home instead of back.
      await tap(page, '.taro-navigation-bar-home')
      await waitForRoute(page, '/pages/index/index')
      await tapRole(page, 'tab', '我的')
      await waitForRoute(page, '/pages/mine/index')
      await waitForText(page, '.wallet-num', (t) => t === String(afterRecharge), 'the balance on 我的 after paying')
      await tapRole(page, 'button', '充值与消费记录')
      await waitForRoute(page, '/package-account/records/index')
      const rechargeRow = visible(page, '.rec', pkg.name)
      await rechargeRow.waitFor({ timeout: WAIT_MS })
      expect(await rechargeRow.innerText()).toMatch(new RegExp(`\\+${pkg.credits}[\\s\\S]*已到账`))
      expect(await page.locator('.rec').locator('visible=true').count()).toBe(1)
      await snap(page, 'records-recharge')
      await tapRole(page, 'tab', '消费记录')
      const consumeRow = visible(page, '.rec', `-${pricing.photography_per_image}`)
      await consumeRow.waitFor({ timeout: WAIT_MS })
      expect(await consumeRow.innerText()).toContain(`余额 ${afterGenerate}`)
      expect(await page.locator('.rec').locator('visible=true').count()).toBe(1)
      await snap(page, 'records-consume')
    },
    150_000,
  )

  it(
    '虚拟试衣: person + garment → progress → detail, charged the fitting price',
    async () => {
      const page = await openApp()
      const token = await login(page, '试衣用户')
      const before = await creditsOf(token)
      const pricing = await api<{ fitting_per_image: number }>(token, 'photography/getPricing')
      await tapRole(page, 'button', '虚拟试衣')
      await waitForRoute(page, '/package-create/fitting/index')
      await pickPhoto(page, '上传人物', personPng)
      await visible(page, '.slot .slot-img img').waitFor({ timeout: WAIT_MS })
      await pickPhoto(page, '上传服装', garmentPng)
      await visible(page, '.cost-btn', '立即生成').waitFor({ timeout: WAIT_MS })
      await tapRole(page, 'radio', '外套')
      expect(await textOf(page, '.cost-num')).toBe(String(pricing.fitting_per_image))
      expect(await brokenImages(page)).toEqual([])
      await snap(page, 'fitting-ready')
      await tapRole(page, 'button', '立即生成')
      const workId = await followProgressToDetail(page, 'fitting')
      const work = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: workId })
      expect(work).toMatchObject({ status: 'completed', type: 'fitting', image_count: 1 })
      expect(work.parameters).toMatchObject({ garment_type: 'outerwear' })
      expect(await creditsOf(token)).toBe(before - pricing.fitting_per_image)
      expect(await textOf(page, '.detail-type')).toBe('虚拟试衣')
      await snap(page, 'fitting-detail')
    },
    120_000,
  )

  it(
    'leaving the checkout with 取消 credits nothing and the order stays pending',
    async () => {
      const page = await openApp()
      const token = await login(page, '取消支付')
      const before = await creditsOf(token)
      await page.goto(`${pc.origin}/#/package-account/recharge/index`)
      await visible(page, '.pkg-on').waitFor({ timeout: WAIT_MS })
      await tapRole(page, 'button', '立即支付')
      await page.waitForURL((u) => u.pathname === '/dev/checkout', { timeout: WAIT_MS })
      const outTradeNo = new URL(page.url()).searchParams.get('out_trade_no')!
      await page.locator('a.cancel').click()
      await page.waitForURL((u) => u.hash.startsWith('#/package-account/recharge/index'), { timeout: WAIT_MS })
      await expectToast(page, '已取消支付')
      expect(await creditsOf(token)).toBe(before)
      expect(await textOf(page, '.recharge-balance')).toBe(String(before))
      expect((await api<{ status: string }>(token, 'payment/getOrder', { out_trade_no: outTradeNo })).status).toBe('pending')
      await snap(page, 'recharge-cancelled')
    },
    60_000,
  )

  it(
    'a forged stored token sends the user to the dev login, without errors',
    async () => {
      const page = await openApp()
      await waitForRoute(page, '/pages/login/index')
      await page.evaluate(() => localStorage.setItem('aiphoto.token', JSON.stringify({ data: 'eyJzdWIiOiJ4In0.forged' })))
      await page.goto(`${pc.origin}/#/pages/mine/index`)
      await page.reload()
      await waitForRoute(page, '/pages/login/index')
      expect(await page.evaluate(() => localStorage.getItem('aiphoto.token'))).toBeNull()
      await visible(page, 'taro-button-core', '进入').waitFor({ timeout: WAIT_MS })
    },
    60_000,
  )
})
