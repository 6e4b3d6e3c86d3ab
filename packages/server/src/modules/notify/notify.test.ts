/**
 * Task messages through the CloudBase messages adapter and the fake subscribeMessage.send (which answers like
 * WeChat: 40037 unknown template, 47003 data keys that do not match the template, 43101 no subscription left).
 */
import { createCloudMessages } from '@aiphoto/cloudbase-runtime'
import { createFakeWxCloud, type FakeWxCloud } from '@aiphoto/cloudbase-runtime/testing'
import { parseTemplateKeys } from '@aiphoto/runtime'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { garmentBytes, pipelineGateway, register, runWorker, taskDoc, upload } from '../generation/pipeline-fixtures'

vi.setConfig({ testTimeout: 60_000 })

let gw: TestGateway
afterEach(async () => gw?.close())

const DONE = 'tplDoneAbCdEfGhIjKlMnOpQrStUvWxYz0123456789'
const FAILED = 'tplFailAbCdEfGhIjKlMnOpQrStUvWxYz0123456789'

async function cloudMessagesGateway(keys: { done: string; failed: string }): Promise<{ gw: TestGateway; cloud: FakeWxCloud }> {
  gw = await pipelineGateway({
    config: { templates: { taskDone: { id: DONE, keys: parseTemplateKeys(keys.done) }, taskFailed: { id: FAILED, keys: parseTemplateKeys(keys.failed) } } },
  })
  const cloud = createFakeWxCloud()
  ;(gw.rt as { messages: unknown }).messages = createCloudMessages({ cloud })
  return { gw, cloud }
}

async function generateOnce(openid: string) {
  const g = await upload(gw, openid, await garmentBytes())
  const res = await gw.as(openid).ok('photography/generate', { garment_images: [g], scene_id: 'studio-white', count: 1 })
  await runWorker(gw)
  expect((await taskDoc(gw, res.task_id)).status).toBe('completed')
  return (await gw.rt.db.collection('notifications').where({ task_id: res.task_id }).get()).data[0] as { result: { ok: boolean; errCode?: number } }
}

describe('task messages use the configured template and its keys', () => {
  it('the client is told every template the server may send; a message with the template\'s own keys is delivered once per acceptance', async () => {
    const { cloud } = await cloudMessagesGateway({ done: 'type:thing2,status:phrase5,time:date3', failed: 'type:thing1,note:thing4,time:time3' })
    cloud.templates.set(DONE, ['thing2', 'phrase5', 'date3'])
    expect((await gw.anonymous.ok('photography/getPricing', {})).subscribe_template_ids).toEqual([DONE, FAILED])
    await register(gw, 'oAlice01')
    cloud.acceptSubscription('oAlice01', DONE)
    expect((await generateOnce('oAlice01')).result).toEqual({ ok: true })
    const sent = cloud.callsOf('openapi.subscribeMessage.send')[0]!.params
    expect(Object.keys(sent.data).sort()).toEqual(['date3', 'phrase5', 'thing2'])
    expect(sent.data.phrase5.value).toBe('生成完成')
    // The one-time subscription was used up: the next task's message is refused (43101) and recorded, not retried.
    expect((await generateOnce('oAlice01')).result).toMatchObject({ ok: false, errCode: 43101 })
  })

  it('keys that do not match the console template are refused by WeChat (47003) and recorded', async () => {
    const { cloud } = await cloudMessagesGateway({ done: 'type:thing1,status:phrase2,time:time3,note:thing4', failed: 'type:thing1' })
    cloud.templates.set(DONE, ['thing7', 'time9'])
    await register(gw, 'oBob0001')
    cloud.acceptSubscription('oBob0001', DONE)
    expect((await generateOnce('oBob0001')).result).toMatchObject({ ok: false, errCode: 47003 })
  })

  it('configuration refuses keys that cannot hold the field and a template id without keys', () => {
    expect(() => parseTemplateKeys('note:phrase2')).toThrow(/thing/)
    expect(() => parseTemplateKeys('time:thing3')).toThrow(/time or date/)
    expect(() => parseTemplateKeys('colour:thing1')).toThrow(/field/)
  })
})
