/**
 * What a browser test of the H5 preview needs: the local cloud started in-process on a port the browser can also
 * reach under AIPHOTO_PUBLIC_URL (signed file URLs and the checkout URL carry that origin), Debian's chromium in a
 * phone-sized context, and a console watcher. Shared by the e2e tests and bench/suites/h5-render.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core'
import { startLocalCloud, type StartedLocalCloud } from '@aiphoto/local-cloud'
import { memoryLogger } from '@aiphoto/runtime'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const h5Dir = path.join(repoRoot, 'apps/miniapp/dist/h5')
export const CHROMIUM = process.env.AIPHOTO_CHROMIUM ?? '/usr/bin/chromium'

/** A free TCP port on 127.0.0.1, chosen before the cloud starts so AIPHOTO_PUBLIC_URL can name it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

export interface PreviewCloud {
  cloud: StartedLocalCloud
  /** The origin the browser uses; equals AIPHOTO_PUBLIC_URL. */
  origin: string
  /** The cloud's log lines (JSON), for failure messages and the no-server-error check. */
  logs: string[]
  stop(): Promise<void>
}

/** The local cloud on a fresh data dir, serving the H5 build. Throws when the build is missing. */
export async function startPreviewCloud(extraEnv: Record<string, string> = {}): Promise<PreviewCloud> {
  if (!existsSync(path.join(h5Dir, 'index.html'))) {
    throw new Error(`H5 build missing at ${h5Dir}: run \`pnpm --filter @aiphoto/miniapp build:h5\` (turbo's test task does)`)
  }
  const root = mkdtempSync(path.join(tmpdir(), 'aiphoto-e2e-'))
  const logger = memoryLogger()
  // The port is picked first and then bound; another process taking it in between is possible but the retry
  // below makes that harmless.
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    // A data dir per attempt: a failed start leaves its runtime's database open.
    const dataDir = path.join(root, `attempt-${attempt}`)
    try {
      const cloud = await startLocalCloud(
        {
          PORT: String(port),
          HOST: '127.0.0.1',
          AIPHOTO_DATA_DIR: dataDir,
          AIPHOTO_H5_DIR: h5Dir,
          AIPHOTO_PUBLIC_URL: origin,
          AIPHOTO_WORKER_INTERVAL_MS: '250',
          ...extraEnv,
        },
        { logger },
      )
      return {
        cloud,
        origin,
        logs: logger.lines,
        async stop() {
          await cloud.stop()
          rmSync(root, { recursive: true, force: true })
        },
      }
    } catch (err) {
      lastError = err
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') break
    }
  }
  rmSync(root, { recursive: true, force: true })
  throw lastError
}

/** Debian's chromium, headless, with a fresh temporary profile (playwright's launch() makes one per browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** An Android phone's user agent: Taro H5 decides "mobile" from it (e.g. chooseImage asks 拍摄/从相册选择 first). */
export const MOBILE_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36'

/** A 375×812 @2x touch phone context. */
export function newPhoneContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: MOBILE_UA,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
}

export interface ConsoleWatch {
  /** Console errors and uncaught page errors, in order, with the page URL. */
  errors: string[]
}

/**
 * Collects console errors and uncaught exceptions of a page (and of pages it opens later in the same context).
 * `ignore` lists exact known-harmless messages; each caller documents why.
 */
export function watchConsole(context: BrowserContext, ignore: ReadonlyArray<RegExp> = []): ConsoleWatch {
  const watch: ConsoleWatch = { errors: [] }
  const attach = (page: Page) => {
    page.on('console', (msg: ConsoleMessage) => {
      if (msg.type() !== 'error') return
      const text = msg.text()
      if (ignore.some((re) => re.test(text))) return
      const loc = msg.location()
      watch.errors.push(`console.error @ ${page.url()}: ${text}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`)
    })
    page.on('pageerror', (err) => {
      watch.errors.push(`pageerror @ ${page.url()}: ${err.message}\n${err.stack ?? ''}`)
    })
  }
  context.pages().forEach(attach)
  context.on('page', attach)
  return watch
}

/** Calls the gateway over HTTP as the holder of `token`; returns the envelope. */
export async function gateway<T = unknown>(origin: string, token: string, $url: string, input: Record<string, unknown> = {}): Promise<{ success: boolean; data?: T; code?: string; message?: string }> {
  const res = await fetch(`${origin}/api/gateway`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ $url, ...input }),
  })
  return (await res.json()) as { success: boolean; data?: T; code?: string; message?: string }
}

/** A temp dir removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
