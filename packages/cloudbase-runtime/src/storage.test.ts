import { memoryLogger } from '@aiphoto/runtime'
import { beforeEach, describe, expect, it } from 'vitest'
import { cloudPathOfFileId, createCloudStorage, ownerOf, StorageError } from './storage'
import { createFakeWxCloud, FAKE_BUCKET, FakeCloudSDKError, type FakeWxCloud } from './testing/fake-wx-cloud'

let cloud: FakeWxCloud
let logger: ReturnType<typeof memoryLogger>
let storage: ReturnType<typeof createCloudStorage>

beforeEach(() => {
  cloud = createFakeWxCloud()
  logger = memoryLogger()
  storage = createCloudStorage({ cloud, logger, fetch: cloud.fetch })
})

const idOf = (p: string) => `${FAKE_BUCKET}/${p}`

describe('file ids and owners', () => {
  it('reads the cloud path after the bucket and the owner from users/<openid>/', () => {
    expect(cloudPathOfFileId(idOf('users/oAbc_1-2/in/a.jpg'))).toBe('users/oAbc_1-2/in/a.jpg')
    expect(ownerOf('users/oAbc_1-2/in/a.jpg')).toBe('oAbc_1-2')
    expect(ownerOf('scenes/beach.jpg')).toBeNull()
    expect(ownerOf('users/a.jpg')).toBeNull()
  })

  it('rejects ids that are not cloud file ids or escape their folder', () => {
    expect(cloudPathOfFileId('local://users/o1/a.jpg')).toBeNull()
    expect(cloudPathOfFileId('cloud://bucket-only')).toBeNull()
    expect(cloudPathOfFileId(idOf('users/o1/../o2/a.jpg'))).toBeNull()
    expect(cloudPathOfFileId(idOf('/abs.jpg'))).toBeNull()
  })
})

describe('upload / download', () => {
  it('uploads with cloudPath + fileContent and returns the SDK fileID', async () => {
    const { fileId } = await storage.upload({ cloudPath: 'users/o1/in/a.jpg', content: Buffer.from('abc') })
    expect(fileId).toBe(idOf('users/o1/in/a.jpg'))
    expect(cloud.callsOf('uploadFile')).toEqual([{ api: 'uploadFile', params: { cloudPath: 'users/o1/in/a.jpg', fileContent: { buffer: 3 } } }])
    expect((await storage.download(fileId)).toString()).toBe('abc')
    expect(cloud.callsOf('downloadFile')[0]!.params).toEqual({ fileID: fileId })
  })

  it('refuses unsafe cloud paths without calling the SDK', async () => {
    for (const cloudPath of ['../x.jpg', '/x.jpg', 'users//x.jpg', 'a b.jpg', 'users/./x.jpg']) {
      await expect(storage.upload({ cloudPath, content: Buffer.from('x') })).rejects.toMatchObject({ name: 'StorageError', code: 'INVALID_PATH' })
    }
    expect(cloud.callsOf('uploadFile')).toHaveLength(0)
  })

  it('maps a missing file to NOT_FOUND and other SDK failures to UNAVAILABLE', async () => {
    await expect(storage.download(idOf('users/o1/nope.jpg'))).rejects.toMatchObject({ code: 'NOT_FOUND' })
    cloud.handlers.downloadFile = async () => {
      throw new FakeCloudSDKError(-501001, 'downloadFile:fail system error')
    }
    const err = await storage.download(idOf('users/o1/a.jpg')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect(err).toMatchObject({ code: 'UNAVAILABLE' })
    cloud.handlers.uploadFile = async () => {
      throw new FakeCloudSDKError(-503002, 'uploadFile:fail exceed authority')
    }
    await expect(storage.upload({ cloudPath: 'users/o1/b.jpg', content: Buffer.from('x') })).rejects.toMatchObject({ code: 'UNAVAILABLE' })
  })

  it('refuses to download something that is not a cloud file id', async () => {
    await expect(storage.download('https://evil.test/a.jpg')).rejects.toMatchObject({ code: 'INVALID_PATH' })
    expect(cloud.callsOf('downloadFile')).toHaveLength(0)
  })
})

describe('getTempUrls', () => {
  it('keeps the input order, passes maxAge, and answers null for missing or foreign ids', async () => {
    const a = (await storage.upload({ cloudPath: 'users/o1/a.jpg', content: Buffer.from('a') })).fileId
    const b = (await storage.upload({ cloudPath: 'scenes/b.jpg', content: Buffer.from('b') })).fileId
    const missing = idOf('users/o1/gone.jpg')
    const urls = await storage.getTempUrls([b, missing, 'local://x/y.jpg', a], 600)
    expect(urls.map((u) => u.fileId)).toEqual([b, missing, 'local://x/y.jpg', a])
    expect(urls[0]!.url).toMatch(/scenes\/b\.jpg\?sign=s&t=600$/)
    expect(urls[1]!.url).toBeNull()
    expect(urls[2]!.url).toBeNull()
    expect(urls[3]!.url).toMatch(/users\/o1\/a\.jpg/)
    expect(cloud.callsOf('getTempFileURL')[0]!.params.fileList).toEqual([
      { fileID: b, maxAge: 600 },
      { fileID: missing, maxAge: 600 },
      { fileID: a, maxAge: 600 },
    ])
  })

  it('asks at most 50 files per call and nothing for an empty list', async () => {
    expect(await storage.getTempUrls([])).toEqual([])
    expect(cloud.callsOf('getTempFileURL')).toHaveLength(0)
    const ids = Array.from({ length: 120 }, (_, i) => idOf(`users/o1/${i}.jpg`))
    const urls = await storage.getTempUrls(ids)
    expect(urls).toHaveLength(120)
    expect(cloud.callsOf('getTempFileURL').map((c) => c.params.fileList.length)).toEqual([50, 50, 20])
    expect(cloud.callsOf('getTempFileURL')[0]!.params.fileList[0].maxAge).toBe(3600)
  })

  it('stays within the documented limits the fake enforces: 50 ids per call, maxAge at most one day', async () => {
    const ids = Array.from({ length: 51 }, (_, i) => idOf(`users/o1/${i}.jpg`))
    await expect(cloud.getTempFileURL({ fileList: ids })).rejects.toMatchObject({ errCode: -501007 })
    await expect(cloud.getTempFileURL({ fileList: [{ fileID: ids[0]!, maxAge: 86401 }] })).rejects.toMatchObject({ errCode: -501007 })
    cloud.files.set(ids[0]!, Buffer.from('x'))
    const [one] = await storage.getTempUrls([ids[0]!], 7 * 86400)
    expect(one!.url).toMatch(/^https:/)
    expect(cloud.callsOf('getTempFileURL').at(-1)!.params.fileList[0].maxAge).toBe(86400)
  })

  it('throws UNAVAILABLE when the whole call fails', async () => {
    cloud.handlers.getTempFileURL = async () => {
      throw new FakeCloudSDKError(-501001, 'getTempFileURL:fail')
    }
    await expect(storage.getTempUrls([idOf('users/o1/a.jpg')])).rejects.toMatchObject({ code: 'UNAVAILABLE' })
  })
})

describe('delete', () => {
  it('deletes in batches of 50; missing files are not an error', async () => {
    const a = (await storage.upload({ cloudPath: 'users/o1/a.jpg', content: Buffer.from('a') })).fileId
    const ids = [a, ...Array.from({ length: 60 }, (_, i) => idOf(`users/o1/missing-${i}.jpg`))]
    await storage.delete(ids)
    expect(cloud.files.has(a)).toBe(false)
    expect(cloud.callsOf('deleteFile').map((c) => c.params.fileList.length)).toEqual([50, 11])
    expect(logger.lines).toEqual([])
  })

  it('rejects on per-file failures other than "missing" (after trying every batch) and when the call itself fails', async () => {
    cloud.handlers.deleteFile = async ({ fileList }) => ({ fileList: fileList.map((fileID: string, i: number) => ({ fileID, status: i === 0 ? -503002 : 0, errMsg: i === 0 ? 'no auth' : 'ok' })) })
    const ids = Array.from({ length: 60 }, (_, i) => idOf(`users/o1/f-${i}.jpg`))
    // A caller that sees this keeps the files listed for a later sweep (works.files_to_remove).
    await expect(storage.delete(ids)).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    expect(cloud.callsOf('deleteFile').map((c) => c.params.fileList.length)).toEqual([50, 10])
    expect(logger.lines.join('\n')).toContain('storage_delete_partial')
    cloud.handlers.deleteFile = async () => {
      throw new FakeCloudSDKError(-501001, 'deleteFile:fail')
    }
    await expect(storage.delete([idOf('users/o1/a.jpg')])).rejects.toMatchObject({ code: 'UNAVAILABLE' })
  })
})

describe('stat', () => {
  it('answers size and owner from getTempFileURL + HEAD, without downloading', async () => {
    const { fileId } = await storage.upload({ cloudPath: 'users/o1/in/a.jpg', content: Buffer.alloc(1234) })
    expect(await storage.stat(fileId)).toEqual({ fileId, size: 1234, ownerOpenid: 'o1' })
    expect(cloud.callsOf('fetch')).toEqual([{ api: 'fetch', params: { url: expect.stringContaining('users/o1/in/a.jpg'), method: 'HEAD' } }])
    expect(cloud.callsOf('downloadFile')).toHaveLength(0)
    const shared = (await storage.upload({ cloudPath: 'scenes/s.jpg', content: Buffer.alloc(5) })).fileId
    expect(await storage.stat(shared)).toEqual({ fileId: shared, size: 5, ownerOpenid: null })
  })

  it('answers null for a missing file or a foreign id, without HEAD', async () => {
    expect(await storage.stat(idOf('users/o1/nope.jpg'))).toBeNull()
    expect(await storage.stat('local://users/o1/a.jpg')).toBeNull()
    expect(cloud.callsOf('fetch')).toHaveLength(0)
  })

  it('falls back to downloading when HEAD fails or gives no length', async () => {
    const { fileId } = await storage.upload({ cloudPath: 'users/o1/a.jpg', content: Buffer.alloc(77) })
    const noLength = createCloudStorage({ cloud, logger, fetch: (async () => new Response(null, { status: 200 })) as typeof fetch })
    expect(await noLength.stat(fileId)).toMatchObject({ size: 77 })
    const throwing = createCloudStorage({
      cloud,
      logger,
      fetch: (async () => {
        throw new TypeError('fetch failed')
      }) as typeof fetch,
    })
    expect(await throwing.stat(fileId)).toMatchObject({ size: 77, ownerOpenid: 'o1' })
    expect(cloud.callsOf('downloadFile')).toHaveLength(2)
  })
})
