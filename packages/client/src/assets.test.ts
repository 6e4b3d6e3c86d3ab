import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { requestIdSchema, sha256Schema } from '@aiphoto/contract'
import {
  createClient,
  createHttpUploader,
  createRequestId,
  devLogin,
  sha256Hex,
  uploadAsset,
  uploadCloudPath,
  type FetchLike,
  type GatewayRequest,
  type Uploader,
} from './index'

const bytes = new TextEncoder().encode('a garment photo, pretend JPEG bytes')

describe('sha256Hex', () => {
  it('matches node:crypto and the contract hash format', () => {
    for (const input of [new Uint8Array(0), bytes, new Uint8Array(100_000).fill(7)]) {
      const hex = sha256Hex(input)
      expect(hex).toBe(createHash('sha256').update(input).digest('hex'))
      expect(sha256Schema.safeParse(hex).success).toBe(true)
    }
  })
})

function fakeStorageServer(existing: string | null) {
  const sent: GatewayRequest[] = []
  const client = createClient({
    transport: async (req) => {
      sent.push(req)
      if (req.$url === 'storage/resolveAsset') return { success: true, data: { file_id: existing } }
      if (req.$url === 'storage/registerAsset') return { success: true, data: { file_id: req.file_id, deduplicated: false } }
      return { success: false, code: 'UNKNOWN_ACTION', message: '' }
    },
  })
  return { client, sent }
}

describe('uploadAsset', () => {
  const hash = createHash('sha256').update(bytes).digest('hex')

  it('reuses an already-stored file without uploading', async () => {
    const { client, sent } = fakeStorageServer('local://users/o1/uploads/x.jpg')
    const uploads: string[] = []
    const upload: Uploader = async ({ cloudPath }) => {
      uploads.push(cloudPath)
      return 'never'
    }
    const res = await uploadAsset(client, upload, { bytes, ext: 'jpg', openid: 'o1' })
    expect(res).toEqual({ file_id: 'local://users/o1/uploads/x.jpg', hash, size: bytes.byteLength, reused: true })
    expect(uploads).toEqual([])
    expect(sent.map((s) => s.$url)).toEqual(['storage/resolveAsset'])
    expect(sent[0]).toMatchObject({ hash, size: bytes.byteLength })
  })

  it('uploads a new file to the user path and registers it', async () => {
    const { client, sent } = fakeStorageServer(null)
    const uploads: Array<{ cloudPath: string; size: number; filePath?: string }> = []
    const upload: Uploader = async ({ cloudPath, bytes: b, filePath }) => {
      uploads.push({ cloudPath, size: b.byteLength, filePath })
      return `local://${cloudPath}`
    }
    const res = await uploadAsset(client, upload, { bytes, ext: 'PNG', openid: 'o1', filePath: 'wxfile://tmp/1.png' })
    expect(uploads).toEqual([{ cloudPath: `users/o1/uploads/${hash}.png`, size: bytes.byteLength, filePath: 'wxfile://tmp/1.png' }])
    expect(sent.map((s) => s.$url)).toEqual(['storage/resolveAsset', 'storage/registerAsset'])
    expect(sent[1]).toMatchObject({ hash, size: bytes.byteLength, file_id: `local://users/o1/uploads/${hash}.png` })
    expect(res.reused).toBe(false)
  })

  it('keeps odd extensions out of the cloud path', () => {
    expect(uploadCloudPath('o1', 'ab', '../../x')).toBe('users/o1/uploads/ab.jpg')
    expect(uploadCloudPath('o1', 'ab', '.jpeg')).toBe('users/o1/uploads/ab.jpeg')
  })
})

describe('H5 extras', () => {
  it('createHttpUploader PUTs raw bytes with the token and returns file_id', async () => {
    const calls: Array<{ url: string; init: Parameters<FetchLike>[1] }> = []
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, init })
      return { status: 200, text: async () => JSON.stringify({ success: true, data: { file_id: 'local://users/o1/uploads/h.jpg' } }) }
    }
    const upload = createHttpUploader({ baseUrl: 'http://x', fetch, getToken: () => 'tk' })
    await expect(upload({ cloudPath: 'users/o1/uploads/h.jpg', bytes })).resolves.toBe('local://users/o1/uploads/h.jpg')
    expect(calls[0]?.url).toBe('http://x/api/storage/upload?cloudPath=users%2Fo1%2Fuploads%2Fh.jpg')
    expect(calls[0]?.init.method).toBe('PUT')
    expect(calls[0]?.init.headers.authorization).toBe('Bearer tk')
    expect(calls[0]?.init.body).toBe(bytes)
  })

  it('createHttpUploader turns an error envelope into ApiError', async () => {
    const fetch: FetchLike = async () => ({ status: 403, text: async () => JSON.stringify({ success: false, code: 'FORBIDDEN', message: 'not your path' }) })
    const upload = createHttpUploader({ baseUrl: '', fetch, getToken: () => 'tk' })
    await expect(upload({ cloudPath: 'users/o2/uploads/h.jpg', bytes })).rejects.toMatchObject({ code: 'FORBIDDEN', message: '没有权限执行该操作' })
  })

  it('devLogin posts the nickname and returns token and openid', async () => {
    let sentBody = ''
    const fetch: FetchLike = async (url, init) => {
      expect(url).toBe('/api/dev/login')
      sentBody = String(init.body)
      return { status: 200, text: async () => JSON.stringify({ success: true, data: { token: 't.k', openid: 'dev_1' } }) }
    }
    await expect(devLogin({ baseUrl: '', fetch }, '小王')).resolves.toEqual({ token: 't.k', openid: 'dev_1' })
    expect(JSON.parse(sentBody)).toEqual({ nickname: '小王' })
  })
})

describe('createRequestId', () => {
  it('produces ids the contract accepts, different each time', () => {
    const ids = new Set(Array.from({ length: 200 }, () => createRequestId()))
    expect(ids.size).toBe(200)
    for (const id of ids) expect(requestIdSchema.safeParse(id).success).toBe(true)
  })

  it('still works without a crypto source', () => {
    const id = createRequestId((n) => new Uint8Array(n).fill(255))
    expect(requestIdSchema.safeParse(id).success).toBe(true)
  })
})
