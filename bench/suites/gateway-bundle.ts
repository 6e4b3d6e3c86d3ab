/**
 * The cloud function bundle: size (raw, gzip) and cold `require` time, because every cold start of the gateway
 * pays for loading it. Each sample is a fresh `node -e` that times only its `require` (median of N).
 * Baselines, same run: for size, all of zod bundled the same way (our largest dependency, before tree-shaking); for require time,
 * an empty CJS file (what `require` costs at all) and, for the row with the real SDK, wx-server-sdk alone.
 * "Without wx-server-sdk" means a stub module stands in for it, so the figure is our code only.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { buildGateway } from '@aiphoto/gateway-build'
import { build } from 'esbuild'
import type { BenchRow, BenchSuite } from '../types'
import { percentile } from '../types'

const N = 21
const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '../..')

const TIMED_REQUIRE = `const t0=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t0)/1e6))`

function requireMs(file: string, cwd: string): number {
  const run = spawnSync(process.execPath, ['-e', TIMED_REQUIRE, file], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })
  const ms = Number(run.stdout)
  if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`require of ${file} failed: ${run.stderr}`)
  return ms
}

/** Interleaves the samples so machine noise hits every candidate alike; returns medians. */
function medians(cands: Record<string, { file: string; cwd: string }>): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cands).map((k) => [k, []]))
  for (const c of Object.values(cands)) requireMs(c.file, c.cwd) // warm the file cache
  for (let i = 0; i < N; i++) for (const [k, c] of Object.entries(cands)) samples[k]!.push(requireMs(c.file, c.cwd))
  return Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, percentile(s, 50)]))
}

const suite: BenchSuite = {
  name: 'gateway-bundle',
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(path.join(tmpdir(), 'aiphoto-bundle-bench-'))
    try {
      // Stub: what the entry touches at load time (init and the env constant); the runtime is built lazily.
      const stub = path.join(dir, 'stub')
      mkdirSync(path.join(stub, 'node_modules/wx-server-sdk'), { recursive: true })
      writeFileSync(path.join(stub, 'node_modules/wx-server-sdk/index.js'), 'exports.DYNAMIC_CURRENT_ENV=Symbol("env");exports.init=function(){}\n')
      const bundle = await buildGateway({ outfile: path.join(stub, 'index.js') })
      writeFileSync(path.join(stub, 'empty.js'), '')

      // The real SDK, from the workspace install (wx-server-sdk 4.0.2 and its node-sdk).
      const real = path.join(dir, 'real')
      mkdirSync(path.join(real, 'node_modules'), { recursive: true })
      const sdkDir = path.dirname(createRequire(path.join(repo, 'packages/cloudbase-runtime/package.json')).resolve('wx-server-sdk/package.json'))
      symlinkSync(realpathSync(sdkDir), path.join(real, 'node_modules/wx-server-sdk'), 'dir')
      writeFileSync(path.join(real, 'index.js'), readFileSync(bundle.outfile))
      writeFileSync(path.join(real, 'sdk-only.js'), 'require("wx-server-sdk")\n')

      const zod = await build({
        stdin: { contents: "export * as z from 'zod'", resolveDir: path.join(repo, 'packages/contract'), loader: 'ts' },
        bundle: true, platform: 'node', format: 'cjs', target: 'node16', minify: true, legalComments: 'none', write: false,
      })
      const zodBytes = zod.outputFiles[0]!.contents
      const kb = (n: number) => n / 1024

      const m = medians({
        bundle: { file: './index.js', cwd: stub },
        empty: { file: './empty.js', cwd: stub },
        withSdk: { file: './index.js', cwd: real },
        sdkOnly: { file: './sdk-only.js', cwd: real },
      })
      return [
        { suite: 'gateway-bundle', name: 'index.js size (minified)', value: kb(bundle.bytes), unit: 'KB', baseline: { name: 'all of zod (no tree-shaking), same build', value: kb(zodBytes.length) }, goal: '≤ 400 KB', pass: bundle.bytes <= 400 * 1024 },
        { suite: 'gateway-bundle', name: 'index.js size (gzip)', value: kb(bundle.gzipBytes), unit: 'KB', baseline: { name: 'all of zod, gzip', value: kb(gzipSync(zodBytes).length) } },
        { suite: 'gateway-bundle', name: `cold require, wx-server-sdk stubbed (median of ${N})`, value: m.bundle!, unit: 'ms', baseline: { name: 'empty CJS file', value: m.empty! }, goal: '≤ 40 ms', pass: m.bundle! <= 40 },
        { suite: 'gateway-bundle', name: `cold require with the real wx-server-sdk (median of ${N})`, value: m.withSdk!, unit: 'ms', baseline: { name: 'wx-server-sdk alone', value: m.sdkOnly! } },
      ]
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
export default suite
