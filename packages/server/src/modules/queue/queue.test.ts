import { startFakeDashScope, startFakeStability } from '@aiphoto/imaging/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { addProviderConfig, credits, expectInvariants, garmentBytes, jpegSize, ledger, personBytes, pipelineGateway, register, runWorker, taskDoc, upload, withProviders } from '../generation/pipeline-fixtures'
import { createScript, gate, scriptedProvider, until, type Script } from './scripted-provider'

// Real image rendering and several worker passes per test: generous under a loaded machine.
vi.setConfig({ testTimeout: 60_000 })

let gw: TestGateway
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  if (gw) await expectInvariants(gw)
  await gw?.close()
  for (const c of cleanups.splice(0)) await c()
})

/** A gateway whose only provider is the scripted one (the seeded local config is switched off). */
async function scriptedGateway(): Promise<{ gw: TestGateway; script: Script }> {
  const script = createScript(await garmentBytes())
  gw = await pipelineGateway({ providers: withProviders({ scripted: () => scriptedProvider(script) }) })
  await gw.rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
  await addProviderConfig(gw, { _id: 'scripted-1', provider: 'scripted', priority: 5 })
  return { gw, script }
}

async function photo(gw: TestGateway, openid: string, count = 1, extra: Record<string, unknown> = {}) {
  const g = await upload(gw, openid, await garmentBytes())
  return gw.as(openid).ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count, ...extra })
}

const refunds = async (gw: TestGateway, openid: string) => (await ledger(gw, openid)).filter((e) => e.kind === 'refund')

describe('providers: failover and circuit breaker', () => {
  it('fails over from a failing Stability to the local compositor and counts the failure on Stability', async () => {
    const stability = await startFakeStability()
    cleanups.push(() => stability.close())
    gw = await pipelineGateway()
    await addProviderConfig(gw, { _id: 'stability', provider: 'stability', api_name: 'core', endpoint: stability.url, headers: { Authorization: 'Bearer test-stability-key' }, priority: 10 })
    // An operator's explicit opt-in: by default the stand-in never serves a kind a real provider is configured for.
    await gw.rt.db.collection('api_configs').doc('local-compositor').update({ default_params: { serve_with_remote: true } })
    stability.failNext('server-error', 1)
    await register(gw, 'alice')
    const res = await photo(gw, 'alice')
    expect(await runWorker(gw)).toMatchObject({ claimed: 1, running: 1 }) // held for the image check, completed by its verdict
    const t = await taskDoc(gw, res.task_id)
    // Two attempts: the cut-out (built-in compositor), then the scene step (Stability failed, local took it).
    expect(t).toMatchObject({ status: 'completed', attempts: 2, result: { provider_id: 'local-compositor' } })
    expect(stability.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    // The key reached the provider decrypted, and is stored encrypted.
    expect(stability.requests[0]!.headers.authorization).toBe('Bearer test-stability-key')
    const cfg = (await gw.rt.db.collection('api_configs').doc('stability').get()).data[0]
    expect(cfg.failures).toBe(1)
    expect(JSON.stringify(cfg.headers)).not.toContain('test-stability-key')

    // Healthy again: the higher priority wins and its image (bytes from the fake) is stored.
    const res2 = await photo(gw, 'alice')
    await runWorker(gw)
    expect(await taskDoc(gw, res2.task_id)).toMatchObject({ status: 'completed', result: { provider_id: 'stability' } })
    expect((await gw.rt.db.collection('api_configs').doc('stability').get()).data[0].failures).toBe(0)
  }, 60_000)

  it('never hands a paying user the local stand-in once a real provider is configured: a failing Stability is retried, not replaced', async () => {
    const stability = await startFakeStability()
    cleanups.push(() => stability.close())
    gw = await pipelineGateway()
    await addProviderConfig(gw, { _id: 'stability', provider: 'stability', api_name: 'core', endpoint: stability.url, headers: { Authorization: 'Bearer test-stability-key' }, priority: 10 })
    stability.failNext('server-error', 1)
    await register(gw, 'alice')
    const res = await photo(gw, 'alice')
    await runWorker(gw)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'pending' })
    for (let i = 0; i < 5 && (await taskDoc(gw, res.task_id)).status !== 'completed'; i++) {
      gw.clock.advance(60_000)
      await runWorker(gw)
    }
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', result: { provider_id: 'stability' } })
    expect(stability.requests.filter((r) => r.method === 'POST')).toHaveLength(2)
  }, 60_000)

  it('polls an asynchronous DashScope try-on across calls and copies its result URL into storage', async () => {
    const dash = await startFakeDashScope({ pollsBeforeDone: 2 })
    cleanups.push(() => dash.close())
    gw = await pipelineGateway()
    await addProviderConfig(gw, { _id: 'dashscope', provider: 'dashscope', api_name: 'aitryon', endpoint: dash.url, headers: { Authorization: 'Bearer test-dashscope-key' }, priority: 10, poll_interval_ms: 100 })
    await register(gw, 'bob')
    const person = await upload(gw, 'bob', await personBytes(), 'person.jpg')
    const garment = await upload(gw, 'bob', await garmentBytes(), 'garment.jpg')
    const res = await gw.as('bob').ok('fitting/generate', { person_image: person, garment_image: garment })
    // One step at a time (getProgress never waits): submit → running, then polls once the poll is due.
    const first = await gw.as('bob').ok('photography/getProgress', { task_id: res.task_id })
    expect(first).toMatchObject({ status: 'processing', stage: '模型绘制中，请稍候' })
    expect((await taskDoc(gw, res.task_id)).provider_task_id).toBeTruthy()
    for (let i = 0; i < 6 && (await taskDoc(gw, res.task_id)).status !== 'completed'; i++) {
      gw.clock.advance(101)
      await gw.as('bob').ok('photography/getProgress', { task_id: res.task_id })
    }
    const t = await taskDoc(gw, res.task_id)
    expect(t).toMatchObject({ status: 'completed', result: { provider_id: 'dashscope' } })
    const work = await gw.as('bob').ok('api/getWorkDetail', { work_id: res.work_id })
    const bytes = await gw.rt.storage.download(work.images[0]!)
    expect(jpegSize(bytes) ?? bytes.subarray(1, 4).toString('latin1')).toBeTruthy()
    expect(dash.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/tasks/'))).toHaveLength(3)
    expect(work.images[0]).toMatch(/^local:\/\/users\/bob\/works\//)
  }, 60_000)

  it('opens the circuit after 3 consecutive failures, skips the provider, and tries it again after the cool-down', async () => {
    const stability = await startFakeStability()
    cleanups.push(() => stability.close())
    gw = await pipelineGateway()
    await addProviderConfig(gw, { _id: 'stability', provider: 'stability', api_name: 'core', endpoint: stability.url, headers: { Authorization: 'Bearer test-stability-key' }, priority: 10 })
    await gw.rt.db.collection('api_configs').doc('local-compositor').update({ default_params: { serve_with_remote: true } })
    stability.failNext('server-error', 3)
    await register(gw, 'alice')
    const posts = () => stability.requests.filter((r) => r.method === 'POST').length
    for (let i = 0; i < 3; i++) {
      await photo(gw, 'alice')
      await runWorker(gw)
    }
    expect(posts()).toBe(3)
    const cfg = (await gw.rt.db.collection('api_configs').doc('stability').get()).data[0]
    expect(cfg.failures).toBe(3)
    expect(new Date(cfg.open_until).getTime()).toBe(gw.clock.now().getTime() + 60_000)
    await photo(gw, 'alice')
    await runWorker(gw)
    expect(posts()).toBe(3) // skipped while open; the local compositor served it
    gw.clock.advance(61_000)
    await photo(gw, 'alice')
    await runWorker(gw)
    expect(posts()).toBe(4) // half-open: tried again, succeeded, closed
    expect((await gw.rt.db.collection('api_configs').doc('stability').get()).data[0]).toMatchObject({ failures: 0, open_until: null })
    const done = (await gw.rt.db.collection('task_queue').where({ user_openid: 'alice', status: 'completed' }).count()).total
    expect(done).toBe(5)
  }, 90_000)
})

describe('retries, failure and refunds', () => {
  it('all providers failing: retries with backoff (5 s, 30 s, 2 min), then fails and refunds exactly once', async () => {
    const { gw, script } = await scriptedGateway()
    script.onSubmit = () => ({ state: 'failed', retryable: true, reason: 'upstream 503' })
    await register(gw, 'alice')
    const res = await photo(gw, 'alice', 2)
    expect(await credits(gw, 'alice')).toBe(60)
    await runWorker(gw)
    // attempts counts the task's provider attempts (the built-in cut-out was the first); the limit applies per unit.
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'pending', attempts: 2, unit_attempts: 1, step_index: 1 })
    const waiting = await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })
    expect(waiting).toMatchObject({ status: 'pending', stage: '生成遇到问题，正在重试' })
    // Waiting out a backoff is not waiting in line: no queue position (and no count query for it).
    expect(waiting.queue_position).toBeUndefined()
    await runWorker(gw) // not due yet
    expect((await taskDoc(gw, res.task_id)).attempts).toBe(2)
    for (const wait of [5_000, 30_000, 120_000]) {
      gw.clock.advance(wait)
      await runWorker(gw)
    }
    const t = await taskDoc(gw, res.task_id)
    expect(t).toMatchObject({ status: 'failed', attempts: 5, refunded: 40, steps: [{ kind: 'cutout' }, { kind: 'scene', units: [{ count: 2, outputs: null, failed: 'upstream 503' }] }] })
    expect(await refunds(gw, 'alice')).toEqual([expect.objectContaining({ _id: `refund:${res.task_id}`, delta: 40 })])
    expect(await credits(gw, 'alice')).toBe(100)
    expect(await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })).toMatchObject({ status: 'failed', refunded: 40, progress: 100 })
    // Nothing can refund it again.
    expect(await gw.as('alice').call('api/cancelTask', { task_id: res.task_id })).toMatchObject({ success: false, code: 'CONFLICT' })
    expect((await gw.as('alice').ok('api/deleteWork', { work_id: res.work_id })).refunded).toBe(0)
    gw.clock.advance(600_000)
    await runWorker(gw)
    expect(await credits(gw, 'alice')).toBe(100)
    const notes = (await gw.rt.db.collection('notifications').where({ task_id: res.task_id }).get()).data
    expect(notes.map((n: { event: string }) => n.event)).toEqual(['task_failed'])
    // What the user received (the local outbox): one message, opening the work's detail page.
    const outbox = (await gw.rt.db.collection('message_outbox').where({ user_openid: 'alice' }).get()).data
    expect(outbox).toEqual([expect.objectContaining({ template_id: 'local-task_failed', page: `package-works/detail/index?id=${res.work_id}` })])
  })

  it('a non-retryable failure fails at once', async () => {
    const { gw, script } = await scriptedGateway()
    script.onSubmit = () => ({ state: 'failed', retryable: false, reason: 'image rejected by provider' })
    await register(gw, 'alice')
    const res = await photo(gw, 'alice')
    await runWorker(gw)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'failed', attempts: 2, unit_attempts: 0, refunded: 20 })
  })

  it('fewer images than paid for: completed with the difference refunded under the one refund key', async () => {
    const { gw, script } = await scriptedGateway()
    script.onSubmit = () => ({ state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] })
    await register(gw, 'alice')
    const res = await photo(gw, 'alice', 3)
    expect(await credits(gw, 'alice')).toBe(40)
    await runWorker(gw)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', refunded: 40 })
    expect(await refunds(gw, 'alice')).toEqual([expect.objectContaining({ _id: `refund:${res.task_id}`, delta: 40 })])
    expect(await credits(gw, 'alice')).toBe(80)
    expect(await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })).toMatchObject({ image_count: 1, refunded: 40, status: 'completed' })
    expect(await gw.as('alice').call('api/cancelTask', { task_id: res.task_id })).toMatchObject({ success: false, code: 'CONFLICT' })
    expect(await gw.as('alice').ok('api/deleteWork', { work_id: res.work_id })).toEqual({ deleted: true, refunded: 0 })
    expect(await credits(gw, 'alice')).toBe(80)
  })
})

describe('leases: a worker killed mid-task', () => {
  it('is reclaimed after the lease: completed once, and the stale worker can neither settle nor touch the files', async () => {
    const { gw, script } = await scriptedGateway()
    const held = gate<void>()
    let calls = 0
    script.onSubmit = async (job) => {
      calls++
      if (calls === 1) await held.promise // the first worker hangs (killed, frozen instance)
      return { state: 'succeeded', images: Array.from({ length: job.count }, () => ({ bytes: script.image, contentType: 'image/jpeg' })) }
    }
    await register(gw, 'alice')
    const res = await photo(gw, 'alice', 2)
    const dropped = runWorker(gw) // never awaited until the end: the "killed" pass
    await until(() => calls === 1)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'processing', attempts: 2, step_index: 1 })
    // Before the lease ends nobody else may take it.
    expect(await runWorker(gw)).toMatchObject({ claimed: 0 })
    gw.clock.advance(2 * 60_000 + 1)
    // Stored and held for the image check (counted running); its verdict completes it.
    expect(await runWorker(gw)).toMatchObject({ claimed: 1, running: 1 })
    const done = await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })
    expect(done.image_count).toBe(2)
    held.open()
    await dropped
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', attempts: 3, refunded: 0 })
    for (const f of done.images) expect(await gw.rt.storage.stat(f), f).not.toBeNull()
    expect(await refunds(gw, 'alice')).toEqual([])
    expect(await credits(gw, 'alice')).toBe(60)
  })

  it('a crash after the provider accepted the job resumes polling instead of paying twice', async () => {
    const { gw, script } = await scriptedGateway()
    let ready = false
    script.onSubmit = () => ({ state: 'running', providerTaskId: 'job-1', progress: 0.2 })
    script.onPoll = () => (ready ? { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] } : { state: 'running', providerTaskId: 'job-1', progress: 0.6 })
    await register(gw, 'alice')
    const res = await photo(gw, 'alice')
    expect(await runWorker(gw, { budget_ms: 1000 })).toMatchObject({ claimed: 1, running: 1 })
    // The pass polled in place until its budget ran out, then let the job go with its provider task id.
    // Step 2/2 (the scene; the cut-out was step 1) at the provider's 60 %: 5 + 90 × (1 + 0.1 + 0.8 × 0.6) / 2 = 76.
    expect(await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })).toMatchObject({ status: 'processing', progress: 76, stage: '生成场景 2/2', step: { index: 2, total: 2, kind: 'scene' } })
    const polls = script.polls
    gw.clock.advance(60)
    expect(await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })).toMatchObject({ status: 'processing', progress: 76 })
    expect(script.polls).toBe(polls + 1)
    ready = true
    gw.clock.advance(60)
    await runWorker(gw)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', attempts: 2 })
    expect(script.submits).toHaveLength(1)
  })
})

describe('an accepted provider job is never resubmitted', () => {
  // Before: a retryable failure while polling (network, 5xx, a malformed answer) or a result that could not be
  // copied cleared provider_task_id and sent the task back to pending, so the next claim paid for a second job.
  async function acceptedJob(onPoll: Script['onPoll']) {
    const { gw, script } = await scriptedGateway()
    script.onSubmit = () => ({ state: 'running', providerTaskId: 'job-1', progress: 0.2 })
    script.onPoll = onPoll
    await register(gw, 'alice')
    const res = await photo(gw, 'alice')
    return { gw, script, res }
  }

  // Whether a pass polls in place depends on its time budget (real time), so passes run until the poll happened.
  async function untilPolled(gw: TestGateway, polled: () => boolean) {
    for (let i = 0; i < 5 && !polled(); i++) {
      await runWorker(gw, { budget_ms: 1000 })
      if (!polled()) gw.clock.advance(1_001)
    }
    expect(polled()).toBe(true)
  }
  async function passesUntilSettled(gw: TestGateway, taskId: string) {
    for (let i = 0; i < 5 && (await taskDoc(gw, taskId)).status === 'processing'; i++) {
      gw.clock.advance(6_000)
      await runWorker(gw)
    }
  }

  it('a transient poll failure polls the same job again later', async () => {
    let polls = 0
    const { gw, script, res } = await acceptedJob(() => {
      polls++
      if (polls === 1) return { state: 'failed', retryable: true, reason: 'poll: HTTP 503' }
      return { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] }
    })
    await untilPolled(gw, () => polls >= 1)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'processing', provider_task_id: 'job-1', error: 'poll: HTTP 503' })
    await passesUntilSettled(gw, res.task_id)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', refunded: 0 })
    expect(script.submits).toHaveLength(1)
  })

  it('a succeeded job whose result could not be stored is polled again for it', async () => {
    let polls = 0
    const { gw, script, res } = await acceptedJob(() => {
      polls++
      // An empty download stands for a failed one: nothing usable was stored.
      return { state: 'succeeded', images: [{ bytes: polls === 1 ? Buffer.alloc(0) : script.image, contentType: 'image/jpeg' }] }
    })
    await untilPolled(gw, () => polls >= 1)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'processing', provider_task_id: 'job-1' })
    await passesUntilSettled(gw, res.task_id)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed', refunded: 0 })
    expect(script.submits).toHaveLength(1)
    expect(polls).toBe(2)
  })

  it('a job that keeps failing to answer is given up after the job timeout: failed and refunded, never resubmitted', async () => {
    const { gw, script, res } = await acceptedJob(() => ({ state: 'failed', retryable: true, reason: 'poll: network error' }))
    for (let i = 0; i < 25 && !['failed', 'completed'].includes((await taskDoc(gw, res.task_id)).status); i++) {
      await runWorker(gw, { budget_ms: 1000 })
      gw.clock.advance(60_000)
    }
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'failed', refunded: res.cost })
    expect(script.submits).toHaveLength(1)
    expect(await credits(gw, 'alice')).toBe(100)
  })
})

describe('cancel races', () => {
  it('cancelling a queued task refunds once even when raced with itself and deleteWork; the worker skips it', async () => {
    const { gw, script } = await scriptedGateway()
    await register(gw, 'alice')
    const res = await photo(gw, 'alice', 2)
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => gw.as('alice').call('api/cancelTask', { task_id: res.task_id })),
      gw.as('alice').call('api/deleteWork', { work_id: res.work_id }),
    ])
    const refundedTotal = results.reduce((s, r) => s + (r.success && 'refunded' in r.data ? 0 : 0), 0)
    expect(refundedTotal).toBe(0)
    expect(await refunds(gw, 'alice')).toEqual([expect.objectContaining({ _id: `refund:${res.task_id}`, delta: 40 })])
    expect(await credits(gw, 'alice')).toBe(100)
    expect((await taskDoc(gw, res.task_id)).status).toBe('cancelled')
    expect(await runWorker(gw)).toMatchObject({ claimed: 0 })
    expect(script.submits).toHaveLength(0)
  })

  it('cancelling while the provider works: refunded, the worker stops and stores nothing', async () => {
    const { gw, script } = await scriptedGateway()
    const held = gate<void>()
    script.onSubmit = async (job) => {
      await held.promise
      return { state: 'succeeded', images: Array.from({ length: job.count }, () => ({ bytes: script.image, contentType: 'image/jpeg' })) }
    }
    await register(gw, 'alice')
    const res = await photo(gw, 'alice')
    const pass = runWorker(gw)
    await until(() => script.submits.length === 1)
    expect(await gw.as('alice').ok('api/cancelTask', { task_id: res.task_id })).toEqual({ status: 'cancelled', refunded: 20 })
    expect(await gw.as('alice').ok('api/cancelTask', { task_id: res.task_id })).toEqual({ status: 'cancelled', refunded: 20 })
    held.open()
    expect(await pass).toMatchObject({ completed: 0 })
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'cancelled', refunded: 20 })
    expect((await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })).image_count).toBe(0)
    expect(await gw.as('alice').ok('photography/getProgress', { task_id: res.task_id })).toMatchObject({ status: 'cancelled', refunded: 20 })
    expect(await credits(gw, 'alice')).toBe(100)
  })

  it('cancel racing the worker\'s completion: either completed (no refund) or cancelled (refunded), never both', async () => {
    const { gw } = await scriptedGateway()
    await register(gw, 'alice')
    for (let i = 0; i < 4; i++) {
      const res = await photo(gw, 'alice')
      const [cancel] = await Promise.all([gw.as('alice').call('api/cancelTask', { task_id: res.task_id }), runWorker(gw)])
      const t = await taskDoc(gw, res.task_id)
      const refund = (await refunds(gw, 'alice')).filter((e) => e._id === `refund:${res.task_id}`)
      if (t.status === 'completed') {
        expect(cancel).toMatchObject({ success: false, code: 'CONFLICT' })
        expect(refund).toEqual([])
      } else {
        expect(t.status).toBe('cancelled')
        expect(cancel).toMatchObject({ success: true, data: { refunded: 20 } })
        expect(refund).toHaveLength(1)
        expect((await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })).image_count).toBe(0)
      }
    }
  })
})

describe('notifications and internal actions', () => {
  it('records a refused subscribe message (43101) once and never retries it', async () => {
    const { gw } = await scriptedGateway()
    let sent = 0
    gw.rt.messages = { sendSubscribe: async () => (sent++, { ok: false, errCode: 43101, errMsg: 'user refuse to accept the msg' }) }
    await register(gw, 'alice')
    const res = await photo(gw, 'alice')
    await runWorker(gw)
    expect((await taskDoc(gw, res.task_id)).status).toBe('completed')
    expect(await gw.system.ok('notify/sendMessage', { task_id: res.task_id, event: 'task_done' })).toEqual({ sent: false, err_code: 43101, err_msg: 'user refuse to accept the msg' })
    expect(sent).toBe(1)
    expect(await gw.system.call('notify/sendMessage', { task_id: res.task_id, event: 'task_failed' })).toMatchObject({ success: false, code: 'CONFLICT' })
    expect(await gw.as('alice').call('notify/sendMessage', { task_id: res.task_id, event: 'task_done' })).toMatchObject({ success: false, code: 'FORBIDDEN' })
  })

  it('queue/* is system-only; addTask skips a backoff; the timer trigger runs a pass', async () => {
    const { gw, script } = await scriptedGateway()
    let fail = true
    script.onSubmit = (job) => (fail ? { state: 'failed', retryable: true, reason: 'flaky' } : { state: 'succeeded', images: Array.from({ length: job.count }, () => ({ bytes: script.image, contentType: 'image/jpeg' })) })
    await register(gw, 'alice')
    const res = await photo(gw, 'alice')
    expect(await gw.as('alice').call('queue/processTask', {})).toMatchObject({ success: false, code: 'FORBIDDEN' })
    expect(await gw.as('alice').call('queue/addTask', { task_id: res.task_id })).toMatchObject({ success: false, code: 'FORBIDDEN' })
    await runWorker(gw)
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'pending', attempts: 2, unit_attempts: 1 })
    fail = false
    expect(await gw.system.ok('queue/addTask', { task_id: res.task_id })).toEqual({ task_id: res.task_id, status: 'pending' })
    const timer = (await gw.raw({ Type: 'Timer', TriggerName: 'worker', Time: gw.clock.now().toISOString() }, { kind: 'system', source: 'timer' })) as { success: boolean; data: { worker: { completed: number } } }
    // The pass stores the result and holds it for its image check; the verdict (pushed later) completes it.
    expect(timer).toMatchObject({ success: true, data: { worker: { claimed: 1, running: 1 } } })
    expect((await taskDoc(gw, res.task_id)).status).toBe('completed')
    expect(await gw.system.call('queue/addTask', { task_id: 'nope' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
  })
})
