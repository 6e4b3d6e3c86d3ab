/**
 * Image moderation through the gateway: mediaCheckAsync only answers a trace id, the verdict arrives later as a
 * wxa_media_check push (the local checker pushes it to `main` like the platform; tests decide when with
 * flushMediaChecks). Inputs with a bad verdict are refused before charging, outputs stay hidden until every input
 * and output passed, a rejected or unanswered check deletes the outputs and refunds exactly once.
 */
import { mediaCheckPushEvent } from '@aiphoto/runtime'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { credits, expectInvariants, garmentBytes, ledger, pipelineGateway, register, runWorker, taskDoc, upload } from '../generation/pipeline-fixtures'
import { MODERATION_TIMEOUT_MS } from './hold'

vi.setConfig({ testTimeout: 60_000 })

let gw: TestGateway
afterEach(async () => {
  if (gw) await expectInvariants(gw)
  await gw?.close()
})

/** A JPEG the local checker calls risky (JPEG decoders ignore bytes after the end marker). */
const riskyGarment = async () => Buffer.concat([await garmentBytes(), Buffer.from('AIPHOTO-RISKY')])

const generate = (openid: string, file: string) => gw.as(openid).ok('photography/generate', { garment_images: [file], scene_id: 'studio-white', count: 1 })
const progress = (openid: string, taskId: string) => gw.as(openid).ok('photography/getProgress', { task_id: taskId })
const outputsOf = (openid: string, workId: string) => {
  const dir = path.join(gw.rt.dataDir, 'files', `users/${openid}/works`, workId)
  return existsSync(dir) ? readdirSync(dir) : []
}
const refundsOf = async (openid: string) => (await ledger(gw, openid)).filter((e) => e.kind === 'refund')

describe('inputs', () => {
  it('an input whose verdict came back risky is refused before anything is charged', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, 'alice')
    const file = await upload(gw, 'alice', await riskyGarment())
    expect(await gw.flushMediaChecks()).toBe(1)
    expect(await gw.as('alice').call('photography/generate', { garment_images: [file], scene_id: 'studio-white' })).toMatchObject({
      success: false,
      code: 'VALIDATION_FAILED',
      details: { field: 'images', label: 'risky' },
    })
    expect(await credits(gw, 'alice')).toBe(100)
    expect((await gw.rt.db.collection('task_queue').where({ user_openid: 'alice' }).count()).total).toBe(0)
  })

  it('an input still being checked may start a generation, but its outputs wait: a late risky verdict refunds the task', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, 'alice')
    const file = await upload(gw, 'alice', await riskyGarment())
    const res = await generate('alice', file)
    expect(await credits(gw, 'alice')).toBe(80)
    await runWorker(gw)
    expect(await progress('alice', res.task_id)).toMatchObject({ status: 'failed', refunded: 20, error: '输入图片未通过内容安全审核' })
    expect(outputsOf('alice', res.work_id)).toEqual([])
    expect(await credits(gw, 'alice')).toBe(100)
  })
})

describe('outputs', () => {
  it('stay hidden while their check runs, and appear once it passed', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, 'alice')
    const file = await upload(gw, 'alice', await garmentBytes())
    const res = await generate('alice', file)
    await runWorker(gw, { verdicts: false })
    expect(await taskDoc(gw, res.task_id)).toMatchObject({ status: 'processing' })
    const waiting = await progress('alice', res.task_id)
    expect(waiting).toMatchObject({ status: 'processing', stage: '内容安全审核中', progress: 95 })
    expect(waiting.images).toBeUndefined()
    const detail = await gw.as('alice').ok('api/getWorkDetail', { work_id: res.work_id })
    expect(detail.images).toEqual([])
    // A worker pass meanwhile leaves the task alone (no second provider job).
    expect(await gw.system.ok('queue/processTask', {})).toMatchObject({ claimed: 0 })

    expect(await gw.flushMediaChecks()).toBe(2) // the input's and the output's verdicts
    const done = await progress('alice', res.task_id)
    expect(done).toMatchObject({ status: 'completed', progress: 100 })
    expect(done.images).toHaveLength(1)
    expect((await gw.rt.db.collection('notifications').where({ task_id: res.task_id }).get()).data.map((n: { event: string }) => n.event)).toEqual(['task_done'])
  })

  it('a risky output is deleted and the task refunded exactly once; replayed and late verdicts change nothing', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, 'alice')
    const file = await upload(gw, 'alice', await garmentBytes())
    await gw.flushMediaChecks()
    const res = await generate('alice', file)
    gw.rt.mediaCheck.defaultVerdict = 'risky'
    const before = gw.rt.mediaCheck.pending.length
    await runWorker(gw, { verdicts: false })
    const pushes = gw.rt.mediaCheck.pending.slice(before)
    await gw.flushMediaChecks()
    expect(await progress('alice', res.task_id)).toMatchObject({ status: 'failed', refunded: 20, error: '生成结果未通过内容安全审核' })
    expect(outputsOf('alice', res.work_id)).toEqual([])
    // WeChat may deliver a push again; a forged "pass" for the same check is just as late.
    for (const push of pushes) expect(await gw.main(push, {})).toBe('success')
    expect(await gw.main({ ...pushes[0]!, result: { suggest: 'pass', label: '100' } }, {})).toBe('success')
    expect(await refundsOf('alice')).toHaveLength(1)
    expect(await credits(gw, 'alice')).toBe(100)
    expect((await taskDoc(gw, res.task_id)).status).toBe('failed')
  })

  it('no verdict by the deadline: fail closed — outputs deleted, refunded, never shown; a verdict after that changes nothing', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, 'alice')
    const file = await upload(gw, 'alice', await garmentBytes())
    await gw.flushMediaChecks()
    gw.rt.mediaCheck.defaultVerdict = 'silent'
    const res = await generate('alice', file)
    await runWorker(gw)
    expect(await progress('alice', res.task_id)).toMatchObject({ status: 'processing', stage: '内容安全审核中' })
    gw.clock.advance(MODERATION_TIMEOUT_MS - 60_000)
    await runWorker(gw)
    expect((await taskDoc(gw, res.task_id)).status).toBe('processing')
    gw.clock.advance(120_000)
    await runWorker(gw)
    expect(await progress('alice', res.task_id)).toMatchObject({ status: 'failed', refunded: 20, error: '内容安全审核超时' })
    expect(outputsOf('alice', res.work_id)).toEqual([])
    expect(await credits(gw, 'alice')).toBe(100)
    // The verdict finally arrives: the task stays failed, nothing is refunded twice.
    const check = (await gw.rt.db.collection('media_checks').where({ task_id: res.task_id }).get()).data[0] as { _id: string }
    const late = mediaCheckPushEvent({ traceId: check._id, suggest: 'pass', appid: 'wxlocal0000000000', openid: 'alice', at: gw.clock.now() })
    expect(await gw.main(late, {})).toBe('success')
    expect((await taskDoc(gw, res.task_id)).status).toBe('failed')
    expect(await refundsOf('alice')).toHaveLength(1)
  })
})

describe('the push endpoint', () => {
  it('a push naming no recorded check changes nothing and is not acknowledged (the platform retries), whoever sends it', async () => {
    gw = await pipelineGateway({ mediaChecks: 'manual' })
    await register(gw, 'mallory')
    const forged = mediaCheckPushEvent({ traceId: 'guessed-trace-id', suggest: 'pass', appid: 'wxlocal0000000000', openid: 'mallory', at: gw.clock.now() })
    expect(await gw.raw(forged, { kind: 'user', openid: 'mallory', source: 'test' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.main({ MsgType: 'event', Event: 'wxa_media_check', trace_id: 'x', result: { suggest: 'maybe' } }, {})).toBe('success')
    expect((await gw.rt.db.collection('media_checks').count()).total).toBe(0)
  })
})
