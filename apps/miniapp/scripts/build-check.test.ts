/**
 * Checks the weapp build output (run after `build:weapp`; turbo's `test` depends on `build`):
 * every page of app.json exists, no H5-only browser API leaked into our own chunks, and the package sizes
 * stay inside WeChat's limits with room to spare.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'acorn'
import { describe, expect, it } from 'vitest'
import { weappSizes } from './sizes'

const dist = path.resolve(__dirname, '..', 'dist', 'weapp')
const built = existsSync(path.join(dist, 'app.json'))

interface AppJson {
  pages: string[]
  subPackages?: Array<{ root: string; pages: string[] }>
  tabBar?: { list: Array<{ pagePath: string; iconPath?: string; selectedIconPath?: string }> }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

/**
 * Our code: the app chunk, the shared chunk and every page/sub-package chunk. Excluded with reason:
 * taro.js (the Taro runtime implements a DOM shim with `document.` internally) and vendors.js (React).
 */
function ownChunks(): string[] {
  const library = new Set(['taro.js', 'vendors.js', 'runtime.js'])
  return walk(dist).filter((f) => f.endsWith('.js') && !library.has(path.relative(dist, f)))
}

/** H5-only APIs, as they appear after Taro's build (it provides a runtime `document`/`window`, hence the member forms). */
const H5_ONLY: Array<{ name: string; pattern: RegExp }> = [
  { name: 'localStorage', pattern: /\blocalStorage\b/ },
  { name: 'sessionStorage', pattern: /\bsessionStorage\b/ },
  { name: 'document.* (global)', pattern: /(?<![\w$.])document\./ },
  { name: 'window.location', pattern: /window"?\]?\.location|\["location"\]/ },
  { name: 'global fetch()', pattern: /(?<![\w$.])fetch\(/ },
  { name: 'anchor download', pattern: /createElement\("a"\)|\.download\s*=/ },
  { name: 'XMLHttpRequest', pattern: /\bXMLHttpRequest\b/ },
]

describe.skipIf(!built)('weapp build output', () => {
  const app = built ? (JSON.parse(readFileSync(path.join(dist, 'app.json'), 'utf8')) as AppJson) : { pages: [] }
  const pages = [...app.pages, ...(app.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))]

  it('has every page of app.json as .js, .wxml and .json', () => {
    expect(pages.length).toBeGreaterThanOrEqual(9)
    const missing = pages.flatMap((p) => ['.js', '.wxml', '.json'].map((ext) => p + ext)).filter((f) => !existsSync(path.join(dist, f)))
    expect(missing).toEqual([])
  })

  it('has the tab bar pages in the main package and their icons', () => {
    const tabs = app.tabBar?.list ?? []
    expect(tabs.map((t) => t.pagePath)).toEqual(['pages/index/index', 'pages/works/index', 'pages/mine/index'])
    for (const t of tabs) {
      expect(app.pages).toContain(t.pagePath)
      for (const icon of [t.iconPath, t.selectedIconPath]) expect(icon && existsSync(path.join(dist, icon))).toBe(true)
    }
  })

  it('ships no dev login page in the mini-program', () => {
    expect(pages).not.toContain('pages/login/index')
  })

  it('has no H5-only API in our own chunks', () => {
    const offences: string[] = []
    for (const file of ownChunks()) {
      const code = readFileSync(file, 'utf8')
      for (const { name, pattern } of H5_ONLY) if (pattern.test(code)) offences.push(`${path.relative(dist, file)}: ${name}`)
    }
    expect(offences).toEqual([])
  })

  it('calls the gateway through wx.cloud, not HTTP', () => {
    const all = ownChunks().map((f) => readFileSync(f, 'utf8')).join('\n')
    expect(all).toContain('"gateway"')
    expect(all).not.toContain('/api/dev/login')
  })

  // iOS runs the logic layer on the system JavaScriptCore; iOS 11's engine stops at ES2018 (no `?.`, `??`, class
  // fields, optional catch binding, `||=`), and one such token in vendors.js (loaded by app.js) stops the whole app.
  // The Babel targets live in package.json's browserslist; dependencies that ship newer syntax are in config/index.ts.
  it('ships only JavaScript that parses as ES2018', () => {
    const files = walk(dist).filter((f) => f.endsWith('.js'))
    expect(files.length).toBeGreaterThanOrEqual(pages.length)
    const failures: string[] = []
    for (const file of files) {
      const code = readFileSync(file, 'utf8')
      try {
        parse(code, { ecmaVersion: 2018, sourceType: 'script' })
      } catch (error) {
        const pos = (error as { pos?: number }).pos ?? 0
        failures.push(`${path.relative(dist, file)}: ${(error as Error).message} near ${JSON.stringify(code.slice(Math.max(0, pos - 40), pos + 20))}`)
      }
    }
    expect(failures).toEqual([])
  })

  // Old WebViews (iOS < 14.5, Android WebView < 84) ignore flex `gap`, and iOS < 13 needs `-webkit-sticky`.
  it('has no flex gap and prefixes position: sticky in the stylesheets', () => {
    const offences: string[] = []
    for (const file of walk(dist).filter((f) => f.endsWith('.wxss'))) {
      const css = readFileSync(file, 'utf8')
      const rel = path.relative(dist, file)
      if (/(?<![\w-])(?:row-|column-)?gap\s*:/.test(css)) offences.push(`${rel}: gap`)
      for (const m of css.matchAll(/[^{}]*\{[^}]*position:\s*sticky[^}]*\}/g)) {
        if (!/position:\s*-webkit-sticky/.test(m[0])) offences.push(`${rel}: sticky without -webkit-sticky in ${m[0].trim().slice(0, 60)}`)
      }
    }
    expect(offences).toEqual([])
  })

  it('keeps the main package ≤ 600 KB and the total ≤ 2 MB', () => {
    const sizes = weappSizes(dist)
    expect(sizes.mainBytes).toBeGreaterThan(100 * 1024)
    expect(sizes.mainBytes).toBeLessThanOrEqual(600 * 1024)
    expect(sizes.totalBytes).toBeLessThanOrEqual(2 * 1024 * 1024)
  })
})

it.runIf(!built)('weapp build output exists (run build:weapp first)', () => {
  expect.fail('dist/weapp/app.json is missing: run `pnpm --filter @aiphoto/miniapp build:weapp` (turbo runs build before test)')
})

const h5Dist = path.resolve(__dirname, '..', 'dist', 'h5')
const h5Built = existsSync(path.join(h5Dist, 'index.html'))

describe.skipIf(!h5Built)('H5 build output', () => {
  const js = h5Built ? walk(h5Dist).filter((f) => f.endsWith('.js')) : []

  it('inlines every TARO_APP_ setting (a leftover `process.env` breaks the page: there is no `process` in browsers)', () => {
    const leftovers = js.filter((f) => /process\.env\.TARO_APP_/.test(readFileSync(f, 'utf8'))).map((f) => path.relative(h5Dist, f))
    expect(leftovers).toEqual([])
  })

  it('talks HTTP to the local cloud and never to wx.cloud', () => {
    const all = js.map((f) => readFileSync(f, 'utf8')).join('\n')
    expect(all).toContain('/api/gateway')
    expect(all).toContain('/api/dev/login')
    expect(all).not.toMatch(/cloud\.callFunction\(/)
  })
})
