/**
 * A worker holding a task polls its provider in place; every database request is billed on CloudBase
 * (bench: cloudbase-cost). What it costs must not grow with the number of polls.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { addProviderConfig, garmentBytes, pipelineGateway, register, runWorker, taskDoc, upload, withProviders } from '../generation/pipeline-fixtures'
import { createScript, scriptedProvider } from './scripted-provider'

vi.setConfig({ testTimeout: 60_000 })

let gw: TestGateway | null = null
afterEach(async () => {
  await gw?.close()
  gw = null
})

/** Database requests on task_queue during one worker pass that completes a job needing `polls` polls. */
async function taskRequestsFor(polls: number): Promise<number> {
  const script = createScript(await garmentBytes())
  let left = polls
  script.onSubmit = () => ({ state: 'running', providerTaskId: 'job-1' })
  script.onPoll = (id) => (--left > 0 ? { state: 'running', providerTaskId: id } : { state: 'succeeded', images: [{ bytes: script.image, contentType: 'image/jpeg' }] })
  gw = await pipelineGateway({ providers: withProviders({ scripted: () => scriptedProvider(script) }) })
  await gw.rt.db.collection('api_configs').doc('local-compositor').update({ is_active: false })
  await addProviderConfig(gw, { _id: 'scripted-1', provider: 'scripted', priority: 5, poll_interval_ms: 20 })
  await register(gw, 'alice')
  const g = await upload(gw, 'alice', await garmentBytes())
  const res = await gw.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 1 })
  let n = 0
  gw.rt.database.setInterceptor((_action, params, next) => {
    if (params?.collectionName === 'task_queue') n++
    return next()
  })
  await runWorker(gw, { budget_ms: 20_000 })
  gw.rt.database.setInterceptor(null)
  expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'completed' })
  expect(script.polls).toBe(polls)
  await gw.close()
  gw = null
  return n
}

describe('a held task polled in place', () => {
  it('costs far less than one task_queue request per poll', async () => {
    // Before: every poll wrote the task (progress, lease) and re-read it (cancel check): 2 requests a poll, so 10
    // more polls cost 20 more requests. Now only the cancel check every 5 s of wall time remains.
    const few = await taskRequestsFor(2)
    const many = await taskRequestsFor(12)
    expect(many - few).toBeLessThan(10)
  })
})
