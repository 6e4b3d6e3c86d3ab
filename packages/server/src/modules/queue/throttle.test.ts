import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { addProviderConfig, credits, expectInvariants, garmentBytes, ledger, pipelineGateway, register, runWorker, taskDoc, upload, withProviders } from '../generation/pipeline-fixtures'
import { createScript, scriptedProvider, type Script } from './scripted-provider'

vi.setConfig({ testTimeout: 60_000 })

let gw: TestGateway
afterEach(async () => {
  if (gw) await expectInvariants(gw)
  await gw?.close()
})

async function scriptedGateway(): Promise<Script> {
  const script = createScript(await garmentBytes())
  gw = await pipelineGateway({ providers: withProviders({ scripted: () => scriptedProvider(script) }) })
  await gw.rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
  await addProviderConfig(gw, { _id: 'scripted-1', provider: 'scripted', priority: 5 })
  return script
}

async function photo(openid: string) {
  const g = await upload(gw, openid, await garmentBytes())
  return gw.as(openid).ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 1 })
}

describe('throttling answers wait, never use up attempts or fail the task', () => {
  it('a throttled submit gives the attempt back, counts no breaker failure and succeeds after the wait', async () => {
    const script = await scriptedGateway()
    let throttle = 10
    script.onSubmit = (job) =>
      throttle-- > 0
        ? { state: 'throttled', retryAfterMs: 2_000, reason: 'Throttling.RateQuota' }
        : { state: 'succeeded', images: Array.from({ length: job.count }, () => ({ bytes: script.image, contentType: 'image/jpeg' })) }
    await register(gw, 'alice')
    const res = await photo('alice')
    // More throttled answers than MAX_ATTEMPTS: a failing provider would have failed the task by now.
    for (let i = 0; i < 10; i++) {
      await runWorker(gw)
      const t = await taskDoc(gw, res.task_id)
      // The one attempt used is the cut-out step's (built-in compositor); the throttled scene submits gave theirs back.
      expect(t).toMatchObject({ status: 'pending', attempts: 1, unit_attempts: 0, step_index: 1 })
      await runWorker(gw) // not due before the wait
      gw.clock.advance(2_000)
    }
    expect((await gw.rt.db.collection('api_configs').doc('scripted-1').get()).data[0]).toMatchObject({ failures: 0, open_until: null })
    await runWorker(gw)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', attempts: 2 })
    expect(script.submits).toHaveLength(11)
    expect((await ledger(gw, 'alice')).filter((e) => e.kind === 'refund')).toEqual([])
    expect(await credits(gw, 'alice')).toBe(80)
  })

  it('a throttled poll keeps the provider job and polls it again (no resubmit)', async () => {
    const script = await scriptedGateway()
    script.onSubmit = () => ({ state: 'running', providerTaskId: 'job-1', progress: 0.1 })
    let polls = 0
    script.onPoll = (id) => {
      polls++
      if (polls <= 3) return { state: 'throttled', reason: 'Throttling' }
      return { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] }
    }
    await register(gw, 'alice')
    const res = await photo('alice')
    // The owner's getProgress advances one step and never waits for the provider.
    const advance = () => gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })
    await advance()
    // (one more call than polls: the first getProgress ran the cut-out step)
    for (let i = 0; i < 5 && (await taskDoc(gw, res.task_id)).status !== 'completed'; i++) {
      gw.clock.advance(5_001)
      await advance()
    }
    // Stored under the scene step's one unit, from the job polled all along.
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', attempts: 2, provider_id: 'scripted-1', steps: [{ kind: 'cutout' }, { kind: 'scene', units: [{ outputs: [expect.any(String)] }] }] })
    expect(script.submits).toHaveLength(1)
    expect(polls).toBe(4)
  })
})

describe('a declared concurrency limit', () => {
  it('a freed slot makes the oldest waiting task due at once, not at the end of its wait', async () => {
    const script = await scriptedGateway()
    await gw.rt.db.collection('api_configs').doc('scripted-1').update({ limits: { max_concurrent: 1 } })
    let done = false
    script.onSubmit = () => ({ state: 'running', providerTaskId: `job-${script.submits.length}`, progress: 0.1 })
    script.onPoll = () => (done ? { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] } : { state: 'running', providerTaskId: 'job-1', progress: 0.5 })
    await register(gw, 'alice')
    const a = await photo('alice')
    const b = await photo('alice')
    await runWorker(gw, { budget_ms: 1000 })
    // Both were claimed in one pass (same created_at): whichever took the slot runs, the other waits.
    const [ta, tb] = await Promise.all([taskDoc(gw, a.task_id), taskDoc(gw, b.task_id)])
    const [running, waiting] = ta.status === 'pending' ? [tb, ta] : [ta, tb]
    expect(running).toMatchObject({ status: 'processing', provider_task_id: 'job-1' })
    expect(waiting).toMatchObject({ status: 'pending', waiting_for_slot: 'scripted-1' })
    expect(new Date(waiting.next_attempt_at as Date).getTime()).toBeGreaterThan(gw.clock.now().getTime())
    done = true
    gw.clock.advance(1_000)
    await runWorker(gw, { budget_ms: 1000 })
    expect(await taskDoc(gw, running._id as string)).toMatchObject({ status: 'completed' })
    // Woken: due now (its own wait had seconds left), and no longer marked.
    const woken = await taskDoc(gw, waiting._id as string)
    expect(woken).toMatchObject({ waiting_for_slot: null })
    expect(new Date(woken.next_attempt_at as Date).getTime()).toBeLessThanOrEqual(gw.clock.now().getTime())
  })
})
