import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadIndexFile } from '@aiphoto/local-runtime'
import { afterEach, describe, expect, it } from 'vitest'
import { localTarget } from './local-target'
import { drawModelFigure, renderSceneThumbnail } from '@aiphoto/imaging'
import { changeCount, provision, renderPlan } from './plan'

const dirs: string[] = []
const freshDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'aiphoto-provision-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const SECRET = 'sk-provision-SECRET-0123456789'

async function run(dataDir: string, dryRun: boolean) {
  const target = localTarget({ dataDir })
  try {
    const steps = await provision(target, loadIndexFile(), {
      dryRun,
      seed: { renderSceneThumbnail: (p, size) => renderSceneThumbnail(p, size), renderModelFigure: (a, size) => drawModelFigure(a, size) },
      providerKeys: { dashscope: SECRET },
    })
    const state = { collections: await target.listCollections(), indexes: Object.fromEntries(await Promise.all((await target.listCollections()).map(async (c) => [c, await target.listIndexes(c)] as const))) }
    return { steps, state }
  } finally {
    await target.close()
  }
}

describe('pnpm provision (against the local emulator)', () => {
  it('creates every collection and index of the index file, then seeds', async () => {
    const dir = freshDir()
    const list = loadIndexFile()
    const { steps, state } = await run(dir, false)
    expect(state.collections.sort()).toEqual([...list.collections].sort())
    for (const spec of list.indexes) expect(state.indexes[spec.collection], `${spec.collection}.${spec.name}`).toContain(spec.name)
    expect(steps.filter((s) => s.kind === 'collection' && s.action === 'create')).toHaveLength(list.collections.length)

    // Seeds landed, scenes with real thumbnails, provider keys encrypted at rest.
    const target = localTarget({ dataDir: dir })
    try {
      const db = target.runtime.db
      const scenes = (await db.collection('scenes').get()).data as Array<{ thumbnail_file_id?: string; thumbnail_url?: string }>
      expect(scenes.length).toBeGreaterThanOrEqual(8)
      expect((await db.collection('credit_packages').count()).total).toBeGreaterThanOrEqual(4)
      expect((await db.collection('prompt_templates').count()).total).toBeGreaterThanOrEqual(2)
      const configs = (await db.collection('api_configs').get()).data as Array<{ _id: string; headers: Record<string, string> }>
      expect(configs.map((c) => c._id).sort()).toEqual(['dashscope-aitryon', 'dashscope-background', 'dashscope-t2i', 'dashscope-upscale', 'local-compositor'])
      expect(JSON.stringify(configs)).not.toContain(SECRET)
      expect(configs.find((c) => c._id === 'dashscope-aitryon')!.headers.Authorization).toMatch(/^v1:/)
    } finally {
      await target.close()
    }
  })

  it('is idempotent: a second run changes nothing', async () => {
    const dir = freshDir()
    await run(dir, false)
    const second = await run(dir, false)
    expect(changeCount(second.steps)).toBe(0)
    expect(renderPlan(second.steps, false)).toContain('nothing to do')
  })

  it('--dry-run prints the plan and writes nothing', async () => {
    const dir = freshDir()
    const dry = await run(dir, true)
    expect(changeCount(dry.steps)).toBeGreaterThan(0)
    expect(dry.state.collections).toEqual([])
    expect(renderPlan(dry.steps, true)).toContain('would')
    // The real run then does exactly what the dry run announced.
    const real = await run(dir, false)
    expect(real.steps.map((s) => [s.kind, s.action, 'name' in s ? s.name : s.collection])).toEqual(dry.steps.map((s) => [s.kind, s.action, 'name' in s ? s.name : s.collection]))
  })
})
