/**
 * Mini-program and H5 sizes, from fresh production builds of apps/miniapp:
 * - weapp main package (limit 2 MB, our goal ≤ 600 KB) beside the whole package (what it would be without sub-packages);
 * - weapp total (goal ≤ 2 MB) beside the Taro/React framework floor (taro.js + vendors.js + runtime.js + base.wxml);
 * - H5 first-load JS gzipped (index.html's scripts + the home page's chunk group; goal ≤ 250 KB) beside all H5 JS gzipped.
 * Build wall times are reported too (no goal). Set BENCH_MINIAPP_SKIP_BUILD=1 to measure an existing build.
 * The weapp build is the CI one (a placeholder AppID and cloud env): a release build refuses to run without the
 * operator's deployment settings, and their values do not change the sizes.
 */
import { execFileSync } from 'node:child_process'
import { statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { h5Sizes, weappSizes } from '../../apps/miniapp/scripts/sizes'
import type { BenchRow, BenchSuite } from '../types'

const here = path.dirname(fileURLToPath(import.meta.url))
const app = path.resolve(here, '..', '..', 'apps', 'miniapp')
const KB = 1024

function build(script: 'build:weapp:ci' | 'build:h5'): number {
  const t0 = performance.now()
  execFileSync('pnpm', ['run', script], { cwd: app, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } })
  return (performance.now() - t0) / 1000
}

const suite: BenchSuite = {
  name: 'miniapp-size',
  async run() {
    const rows: BenchRow[] = []
    if (!process.env.BENCH_MINIAPP_SKIP_BUILD) {
      rows.push({ suite: 'miniapp-size', name: 'weapp production build', value: build('build:weapp:ci'), unit: 's' })
      rows.push({ suite: 'miniapp-size', name: 'H5 production build', value: build('build:h5'), unit: 's' })
    }
    const weapp = path.join(app, 'dist', 'weapp')
    const w = weappSizes(weapp)
    const floor = ['taro.js', 'vendors.js', 'runtime.js', 'base.wxml'].reduce((n, f) => n + statSync(path.join(weapp, f)).size, 0)
    rows.push({
      suite: 'miniapp-size',
      name: 'weapp main package',
      value: w.mainBytes / KB,
      unit: 'KB',
      baseline: { name: 'whole package', value: w.totalBytes / KB },
      goal: '≤ 600 KB',
      pass: w.mainBytes <= 600 * KB,
    })
    rows.push({
      suite: 'miniapp-size',
      name: 'weapp total (main + sub-packages)',
      value: w.totalBytes / KB,
      unit: 'KB',
      baseline: { name: 'Taro + React runtime floor', value: floor / KB },
      goal: '≤ 2048 KB',
      pass: w.totalBytes <= 2048 * KB,
    })
    const h = h5Sizes(path.join(app, 'dist', 'h5'))
    rows.push({
      suite: 'miniapp-size',
      name: 'H5 first-load JS (gzip)',
      value: h.firstLoadGzip / KB,
      unit: 'KB',
      baseline: { name: 'all H5 JS (gzip)', value: h.allJsGzip / KB },
      goal: '≤ 250 KB',
      pass: h.firstLoadGzip <= 250 * KB,
    })
    return rows
  },
}

export default suite
