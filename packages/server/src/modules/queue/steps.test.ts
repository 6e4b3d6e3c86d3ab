/**
 * Multi-step tasks (try-on → cut-out → scene → upscale): a worker killed at any step resumes at the step and
 * unit it reached without paying a provider again for what was stored, the charge and the refund stay one
 * entry each, and the progress a user sees never goes backwards.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ImageProvider } from '@aiphoto/runtime'
import type { TestGateway } from '../../testing'
import { addProviderConfig, credits, expectInvariants, garmentBytes, ledger, pipelineGateway, register, runWorker, taskDoc, upload, withProviders } from '../generation/pipeline-fixtures'
import { createScript, gate, scriptedProvider, until, type Script } from './scripted-provider'

vi.setConfig({ testTimeout: 90_000 })

let gw: TestGateway
afterEach(async () => {
  if (gw) {
    await expectInvariants(gw)
    expect(await gw.as('openid-admin').ok('admin/auditCredits', {})).toMatchObject({ mismatches: [] })
  }
  await gw?.close()
})

async function scriptedGateway(): Promise<Script> {
  const script = createScript(await garmentBytes())
  gw = await pipelineGateway({ providers: withProviders({ scripted: () => scriptedProvider(script) }) })
  await gw.rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
  await addProviderConfig(gw, { _id: 'scripted-1', provider: 'scripted', priority: 5 })
  return script
}

/** 模特图 in a scene with HD: try-on, cut-out (built-in), scene, upscale. */
async function hdOnModel(openid: string) {
  const g = await upload(gw, openid, await garmentBytes())
  return gw.as(openid).ok('photography/generate', { mode: 'on_model', garment_images: [g], model_id: 'model-f-young-slim', scene_id: 'outdoor-garden', options: { hd: true } })
}

describe('a worker killed at every step', () => {
  for (const killAt of [1, 2, 3]) {
    it(`killed during provider call ${killAt} (${['try-on', 'scene', 'upscale'][killAt - 1]}): resumes there, never redoes a stored step, charged once`, async () => {
      const script = await scriptedGateway()
      const held = gate<void>()
      let calls = 0
      script.onSubmit = async (job) => {
        calls++
        if (calls === killAt) await held.promise // this worker is frozen here (killed instance)
        return { state: 'succeeded', images: Array.from({ length: job.count }, () => ({ bytes: script.image, contentType: 'image/jpeg' })) }
      }
      await register(gw, 'alice')
      const res = await hdOnModel('alice')
      const cost = res.cost
      expect(cost).toBe(30 + 10)
      const dropped = runWorker(gw)
      await until(() => calls === killAt)
      const reached = await taskDoc(gw, res.task_id)
      expect(reached).toMatchObject({ status: 'processing' })
      gw.clock.advance(2 * 60_000 + 1)
      expect(await runWorker(gw)).toMatchObject({ claimed: 1, running: 1 }) // outputs held for their image check; its verdict completes the task
      held.open()
      await dropped
      const t = await taskDoc(gw, res.task_id)
      expect(t).toMatchObject({ status: 'completed', refunded: 0 })
      // Kinds submitted in order: each step once, the killed one twice (its first answer came too late).
      const kinds = script.submits.map((j) => j.kind)
      const expected = ['fitting', 'photography', 'upscale']
      expected.splice(killAt, 0, expected[killAt - 1]!)
      expect(kinds).toEqual(expected)
      const work = await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })
      expect(work.image_count).toBe(1)
      for (const f of work.images) expect(await gw.rt.storage.stat(f)).not.toBeNull()
      expect((await ledger(gw, 'alice')).filter((e) => e.kind === 'consume' || e.kind === 'refund').map((e) => e._id)).toEqual([`consume:${res.task_id}`])
      expect(await credits(gw, 'alice')).toBe(100 - cost)
    })
  }

  it('a step that fails for good after earlier steps succeeded: failed, refunded once in full, intermediate files deleted', async () => {
    const script = await scriptedGateway()
    script.onSubmit = (job) => (job.kind === 'photography' ? { state: 'failed', retryable: false, reason: 'scene refused' } : { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] })
    await register(gw, 'alice')
    const res = await hdOnModel('alice')
    await runWorker(gw)
    const t = await taskDoc(gw, res.task_id)
    expect(t).toMatchObject({ status: 'failed', refunded: 40 })
    const files = (t.steps as Array<{ units: Array<{ outputs: string[] | null }> | null }>).flatMap((s) => (s.units ?? []).flatMap((u) => u.outputs ?? []))
    expect(files.length).toBeGreaterThanOrEqual(2)
    for (const f of files) expect(await gw.rt.storage.stat(f)).toBeNull()
    expect((await ledger(gw, 'alice')).filter((e) => e.kind === 'refund')).toEqual([expect.objectContaining({ _id: `refund:${res.task_id}`, delta: 40 })])
    expect(await credits(gw, 'alice')).toBe(100)
  })
})

describe('a unit that fails for good mid-task', () => {
  it('a failed cut-out does not shift the pairing: each scene job gets the dressed model its cut-out came from; 2 of 3 delivered, 1 refunded', async () => {
    const script = createScript(await garmentBytes())
    let cuts = 0
    // A cut-out provider that refuses the second dressed model for good (e.g. no subject found).
    const cutter = (): ImageProvider => ({
      name: 'cutter',
      supports: (kind) => kind === 'cutout',
      async submit(job) {
        cuts++
        if (cuts === 2) return { state: 'failed', retryable: false, reason: 'no subject' }
        return { state: 'succeeded', images: [{ bytes: job.inputs.source!, contentType: 'image/jpeg' }] }
      },
      poll: async () => ({ state: 'failed', retryable: false, reason: 'unexpected poll' }),
    })
    gw = await pipelineGateway({ providers: withProviders({ scripted: () => scriptedProvider(script), cutter }) })
    await gw.rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
    await addProviderConfig(gw, { _id: 'scripted-1', provider: 'scripted', priority: 5 })
    await addProviderConfig(gw, { _id: 'cutter-1', provider: 'cutter', priority: 5 })
    // Each try-on answers a distinct picture (a marker byte after the JPEG's end), so pairs can be told apart.
    let tryons = 0
    script.onSubmit = (job) => {
      if (job.kind === 'fitting') return { state: 'succeeded', images: [{ bytes: Buffer.concat([script.image, Buffer.from([++tryons])]), contentType: 'image/jpeg' }] }
      return { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] }
    }
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const res = await gw.as('alice').ok('photography/generate', { mode: 'on_model', garment_images: [g], model_id: 'model-f-young-slim', scene_id: 'outdoor-garden', count: 3 })
    for (let pass = 0; pass < 6; pass++) {
      await runWorker(gw)
      if ((await taskDoc(gw, res.task_id)).status !== 'processing') break
    }
    const t = await taskDoc(gw, res.task_id)
    expect(t).toMatchObject({ status: 'completed' })
    const scenes = script.submits.filter((j) => j.kind === 'photography')
    expect(scenes).toHaveLength(2)
    // Dressed models 1 and 3 reached the scene step, each with its own picture (marker 1, then marker 3).
    expect(scenes.map((j) => j.inputs.source!.at(-1))).toEqual([1, 3])
    const unit = res.cost / 3
    expect(t.refunded).toBe(unit)
    expect((await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })).images).toHaveLength(2)
  })
})

describe('progress', () => {
  it('reports each step ("模特换装中 1/4" … "高清放大中 4/4") and never goes backwards, through a retry', async () => {
    const script = await scriptedGateway()
    let sceneFailures = 1
    script.onSubmit = (job) => {
      if (job.kind === 'photography' && sceneFailures-- > 0) return { state: 'failed', retryable: true, reason: 'upstream 503' }
      return { state: 'running', providerTaskId: `${job.kind}-${script.submits.length}`, progress: 0.3 }
    }
    let polls = 0
    script.onPoll = (id) => (++polls % 2 === 0 ? { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] } : { state: 'running', providerTaskId: id, progress: 0.7 })
    await register(gw, 'alice')
    const res = await hdOnModel('alice')
    const seen: Array<{ progress: number; stage: string; step?: { index: number; label: string } }> = []
    for (let i = 0; i < 40; i++) {
      const p = await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })
      seen.push(p)
      if (p.status === 'completed' || p.status === 'failed') break
      gw.clock.advance(6_000)
    }
    expect(seen.at(-1)).toMatchObject({ status: 'completed', progress: 100 })
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress, JSON.stringify(seen.slice(i - 1, i + 1))).toBeGreaterThanOrEqual(seen[i - 1]!.progress)
    const labels = new Set(seen.map((p) => p.step?.label).filter(Boolean))
    expect([...labels]).toEqual(expect.arrayContaining(['模特换装中 1/4', '生成场景 3/4', '高清放大中 4/4']))
    expect(seen.some((p) => p.stage === '生成遇到问题，正在重试')).toBe(true)
  })
})
