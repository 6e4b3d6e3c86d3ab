/**
 * 服装摄影's modes on the local compositor, through the real gateway, database emulator and storage: wall time per
 * task (generate → completed, worked by queue/processTask), time per provider step (each unit's submit, which
 * renders synchronously on the local compositor), and database operations per task counted through the
 * emulator's requester (every request the `@cloudbase/database` builder sends — one billed operation on
 * CloudBase). Baseline in the same run: the scene mode, the seed's only product (a single background step
 * before multi-step tasks; now cut-out → scene).
 */
import { createHash } from 'node:crypto'
import { createFixtureGarment, createProviderFactory, drawModelFigure, renderSceneThumbnail } from '@aiphoto/imaging'
import { createAppGateway, seedDatabase } from '@aiphoto/server'
import { contextFor, createLocalRuntime } from '@aiphoto/local-runtime'
import { jsonLogger, type GenerationKind, type ImageProvider } from '@aiphoto/runtime'
import { percentile, type BenchRow, type BenchSuite } from '../types'

const RUNS = 3
const STEP_NAME: Record<GenerationKind, string> = { fitting: 'try-on', photography: 'scene', cutout: 'cut-out', packshot: 'packshot', upscale: 'upscale', text_to_image: 'text-to-image' }

interface Mode {
  name: string
  input: Record<string, unknown>
  /** Needs a completed work to upscale. */
  upscale?: boolean
}

const MODES: Mode[] = [
  { name: 'scene (cut-out → scene)', input: { mode: 'scene', scene_id: 'indoor-cafe' } },
  { name: 'packshot 800×800 (cut-out → packshot)', input: { mode: 'packshot', options: { aspect_ratio: '1:1' } } },
  { name: 'on_model studio (try-on)', input: { mode: 'on_model', model_id: 'model-f-young-slim' } },
  { name: 'on_model in a scene (try-on → cut-out → scene)', input: { mode: 'on_model', model_id: 'model-f-young-slim', scene_id: 'outdoor-garden' } },
  { name: 'on_model in a scene + HD (… → upscale ×2)', input: { mode: 'on_model', model_id: 'model-f-young-slim', scene_id: 'outdoor-garden', options: { hd: true } } },
  { name: 'upscale ×2 of a 1024 px image', input: {}, upscale: true },
]

async function setup() {
  const factory = createProviderFactory()
  const stepMs: Record<string, number[]> = {}
  let timing = false
  // Times each provider call by job kind (the local provider renders inside submit).
  const providers = (config: Parameters<typeof factory>[0]): ImageProvider | null => {
    const p = factory(config)
    if (!p) return null
    return {
      ...p,
      supports: (k) => p.supports(k),
      async submit(job) {
        const t0 = performance.now()
        const out = await p.submit(job)
        if (timing) (stepMs[STEP_NAME[job.kind]] ??= []).push(performance.now() - t0)
        return out
      },
      poll: (id, context) => p.poll(id, context),
    }
  }
  const rt = createLocalRuntime({ dataDir: ':memory:', logger: jsonLogger(() => {}), providers, config: { signupBonus: 1_000_000 } })
  await seedDatabase(rt, { renderSceneThumbnail: (p, s) => renderSceneThumbnail(p, s), renderModelFigure: (a, s) => drawModelFigure(a, s) })
  let ops = 0
  let counting = false
  rt.database.setInterceptor(async (_action, _params, next) => {
    if (counting) ops++
    return next()
  })
  const main = createAppGateway(rt)
  // Image verdicts arrive as message pushes (wxa_media_check); outputs are held until they do.
  rt.mediaCheck.connect((event) => main(event, {}))
  const call = async (ctx: unknown, event: Record<string, unknown>) => {
    const res = (await main(event, ctx)) as { success: boolean; data?: unknown }
    if (!res.success) throw new Error(`${String(event.$url)} failed: ${JSON.stringify(res)}`)
    return res.data as Record<string, unknown>
  }
  const system = contextFor({ kind: 'system', source: 'internal' })
  /** Worker passes until the task completes; between passes the image-check pushes (timers) get their turn. */
  const untilCompleted = async (taskId: string, what: string) => {
    for (let i = 0; i < 40; i++) {
      await call(system, { $url: 'queue/processTask', max_tasks: 1, budget_ms: 55_000 })
      const t = (await rt.db.collection('task_queue').doc(taskId).get()).data[0] as { status: string }
      if (t.status === 'completed') return
      if (t.status === 'failed' || t.status === 'cancelled') throw new Error(`${what}: task ${t.status}`)
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    throw new Error(`${what}: not completed after 40 worker passes`)
  }
  const garment = await createFixtureGarment({ format: 'jpeg' })
  let users = 0
  // A user per task (generate is rate-limited per user), with the garment uploaded and, for upscale, a completed
  // 1024 px work to upscale — all before counting starts.
  const newUser = async (withWork: boolean) => {
    const openid = `bench-modes-${users++}`
    const ctx = contextFor({ kind: 'user', openid, source: 'test' })
    await call(ctx, { $url: 'user/register' })
    const { fileId } = await rt.storage.upload({ cloudPath: `users/${openid}/uploads/g.jpg`, content: garment, contentType: 'image/jpeg' })
    await call(ctx, { $url: 'storage/registerAsset', hash: createHash('sha256').update(garment).digest('hex'), size: garment.length, file_id: fileId })
    let workId: string | null = null
    if (withWork) {
      const src = await call(ctx, { $url: 'photography/generate', mode: 'scene', scene_id: 'studio-white', garment_images: [fileId], options: { aspect_ratio: '1:1' } })
      await untilCompleted(String(src.task_id), 'the work to upscale')
      workId = String(src.work_id)
    }
    return { ctx, fileId, workId }
  }

  /** One task of a mode: generate + worker passes until it completes; wall time and database operations. */
  const runOnce = async (mode: Mode): Promise<{ ms: number; ops: number }> => {
    const { ctx, fileId, workId } = await newUser(!!mode.upscale)
    ops = 0
    counting = true
    timing = true
    const t0 = performance.now()
    const res = mode.upscale
      ? await call(ctx, { $url: 'photography/upscale', work_id: workId, scale: 2 })
      : await call(ctx, { $url: 'photography/generate', garment_images: [fileId], ...mode.input })
    await untilCompleted(String(res.task_id), mode.name)
    const ms = performance.now() - t0
    counting = false
    timing = false
    return { ms, ops }
  }
  return { runOnce, stepMs }
}

const suite: BenchSuite = {
  name: 'photography-modes',
  async run() {
    const { runOnce, stepMs } = await setup()
    const rows: BenchRow[] = []
    const results: Array<{ mode: Mode; ms: number; ops: number }> = []
    for (const mode of MODES) {
      await runOnce(mode) // warm-up (sharp caches, first figure cut-out)
      const samples: Array<{ ms: number; ops: number }> = []
      for (let i = 0; i < RUNS; i++) samples.push(await runOnce(mode))
      results.push({ mode, ms: percentile(samples.map((s) => s.ms), 50), ops: percentile(samples.map((s) => s.ops), 50) })
    }
    const base = results[0]!
    for (const r of results) {
      rows.push({ suite: 'photography-modes', name: `${r.mode.name}: time per task (median of ${RUNS}, local)`, value: r.ms, unit: 'ms', baseline: { name: base.mode.name, value: base.ms, unit: 'ms' } })
    }
    for (const r of results) {
      rows.push({ suite: 'photography-modes', name: `${r.mode.name}: DB operations per task (generate + worker)`, value: r.ops, unit: 'ops', baseline: { name: base.mode.name, value: base.ops, unit: 'ops' } })
    }
    const baseStep = percentile(stepMs['scene'] ?? [NaN], 50)
    for (const [step, ms] of Object.entries(stepMs)) {
      rows.push({ suite: 'photography-modes', name: `step ${step}: time per provider call (median of ${ms.length})`, value: percentile(ms, 50), unit: 'ms', baseline: { name: 'step scene', value: baseStep, unit: 'ms' } })
    }
    return rows
  },
}

export default suite
