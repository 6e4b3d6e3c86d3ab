/**
 * Storage hygiene of multi-step tasks: the files a task stores on its way that are not the user's final images —
 * a step's outputs (the garment cut-out a scene is built on), inputs staged for a remote provider
 * (`GenerationJob.stage`), outputs held for their image check — are gone once the task has settled, however it
 * settled (cancelled, failed, refunded by an operator, its work deleted, its worker dead), and a failed delete is
 * retried by the retention sweep instead of being forgotten. Files are listed on disk (the local storage), money
 * is checked after every test (one refund, ledger == balance, admin/auditCredits clean).
 */
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { GenerationJob } from '@aiphoto/runtime'
import type { TestGateway, TestGatewayOptions } from '../../testing'
import { addProviderConfig, credits, expectInvariants, garmentBytes, ledger, pipelineGateway, register, runWorker, taskDoc, upload, withProviders } from '../generation/pipeline-fixtures'
import { resolveHold } from '../moderation/hold'
import { LEASE_MS } from './policy'
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

/** Every file stored under a work's folder (final images, `s<step>u<unit>-` step outputs, `inputs/` staged copies). */
function filesOf(openid: string, workId: string): string[] {
  const root = path.join(gw.rt.dataDir, 'files', `users/${openid}/works`, workId)
  const walk = (dir: string): string[] =>
    existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.relative(root, path.join(dir, e.name))])) : []
  return walk(root).sort()
}

const refundsOf = async (openid: string) => (await ledger(gw, openid)).filter((e) => e.kind === 'refund')
const workDoc = async (workId: string) => (await gw.rt.db.collection('works').doc(workId).get()).data[0] as { files_to_remove?: string[]; files_pending?: boolean; images: string[] }

/** A gateway whose generation steps run on a scripted provider (cut-outs stay on the built-in compositor). */
async function scriptedGateway(opts: TestGatewayOptions = {}): Promise<Script> {
  const script = createScript(await garmentBytes())
  gw = await pipelineGateway({ providers: withProviders({ scripted: () => scriptedProvider(script) }), ...opts })
  await gw.rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
  await addProviderConfig(gw, { _id: 'scripted-1', provider: 'scripted', priority: 5 })
  return script
}

/** What a remote adapter does with an input it must normalise: stage a copy for the provider to download. */
const stageInput = (job: GenerationJob, bytes: Buffer) => job.stage!({ bytes, contentType: 'image/jpeg', name: 'normalized' })

/** 场景图 (cut-out → scene), 20 credits. */
async function sceneTask(openid: string) {
  const g = await upload(gw, openid, await garmentBytes())
  return gw.as(openid).ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 1 })
}

/**
 * A scene task stopped half-way: step 1 (the cut-out) stored, step 2 accepted by the provider (with a staged input)
 * and still running. Driven by the owner's getProgress, one provider call each.
 */
async function midway(script: Script, openid = 'alice') {
  script.onSubmit = async (job) => {
    if (job.kind !== 'photography') return { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] }
    await stageInput(job, script.image)
    return { state: 'running', providerTaskId: 'scene-job-1', progress: 0.2 }
  }
  script.onPoll = (id) => ({ state: 'running', providerTaskId: id, progress: 0.5 })
  await register(gw, openid)
  const res = await sceneTask(openid)
  for (let i = 0; i < 10; i++) {
    const t = await taskDoc(gw, res.task_id)
    if (t['provider_task_id'] === 'scene-job-1') break
    await gw.as(openid).ok('photography/getProgress', { task_id: res.task_id })
    gw.clock.advance(1_000)
  }
  const t = await taskDoc(gw, res.task_id)
  expect(t).toMatchObject({ status: 'processing', step_index: 1, provider_task_id: 'scene-job-1' })
  const files = filesOf(openid, res.work_id)
  expect(files.filter((f) => f.startsWith('s1u1-'))).toHaveLength(1) // the cut-out (step 1 of 2)
  expect(files.filter((f) => f.startsWith('inputs/'))).toHaveLength(1) // staged for the scene job
  return res
}

describe('a task that ends half-way leaves no files', () => {
  it('cancelled mid-step: the cut-out and the staged input are deleted at cancel; refunded once', async () => {
    const script = await scriptedGateway()
    const res = await midway(script)
    expect(await gw.as('alice').ok('api/cancelTask', { task_id: res.task_id })).toEqual({ status: 'cancelled', refunded: 20 })
    expect(filesOf('alice', res.work_id)).toEqual([])
    expect(await workDoc(res.work_id)).toMatchObject({ files_to_remove: [], files_pending: false })
    // Nothing is picked up again, and a repeated cancel changes nothing.
    expect(await runWorker(gw)).toMatchObject({ claimed: 0 })
    expect(await gw.as('alice').ok('api/cancelTask', { task_id: res.task_id })).toEqual({ status: 'cancelled', refunded: 20 })
    expect(await refundsOf('alice')).toEqual([expect.objectContaining({ _id: `refund:${res.task_id}`, delta: 20 })])
    expect(await credits(gw, 'alice')).toBe(100)
  })

  it('refunded by an operator (admin/refundTask on a stuck task): its step outputs and staged input go too', async () => {
    const script = await scriptedGateway()
    const res = await midway(script)
    expect(await gw.as('openid-admin').ok('admin/refundTask', { task_id: res.task_id, reason: '卡住了' })).toMatchObject({ status: 'failed', refunded: 20 })
    expect(filesOf('alice', res.work_id)).toEqual([])
    expect(await refundsOf('alice')).toHaveLength(1)
    expect(await credits(gw, 'alice')).toBe(100)
  })

  it('its work deleted by the user: the running task is cancelled and every file of the work goes', async () => {
    const script = await scriptedGateway()
    const res = await midway(script)
    expect(await gw.as('alice').ok('api/deleteWork', { work_id: res.work_id })).toEqual({ deleted: true, refunded: 20 })
    expect(filesOf('alice', res.work_id)).toEqual([])
    expect(await workDoc(res.work_id)).toMatchObject({ files_to_remove: [], files_pending: false })
    expect(await refundsOf('alice')).toHaveLength(1)
    expect(await credits(gw, 'alice')).toBe(100)
  })

  it('failed after step 1 of 2 while storage deletes fail: the files stay listed and the retention sweep removes them', async () => {
    const script = await scriptedGateway()
    script.onSubmit = async (job) => {
      if (job.kind !== 'photography') return { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] }
      // The adapter staged a normalised copy, then the provider refused the job for good.
      await stageInput(job, script.image)
      return { state: 'failed', retryable: false, reason: 'scene refused' }
    }
    await register(gw, 'alice')
    const res = await sceneTask('alice')
    const del = vi.spyOn(gw.rt.storage, 'delete').mockRejectedValue(Object.assign(new Error('deleteFile:fail'), { code: 'UNAVAILABLE' }))
    await runWorker(gw)
    del.mockRestore()
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'failed', refunded: 20 })
    const left = filesOf('alice', res.work_id)
    expect(left.some((f) => f.startsWith('s1u1-'))).toBe(true)
    expect(left.some((f) => f.startsWith('inputs/'))).toBe(true)
    expect(await workDoc(res.work_id)).toMatchObject({ files_pending: true })
    const swept = await gw.as('openid-admin').ok('admin/runCleanup', {})
    expect(swept.files_removed).toBe(left.length)
    expect(filesOf('alice', res.work_id)).toEqual([])
    expect(await workDoc(res.work_id)).toMatchObject({ files_to_remove: [], files_pending: false })
    // A second sweep finds nothing (idempotent).
    expect((await gw.as('openid-admin').ok('admin/runCleanup', {})).files_removed).toBe(0)
    expect(await refundsOf('alice')).toHaveLength(1)
    expect(await credits(gw, 'alice')).toBe(100)
  })
})

describe('a worker that dies after staging', () => {
  it('leaves its staged input on the task; after the sweep reclaims it, the next worker deletes it', async () => {
    const script = await scriptedGateway()
    const frozen = gate<void>()
    let sceneSubmits = 0
    let staged = 0
    script.onSubmit = async (job) => {
      if (job.kind !== 'photography') return { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] }
      sceneSubmits++
      await stageInput(job, script.image)
      staged++
      if (sceneSubmits === 1) await frozen.promise // the instance is killed here: staged, nothing answered yet
      return { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] }
    }
    await register(gw, 'alice')
    const res = await sceneTask('alice')
    const dead = runWorker(gw)
    await until(() => staged === 1)
    expect(filesOf('alice', res.work_id).filter((f) => f.startsWith('inputs/'))).toHaveLength(1)
    gw.clock.advance(LEASE_MS + 1)
    expect(await gw.as('openid-admin').ok('admin/runCleanup', {})).toMatchObject({ leases_reclaimed: 1 })
    await runWorker(gw)
    const t = await taskDoc(gw, res.task_id)
    expect(t).toMatchObject({ status: 'completed', refunded: 0, staged_files: [] })
    expect(sceneSubmits).toBe(2)
    // Only the final image is left: the dead worker's staged copy, the new one and the cut-out are gone.
    const work = await workDoc(res.work_id)
    expect(work.images).toHaveLength(1)
    expect(filesOf('alice', res.work_id)).toEqual([path.basename(work.images[0]!)])
    // The frozen instance thaws: it holds no lease any more and changes nothing.
    frozen.open()
    await dead
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', refunded: 0 })
    expect(filesOf('alice', res.work_id)).toEqual([path.basename(work.images[0]!)])
    expect(await refundsOf('alice')).toEqual([])
    expect(await credits(gw, 'alice')).toBe(80)
  })
})

describe('outputs held for their image check', () => {
  it('cancelled while held: the held outputs are deleted at cancel; the late verdict is a no-op', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, 'alice')
    const res = await sceneTask('alice')
    await runWorker(gw, { verdicts: false })
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'processing', moderation: expect.objectContaining({ outputs: [expect.any(String)] }) })
    expect(filesOf('alice', res.work_id).length).toBeGreaterThanOrEqual(1)
    expect(await gw.as('alice').ok('api/cancelTask', { task_id: res.task_id })).toEqual({ status: 'cancelled', refunded: 20 })
    expect(filesOf('alice', res.work_id)).toEqual([])
    // The verdicts (all passing) arrive after the cancel.
    expect(await gw.flushMediaChecks()).toBeGreaterThanOrEqual(1)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'cancelled', refunded: 20 })
    expect(filesOf('alice', res.work_id)).toEqual([])
    expect((await gw.rt.db.collection('notifications').where({ task_id: res.task_id }).get()).data).toEqual([])
    expect(await refundsOf('alice')).toHaveLength(1)
    expect(await credits(gw, 'alice')).toBe(100)
  })

  it('resolved twice at once (a verdict push and the owner polling): the completed work keeps its images', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, 'alice')
    const res = await sceneTask('alice')
    await runWorker(gw, { verdicts: false })
    const hold = (await taskDoc(gw, res.task_id))['moderation'] as { checks: Array<{ trace_id: string | null }> }
    // Every verdict is in (recorded as the push handler records them), and two resolvers race.
    for (const c of hold.checks) if (c.trace_id) await gw.rt.db.collection('media_checks').doc(c.trace_id).update({ status: 'pass', verdict_at: gw.clock.now() })
    const now = gw.clock.now()
    const results = await Promise.all([resolveHold(gw.rt, res.task_id, now), resolveHold(gw.rt, res.task_id, now)])
    expect(results.filter((r) => r === 'completed')).toHaveLength(1)
    const work = await workDoc(res.work_id)
    expect(work.images).toHaveLength(1)
    for (const f of work.images) expect(await gw.rt.storage.stat(f)).not.toBeNull()
    expect(filesOf('alice', res.work_id)).toEqual([path.basename(work.images[0]!)])
    expect(await credits(gw, 'alice')).toBe(80)
  })
})
