/**
 * HTTP load on the local cloud (loopback only): 200 concurrent users, each logged in with a dev token and
 * holding an uploaded garment, mixing api/listWorks, photography/getProgress and photography/generate through
 * POST /api/gateway, with the worker loop running. Beside it, in the same run and under the same load, the
 * trivial route GET /api/health. Bounded: 15 requests per user (3000 in all) or 90 s, whichever first.
 * The image provider is a cheap stand-in (a fixed tiny JPEG) so the figures are the gateway's, not sharp's.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import sharp from 'sharp'
import { startLocalCloud } from '@aiphoto/local-cloud'
import { silentLogger, type ImageProvider } from '@aiphoto/runtime'
import { percentile, type BenchRow, type BenchSuite } from '../types'

const USERS = 200
const PER_USER = 15
const MAX_MS = 90_000

type Action = 'api/listWorks' | 'photography/getProgress' | 'photography/generate' | 'GET /api/health'

const suite: BenchSuite = {
  name: 'http-load',
  async run(): Promise<BenchRow[]> {
    const image = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#8899aa' } }).jpeg().toBuffer()
    const provider: ImageProvider = {
      name: 'tiny',
      supports: () => true,
      submit: async (job) => ({ state: 'succeeded', images: Array.from({ length: job.count }, () => ({ bytes: image, contentType: 'image/jpeg' })) }),
      poll: async () => ({ state: 'failed', retryable: true, reason: 'not async' }),
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'aiphoto-http-load-'))
    const cloud = await startLocalCloud(
      { PORT: '0', HOST: '127.0.0.1', AIPHOTO_DATA_DIR: dir, AIPHOTO_SIGNUP_BONUS: '100000', AIPHOTO_WORKER_INTERVAL_MS: '500' },
      { logger: silentLogger, providers: () => provider },
    )
    const samples = new Map<Action, number[]>()
    const errors = new Map<string, number>()
    const record = (a: Action, ms: number) => samples.set(a, [...(samples.get(a) ?? []), ms])
    try {
      const post = async (token: string, body: Record<string, unknown>) => {
        const res = await fetch(`${cloud.url}/api/gateway`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
        return (await res.json()) as { success: boolean; data?: Record<string, unknown>; code?: string }
      }
      // Users: login (registers), upload a garment, register the asset.
      const users = await Promise.all(
        Array.from({ length: USERS }, async (_, i) => {
          const openid = `load-${i}`
          const login = (await (await fetch(`${cloud.url}/api/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid, nickname: `压测${i}` }) })).json()) as { data: { token: string } }
          const token = login.data.token
          const bytes = Buffer.concat([image, Buffer.from(openid)])
          const up = (await (await fetch(`${cloud.url}/api/storage/upload?cloudPath=${encodeURIComponent(`users/${openid}/uploads/g.jpg`)}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: bytes })).json()) as { data: { file_id: string } }
          const reg = await post(token, { $url: 'storage/registerAsset', hash: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, file_id: up.data.file_id })
          if (!reg.success) throw new Error(`registerAsset: ${JSON.stringify(reg)}`)
          return { token, garment: String(reg.data!.file_id), tasks: [] as string[], n: 0 }
        }),
      )
      // NOTE: the load generator shares the process (and event loop) with the server; the loop's own delay is
      // reported so a tail made by a blocked loop is not mistaken for one action's cost.
      const lag = monitorEventLoopDelay({ resolution: 10 })
      lag.enable()
      const deadline = performance.now() + MAX_MS
      let seq = 0
      await Promise.all(
        users.map(async (u, i) => {
          for (let k = 0; k < PER_USER && performance.now() < deadline; k++) {
            const r = (i * 7919 + k * 104729 + seq++) % 100
            const action: Action = r < 10 ? 'GET /api/health' : r < 50 ? 'api/listWorks' : r < 80 && u.tasks.length ? 'photography/getProgress' : 'photography/generate'
            const started = performance.now()
            let ok = true
            if (action === 'GET /api/health') ok = (await fetch(`${cloud.url}/api/health`)).ok
            else {
              const body =
                action === 'api/listWorks'
                  ? { $url: action, pageSize: 12 }
                  : action === 'photography/getProgress'
                    ? { $url: action, task_id: u.tasks[u.tasks.length - 1] }
                    : { $url: action, garment_images: [u.garment], scene_id: 'studio-white', count: 1, request_id: `load-${i}-${++u.n}` }
              const res = await post(u.token, body)
              ok = res.success
              if (!ok) errors.set(`${action} ${res.code}`, (errors.get(`${action} ${res.code}`) ?? 0) + 1)
              if (ok && action === 'photography/generate') u.tasks.push(String(res.data!.task_id))
            }
            record(action, performance.now() - started)
            if (!ok && action === 'GET /api/health') errors.set('health', (errors.get('health') ?? 0) + 1)
          }
        }),
      )
      lag.disable()
      const health = samples.get('GET /api/health') ?? []
      const rows: BenchRow[] = []
      for (const a of ['api/listWorks', 'photography/getProgress', 'photography/generate'] as const) {
        const s = samples.get(a) ?? []
        for (const p of [50, 95, 99]) {
          rows.push({ suite: 'http-load', name: `${USERS} concurrent users: ${a} p${p} (${s.length} requests)`, value: percentile(s, p), unit: 'ms', baseline: { name: `GET /api/health p${p} (${health.length}, same load)`, value: percentile(health, p) } })
        }
      }
      rows.push({ suite: 'http-load', name: 'event-loop delay during the load, p99 (server and load generator share the process)', value: lag.percentile(99) / 1e6, unit: 'ms', baseline: { name: 'max', value: lag.max / 1e6 } })
      const failed = [...errors.values()].reduce((a, b) => a + b, 0)
      rows.push({ suite: 'http-load', name: `failed requests${failed ? ` (${[...errors].map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`, value: failed, unit: 'requests', goal: '0', pass: failed === 0 })
      return rows
    } finally {
      await cloud.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

export default suite
