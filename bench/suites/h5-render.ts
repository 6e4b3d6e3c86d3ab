/**
 * H5 preview: time to first meaningful render on localhost in Chromium (375×812 phone context).
 * - Measure: navigation start → the home page's first scene card (name text laid out) painted, for a signed-in user,
 *   each load in a fresh browser context (empty HTTP cache and storage), median and p90 of N loads.
 * - Baseline, same run, same server, loads interleaved: a plain server-rendered HTML page with no script bundle (the
 *   dev checkout page), its first contentful paint — the floor of browser + localhost HTTP for a page.
 * - Second row: DOMContentLoaded of both, to separate HTML/script loading from the app's own work (boot, router,
 *   the scene/getScenes round trip, React render).
 * BENCH_H5_LOADS sets N (default 15). Builds the H5 first when apps/miniapp/dist/h5 is missing.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { h5Dir, launchChromium, newPhoneContext, repoRoot, startPreviewCloud } from '@aiphoto/e2e'
import { percentile, type BenchRow, type BenchSuite } from '../types'

const SUITE = 'h5-render'
const HOME_GOAL_MS = 1000

/**
 * Installed before any page script: records `performance.now()` (ms since navigation start) once the first scene
 * card's name is laid out, after the next frame is presented (rAF, then a task).
 */
const MARK_SCENE_CARD = `(() => {
  const found = () => {
    const el = document.querySelector('.scene-card .scene-name');
    return !!el && el.textContent.trim().length > 0 && el.getBoundingClientRect().height > 0;
  };
  const done = () => requestAnimationFrame(() => { const ch = new MessageChannel(); ch.port1.onmessage = () => { window.__firstSceneCard = performance.now(); }; ch.port2.postMessage(0); });
  const watch = () => {
    if (found()) return done();
    const mo = new MutationObserver(() => { if (found()) { mo.disconnect(); done(); } });
    mo.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  };
  if (document.documentElement) watch(); else document.addEventListener('readystatechange', watch, { once: true });
})()`

interface Load {
  meaningful: number
  domContentLoaded: number
}

async function loadOnce(browser: Browser, url: string, token: string | null, kind: 'h5' | 'static'): Promise<Load> {
  const context = await newPhoneContext(browser)
  try {
    if (token) await context.addInitScript(`localStorage.setItem('aiphoto.token', ${JSON.stringify(JSON.stringify({ data: token }))})`)
    if (kind === 'h5') await context.addInitScript(MARK_SCENE_CARD)
    const page = await context.newPage()
    await page.goto(url, { waitUntil: 'domcontentloaded' })
    const meaningful =
      kind === 'h5'
        ? ((await (await page.waitForFunction('window.__firstSceneCard', undefined, { timeout: 30_000 })).jsonValue()) as number)
        : ((await (
            await page.waitForFunction(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime`, undefined, { timeout: 30_000 })
          ).jsonValue()) as number)
    const domContentLoaded = (await page.evaluate(`performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd`)) as number
    return { meaningful, domContentLoaded }
  } finally {
    await context.close()
  }
}

const median = (xs: number[]) => percentile(xs, 50)

const suite: BenchSuite = {
  name: SUITE,
  async run() {
    if (!existsSync(path.join(h5Dir, 'index.html'))) {
      execFileSync('pnpm', ['--filter', '@aiphoto/miniapp', 'build:h5'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] })
    }
    const loads = Math.max(3, Number(process.env.BENCH_H5_LOADS ?? 15))
    const pc = await startPreviewCloud()
    const browser = await launchChromium()
    try {
      const login = (await (await fetch(`${pc.origin}/api/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname: '基准' }) })).json()) as {
        data: { token: string }
      }
      const token = login.data.token
      const order = (await (
        await fetch(`${pc.origin}/api/gateway`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ $url: 'payment/createOrder', package_id: await firstPackageId(pc.origin) }),
        })
      ).json()) as { data: { payment: { kind: string; url?: string } } }
      const staticUrl = new URL(order.data.payment.url!).pathname + new URL(order.data.payment.url!).search
      const homeUrl = `${pc.origin}/#/pages/index/index`

      // One untimed load of each warms the server (seeded thumbnails, first DB reads), not the browser.
      await loadOnce(browser, homeUrl, token, 'h5')
      await loadOnce(browser, pc.origin + staticUrl, null, 'static')
      const h5: Load[] = []
      const plain: Load[] = []
      for (let i = 0; i < loads; i++) {
        h5.push(await loadOnce(browser, homeUrl, token, 'h5'))
        plain.push(await loadOnce(browser, pc.origin + staticUrl, null, 'static'))
      }
      const h5Meaningful = h5.map((l) => l.meaningful)
      const plainPaint = plain.map((l) => l.meaningful)
      const rows: BenchRow[] = [
        {
          suite: SUITE,
          name: `H5 home: first scene card painted, median of ${loads} cold loads`,
          value: median(h5Meaningful),
          unit: 'ms',
          baseline: { name: 'plain HTML page (dev checkout) first contentful paint, median', value: median(plainPaint) },
          goal: `≤ ${HOME_GOAL_MS} ms`,
          pass: median(h5Meaningful) <= HOME_GOAL_MS,
        },
        {
          suite: SUITE,
          name: `H5 home: first scene card painted, p90 of ${loads}`,
          value: percentile(h5Meaningful, 90),
          unit: 'ms',
          baseline: { name: 'plain HTML page first contentful paint, p90', value: percentile(plainPaint, 90) },
        },
        {
          suite: SUITE,
          name: 'H5 home: DOMContentLoaded, median',
          value: median(h5.map((l) => l.domContentLoaded)),
          unit: 'ms',
          baseline: { name: 'plain HTML page DOMContentLoaded, median', value: median(plain.map((l) => l.domContentLoaded)) },
        },
      ]
      return rows
    } finally {
      await browser.close()
      await pc.stop()
    }
  },
}

async function firstPackageId(origin: string): Promise<string> {
  const res = (await (await fetch(`${origin}/api/gateway`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ $url: 'payment/getPackages' }) })).json()) as {
    data: { items: Array<{ id: string }> }
  }
  return res.data.items[0]!.id
}

export default suite
