/**
 * The operators' console (package-admin) in Chromium against the local cloud (issue #13): an ordinary user sees no
 * entry and is refused on every admin/* action; an operator (AIPHOTO_ADMIN_OPENIDS + the dev login's ?openid=)
 * walks every screen: a chart with real data, a provider test, a refund of a failed task, a credit adjustment, an
 * order query, a new scene with an uploaded thumbnail, a licensed model photo and an AI 生成 model, two 画同款
 * showcases (an upload and a user's work) then seen on the user's home page, a template preview, the ledger audit
 * and the action log.
 * Screenshots of every screen go to artifacts/e2e/admin/.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { actions, type Scene, type UserProfile } from '@aiphoto/contract'
import { createFixtureGarment, createFixturePerson } from '@aiphoto/imaging'
import { gateway, launchChromium, newPhoneContext, repoRoot, startPreviewCloud, tempDir, watchConsole, type ConsoleWatch, type PreviewCloud } from './harness'
import { brokenImages, expectToast, screenshotter, storedToken, tap, unnamedButtons, visible, waitForRoute, waitForText, WAIT_MS } from './ui'

const ADMIN = 'e2e_admin'

let pc: PreviewCloud
let browser: Browser
let files: { dir: string; remove: () => void }
let garmentPng: string
let personPng: string
let garment: Buffer
const shots = screenshotter(path.join(repoRoot, 'artifacts', 'e2e', 'admin'))
let context: BrowserContext | null = null
let watch: ConsoleWatch

async function openApp(hash = ''): Promise<Page> {
  context = await newPhoneContext(browser)
  watch = watchConsole(context)
  const page = await context.newPage()
  await page.goto(`${pc.origin}/${hash}`)
  return page
}

const api = <T>(token: string, url: string, input: Record<string, unknown> = {}) =>
  gateway<T>(pc.origin, token, url, input).then((env) => {
    if (!env.success) throw new Error(`${url} failed: ${env.code} ${env.message}`)
    return env.data as T
  })

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function login(page: Page, nickname: string): Promise<string> {
  await waitForRoute(page, '/pages/login/index')
  const input = visible(page, '.login-input input')
  await input.waitFor({ timeout: WAIT_MS })
  await input.fill(nickname)
  await tap(page, 'taro-button-core', '进入')
  await waitForRoute(page, '/pages/index/index')
  return storedToken(page)
}

async function snap(page: Page, name: string): Promise<void> {
  await page.waitForFunction(() => /\p{Script=Han}/u.test(document.title), undefined, { timeout: WAIT_MS })
  // The screen, not a toast over it (toasts last ≤ 2.5 s).
  await page.locator('.taro__toast p').locator('visible=true').first().waitFor({ state: 'hidden', timeout: 4_000 })
  expect(await unnamedButtons(page), `buttons without a role or name on ${name}`).toEqual([])
  await shots.shot(page, name)
}

/** A user's photography job through the gateway (upload, register, generate), as the app does it. */
async function generateAs(token: string, openid: string, name: string): Promise<{ task_id: string; cost: number }> {
  const cloudPath = `users/${openid}/uploads/${name}.png`
  const res = await fetch(`${pc.origin}/api/storage/upload?cloudPath=${encodeURIComponent(cloudPath)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` },
    body: new Uint8Array(garment),
  })
  const { data } = (await res.json()) as { data: { file_id: string } }
  const hash = createHash('sha256').update(garment).digest('hex')
  const asset = await api<{ file_id: string }>(token, 'storage/registerAsset', { hash, size: garment.length, file_id: data.file_id })
  const scenes = await api<{ items: Scene[] }>(token, 'scene/getScenes')
  return api(token, 'photography/generate', { garment_images: [asset.file_id], scene_id: scenes.items[0]!._id, count: 1, request_id: `e2e-${name}-${Date.now()}` })
}

/** Answers Taro's H5 showModal with the button labelled `label`. */
async function confirmModal(page: Page, label: string): Promise<void> {
  await tap(page, '.taro-modal__foot div', label)
}

async function back(page: Page, route: string): Promise<void> {
  await tap(page, '.taro-navigation-bar-back')
  await waitForRoute(page, route)
}

beforeAll(async () => {
  files = tempDir('aiphoto-e2e-admin-')
  garment = await createFixtureGarment()
  garmentPng = path.join(files.dir, 'thumb.png')
  writeFileSync(garmentPng, garment)
  personPng = path.join(files.dir, 'model.png')
  writeFileSync(personPng, await createFixturePerson())
  pc = await startPreviewCloud({ AIPHOTO_ADMIN_OPENIDS: ADMIN })
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

describe('operators\' console in Chromium', () => {
  let userToken = ''
  let user: UserProfile

  it('an ordinary user sees no 运营后台 entry and every admin/* action answers FORBIDDEN', async () => {
    const page = await openApp()
    userToken = await login(page, '顾客小王')
    user = await api<UserProfile>(userToken, 'user/getUserInfo')
    expect(user.is_admin).toBe(false)
    await tap(page, '.weui-tabbar__label', '我的')
    await waitForRoute(page, '/pages/mine/index')
    await visible(page, '.menu-item', '我的作品').waitFor({ timeout: WAIT_MS })
    expect(await page.locator('.menu-admin').count()).toBe(0)
    const adminUrls = Object.keys(actions).filter((u) => u.startsWith('admin/'))
    expect(adminUrls.length).toBeGreaterThanOrEqual(26)
    for (const url of adminUrls) expect(await gateway(pc.origin, userToken, url, {}), url).toMatchObject({ success: false, code: 'FORBIDDEN' })
    // Opening the console by its route does not help: the first call is refused and the screen says so.
    await page.goto(`${pc.origin}/#/package-admin/dashboard/index`)
    await visible(page, '.state-title', '无权访问').waitFor({ timeout: WAIT_MS })
    await snap(page, 'user-forbidden')

    // Real data for the dashboard: one completed generation and a check-in.
    const job = await generateAs(userToken, user.openid, 'ok')
    await until('the first job to complete', async () => (await api<{ status: string }>(userToken, 'photography/getProgress', { task_id: job.task_id })).status === 'completed')
    await api(userToken, 'payment/dailyCheckin')
  })

  it('an operator: 概览 → 服务商 test → a failed task refunded → 用户 adjust → 订单 query → 目录 new scene, 模特库 upload + AI 生成, 同款 → home 画同款 → 审计', async () => {
    const page = await openApp(`#/pages/login/index?openid=${ADMIN}`)
    await visible(page, '.login-openid', ADMIN).waitFor({ timeout: WAIT_MS })
    const token = await login(page, '运营小李')
    expect((await api<UserProfile>(token, 'user/getUserInfo')).is_admin).toBe(true)

    // 我的 → 运营后台 → 概览 (today): the generations chart has the completed job as a bar.
    await tap(page, '.weui-tabbar__label', '我的')
    await waitForRoute(page, '/pages/mine/index')
    await tap(page, '.menu-admin', '运营后台')
    await waitForRoute(page, '/package-admin/dashboard/index')
    await tap(page, '.adm-chip', '今天')
    await visible(page, '.adm-chip-on', '今天').waitFor({ timeout: WAIT_MS })
    const bars = page.locator('[data-chart="生成任务"] .chart-bar').locator('visible=true')
    await until('a generation bar with data', async () => {
      const values = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))
      return values.some((v) => v >= 1)
    })
    const tallest = await bars.evaluateAll((els) => Math.max(...els.map((e) => e.getBoundingClientRect().height)))
    expect(tallest).toBeGreaterThan(40)
    const dash = await api<{ totals: { completed: number; checkins: number; new_users: number } }>(token, 'admin/getDashboard', { range: 'today' })
    expect(dash.totals).toMatchObject({ completed: 1, checkins: 1, new_users: 2 })
    await waitForText(page, '.adm-kpi:has-text("成功率")', (t) => t.includes('100%'), 'the success rate')
    await snap(page, 'dashboard-today')
    await tap(page, '.adm-chip', '近 7 天')
    await visible(page, '.adm-chip-on', '近 7 天').waitFor({ timeout: WAIT_MS })
    await page.waitForTimeout(300)
    await snap(page, 'dashboard-7d')

    // 服务商: the local compositor passes its one tiny job; then it is switched off so the next job fails.
    await tap(page, '.adm-nav-item', '服务商')
    await waitForRoute(page, '/package-admin/providers/index')
    await visible(page, '.provider-card').waitFor({ timeout: WAIT_MS })
    await tap(page, '.provider-test')
    await visible(page, '.provider-test-result', '成功').waitFor({ timeout: WAIT_MS })
    await snap(page, 'providers-tested')
    await tap(page, '.provider-card taro-button-core', '编辑')
    await page.locator('.provider-card taro-switch-core').locator('visible=true').first().click()
    await tap(page, '.provider-card taro-button-core', '保存')
    await expectToast(page, '已保存')
    await visible(page, '.provider-card .adm-tag', '停用').waitFor({ timeout: WAIT_MS })
    await snap(page, 'providers-disabled')

    // A job with no provider fails its attempt and waits for a retry: the operator refunds it from 任务.
    const before = (await api<UserProfile>(userToken, 'user/getUserInfo')).credits
    const failing = await generateAs(userToken, user.openid, 'fail')
    await until('the job to fail an attempt', async () => (await api<{ error: string | null }>(token, 'admin/getTask', { task_id: failing.task_id })).error)
    await back(page, '/package-admin/dashboard/index')
    await tap(page, '.adm-nav-item', '任务')
    await waitForRoute(page, '/package-admin/tasks/index')
    await visible(page, '.adm-chip-on', '失败').waitFor({ timeout: WAIT_MS })
    await visible(page, '.task-row', 'no provider available').waitFor({ timeout: WAIT_MS })
    await snap(page, 'tasks-failed')
    await tap(page, '.task-row', 'no provider available')
    await waitForRoute(page, '/package-admin/task/index')
    await visible(page, '.adm-kv', '服务商任务 ID').waitFor({ timeout: WAIT_MS })
    await visible(page, '.task-reason textarea').fill('服务商停用，人工退款')
    await snap(page, 'task-detail')
    await tap(page, 'taro-button-core', '标记失败并退款')
    await confirmModal(page, '退款')
    await expectToast(page, `已退款 ${failing.cost}`)
    await visible(page, '.list-end', '任务已结束').waitFor({ timeout: WAIT_MS })
    expect((await api<UserProfile>(userToken, 'user/getUserInfo')).credits).toBe(before)
    expect(await api(token, 'admin/getTask', { task_id: failing.task_id })).toMatchObject({ status: 'failed', refunded: failing.cost })
    await snap(page, 'task-refunded')
    const local = (await api<{ items: Array<Record<string, unknown> & { _id: string }> }>(token, 'admin/listApiConfigs')).items.find((c) => c._id === 'local-compositor')!
    await api(token, 'admin/upsertApiConfig', { _id: local._id, provider: local.provider, api_name: local.api_name, endpoint: local.endpoint, default_params: local.default_params, priority: local.priority, weight: local.weight, is_active: true })

    // 用户: by invite code; +50 with a reason.
    await back(page, '/package-admin/tasks/index')
    await back(page, '/package-admin/dashboard/index')
    await tap(page, '.adm-nav-item', '用户')
    await waitForRoute(page, '/package-admin/users/index')
    await visible(page, '.adm-input input').fill(user.invite_code)
    await tap(page, 'taro-button-core', '查询')
    await waitForText(page, '.user-credits', (t) => t === String(before), 'the looked-up balance')
    await visible(page, '.adm-row', '退款').waitFor({ timeout: WAIT_MS })
    await visible(page, 'input[name="adjust-delta"], .adm-field:has-text("数量") input').fill('50')
    await visible(page, '.adm-field:has-text("原因") input').fill('客服补偿')
    await tap(page, 'taro-button-core', '确认调整')
    await confirmModal(page, '确定')
    await waitForText(page, '.user-credits', (t) => t === String(before + 50), 'the adjusted balance')
    expect((await api<UserProfile>(userToken, 'user/getUserInfo')).credits).toBe(before + 50)
    await snap(page, 'users-adjusted')

    // 订单: the user's unpaid order, asked at the provider.
    const order = await api<{ out_trade_no: string }>(userToken, 'payment/createOrder', { package_id: 'pkg_6' })
    await back(page, '/package-admin/dashboard/index')
    await tap(page, '.adm-nav-item', '订单')
    await waitForRoute(page, '/package-admin/orders/index')
    await tap(page, '.order-row taro-button-core', '查询')
    await expectToast(page, /支付方：未支付/)
    await visible(page, '.order-row', order.out_trade_no).waitFor({ timeout: WAIT_MS })
    await tap(page, 'taro-button-core', '关闭过期订单')
    await confirmModal(page, '确定')
    await expectToast(page, /检查 0 笔/)
    await snap(page, 'orders')

    // 目录: a new scene with an uploaded thumbnail, shown to users; the template preview.
    await back(page, '/package-admin/dashboard/index')
    await tap(page, '.adm-nav-item', '目录')
    await waitForRoute(page, '/package-admin/catalog/index')
    await visible(page, '.scene-row').waitFor({ timeout: WAIT_MS })
    await snap(page, 'catalog-scenes')
    await tap(page, 'taro-button-core', '新建场景')
    await visible(page, '.scene-form .adm-field:has-text("名称") input').fill('测试花园')
    await tap(page, '.scene-form .adm-chip', '户外')
    const chooser = page.waitForEvent('filechooser', { timeout: WAIT_MS })
    await tap(page, '.scene-upload')
    await tap(page, '.taro-actionsheet__cell', '从相册选择')
    await (await chooser).setFiles(garmentPng)
    await visible(page, '.scene-preview img').waitFor({ timeout: WAIT_MS })
    await snap(page, 'catalog-new-scene')
    await tap(page, '.scene-form taro-button-core', '保存')
    await expectToast(page, '已新建')
    await visible(page, '.scene-row', '测试花园').waitFor({ timeout: WAIT_MS })
    expect(await brokenImages(page)).toEqual([])
    const listed = (await api<{ items: Scene[] }>(userToken, 'scene/getScenes')).items.find((s) => s.name === '测试花园')
    expect(listed?.thumbnail_url).toMatch(/^http/)
    expect((await fetch(listed!.thumbnail_url)).status).toBe(200)
    await tap(page, '.tab', '模特库')
    await visible(page, '.model-row').waitFor({ timeout: WAIT_MS })
    expect(await brokenImages(page)).toEqual([])
    await snap(page, 'catalog-models')

    // 模特库: a licensed photo with its licence, shown to users at once; an AI 生成 one arrives hidden for review.
    await tap(page, 'taro-button-core', '上传授权模特')
    await visible(page, '.model-form .adm-field:has-text("名称") input').fill('授权男模')
    await tap(page, '.model-form .adm-chip', '男')
    await tap(page, '.model-form .adm-chip', '走姿')
    await tap(page, '.model-form .adm-chip', '小麦')
    await tap(page, '.model-form taro-button-core', '保存')
    await expectToast(page, '请上传模特照片')
    const photoChooser = page.waitForEvent('filechooser', { timeout: WAIT_MS })
    await tap(page, '.model-upload')
    await tap(page, '.taro-actionsheet__cell', '从相册选择')
    await (await photoChooser).setFiles(personPng)
    await visible(page, '.model-preview img').waitFor({ timeout: WAIT_MS })
    await tap(page, '.model-form taro-button-core', '保存')
    await expectToast(page, '请填写授权/来源（如图库授权编号、拍摄合同）')
    await visible(page, '.model-form .adm-field:has-text("授权") input').fill('图库授权 VCG-2026-0001')
    await snap(page, 'catalog-model-upload')
    await tap(page, '.model-form taro-button-core', '保存')
    await expectToast(page, '已添加')
    const modelRow = visible(page, '.model-row', '授权男模')
    await modelRow.waitFor({ timeout: WAIT_MS })
    for (const tag of ['上架', '男 · 青年', '走姿', '小麦', '授权照片']) await modelRow.locator('.adm-tag', { hasText: tag }).first().waitFor({ timeout: WAIT_MS })
    expect(await modelRow.innerText()).toContain('图库授权 VCG-2026-0001')
    const licensed = (await api<{ items: Array<{ _id: string; name: string; source: string; licence: string; is_active: boolean }> }>(token, 'admin/listModels')).items.find((m) => m.name === '授权男模')!
    expect(licensed).toMatchObject({ source: 'licensed', licence: '图库授权 VCG-2026-0001', is_active: true })
    expect((await api<{ items: Array<{ _id: string }> }>(userToken, 'photography/listModels', { gender: 'male' })).items.map((m) => m._id)).toContain(licensed._id)

    await tap(page, 'taro-button-core', 'AI 生成模特')
    await visible(page, '.model-form .adm-field:has-text("名称") input').fill('AI 女模')
    await tap(page, '.model-form .adm-chip', '坐姿')
    await tap(page, '.model-form taro-button-core', '开始生成')
    await expectToast(page, '已生成，审核后上架')
    const generatedRow = visible(page, '.model-row', 'AI 女模')
    await generatedRow.waitFor({ timeout: WAIT_MS })
    await generatedRow.locator('.adm-tag', { hasText: 'AI 生成' }).waitFor({ timeout: WAIT_MS })
    await generatedRow.locator('.adm-tag', { hasText: '下架' }).waitFor({ timeout: WAIT_MS })
    expect(await brokenImages(page)).toEqual([])
    await snap(page, 'catalog-models-added')

    // 同款: one from an upload (with the new model and scene), one from the user's finished work (任务详情 →
    // 设为画同款); both reach the user's home page once their copied cover passed the image check.
    await tap(page, '.tab', '同款')
    await visible(page, '.showcase-row').waitFor({ timeout: WAIT_MS })
    await tap(page, 'taro-button-core', '新建同款')
    await visible(page, '.showcase-form .adm-field:has-text("标题") input').fill('授权男模 · 花园')
    await tap(page, '.showcase-form .adm-chip', '测试花园')
    await tap(page, '.showcase-form .adm-chip', '授权男模')
    const coverChooser = page.waitForEvent('filechooser', { timeout: WAIT_MS })
    await tap(page, '.showcase-upload')
    await tap(page, '.taro-actionsheet__cell', '从相册选择')
    await (await coverChooser).setFiles(personPng)
    await visible(page, '.showcase-preview img').waitFor({ timeout: WAIT_MS })
    await snap(page, 'catalog-showcase-new')
    await tap(page, '.showcase-form taro-button-core', '保存')
    await expectToast(page, '已新建，审核通过后展示')
    await visible(page, '.showcase-row', '授权男模 · 花园').waitFor({ timeout: WAIT_MS })
    type AdminShowcase = { _id: string; title: string; model_id: string | null; scene_id: string | null; cover_moderation: string; cover_origin: { kind: string } | null }
    const adminShowcases = () => api<{ items: AdminShowcase[] }>(token, 'admin/listShowcases').then((r) => r.items)
    const uploaded = await until('the uploaded cover to pass its check', async () => (await adminShowcases()).find((s) => s.title === '授权男模 · 花园' && s.cover_moderation === 'pass'))
    expect(uploaded).toMatchObject({ model_id: licensed._id, cover_origin: { kind: 'upload' } })

    const finished = (await api<{ items: Array<{ _id: string }> }>(token, 'admin/listTasks', { status: 'completed' })).items[0]!
    const done = await api<{ _id: string; work_id: string }>(token, 'admin/getTask', { task_id: finished._id })
    await page.goto(`${pc.origin}/#/package-admin/task/index?id=${done._id}`)
    await visible(page, '.task-work-id', done.work_id).waitFor({ timeout: WAIT_MS })
    await snap(page, 'task-completed')
    await tap(page, 'taro-button-core', '设为画同款')
    await waitForRoute(page, '/package-admin/catalog/index')
    await visible(page, '.showcase-form .adm-field:has-text("作品编号") input').waitFor({ timeout: WAIT_MS })
    expect(await visible(page, '.showcase-form .adm-field:has-text("作品编号") input').inputValue()).toBe(done.work_id)
    await visible(page, '.showcase-form .adm-field:has-text("标题") input').fill('用户作品 · 咖啡馆')
    await tap(page, '.showcase-form .adm-chip', '场景图')
    await tap(page, '.showcase-form .adm-chip', '1:1')
    await tap(page, '.showcase-form .adm-chip', '测试花园')
    await tap(page, '.showcase-form taro-button-core', '保存')
    await expectToast(page, '已新建，审核通过后展示')
    const fromWork = await until('the copied work cover to pass its check', async () => (await adminShowcases()).find((s) => s.title === '用户作品 · 咖啡馆' && s.cover_moderation === 'pass'))
    expect(fromWork.cover_origin).toMatchObject({ kind: 'work' })
    // Up: the work's showcase moves above the one before it, in the console and for users.
    await tap(page, '.tab', '场景')
    await tap(page, '.tab', '同款')
    const workRow = visible(page, '.showcase-row', '用户作品 · 咖啡馆')
    await workRow.locator('.adm-tag', { hasText: '审核通过' }).waitFor({ timeout: WAIT_MS })
    await workRow.locator('.adm-chip', { hasText: '上移' }).click()
    await until('the new order', async () => {
      const titles = (await adminShowcases()).map((s) => s.title)
      return titles.indexOf('用户作品 · 咖啡馆') < titles.indexOf('授权男模 · 花园')
    })
    expect(await brokenImages(page)).toEqual([])
    await snap(page, 'catalog-showcases')

    // The user's home page (opened afresh: a tab page loads its lists once) lists both under 画同款, with images.
    await page.goto(`${pc.origin}/#/pages/index/index`)
    await page.reload()
    await waitForRoute(page, '/pages/index/index')
    for (const title of ['授权男模 · 花园', '用户作品 · 咖啡馆']) await visible(page, '.sc-card', title).waitFor({ timeout: WAIT_MS })
    const cards = await page.locator('.sc-card .sc-title').allInnerTexts()
    expect(cards.indexOf('用户作品 · 咖啡馆')).toBeLessThan(cards.indexOf('授权男模 · 花园'))
    // Covers load lazily as the row scrolls: each new card, scrolled into view, shows its (copied) image.
    for (const title of ['授权男模 · 花园', '用户作品 · 咖啡馆']) {
      const card = visible(page, '.sc-card', title)
      await card.scrollIntoViewIfNeeded()
      await expect.poll(() => card.locator('img').evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth), { timeout: WAIT_MS }).toBeGreaterThan(0)
    }
    expect(await brokenImages(page)).toEqual([])
    await snap(page, 'home-showcases')
    // Back into the console the way an operator does (so the back button leads to 概览 again).
    await page.goto(`${pc.origin}/#/package-admin/dashboard/index`)
    await page.reload()
    await waitForRoute(page, '/package-admin/dashboard/index')
    await tap(page, '.adm-nav-item', '目录')
    await waitForRoute(page, '/package-admin/catalog/index')
    await tap(page, '.tab', '模板')
    await visible(page, '.template-text textarea').waitFor({ timeout: WAIT_MS })
    await tap(page, 'taro-button-core', '预览')
    await visible(page, '.template-preview').waitFor({ timeout: WAIT_MS })
    await snap(page, 'catalog-template-preview')
    await tap(page, '.tab', '套餐')
    await visible(page, '.adm-row', '¥').waitFor({ timeout: WAIT_MS })
    await snap(page, 'catalog-packages')

    // 审计: the ledger audit finds nothing wrong; the action log lists what the operator did.
    await back(page, '/package-admin/dashboard/index')
    await tap(page, '.adm-nav-item', '审计')
    await waitForRoute(page, '/package-admin/audit/index')
    await tap(page, '.audit-start')
    await visible(page, '.audit-result', '已完成').waitFor({ timeout: WAIT_MS })
    expect(await visible(page, '.audit-result').innerText()).toContain('无')
    for (const action of ['admin/adjustCredits', 'admin/refundTask', 'scene.create', 'admin/testApiConfig', 'model.create', 'showcase.create', 'showcase.reorder']) {
      await visible(page, '.audit-row', action).waitFor({ timeout: WAIT_MS })
    }
    await snap(page, 'audit')
  })
})
