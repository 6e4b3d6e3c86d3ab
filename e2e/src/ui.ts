/**
 * Driving the Taro H5 app: it keeps earlier pages of the stack in the DOM (hidden), so every lookup is scoped to
 * what is visible; toasts, modals and action sheets are Taro's own DOM (`.taro__toast`, `.taro-actionsheet__cell`).
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { repoRoot } from './harness'

export const WAIT_MS = 20_000

/** The first visible element matching `selector` (optionally containing `text`). */
export function visible(page: Page, selector: string, text?: string | RegExp): Locator {
  const base = page.locator(selector)
  return (text === undefined ? base : base.filter({ hasText: text })).locator('visible=true').first()
}

/**
 * Taps the visible element with this ARIA role and accessible name, as a screen reader user would find it (Taro's
 * H5 buttons and tab bar items get their roles from apps/miniapp/src/services/h5-a11y.ts, our clickable views from
 * components/pressable.ts). A string name matches a substring, a RegExp the whole computed name.
 */
export async function tapRole(page: Page, role: 'button' | 'tab' | 'radio', name: string | RegExp): Promise<void> {
  const target = page.getByRole(role, { name }).locator('visible=true').first()
  await target.waitFor({ state: 'visible', timeout: WAIT_MS })
  await target.click()
}

/** Every visible Taro button is a `button` with a non-empty accessible name (what getByRole('button') needs). */
export async function unnamedButtons(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('taro-button-core')]
    .filter((el) => el.getBoundingClientRect().width > 0 && el.offsetParent !== null)
    .filter((el) => el.getAttribute('role') !== 'button' || !(el.getAttribute('aria-label') || el.textContent || '').trim())
    .map((el) => el.outerHTML.slice(0, 120))`)
}

/** Waits for a visible element and taps it. */
export async function tap(page: Page, selector: string, text?: string | RegExp): Promise<void> {
  const target = visible(page, selector, text)
  await target.waitFor({ state: 'visible', timeout: WAIT_MS })
  await target.click()
}

/**
 * Waits until a Taro toast with this text is showing and returns its text. The `.taro__toast` wrapper itself has
 * no box (its children are position: fixed), so the title paragraph is what is looked for.
 */
export async function expectToast(page: Page, text: string | RegExp, timeout = WAIT_MS): Promise<string> {
  const title = visible(page, '.taro__toast p', text)
  await title.waitFor({ state: 'visible', timeout })
  return (await title.innerText()).trim()
}

/** Waits until the current page's hash route starts with `route` (e.g. '/pages/mine/index'). */
export async function waitForRoute(page: Page, route: string): Promise<void> {
  // String expressions (not functions) here and below: this module is also compiled without the DOM lib (bench).
  await page.waitForFunction(`decodeURIComponent(location.hash.slice(1)).startsWith(${JSON.stringify(route)})`, undefined, { timeout: WAIT_MS })
}

/** Text of the first visible match, trimmed. */
export async function textOf(page: Page, selector: string): Promise<string> {
  const el = visible(page, selector)
  await el.waitFor({ state: 'visible', timeout: WAIT_MS })
  return (await el.innerText()).trim()
}

/** Waits until the visible element's text satisfies `predicate` (text rendered from async data). */
export async function waitForText(page: Page, selector: string, predicate: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + WAIT_MS
  let last = ''
  while (Date.now() < deadline) {
    last = await visible(page, selector)
      .innerText({ timeout: 1000 })
      .then((t) => t.trim())
      .catch(() => '')
    if (predicate(last)) return last
    await page.waitForTimeout(100)
  }
  throw new Error(`timed out waiting for ${what} in ${selector}; last text: ${JSON.stringify(last)}`)
}

/**
 * Waits until every image in the viewport that has a source finished loading, then returns the broken ones
 * (loaded with no pixels). Taro renders <Image> as taro-image-core > img.
 */
export async function brokenImages(page: Page): Promise<string[]> {
  const inView = `(() => [...document.images].filter((img) => {
    if (!img.getAttribute('src')) return false
    const r = img.getBoundingClientRect()
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && img.offsetParent !== null
  }))()`
  await page.waitForFunction(`${inView}.every((img) => img.complete)`, undefined, { timeout: WAIT_MS })
  return page.evaluate(`${inView}.filter((img) => img.naturalWidth === 0).map((img) => img.src.slice(0, 120))`)
}

/** The H5 dev session token Taro stored (setStorageSync wraps values as {"data": ...}). */
export async function storedToken(page: Page): Promise<string> {
  const raw = (await page.evaluate(`localStorage.getItem('aiphoto.token')`)) as string | null
  const token = raw ? (JSON.parse(raw) as { data?: unknown }).data : null
  if (typeof token !== 'string' || !token) throw new Error('no dev token in localStorage')
  return token
}

/**
 * Numbered full-page screenshots under artifacts/e2e/ (its own .png files cleared once per run; sub-directories such
 * as artifacts/e2e/admin/ belong to other test files and are left alone).
 */
export function screenshotter(dir = path.join(repoRoot, 'artifacts', 'e2e')) {
  mkdirSync(dir, { recursive: true })
  for (const f of readdirSync(dir)) if (f.endsWith('.png')) rmSync(path.join(dir, f), { force: true })
  let n = 0
  const taken: string[] = []
  return {
    dir,
    taken,
    async shot(page: Page, name: string): Promise<string> {
      const file = path.join(dir, `${String(++n).padStart(2, '0')}-${name}.png`)
      // Toasts fade; the shot shows the settled page.
      await page.screenshot({ path: file, animations: 'disabled' })
      taken.push(file)
      return file
    },
  }
}
