/**
 * getProgress is what the app polls while a task runs; on CloudBase each database request is a billed operation.
 * A poll that finds nothing changed must cost one read (bench: cloudbase-cost).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { TestGateway } from '../../testing'
import { garmentBytes, pipelineGateway, register, upload } from './pipeline-fixtures'

let gw: TestGateway | null = null
afterEach(async () => {
  await gw?.close()
  gw = null
})

/** Database requests (by action) made during one call. */
async function requestsOf(gw: TestGateway, call: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = []
  gw.rt.database.setInterceptor((action, _params, next) => {
    seen.push(action)
    return next()
  })
  try {
    await call()
  } finally {
    gw.rt.database.setInterceptor(null)
  }
  return seen
}

describe('getProgress when nothing changed', () => {
  it('reads only the task document: held by a worker, or waiting out a retry backoff', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const g = await upload(gw, 'alice', await garmentBytes())
    const gen = () => gw!.as('alice').ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 1 })
    const later = new Date(gw.clock.now().getTime() + 10 * 60_000)
    const held = await gen()
    await gw.rt.db.collection('task_queue').doc(held.task_id).update({ status: 'processing', lease_id: 'w1', lease_until: later, provider_id: 'local-compositor', provider_task_id: 'p1' })
    const waiting = await gen()
    await gw.rt.db.collection('task_queue').doc(waiting.task_id).update({ attempts: 1, next_attempt_at: later })

    for (const task of [held, waiting]) {
      const seen = await requestsOf(gw, () => gw!.as('alice').ok('photography/getProgress', { task_id: task.task_id }))
      expect(seen).toEqual(['database.getDocument'])
    }
  })
})
