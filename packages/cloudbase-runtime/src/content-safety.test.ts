import { memoryLogger, parseMediaCheckPush } from '@aiphoto/runtime'
import { beforeEach, describe, expect, it } from 'vitest'
import { ContentSafetyUnavailableError, createCloudContentSafety } from './content-safety'
import { createCloudStorage } from './storage'
import { createFakeWxCloud, FAKE_BUCKET, FakeCloudSDKError, type FakeWxCloud } from './testing/fake-wx-cloud'

let cloud: FakeWxCloud
let logger: ReturnType<typeof memoryLogger>
let safety: ReturnType<typeof createCloudContentSafety>
beforeEach(() => {
  cloud = createFakeWxCloud()
  logger = memoryLogger()
  safety = createCloudContentSafety({ cloud, storage: createCloudStorage({ cloud, logger }), logger })
})

const risky = (suggest: string, label: number) => async () => ({ traceId: 't', result: { suggest, label }, detail: [], errCode: 0, errMsg: 'ok' })

describe('text (msgSecCheck 2.0)', () => {
  it('calls msgSecCheck with content, version 2, the scene number and the openid', async () => {
    expect(await safety.checkText({ text: '小明', openid: 'oUser1', scene: 'profile' })).toEqual({ ok: true })
    await safety.checkText({ text: '海边', openid: 'oUser1', scene: 'generation' })
    expect(cloud.callsOf('openapi.security.msgSecCheck').map((c) => c.params)).toEqual([
      { content: '小明', version: 2, scene: 1, openid: 'oUser1' },
      { content: '海边', version: 2, scene: 2, openid: 'oUser1' },
    ])
  })

  it('rejects anything but suggest "pass", with a readable label', async () => {
    cloud.handlers.msgSecCheck = risky('risky', 20002)
    expect(await safety.checkText({ text: 'x', openid: 'o', scene: 'profile' })).toEqual({ ok: false, label: 'porn' })
    cloud.handlers.msgSecCheck = risky('review', 20001)
    expect(await safety.checkText({ text: 'x', openid: 'o', scene: 'profile' })).toEqual({ ok: false, label: 'politics' })
    cloud.handlers.msgSecCheck = risky('risky', 99999)
    expect(await safety.checkText({ text: 'x', openid: 'o', scene: 'profile' })).toEqual({ ok: false, label: 'risky' })
    expect(logger.lines.filter((l) => l.includes('content_rejected'))).toHaveLength(3)
  })

  it('treats the legacy 87014 code as risky content', async () => {
    cloud.handlers.msgSecCheck = async () => {
      throw new FakeCloudSDKError(87014, 'openapi.security.msgSecCheck:fail risky content')
    }
    expect(await safety.checkText({ text: 'x', openid: 'o', scene: 'profile' })).toEqual({ ok: false, label: 'risky' })
  })

  it('fails closed: a failed check throws instead of letting the text through', async () => {
    cloud.handlers.msgSecCheck = async () => {
      throw new FakeCloudSDKError(61010, 'openapi.security.msgSecCheck:fail user access expired')
    }
    const err = await safety.checkText({ text: 'x', openid: 'o', scene: 'profile' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ContentSafetyUnavailableError)
    expect(err).toMatchObject({ errCode: 61010 })
    expect(logger.lines.join('\n')).toContain('content_check_failed')

    cloud.handlers.msgSecCheck = async () => ({ errCode: 0, errMsg: 'ok' })
    await expect(safety.checkText({ text: 'x', openid: 'o', scene: 'profile' })).rejects.toBeInstanceOf(ContentSafetyUnavailableError)
  })
})

describe('images (mediaCheckAsync, asynchronous)', () => {
  it('submits a temp URL of the file and answers the trace id; the verdict only arrives later, as a push', async () => {
    const fileId = `${FAKE_BUCKET}/users/oUser1/in/a.jpg`
    cloud.files.set(fileId, Buffer.from('img'))
    cloud.mediaCheck.verdictFor = () => 'risky'
    const pushes: Array<Record<string, unknown>> = []
    cloud.mediaCheck.push = async (event) => void pushes.push(event)
    const { traceId } = await safety.submitImage({ fileId, openid: 'oUser1' })
    const [call] = cloud.callsOf('openapi.security.mediaCheckAsync')
    expect(call!.params).toEqual({ mediaUrl: expect.stringMatching(/^https:\/\/.*users\/oUser1\/in\/a\.jpg/), mediaType: 2, version: 2, scene: 1, openid: 'oUser1' })
    expect(cloud.callsOf('getTempFileURL')[0]!.params.fileList[0]).toEqual({ fileID: fileId, maxAge: 3600 })
    expect(pushes).toEqual([])
    await cloud.mediaCheck.flush()
    expect(parseMediaCheckPush(pushes[0]!)).toEqual({ traceId, suggest: 'risky', label: '20002', appid: cloud.mediaCheck.appid, openid: 'oUser1' })
  })

  it('throws when the submission fails or the file has no URL (the image stays unchecked, never passed)', async () => {
    const fileId = `${FAKE_BUCKET}/users/oUser1/in/a.jpg`
    cloud.files.set(fileId, Buffer.from('img'))
    cloud.handlers.mediaCheckAsync = async () => {
      throw new FakeCloudSDKError(-1, 'system busy')
    }
    await expect(safety.submitImage({ fileId, openid: 'oUser1' })).rejects.toBeInstanceOf(ContentSafetyUnavailableError)
    expect(logger.lines.join('\n')).toContain('content_check_failed')
    await expect(safety.submitImage({ fileId: `${FAKE_BUCKET}/users/oUser1/gone.jpg`, openid: 'oUser1' })).rejects.toBeInstanceOf(ContentSafetyUnavailableError)
    expect(cloud.callsOf('openapi.security.mediaCheckAsync')).toHaveLength(1)
  })

  it('the fake refuses what the API refuses: no openid, wrong version', async () => {
    await expect(cloud.openapi.security.mediaCheckAsync({ mediaUrl: 'https://x/y.jpg', mediaType: 2, version: 2, scene: 1, openid: '' })).rejects.toMatchObject({ errCode: 40003 })
    await expect(cloud.openapi.security.mediaCheckAsync({ mediaUrl: 'https://x/y.jpg', mediaType: 2, version: 1 as 2, scene: 1, openid: 'oUser1' })).rejects.toMatchObject({ errCode: 47001 })
  })
})
