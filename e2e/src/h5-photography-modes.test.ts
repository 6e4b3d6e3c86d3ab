/**
 * 服装摄影's modes in Chromium against the real local cloud (issue #11): 模特图 with a library model and a scene
 * (the step shown on the progress page, a percentage that never goes backwards), 高清放大 of the result, 画同款
 * from my work and from a home showcase, 白底图 at a listing size, and a batch of two garments. Inputs are the
 * photo-like garment photos committed under docs/samples/inputs/. Prices are not the defaults, so a price
 * copied into the app instead of read from photography/getPricing fails. Screenshots: artifacts/e2e/modes-*.png.
 */
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ModelView, Pricing, Scene, Showcase, UserProfile, WorkDetail } from '@aiphoto/contract'
import { gateway, launchChromium, newPhoneContext, repoRoot, startPreviewCloud, watchConsole, type ConsoleWatch, type PreviewCloud } from './harness'
import { brokenImages, pickPhoto, screenshotter, storedToken, tap, tapRole, textOf, unnamedButtons, visible, waitForRoute, waitForText, WAIT_MS } from './ui'

const GENERATION_MS = 60_000
const inputs = path.join(repoRoot, 'docs/samples/inputs')
const TSHIRT = path.join(inputs, 'tshirt-wood.jpg')
const DRESS = path.join(inputs, 'dress-hanger.jpg')
const JEANS = path.join(inputs, 'jeans-linen.jpg')
const SHIRT = path.join(inputs, 'shirt-wood.jpg')

let pc: PreviewCloud
let browser: Browser
let context: BrowserContext | null = null
let watch: ConsoleWatch
const shots = screenshotter(undefined, 'modes-')

beforeAll(async () => {
  // Each local step takes a moment so the steps are on screen; every price differs from the defaults.
  pc = await startPreviewCloud({
    AIPHOTO_LOCAL_PROVIDER_DELAY_MS: '1200',
    AIPHOTO_PRICE_PHOTOGRAPHY: '21',
    AIPHOTO_PRICE_ON_MODEL: '33',
    AIPHOTO_PRICE_PACKSHOT: '7',
    AIPHOTO_PRICE_UPSCALE: '11',
    AIPHOTO_SIGNUP_BONUS: '500',
  })
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
  const serverErrors = (pc?.logs ?? []).filter((l) => l.includes('"level":"error"'))
  expect(serverErrors, 'local cloud error logs').toEqual([])
})

const api = <T>(token: string, url: string, input: Record<string, unknown> = {}) =>
  gateway<T>(pc.origin, token, url, input).then((env) => {
    if (!env.success) throw new Error(`${url} failed: ${env.code} ${env.message}`)
    return env.data as T
  })
const creditsOf = async (token: string) => (await api<UserProfile>(token, 'user/getUserInfo')).credits

async function openApp(nickname: string): Promise<{ page: Page; token: string }> {
  context = await newPhoneContext(browser)
  watch = watchConsole(context)
  const page = await context.newPage()
  await page.goto(pc.origin + '/')
  await waitForRoute(page, '/pages/login/index')
  const input = visible(page, '.login-input input')
  await input.waitFor({ timeout: WAIT_MS })
  await input.fill(nickname)
  await tapRole(page, 'button', '进入')
  await waitForRoute(page, '/pages/index/index')
  return { page, token: await storedToken(page) }
}

async function snap(page: Page, name: string): Promise<void> {
  await page.waitForFunction(() => /\p{Script=Han}/u.test(document.title), undefined, { timeout: WAIT_MS })
  expect(await unnamedButtons(page), `buttons without a role or name on ${name}`).toEqual([])
  await shots.shot(page, name)
}

async function openPhotography(page: Page): Promise<void> {
  await tap(page, '.entry-photo')
  await waitForRoute(page, '/package-create/photography/index')
  await visible(page, '.mode-price', /积分\/张/).waitFor({ timeout: WAIT_MS })
}

/** The cost bar's number once it equals `expected` (it follows every choice on the page). */
async function expectCost(page: Page, expected: number): Promise<void> {
  await waitForText(page, '.cost-num', (t) => t === String(expected), `the cost ${expected}`)
}

/**
 * Follows the progress page until the app opens the work; returns every percentage shown on the way and every
 * step label seen (sampled every 50 ms).
 */
async function watchProgress(page: Page, name: string): Promise<{ workId: string; percents: number[]; steps: string[] }> {
  await waitForRoute(page, '/package-create/progress/index')
  const percents: number[] = []
  const steps = new Set<string>()
  let shot = false
  const deadline = Date.now() + GENERATION_MS
  while (Date.now() < deadline) {
    if (new URL(page.url()).hash.startsWith('#/package-works/detail/index')) break
    const pct = await visible(page, '.prog-pct').innerText({ timeout: 500 }).catch(() => '')
    const m = /^(\d+)%$/.exec(pct.trim())
    if (m) percents.push(Number(m[1]))
    const step = await visible(page, '.prog-step').innerText({ timeout: 100 }).catch(() => '')
    if (step) {
      steps.add(step.trim())
      if (!shot) {
        shot = true
        await snap(page, `${name}-progress-step`)
      }
    }
    await page.waitForTimeout(50)
  }
  await page.waitForFunction(() => location.hash.startsWith('#/package-works/detail/index'), undefined, { timeout: 5_000 })
  await visible(page, '.detail-img img').waitFor({ timeout: WAIT_MS })
  expect(await brokenImages(page)).toEqual([])
  const id = new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '').get('id')
  expect(id).toBeTruthy()
  return { workId: id!, percents, steps: [...steps] }
}

const nonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]!)

/** Pixel size of a stored image, decoded by the browser (as users see it). */
async function imageSize(page: Page, url: string): Promise<{ width: number; height: number }> {
  return page.evaluate(
    `new Promise((resolve, reject) => { const i = new Image(); i.onload = () => resolve({ width: i.naturalWidth, height: i.naturalHeight }); i.onerror = () => reject(new Error('image failed')); i.src = ${JSON.stringify(url)} })`,
  ) as Promise<{ width: number; height: number }>
}

describe('服装摄影 modes in Chromium', () => {
  it(
    '模特图: library model + scene → steps on the progress page → detail → 高清放大 (priced, confirmed) → 画同款 from the work',
    async () => {
      const { page, token } = await openApp('模特图用户')
      const pricing = await api<Pricing>(token, 'photography/getPricing')
      const models = (await api<{ items: ModelView[] }>(token, 'photography/listModels')).items
      const scenes = (await api<{ items: Scene[] }>(token, 'scene/getScenes')).items
      expect(models.length).toBeGreaterThan(2)
      const start = await creditsOf(token)

      await openPhotography(page)
      // Every mode shows its own price before anything is generated.
      for (const [label, mode] of [['模特图', 'on_model'], ['场景图', 'scene'], ['白底图', 'packshot']] as const) {
        expect(await textOf(page, `.mode:has-text("${label}") .mode-price`)).toBe(`${pricing.modes[mode]} 积分/张`)
      }
      await visible(page, '.mode-on', '模特图').waitFor({ timeout: WAIT_MS })
      await pickPhoto(page, '添加服装', TSHIRT)
      await visible(page, '.slot .slot-img img').waitFor({ timeout: WAIT_MS })
      await tap(page, '.chip', '上衣')
      // A model from the library (the second female one: not what 随机 would have to pick) and a scene.
      await tap(page, '.model-filter', '女模特')
      const model = models.filter((m) => m.gender === 'female' && m.age !== 'child')[1]!
      await tapRole(page, 'button', `模特 ${model.name}`)
      await visible(page, '.model-pick-on', model.name).waitFor({ timeout: WAIT_MS })
      const scene = scenes.find((s) => s.category === 'outdoor') ?? scenes[1]!
      await tapRole(page, 'button', `场景 ${scene.name}`)
      await visible(page, '.scene-pick-on', scene.name).waitFor({ timeout: WAIT_MS })
      await expectCost(page, pricing.modes.on_model)
      expect(await brokenImages(page)).toEqual([])
      await page.evaluate(() => window.scrollTo(0, 0))
      await snap(page, 'on-model-ready')
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
      await snap(page, 'on-model-ready-bottom')
      await tap(page, '.cost-btn', '立即生成')

      const run = await watchProgress(page, 'on-model')
      expect(nonDecreasing(run.percents), `percentages shown: ${run.percents.join(',')}`).toBe(true)
      // try-on → cut-out → scene: the labels name the step and its position.
      expect(run.steps.some((s) => /^模特换装中 1\/3$/.test(s)) || run.steps.some((s) => /^(智能抠图中 2\/3|生成场景 3\/3)$/.test(s)), `steps seen: ${run.steps.join(' | ')}`).toBe(true)
      const work = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: run.workId })
      expect(work).toMatchObject({ status: 'completed', type: 'photography', mode: 'on_model', scene_id: scene._id, image_count: 1, cost: pricing.modes.on_model })
      expect(work.parameters).toMatchObject({ model_id: model._id, garment_type: 'top' })
      expect(await creditsOf(token)).toBe(start - pricing.modes.on_model)
      expect(await textOf(page, '.detail-type')).toBe('服装摄影 · 模特图')
      await snap(page, 'on-model-detail')

      // 高清放大: the price on the entry and in the confirmation; a new work twice the size.
      const source = await imageSize(page, work.image_urls[0]!)
      await waitForText(page, '.detail-more-go', (t) => t === `${pricing.upscale_per_image} 积分 ›`, 'the upscale price')
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
      await snap(page, 'on-model-detail-more')
      await tapRole(page, 'button', /^高清放大/)
      const modal = visible(page, '.taro-modal__text')
      await modal.waitFor({ timeout: WAIT_MS })
      expect(await modal.innerText()).toContain(`消耗 ${pricing.upscale_per_image} 积分`)
      await snap(page, 'upscale-confirm')
      await tap(page, '.taro-model__confirm', '确认放大')
      const up = await watchProgress(page, 'upscale')
      const upWork = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: up.workId })
      expect(upWork).toMatchObject({ status: 'completed', mode: 'upscale', source_work_id: work._id, cost: pricing.upscale_per_image })
      const big = await imageSize(page, upWork.image_urls[0]!)
      expect(big.width).toBe(source.width * 2)
      expect(big.height).toBe(source.height * 2)
      expect(await textOf(page, '.detail-type')).toBe('服装摄影 · 高清放大')
      expect(await creditsOf(token)).toBe(start - pricing.modes.on_model - pricing.upscale_per_image)
      await snap(page, 'upscale-detail')

      // 画同款 from the on-model work: one tap opens the page pre-filled (mode, model, scene); the garment is reused.
      await page.goto(`${pc.origin}/#/package-works/detail/index?id=${work._id}`)
      await tapRole(page, 'button', /^画同款$/)
      await waitForRoute(page, '/package-create/photography/index')
      await visible(page, '.same-banner', '画同款').waitFor({ timeout: WAIT_MS })
      await visible(page, '.mode-on', '模特图').waitFor({ timeout: WAIT_MS })
      await visible(page, '.model-pick-on', model.name).waitFor({ timeout: WAIT_MS })
      await visible(page, '.scene-pick-on', scene.name).waitFor({ timeout: WAIT_MS })
      await visible(page, '.upload-note', '将沿用原作品的 1 张服装图').waitFor({ timeout: WAIT_MS })
      await expectCost(page, pricing.modes.on_model)
      await snap(page, 'draw-same-work')
      await tap(page, '.cost-btn', '立即生成')
      const again = await watchProgress(page, 'draw-same-work')
      const againWork = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: again.workId })
      expect(againWork).toMatchObject({ status: 'completed', mode: 'on_model', scene_id: scene._id })
      expect(againWork.parameters).toMatchObject({ model_id: model._id, garment_images: work.parameters.garment_images, from_work_id: work._id })
    },
    180_000,
  )

  it(
    '白底图 at 800×800, then a batch of two garments as 场景图 (one work each, priced up front)',
    async () => {
      const { page, token } = await openApp('白底图用户')
      const pricing = await api<Pricing>(token, 'photography/getPricing')
      const start = await creditsOf(token)

      await openPhotography(page)
      await tapRole(page, 'button', /^白底图：/)
      await visible(page, '.mode-on', '白底图').waitFor({ timeout: WAIT_MS })
      // No model or scene for a packshot; listing sizes only.
      expect(await page.locator('.model-pick').locator('visible=true').count()).toBe(0)
      expect(await page.locator('.scene-pick').locator('visible=true').count()).toBe(0)
      await pickPhoto(page, '添加服装', JEANS)
      await visible(page, '.slot .slot-img img').waitFor({ timeout: WAIT_MS })
      await tap(page, '.chip', '800×800 主图')
      await expectCost(page, pricing.modes.packshot)
      await snap(page, 'packshot-ready')
      await tap(page, '.cost-btn', '立即生成')
      const run = await watchProgress(page, 'packshot')
      expect(nonDecreasing(run.percents)).toBe(true)
      const work = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: run.workId })
      expect(work).toMatchObject({ status: 'completed', mode: 'packshot', cost: pricing.modes.packshot })
      expect(await imageSize(page, work.image_urls[0]!)).toMatchObject({ width: 800, height: 800 })
      expect(await textOf(page, '.detail-type')).toBe('服装摄影 · 白底图')
      await snap(page, 'packshot-detail')

      // Batch: 场景图, two garments, two images each → 2 × 2 × the scene price, charged as two works.
      await page.goto(`${pc.origin}/#/package-create/photography/index`)
      await visible(page, '.mode-price', /积分\/张/).waitFor({ timeout: WAIT_MS })
      await tapRole(page, 'button', /^场景图：/)
      await tap(page, '.batch-toggle', '批量')
      await visible(page, '.batch-toggle-on').waitFor({ timeout: WAIT_MS })
      await pickPhoto(page, '添加服装', [DRESS, SHIRT])
      await page.waitForFunction(`document.querySelectorAll('.slot .slot-img img').length >= 2`, undefined, { timeout: WAIT_MS })
      await visible(page, '.cost-btn', '立即生成').waitFor({ timeout: WAIT_MS })
      await tap(page, '.chip', '2 张')
      const total = 2 * 2 * pricing.modes.scene
      await expectCost(page, total)
      expect(await textOf(page, '.cost-info .faint')).toContain(`2 件 × 2 张 × ${pricing.modes.scene}`)
      await page.evaluate(() => window.scrollTo(0, 0))
      await snap(page, 'batch-ready')
      const before = await creditsOf(token)
      expect(before).toBe(start - pricing.modes.packshot)
      await tap(page, '.cost-btn', '立即生成')
      await waitForRoute(page, '/package-create/progress/index')
      await visible(page, '.prog-title', /批量生成中/).waitFor({ timeout: WAIT_MS })
      expect(await page.locator('.prog-item').locator('visible=true').count()).toBe(2)
      await snap(page, 'batch-progress')
      await visible(page, '.prog-title', '已完成 2/2').waitFor({ timeout: GENERATION_MS })
      await snap(page, 'batch-done')
      expect(await creditsOf(token)).toBe(before - total)
      const works = (await api<{ items: WorkDetail[] }>(token, 'api/listWorks', { tab: 'photography' })).items.filter((w) => w.mode === 'scene')
      expect(works).toHaveLength(2)
      for (const w of works) expect(w).toMatchObject({ status: 'completed', image_count: 2 })
      // Each item opens its own work.
      await tapRole(page, 'button', '第 1 件：查看作品')
      await waitForRoute(page, '/package-works/detail/index')
      await visible(page, '.detail-img img').waitFor({ timeout: WAIT_MS })
      expect(await brokenImages(page)).toEqual([])
      await snap(page, 'batch-detail')
    },
    180_000,
  )

  it(
    '画同款 from a home showcase: one tap pre-fills the page; only the garment is the seller’s',
    async () => {
      const { page, token } = await openApp('同款用户')
      const pricing = await api<Pricing>(token, 'photography/getPricing')
      const showcases = (await api<{ items: Showcase[] }>(token, 'photography/listShowcases')).items
      const models = (await api<{ items: ModelView[] }>(token, 'photography/listModels')).items
      const scenes = (await api<{ items: Scene[] }>(token, 'scene/getScenes')).items
      const showcase = showcases.find((s) => s.mode === 'on_model' && s.scene_id && s.model_id)!
      expect(showcase).toBeTruthy()
      const model = models.find((m) => m._id === showcase.model_id)!
      const scene = scenes.find((s) => s._id === showcase.scene_id)!

      await visible(page, '.sc-card', showcase.title).waitFor({ timeout: WAIT_MS })
      await snap(page, 'home-showcases')
      await tapRole(page, 'button', `画同款：${showcase.title}`)
      await waitForRoute(page, '/package-create/photography/index')
      await visible(page, '.same-banner', showcase.title).waitFor({ timeout: WAIT_MS })
      await visible(page, '.mode-on', '模特图').waitFor({ timeout: WAIT_MS })
      await visible(page, '.model-pick-on', model.name).waitFor({ timeout: WAIT_MS })
      await visible(page, '.scene-pick-on', scene.name).waitFor({ timeout: WAIT_MS })
      await pickPhoto(page, '添加服装', TSHIRT)
      await visible(page, '.cost-btn', '立即生成').waitFor({ timeout: WAIT_MS })
      await expectCost(page, pricing.modes.on_model)
      await page.evaluate(() => window.scrollTo(0, 0))
      await snap(page, 'showcase-prefilled')
      await tap(page, '.cost-btn', '立即生成')
      const run = await watchProgress(page, 'showcase')
      const work = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: run.workId })
      expect(work).toMatchObject({ status: 'completed', mode: 'on_model', scene_id: scene._id })
      expect(work.parameters).toMatchObject({ model_id: model._id, from_showcase_id: showcase._id })
      await snap(page, 'showcase-detail')
    },
    120_000,
  )
})

describe('模特图 pairs and 不换场景 in Chromium', () => {
  it(
    '上衣 + 搭配下装: the optional bottom slot, cleared by another type or mode, generated as one outfit at the 模特图 price; 画同款 keeps the pair',
    async () => {
      const { page, token } = await openApp('搭配用户')
      const pricing = await api<Pricing>(token, 'photography/getPricing')
      const start = await creditsOf(token)
      const pairSlot = () => visible(page, '.pair .slot .slot-img img')

      await openPhotography(page)
      await visible(page, '.mode-on', '模特图').waitFor({ timeout: WAIT_MS })
      await pickPhoto(page, '添加服装', SHIRT)
      await visible(page, '.slot .slot-img img').waitFor({ timeout: WAIT_MS })
      await tap(page, '.chip', '上衣')
      await visible(page, '.pair', '搭配下装（可选）').waitFor({ timeout: WAIT_MS })
      await pickPhoto(page, '添加下装', JEANS)
      await pairSlot().waitFor({ timeout: WAIT_MS })
      await visible(page, '.pair', '上下装同穿').waitFor({ timeout: WAIT_MS })
      // The pair costs what any 模特图 costs.
      await expectCost(page, pricing.modes.on_model)
      await visible(page, '.pair').scrollIntoViewIfNeeded()
      await snap(page, 'pair-ready')

      // 连衣裙 has no other half: the slot goes, and coming back to 上衣 starts without a bottom.
      await tap(page, '.chip', '连衣裙')
      await page.waitForFunction(`![...document.querySelectorAll('.pair')].some((el) => el.offsetParent !== null)`, undefined, { timeout: WAIT_MS })
      await tap(page, '.chip', '上衣')
      await visible(page, '.pair .slot-add', '添加下装').waitFor({ timeout: WAIT_MS })
      expect(await page.locator('.pair .slot-img').locator('visible=true').count()).toBe(0)
      // Likewise another mode.
      await pickPhoto(page, '添加下装', JEANS)
      await pairSlot().waitFor({ timeout: WAIT_MS })
      await tapRole(page, 'button', /^场景图：/)
      await visible(page, '.mode-on', '场景图').waitFor({ timeout: WAIT_MS })
      expect(await page.locator('.pair').locator('visible=true').count()).toBe(0)
      await tapRole(page, 'button', /^模特图：/)
      await visible(page, '.pair .slot-add', '添加下装').waitFor({ timeout: WAIT_MS })

      await pickPhoto(page, '添加下装', JEANS)
      await pairSlot().waitFor({ timeout: WAIT_MS })
      await tapRole(page, 'button', '不换场景')
      await expectCost(page, pricing.modes.on_model)
      await tap(page, '.cost-btn', '立即生成')
      const run = await watchProgress(page, 'pair')
      const work = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: run.workId })
      expect(work).toMatchObject({ status: 'completed', mode: 'on_model', scene_id: null, image_count: 1, cost: pricing.modes.on_model })
      const bottom = work.parameters.bottom_garment_image as string | undefined
      expect(bottom).toEqual(expect.any(String))
      expect(work.parameters.garment_images).toHaveLength(1)
      expect(work.parameters.garment_images).not.toContain(bottom)
      expect(work.parameters.garment_type).toBe('top')
      expect(await creditsOf(token)).toBe(start - pricing.modes.on_model)
      await snap(page, 'pair-detail')

      // 画同款 from the outfit: the page says it keeps the bottom, and the new work wears the same pair.
      await tapRole(page, 'button', /^画同款$/)
      await waitForRoute(page, '/package-create/photography/index')
      await visible(page, '.same-banner', '画同款').waitFor({ timeout: WAIT_MS })
      await visible(page, '.slot-kept', '沿用原作品的下装').waitFor({ timeout: WAIT_MS })
      await visible(page, '.upload-note', '将沿用原作品的 1 张服装图').waitFor({ timeout: WAIT_MS })
      await expectCost(page, pricing.modes.on_model)
      await visible(page, '.pair').scrollIntoViewIfNeeded()
      await snap(page, 'pair-draw-same')
      await tap(page, '.cost-btn', '立即生成')
      const again = await watchProgress(page, 'pair-again')
      const againWork = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: again.workId })
      expect(againWork).toMatchObject({ status: 'completed', mode: 'on_model' })
      expect(againWork.parameters).toMatchObject({ bottom_garment_image: bottom, garment_images: work.parameters.garment_images, garment_type: 'top' })
    },
    180_000,
  )

  it(
    '画同款 → 不换场景 → generate: the source work\'s scene is preselected, and the new work has no scene',
    async () => {
      const { page, token } = await openApp('不换场景用户')
      const pricing = await api<Pricing>(token, 'photography/getPricing')
      const showcases = (await api<{ items: Showcase[] }>(token, 'photography/listShowcases')).items
      const scenes = (await api<{ items: Scene[] }>(token, 'scene/getScenes')).items
      const showcase = showcases.find((s) => s.mode === 'on_model' && s.scene_id && s.model_id)!
      const scene = scenes.find((s) => s._id === showcase.scene_id)!

      // A work with a scene, from a showcase.
      await tapRole(page, 'button', `画同款：${showcase.title}`)
      await waitForRoute(page, '/package-create/photography/index')
      await visible(page, '.scene-pick-on', scene.name).waitFor({ timeout: WAIT_MS })
      await pickPhoto(page, '添加服装', TSHIRT)
      await visible(page, '.cost-btn', '立即生成').waitFor({ timeout: WAIT_MS })
      await tap(page, '.cost-btn', '立即生成')
      const first = await watchProgress(page, 'with-scene')
      const withScene = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: first.workId })
      expect(withScene).toMatchObject({ status: 'completed', scene_id: scene._id })

      // 画同款 from it: its scene is preselected; 不换场景 is honoured.
      await tapRole(page, 'button', /^画同款$/)
      await waitForRoute(page, '/package-create/photography/index')
      await visible(page, '.same-banner', '画同款').waitFor({ timeout: WAIT_MS })
      await visible(page, '.scene-pick-on', scene.name).waitFor({ timeout: WAIT_MS })
      await visible(page, '.scene-pick').scrollIntoViewIfNeeded()
      // The preselected tile is scrolled into sight inside the horizontal picker, not left off to the right.
      await page.waitForFunction(
        `(() => { const el = [...document.querySelectorAll('.scene-pick-on')].find((e) => e.offsetParent !== null); if (!el) return false; const r = el.getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth })()`,
        undefined,
        { timeout: WAIT_MS },
      )
      await snap(page, 'no-scene-preselected')
      await tapRole(page, 'button', '不换场景')
      await visible(page, '.scene-pick-on', '不换场景').waitFor({ timeout: WAIT_MS })
      await waitForText(page, '.section:has(.scene-pick) .row .faint', (t) => t === '模特原背景', 'the no-scene label')
      await expectCost(page, pricing.modes.on_model)
      await snap(page, 'no-scene-chosen')
      await tap(page, '.cost-btn', '立即生成')
      const run = await watchProgress(page, 'no-scene')
      // try-on only: no cut-out or scene step was shown.
      expect(run.steps.every((s) => !/生成场景|智能抠图/.test(s)), `steps seen: ${run.steps.join(' | ')}`).toBe(true)
      const work = await api<WorkDetail>(token, 'api/getWorkDetail', { work_id: run.workId })
      expect(work).toMatchObject({ status: 'completed', mode: 'on_model', scene_id: null })
      expect(work.parameters).toMatchObject({ garment_images: withScene.parameters.garment_images, from_work_id: withScene._id })
      await snap(page, 'no-scene-detail')
    },
    180_000,
  )
})
