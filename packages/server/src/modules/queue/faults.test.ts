/**
 * Regressions found by the chaos suite (chaos/): the queue under injected faults (local-runtime's fault injector,
 * which fails database, storage and provider calls in node-sdk's real error shapes, and kills instances).
 */
import { createFaultInjector, type FaultPlan } from '@aiphoto/local-runtime'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { credits, expectInvariants, garmentBytes, ledger, pipelineGateway, register, runWorker, taskDoc, upload } from '../generation/pipeline-fixtures'
import { LEASE_MS, MAX_ATTEMPTS } from './policy'

vi.setConfig({ testTimeout: 60_000 })

let gw: TestGateway | null = null
afterEach(async () => {
  if (gw) await expectInvariants(gw)
  await gw?.close()
  gw = null
})

async function setup(plan: Omit<FaultPlan, 'seed'>) {
  const faults = createFaultInjector({ seed: 1, ...plan })
  gw = await pipelineGateway({ faults })
  await register(gw, 'alice')
  const g = await upload(gw, 'alice', await garmentBytes())
  const res = await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 1 })
  return { gw, faults, res }
}

describe('queue under injected faults', () => {
  it('a storage error while reading the inputs is retried, not failed as "input missing"', async () => {
    // Before: any download error meant "the user deleted an input" → failed at once (refunded, but the paid
    // generation was lost to a transient STORAGE_REQUEST_FAIL).
    const { gw, faults, res } = await setup({ storage: { errorRate: 1, methods: ['download'] } })
    await faults.run('pass-1', () => gw.system.call('queue/processTask', { max_tasks: 4, budget_ms: 2000 }))
    expect(faults.counts.storage_error).toBeGreaterThan(0)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'pending', attempts: 1 })
    gw.clock.advance(6_000)
    await runWorker(gw)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', refunded: 0 })
  })

  it('a worker killed during every attempt runs out of attempts: failed and refunded once, not reclaimed forever', async () => {
    // Before: attempts were counted but never checked when a worker died mid-attempt, so a task whose processing
    // always killed the instance was reclaimed every lease, forever (attempts 5, 6, ...; never settled).
    const { gw, faults, res } = await setup({ killRate: 1, killAt: ['provider.'] })
    const before = await credits(gw, 'alice')
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await faults.run(`pass-${i}`, () => gw.system.call('queue/processTask', { max_tasks: 4, budget_ms: 2000 }))
      gw.clock.advance(LEASE_MS + 1000)
    }
    expect(faults.counts.kill).toBe(MAX_ATTEMPTS)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, refunded: res.cost })
    expect((await ledger(gw, 'alice')).filter((e) => e.kind === 'refund')).toHaveLength(1)
    expect(await credits(gw, 'alice')).toBe(before + res.cost)
  })

  it('a database error on a claim costs that claim, not the pass or the progress answer', async () => {
    // Before: a failed claim rejected the whole pass (INTERNAL) while its other slots kept running after the
    // function had returned — on CloudBase they would be frozen mid-step and thawed later with a stale clock.
    const { gw, faults, res } = await setup({ db: { errorRate: 1, actions: ['database.modifyDocument'], collections: ['task_queue'] } })
    const pass = await faults.run('pass', () => gw.system.call('queue/processTask', { max_tasks: 4, budget_ms: 2000 }))
    expect(pass).toMatchObject({ success: true, data: { claimed: 0 } })
    const progress = await faults.run('progress', () => gw.as('alice').call('photography/getProgress', { task_id: res.task_id }))
    expect(progress).toMatchObject({ success: true, data: { status: 'pending' } })
    expect(faults.counts.db_error).toBeGreaterThanOrEqual(2)
    await runWorker(gw)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed' })
  })
})
